"""Every write use case says what it changed (core.op_changes), and what it says is what it wrote:
each test compares the areas a service returns (and the runner's record of the same work) with the
areas of the tables whose rows really differ before and after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.op_changes import Area, OpChanges, recording
from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import CaseEdit, NewCase, act_on_case, add_note, edit_case, open_case, undo_last_step
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.reship_paste import bulk_ship
from desktop_app.store.change_tracking import AREA_OF_TABLE
from desktop_app.store.database import Database
from desktop_app.store.models import Base, Case, Order, OrderItem
from desktop_app.store.search import build_search_text

Snapshot = dict[str, set[tuple[str, ...]]]


def snapshot(db: Database) -> Snapshot:
    with db.reading() as session:
        return {table.name: {tuple(map(repr, row)) for row in session.execute(select(table)).all()}
                for table in Base.metadata.sorted_tables if table.name in AREA_OF_TABLE}


def really_written(before: Snapshot, after: Snapshot) -> OpChanges:
    return OpChanges(frozenset(AREA_OF_TABLE[name] for name in before if before[name] != after[name]))


def said(result: object) -> OpChanges:
    if isinstance(result, OpChanges):
        return result
    changes = getattr(result, "changes", None)
    assert isinstance(changes, OpChanges), f"{result!r} does not say what it changed"
    return changes


def check(db: Database, write: Callable[[], object], *, returns: bool = True) -> OpChanges:
    """Run `write`; what it returns and what was recorded for it must be what it wrote."""
    before = snapshot(db)
    with recording() as seen:
        result = write()
    written = really_written(before, snapshot(db))
    assert seen.changes == written
    if returns:
        assert said(result) == written
    return written


def add_order(db: Database, order_no: str) -> int:
    with db.transaction() as session:
        order = Order(order_key=f"douyin:{order_no}", platform="douyin", order_no=order_no, receiver="王小明",
                      phone="13800001234", paid_fen=5900, imported_at=parse_moment("2026-05-01 00:00").at,
                      search_text=build_search_text([order_no]))
        order.items.append(OrderItem(position=0, title="猫砂", spec="10kg", quantity=2))
        session.add(order)
        session.flush()
        return order.id


def reship_case(db: Database, order_no: str = "DY-1") -> int:
    add_order(db, order_no)
    return open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=parse_moment("2026-05-06 10:00")), author="测试").case_id


def version(db: Database, case_id: int) -> int:
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.version


def test_opening_a_case_on_a_new_order_says_orders_cases_and_deadlines(db: Database) -> None:
    written = check(db, lambda: open_case(db, NewCase(Platform.PDD, "261101-1", CaseKind.REFUND_ONLY,
                                                      requested=parse_moment("2026-05-06 10:00")), author="测试"))
    assert written == OpChanges.of(Area.ORDERS, Area.CASES, Area.DEADLINES)


def test_agreeing_a_reship_from_the_case_says_reships_and_deadlines(db: Database) -> None:
    case_id = reship_case(db)
    written = check(db, lambda: act_on_case(db, case_id, CaseAction.AGREE_RESHIP, author="测试",
                                            at=parse_moment("2026-05-06 12:00")))
    assert {Area.CASES, Area.RESHIPS, Area.DEADLINES} <= written.areas
    assert Area.ORDERS not in written and Area.CLAIMS not in written


def test_an_action_on_a_case_without_a_reship_does_not_say_reships(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261101-2", CaseKind.REFUND_ONLY), author="测试").case_id
    written = check(db, lambda: act_on_case(db, case_id, CaseAction.REFUND, author="测试"))
    assert Area.CASES in written and Area.RESHIPS not in written


def test_notes_edits_and_undo_say_cases_and_nothing_when_nothing_changed(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261101-3", CaseKind.REFUND_ONLY), author="测试").case_id
    assert check(db, lambda: add_note(db, case_id, "买家说明天补图", author="测试")) == OpChanges.of(Area.CASES)
    assert check(db, lambda: undo_last_step(db, case_id, author="测试")) == OpChanges.of(Area.CASES)
    same = CaseEdit(reason=None, refund_fen=None, compensation_fen=None, responsible=None, platform_case_no=None)
    assert check(db, lambda: edit_case(db, case_id, same, version(db, case_id), author="测试")) == OpChanges()
    edit = CaseEdit(reason=CaseReason.QUALITY, refund_fen=1200, compensation_fen=None, responsible=None,
                    platform_case_no=None)
    assert check(db, lambda: edit_case(db, case_id, edit, version(db, case_id), author="测试")) == OpChanges.of(
        Area.CASES)


def test_the_reship_use_cases_say_reships(db: Database) -> None:
    case_id = reship_case(db)
    items = [ReshipItemRow("猫砂", "10kg", 1)]
    assert check(db, lambda: reships.update_items(db, case_id, items, author="测试")) == OpChanges.of(
        Area.CASES, Area.RESHIPS)
    assert check(db, lambda: reships.update_items(db, case_id, items, author="测试")) == OpChanges()
    agreed = check(db, lambda: reships.agree(db, case_id, parse_moment("2026-05-06 12:00"), author="测试"))
    assert {Area.RESHIPS, Area.DEADLINES} <= agreed.areas
    shipped = check(db, lambda: reships.ship(db, case_id, "顺丰", "SF1234567890", parse_moment("2026-05-07 09:00"),
                                             author="测试"))
    assert {Area.CASES, Area.RESHIPS, Area.DEADLINES} <= shipped.areas


def test_a_pasted_list_and_a_promise_say_reships(db: Database) -> None:
    case_id = reship_case(db, "DY-2")
    reships.agree(db, case_id, parse_moment("2026-05-06 12:00"), author="测试")
    report = bulk_ship(db, "DY-2\tSF1234567890\n", author="测试")
    assert report.shipped == 1
    assert check(db, lambda: bulk_ship(db, "DY-2\tSF1234567890\n", author="测试")) == OpChanges()  # already
    promised = check(db, lambda: reships.record_promise(db, Platform.PDD, "261101-9", author="测试"))
    assert {Area.ORDERS, Area.CASES, Area.RESHIPS} <= promised.areas


def test_changing_the_kind_of_an_agreed_reship_says_reships(db: Database) -> None:
    case_id = reship_case(db, "DY-3")
    reships.agree(db, case_id, parse_moment("2026-05-06 12:00"), author="测试")
    written = check(db, lambda: change_case_kind(db, case_id, CaseKind.REFUND_ONLY, author="测试"))
    assert {Area.CASES, Area.RESHIPS} <= written.areas
    step = act_on_case(db, case_id, CaseAction.REFUND, author="测试")
    assert step.status is CaseStatus.REFUNDED


def test_claims_and_evidence_say_what_they_changed(db: Database, tmp_path: Path) -> None:
    order_id = add_order(db, "DY-4")
    # open_claim returns the claim's number only: the window still learns what it wrote (the record).
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id), "小林")
    ticket = ClaimTicket(ticket_no="ZT-778899", contact_level=None, contact="网点王经理", reported_at=None)
    # (its timeline entry is an audit event: `cases` too, as team mode's notices count it)
    assert Area.CLAIMS in check(db, lambda: set_claim_ticket(db, claim_id, ticket, author="测试"))
    assert check(db, lambda: set_claim_ticket(db, claim_id, ticket, author="测试")) == OpChanges()
    written = check(db, lambda: open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id), "小林"),
                    returns=False)
    assert Area.CLAIMS in written

    case_id = open_case(db, NewCase(Platform.PDD, "261101-5", CaseKind.REFUND_ONLY), author="测试").case_id
    photo = tmp_path / "破损.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    [evidence_id] = add_case_evidence(db, case_id, [photo], author="测试")
    assert check(db, lambda: remove_case_evidence(db, evidence_id, author="测试")) == OpChanges.of(Area.CASES)
