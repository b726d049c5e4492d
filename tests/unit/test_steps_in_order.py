"""A case's steps are recorded in the order they happened, and a step known only by its day counts on that day.

A tester's scenarios: a reship shipped --at a time before its agreement, a return shipped before it was agreed
(both went in, and the engine, which meets a timer only by a step at or after its start, kept the 48 h to ship
overdue with 3 元 at stake on a shipped case, and let the platform close a return the buyer had sent); a reship
shipped on the day it was agreed, given by its day only (`reship ship` refused it, `case act` recorded it and
left the same 3 元 at stake).
"""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import func, select
from test_seed_rules import MET, compute

from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction as A
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind as K
from desktop_app.core.vocabulary import CaseReason as R
from desktop_app.core.vocabulary import Platform
from desktop_app.services import reships
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, add_note, open_case, undo_last_step
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return, match_parcel, receive_return
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Case


def statuses(db: Database, case_id: int) -> dict[str, str]:
    with db.reading() as s:
        return {d.timer_id: d.status for d in case_deadlines(s, case_id)}


def douyin_reship(db: Database, order: str) -> int:
    """抖店 补寄 for a missing item, asked 11-20 10:00 and agreed 11-21 10:00 (seed 004: 48 h to ship)."""
    return open_case(db, NewCase(Platform.DOUYIN, order, K.RESHIP, R.MISSING_ITEM,
                                 requested=parse_moment("2026-11-20 10:00"),
                                 actions=((A.AGREE_RESHIP, parse_moment("2026-11-21 10:00")),)), author="店主").case_id


def test_seed004_a_reship_shipped_on_its_agreement_day_by_date_only_meets_the_48_hours() -> None:
    """seeds/004_e1a46d0aca1946af.txt:
    "若商家逾期未完成補(bǔ)寄發(fā)貨或未上傳對(duì)應(yīng)的真實(shí)物流單號(hào)至抖店平臺(tái)的,
    應(yīng)當(dāng)按照每單3元的標(biāo)準(zhǔn)向用戶進(jìn)行賠付".
    Shipped on 11-21, the day of the agreement at 10:00, known by the day only (stored at 00:00): shipped in
    time, not 3 元 lost."""
    found = compute("douyin", "reship", "missing_item", requested="2026-11-20 10:00",
                    reship_agreed="2026-11-21 10:00", reship_shipped="2026-11-21")
    assert found["reship_ship"].status is MET and found["reship_ship"].penalty_fen is None
    # Completed that day too, by its day only: closed after the agreement, the 48 h are in the case's history
    # (they "never ran" and were left out when the closing counted from 00:00).
    closed = compute("douyin", "reship", "missing_item", case_open=False, requested="2026-11-20 10:00",
                     reship_agreed="2026-11-21 10:00", reship_shipped="2026-11-21", completed="2026-11-21")
    assert closed["reship_ship"].status is MET and closed["reship_answer"].status is MET
    # A day before the agreement stays an earlier round's: it meets nothing of this one.
    early = compute("douyin", "reship", "missing_item", requested="2026-11-20 10:00",
                    reship_agreed="2026-11-21 10:00", reship_shipped="2026-11-20")
    assert early["reship_ship"].status is not MET


def test_a_reship_given_by_its_agreement_day_is_shipped_in_time(db: Database) -> None:
    by_queue = douyin_reship(db, "6923456789012345601")
    reships.ship(db, by_queue, "中通快递", "78123456789012", at=parse_moment("2026-11-21"), author="店主")
    by_case = douyin_reship(db, "6923456789012345602")
    act_on_case(db, by_case, A.SHIP_RESHIP, at=parse_moment("2026-11-21"), author="店主")
    for case_id in (by_queue, by_case):
        assert statuses(db, case_id)["reship_ship"] == "met"


def test_a_step_dated_before_the_last_step_is_refused_and_changes_nothing(db: Database) -> None:
    case_id = douyin_reship(db, "6923456789012345603")
    with db.reading() as s:
        events = s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == case_id))
    with pytest.raises(UserError, match="补发已发出的时间 2026-11-20 12:00 早于同意补发的时间 2026-11-21 10:00"):
        act_on_case(db, case_id, A.SHIP_RESHIP, at=parse_moment("2026-11-20 12:00"), author="店主")
    with pytest.raises(UserError, match="早于同意补发的时间"):
        reships.ship(db, case_id, "中通快递", "78123456789013", at=parse_moment("2026-11-20 12:00"), author="店主")
    with pytest.raises(UserError, match="补发已发出的时间 2026-11-20 早于"):
        reships.ship(db, case_id, "中通快递", "78123456789013", at=parse_moment("2026-11-20"), author="店主")
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "reship_agreed"
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == case_id)) == events
    assert statuses(db, case_id)["reship_ship"] == "open"


