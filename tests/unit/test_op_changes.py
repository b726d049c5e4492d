"""Every write use case says what it changed (core.op_changes), and what it says is what it wrote:
each test compares the areas a service returns (and the runner's record of the same work) with the
areas of the tables whose rows really differ before and after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aftersales_files import TB_HEADER, tb_row
from aftersales_files import write_csv as as_csv
from order_files import PDD_HEADER, pdd_row, write_csv
from sqlalchemy import select

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.op_changes import SHOP_SUBJECT, Area, OpChanges, recording
from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.returns import InspectionResult
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.bulk import act_on_cases
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.case_import import import_cases
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import CaseEdit, NewCase, act_on_case, add_note, edit_case, open_case, undo_last_step
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claims import (
    ClaimEdit,
    NewClaim,
    act_on_claim,
    add_claim_note,
    add_evidence,
    edit_claim,
    link_case,
    link_reship,
    link_reship_case,
    open_claim,
    remove_evidence,
    set_follow_up,
)
from desktop_app.services.deadlines import recompute_all, recompute_changed_rules
from desktop_app.services.order_campaign import set_order_campaign
from desktop_app.services.order_import import import_files
from desktop_app.services.playbooks import check_step, load_playbooks, load_policies, set_policy
from desktop_app.services.product_costs import import_product_costs
from desktop_app.services.reship_paste import bulk_ship
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return, match_parcel, receive_return
from desktop_app.services.shop_profile import save_shop_profile
from desktop_app.store.change_tracking import AREA_OF_TABLE
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Base, Case, Order, OrderItem
from desktop_app.store.search import build_search_text

Snapshot = dict[str, set[tuple[str, ...]]]


_SHOP_ENTRIES = "audit_events of the shop"  # the audit trail's entries of the shop's own data are 设置's


def snapshot(db: Database) -> Snapshot:
    with db.reading() as session:
        taken = {table.name: {tuple(map(repr, row)) for row in session.execute(select(table)).all()}
                 for table in Base.metadata.sorted_tables if table.name in AREA_OF_TABLE}
        shop = {tuple(map(repr, row)) for row in session.execute(
            select(AuditEvent.__table__).where(AuditEvent.subject == SHOP_SUBJECT)).all()}
    taken["audit_events"] -= shop
    taken[_SHOP_ENTRIES] = shop
    return taken


def really_written(before: Snapshot, after: Snapshot) -> OpChanges:
    areas = {**AREA_OF_TABLE, _SHOP_ENTRIES: Area.SETTINGS}
    return OpChanges(frozenset(areas[name] for name in before if before[name] != after[name]))


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
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id), "小林").claim_id
    ticket = ClaimTicket(ticket_no="ZT-778899", contact_level=None, contact="网点王经理", reported_at=None)
    # (its timeline entry is an audit event: `cases` too, as team mode's notices count it)
    assert Area.CLAIMS in check(db, lambda: set_claim_ticket(db, claim_id, ticket, author="测试"))
    assert check(db, lambda: set_claim_ticket(db, claim_id, ticket, author="测试")) == OpChanges()
    written = check(db, lambda: open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id, again=True), "小林"))
    assert Area.CLAIMS in written

    case_id = open_case(db, NewCase(Platform.PDD, "261101-5", CaseKind.REFUND_ONLY), author="测试").case_id
    photo = tmp_path / "破损.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    [evidence_id] = add_case_evidence(db, case_id, [photo], author="测试").value
    assert check(db, lambda: remove_case_evidence(db, evidence_id, author="测试")) == OpChanges.of(Area.CASES)


def test_claim_use_cases_say_claims_and_nothing_when_nothing_changed(db: Database, tmp_path: Path) -> None:
    order_id = add_order(db, "DY-5")
    case_id = open_case(db, NewCase(Platform.DOUYIN, "DY-5", CaseKind.RESHIP, CaseReason.LOST,
                                    requested=parse_moment("2026-05-06 10:00")), author="测试").case_id
    opened = check(db, lambda: open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id), "小林"))
    assert Area.CLAIMS in opened
    with db.reading() as session:
        claim_id = max(row.id for row in session.execute(select(Base.metadata.tables["carrier_claims"])).all())
    assert Area.CLAIMS in check(db, lambda: act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, author="测"))
    when = parse_moment("2026-06-01 10:00").at
    assert Area.CLAIMS in check(db, lambda: set_follow_up(db, claim_id, when, author="测"))
    assert check(db, lambda: set_follow_up(db, claim_id, when, author="测")) == OpChanges()
    edit = ClaimEdit(claimed_fen=5000, declared_fen=None, carrier="顺丰", tracking_no="SF1234567890",
                     description=None, incident=ClaimIncident.LOST)
    assert Area.CLAIMS in check(db, lambda: edit_claim(db, claim_id, edit, author="测"))
    assert check(db, lambda: edit_claim(db, claim_id, edit, author="测")) == OpChanges()
    assert Area.CLAIMS in check(db, lambda: add_claim_note(db, claim_id, "网点说周五回复", author="测"))
    assert Area.CLAIMS in check(db, lambda: link_case(db, claim_id, case_id, author="测"))
    assert check(db, lambda: link_case(db, claim_id, case_id, author="测")) == OpChanges()
    reships.agree(db, case_id, parse_moment("2026-05-06 12:00"), author="测试")
    assert Area.CLAIMS in check(db, lambda: link_reship_case(db, claim_id, case_id, author="测"))
    assert check(db, lambda: link_reship(db, claim_id, None, author="测")).claims
    photo = tmp_path / "面单.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    added = add_evidence(db, claim_id, [photo], author="测")
    assert added.changes.claims and len(added.value) == 1
    assert Area.CLAIMS in check(db, lambda: remove_evidence(db, added.value[0], author="测"))
    paid = check(db, lambda: act_on_claim(db, claim_id, ClaimAction.PAY, amount_fen=5000, author="测"))
    assert Area.CLAIMS in paid


def test_returns_costs_campaigns_playbooks_and_profiles_say_what_they_changed(db: Database, tmp_path: Path) -> None:
    order_id = add_order(db, "DY-6")
    case_id = open_case(db, NewCase(Platform.DOUYIN, "DY-6", CaseKind.RETURN_REFUND, CaseReason.QUALITY),
                        author="测试").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RETURN, author="测试")
    parcel = ReturnParcel("圆通", "YT1234567890123")
    assert Area.CASES in check(db, lambda: buyer_shipped_return(db, case_id, parcel, author="测"))
    received = check(db, lambda: receive_return(db, "YT1234567890123", InspectionResult.GOOD, author="测"))
    assert Area.CASES in received
    stray = check(db, lambda: receive_return(db, "SF9999999999", InspectionResult.DEFECTIVE, author="测"))
    assert stray == OpChanges.of(Area.CASES)  # the unmatched parcel (无主件) is shown with the returns
    other = open_case(db, NewCase(Platform.DOUYIN, "DY-6", CaseKind.RETURN_REFUND), author="测试").case_id
    with db.reading() as session:
        parcel_id = max(r.id for r in session.execute(select(Base.metadata.tables["unmatched_parcels"])).all())
    assert Area.CASES in check(db, lambda: match_parcel(db, parcel_id, other, author="测"))

    costs = CaseCosts(postage_out_fen=800)
    assert check(db, lambda: set_case_costs(db, case_id, costs, author="测")) == OpChanges.of(Area.CASES)
    assert check(db, lambda: set_case_costs(db, case_id, costs, author="测")) == OpChanges()

    marked = check(db, lambda: set_order_campaign(db, order_id, None))
    assert marked == OpChanges()

    library = load_playbooks()
    playbook = library.playbooks[0]
    step = playbook.steps[0].id
    assert check(db, lambda: check_step(db, case_id, playbook, step, author="测")) == OpChanges.of(Area.CASES)
    assert check(db, lambda: check_step(db, case_id, playbook, step, author="测")) == OpChanges()
    policies = load_policies()
    assert check(db, lambda: set_policy(db, policies, policies[0].id, True)) == OpChanges.of(Area.SETTINGS)
    assert check(db, lambda: save_shop_profile(db, ShopProfile(name="好物小店"))) == OpChanges.of(Area.SETTINGS)
    sheet = tmp_path / "成本.csv"
    sheet.write_text("商家编码,成本价\nSKU-1,12.50\n", encoding="utf-8")
    imported = check(db, lambda: import_product_costs(db, sheet))
    assert imported == OpChanges.of(Area.SETTINGS)
    assert check(db, lambda: import_product_costs(db, sheet)) == OpChanges()


def test_bulk_actions_say_what_their_cases_changed(db: Database) -> None:
    ids = [reship_case(db, f"DY-B{n}") for n in range(3)]
    outcome = check(db, lambda: act_on_cases(db, [*ids, 404], CaseAction.AGREE_RESHIP, author="测"))
    assert {Area.CASES, Area.RESHIPS, Area.DEADLINES} <= outcome.areas
    assert check(db, lambda: act_on_cases(db, [404], CaseAction.AGREE_RESHIP, author="测")) == OpChanges()


def test_an_order_import_says_orders_and_the_cases_it_gave_their_order_facts(db: Database, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row("261101-000000000000002")])
    assert Area.CASES not in check(db, lambda: import_files(db, [sheet]))  # no case of these orders
    sheet = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row("261101-000000000000001")])
    open_case(db, NewCase(Platform.PDD, "261101-000000000000001", CaseKind.REFUND_ONLY), author="测试")
    written = check(db, lambda: import_files(db, [sheet]))  # the placeholder's case gets courier and goods
    assert Area.ORDERS in written and Area.CASES in written
    assert check(db, lambda: import_files(db, [sheet])) == OpChanges()  # the same file again: nothing


def test_recomputes_say_what_they_rewrote_and_nothing_when_nothing_changed(db: Database) -> None:
    reship_case(db, "DY-R")
    check(db, lambda: recompute_all(db))  # (may store digests the case event did not)
    assert check(db, lambda: recompute_all(db)) == OpChanges()
    assert check(db, lambda: recompute_changed_rules(db)) == OpChanges()


def test_an_after_sales_import_says_what_it_wrote(db: Database, tmp_path: Path) -> None:
    sheet = as_csv(tmp_path / "tb.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001", returns="是")])
    written = check(db, lambda: import_cases(db, [sheet]))
    assert {Area.ORDERS, Area.CASES, Area.DEADLINES} <= written.areas  # a placeholder order for the request
    assert check(db, lambda: import_cases(db, [sheet])) == OpChanges()  # the same export again
    later = as_csv(tmp_path / "tb2.csv", [TB_HEADER, tb_row("100000000000000001", "2000000000000000001", returns="是",
                                                            status="卖家已经同意退款，等待买家退货")])
    assert Area.CASES in check(db, lambda: import_cases(db, [later]))
