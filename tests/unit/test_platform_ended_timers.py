"""A timer the platform's own later action ends (issue 13): 淘宝 refunds a refund-only request by itself
when the shop's (assumed) 5 days to answer run out, which also ends the 72 h after which the buyer may
ask the platform to step in. Overdue from its due until the refund, no work from then on: in the lists,
the overdue count, the calendar and the Cases table's 下一个时限 — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import count_open_by_day, count_overdue, list_deadlines
from tests.unit.test_deadline_service import add_case, add_event, at

REQUESTED = at("2026-11-20 10:00")
ESCALATION_DUE = at("2026-11-23 10:00")  # 72 h
REFUNDED = at("2026-11-25 10:00")  # day 5: the platform refunds by itself


def refund_only(db: Database) -> int:
    case_id = add_case(db, "taobao", "refund_only", "quality", "TB-END")
    add_event(db, case_id, "requested", REQUESTED)
    return case_id


def test_the_72_hours_are_overdue_until_the_platform_refunds_then_no_work(db: Database) -> None:
    case_id = refund_only(db)
    before, overdue, after = at("2026-11-22 10:00"), at("2026-11-24 10:00"), at("2026-11-26 10:00")
    with db.reading() as s:
        rows = {r.timer_id: r for r in list_deadlines(s, case_id=case_id, include_all=True, now=after)}
        escalation = rows["refund_intervention"]
        assert (escalation.due_at, escalation.status, escalation.met_at) == (ESCALATION_DUE, DeadlineStatus.OPEN,
                                                                             REFUNDED)
        assert not escalation.settled(overdue) and escalation.settled(after)
        assert [r.timer_id for r in list_deadlines(s, overdue=True, now=overdue)] == ["refund_intervention"]
        assert list_deadlines(s, overdue=True, now=after) == []
        assert [count_overdue(s, now=m) for m in (before, overdue, after)] == [0, 1, 0]
        november = [count_open_by_day(s, date(2026, 11, 1), date(2026, 11, 30), now=m) for m in (overdue, after)]
        assert november[0][date(2026, 11, 23)].overdue == 1 and date(2026, 11, 23) not in november[1]


def test_the_cases_next_deadline_follows_the_platform_with_the_clock(db: Database) -> None:
    case_id = refund_only(db)
    with db.reading() as s:
        row = case_row(s, case_id)
    assert row.next_due(at("2026-11-22 10:00")) == (ESCALATION_DUE, "处理售后申请（72小时后买家可申请介入）")
    # The 72 h ran out, the answer can still be given until day 5: the escalation wait is overdue.
    assert row.next_due(at("2026-11-24 10:00"))[0] == ESCALATION_DUE
    # Refunded by the platform: nothing left to do, and the case says who acted.
    assert row.next_due(at("2026-11-26 10:00")) == (None, None)
    assert row.acted_alone(at("2026-11-26 10:00")) == "处理仅退款申请（5天）（时长为估计）"


def test_after_the_platform_agreed_to_a_return_the_buyers_days_show(db: Database) -> None:
    """拼多多 agrees to a return by itself after 48 h: the case shows the buyer's 7 days to send it (the
    shop waits for the parcel), and once those ran out the platform closed the request by itself."""
    case_id = add_case(db, "pdd", "return_refund", "quality", "PDD-END")
    add_event(db, case_id, "requested", at("2026-11-20 10:00"))
    with db.reading() as s:
        row = case_row(s, case_id)
    shown = row.shown(at("2026-11-21 10:00"))
    assert shown.timer is not None and shown.timer.name == "处理退货退款/换货申请（48小时）（时长为估计）"
    assert shown.then is not None and shown.then.due_at == at("2026-11-29 10:00")  # the tooltip's "then"
    due, name = row.next_due(at("2026-11-23 10:00"))
    assert due == at("2026-11-29 10:00") and name is not None and name.startswith("买家寄回退货")
    assert row.next_due(at("2026-11-30 10:00")) == (None, None)
    assert (row.acted_alone(at("2026-11-30 10:00")) or "").startswith("买家寄回退货")