def test_a_return_shipped_before_its_agreement_is_refused_until_the_agreement_is_undone(db: Database) -> None:
    """The buyer's 7 days ran from the agreement and the shipping before it met nothing: the platform was
    shown closing the return the buyer had sent, and the 10 days to confirm ran beside it."""
    case_id = open_case(db, NewCase(Platform.PDD, "261121-000000000001", K.RETURN_REFUND, R.QUALITY,
                                    requested=parse_moment("2026-11-20 10:00"),
                                    actions=((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),))).case_id
    parcel = ReturnParcel.of("中通快递", "75123456789012")
    refused = r"买家已寄回的时间 2026-11-20 12:00 早于同意退货的时间 2026-11-21 10:00.*case undo"
    with pytest.raises(UserError, match=refused):
        buyer_shipped_return(db, case_id, parcel, at=parse_moment("2026-11-20 12:00"), author="店主")
    undo_last_step(db, case_id)  # the agreement's time was the mistake
    act_on_case(db, case_id, A.AGREE_RETURN, at=parse_moment("2026-11-20 11:00"), author="店主")
    buyer_shipped_return(db, case_id, parcel, at=parse_moment("2026-11-20 12:00"), author="店主")
    found = statuses(db, case_id)
    assert found["buyer_ship_return"] == "met" and found["seller_confirm_return"] == "open"


def test_the_returns_desk_receives_a_parcel_after_the_steps_typed_later(db: Database) -> None:
    """The parcel came 11-25; the buyer's shipping was typed on 12-01 without a time (recorded then): the
    receipt is the step after it, so the 10 days to confirm are met, not left to the platform's refund."""
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461099", K.RETURN_REFUND, R.QUALITY,
                                    requested=parse_moment("2026-11-20 10:00"),
                                    actions=((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),))).case_id
    buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", "75123456789077"),
                         at=parse_moment("2026-12-01 09:00"), author="店主")
    received = receive_return(db, "75123456789077", InspectionResult.GOOD, at=parse_moment("2026-11-25 11:00"),
                              author="仓库")
    assert received.matched
    assert statuses(db, case_id)["seller_confirm_return"] == "met"


def test_a_change_of_kind_dated_before_the_last_step_is_refused(db: Database) -> None:
    """The change is the request of the new kind (its answer timers run from it): dated before the agreement
    it was recorded, and the refund-only request's timers ran from a time before the return was agreed."""
    case_id = open_case(db, NewCase(Platform.TMALL, "4145384019161461098", K.RETURN_REFUND, R.QUALITY,
                                    requested=parse_moment("2026-11-20 10:00"),
                                    actions=((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),))).case_id
    with pytest.raises(UserError, match="修改售后类型的时间 2026-11-20 12:00 早于同意退货的时间 2026-11-21 10:00"):
        change_case_kind(db, case_id, K.REFUND_ONLY, at=parse_moment("2026-11-20 12:00"))
    changed = change_case_kind(db, case_id, K.REFUND_ONLY, at=parse_moment("2026-11-22 12:00"))
    assert changed.status.value == "processing"


def test_a_step_dated_before_the_request_is_refused_naming_both_times(db: Database) -> None:
    """A case typed in now (the request's time defaults to that moment), then its agreement --at yesterday: the
    抖店 answer timer (seed 004 "48小時") ran from after the agreement and chained a second 48 h to ship from the
    platform's automatic agreement beside the first, overdue, with 3 元 twice. Refused now, both times named."""
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345610", K.RESHIP, R.MISSING_ITEM,
                                    requested=parse_moment("2026-11-22 09:00")), author="店主").case_id
    with pytest.raises(UserError, match="同意补发的时间 2026-11-21 10:00 早于买家申请的时间 2026-11-22 09:00"):
        act_on_case(db, case_id, A.AGREE_RESHIP, at=parse_moment("2026-11-21 10:00"), author="店主")
    with pytest.raises(UserError, match="case add --requested-at"):
        reships.agree(db, case_id, at=parse_moment("2026-11-21"), author="店主")
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.status == "pending"
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.case_id == case_id)) == 1
    # By its day only, the request's day is after the request that day.
    act_on_case(db, case_id, A.AGREE_RESHIP, at=parse_moment("2026-11-22"), author="店主")
    assert statuses(db, case_id) == {"reship_answer": "met", "reship_ship": "open"}


def test_a_case_typed_with_its_agreement_and_no_request_time_asked_by_then(db: Database) -> None:
    """`case add --agreed-at` yesterday without --requested-at: the request is no later than the agreement (it was
    'now', after it, and the step came before its own request)."""
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345611", K.RESHIP, R.MISSING_ITEM,
                                    actions=((A.AGREE_RESHIP, parse_moment("2026-11-21 10:00")),))).case_id
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.requested_at is not None
        assert case.requested_at.replace(tzinfo=None) == parse_moment("2026-11-21 02:00").at.replace(tzinfo=None)
    # One 48 h to ship, from the agreement (seed 004), not a second one from an automatic agreement after it.
    assert statuses(db, case_id) == {"reship_answer": "met", "reship_ship": "open"}


def test_the_undo_hint_names_case_undo_only_where_it_reaches_the_step(db: Database) -> None:
    """The latest step given by its day only (a reship shipped 11-21, after its agreement at 10:00 that day): a step
    --at 11-21 09:00 is refused against the agreement, whose `case undo` hint pointed at a step that cannot be
    undone (the undo takes the parcel sent first, and never does). A note after an agreement: two undos."""
    shipped = douyin_reship(db, "6923456789012345612")
    act_on_case(db, shipped, A.SHIP_RESHIP, at=parse_moment("2026-11-21"), author="店主")
    with pytest.raises(UserError) as refused:
        act_on_case(db, shipped, A.COMPLETE, at=parse_moment("2026-11-21 09:00"), author="店主")
    said = str(refused.value)
    assert "完成的时间 2026-11-21 09:00 早于同意补发的时间 2026-11-21 10:00" in said
    assert "case undo" not in said and "撤销改不到同意补发（“补发已发出”无法撤销：补发的包裹已经寄出）" in said
    assert "这一步请记录为 2026-11-21 10:00 或之后" in said
    noted = open_case(db, NewCase(Platform.PDD, "261121-000000000002", K.RETURN_REFUND, R.QUALITY,
                                  requested=parse_moment("2026-11-20 10:00"),
                                  actions=((A.AGREE_RETURN, parse_moment("2026-11-21 10:00")),))).case_id
    add_note(db, noted, "买家说周一寄")
    with pytest.raises(UserError, match=r"同意退货的时间 2026-11-21 10:00.*case undo \d+，共 2 次"):
        act_on_case(db, noted, A.BUYER_SHIPPED_RETURN, at=parse_moment("2026-11-20 12:00"), author="店主")


def test_a_parcel_that_came_before_the_request_was_typed_is_received_after_it(db: Database) -> None:
    """A 无主件 scanned 11-25 and matched to a return the after-sales import brought in later as 等待买家退货 (asked
    11-26 10:00 by the platform's list, no step of the shop's): the receipt came before the request and was refused
    like a step typed before it. It is recorded at the request (the parcel's own time stays on its inspection)."""
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461097", K.RETURN_REFUND, R.QUALITY,
                                    requested=parse_moment("2026-11-26 10:00"))).case_id
    with db.transaction() as s:  # as an import leaves it: the platform's status, no step of the shop's
        case = s.get(Case, case_id)
        assert case is not None
        case.status = "awaiting_return"
    kept = receive_return(db, "75123456789055", InspectionResult.GOOD, at=parse_moment("2026-11-25 11:00"),
                          author="仓库")
    assert not kept.matched and kept.parcel is not None
    done = match_parcel(db, kept.parcel.id, case_id, author="仓库").value
    assert done.received
    with db.reading() as s:
        receipt = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                     AuditEvent.action == A.RECEIVE_RETURN.value)).one()
        assert receipt.at.replace(tzinfo=receipt.at.tzinfo or UTC) == parse_moment("2026-11-26 10:00").at
