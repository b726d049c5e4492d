"""The deadline engine: every documented timer pinned with concrete dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.core.clock import CHINA, Moment, parse_moment
from desktop_app.core.deadline_display import Urgency, format_remaining, urgency
from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, Milestones, compute_from_history
from desktop_app.core.rule_packs import PACK_NAMES, RulePack
from desktop_app.core.working_days import WorkdayCalendar
from desktop_app.io.holiday_schedule_file import read_schedule, shipped_schedule_path
from desktop_app.io.rule_pack_files import load_pack

CALENDAR = WorkdayCalendar(schedule=read_schedule(shipped_schedule_path()))

OPEN = DeadlineStatus.OPEN
MET = DeadlineStatus.MET
MISSED = DeadlineStatus.MISSED


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def ms(**events: str) -> dict[str, tuple[datetime, bool]]:
    """Milestones from 'YYYY-MM-DD HH:MM' (exact) or 'YYYY-MM-DD' (date only) strings."""
    result = {}
    for name, text in events.items():
        moment: Moment = parse_moment(text)
        result[name] = (moment.at, moment.date_only)
    return result


def compute_deadlines(pack: RulePack, *, kind: str, reason: str | None, case_open: bool, milestones: Milestones,
                      calendar: WorkdayCalendar | None = None) -> list[ComputedDeadline]:
    """The deadlines when each milestone happened once."""
    return compute_from_history(pack, kind=kind, reason=reason, case_open=case_open, calendar=calendar,
                                history={name: (value,) for name, value in milestones.items()})


def compute(pack: str | RulePack, kind: str, reason: str | None = None, case_open: bool = True,
            **events: str) -> dict[str, ComputedDeadline]:
    rules = load_pack(pack) if isinstance(pack, str) else pack
    found = compute_deadlines(rules, kind=kind, reason=reason, case_open=case_open, milestones=ms(**events),
                              calendar=CALENDAR)
    return {d.timer_id: d for d in found}


# --- 7-day no-reason return ------------------------------------------------------------------


@pytest.mark.parametrize("pack", PACK_NAMES)
def test_seven_day_window_from_an_exact_signing_time(pack: str) -> None:
    d = compute(pack, "return_refund", "no_reason_7d", signed="2026-03-10 14:23:05")["no_reason_window"]
    assert d.starts_at == at("2026-03-10 14:23:05")
    assert d.due_at == at("2026-03-17 14:23:05")  # + 168 h
    assert d.status is OPEN


def test_seven_day_window_from_a_date_only_signing_starts_next_midnight() -> None:
    d = compute("taobao", "return_refund", "no_reason_7d", signed="2026-03-10")["no_reason_window"]
    assert d.starts_at == at("2026-03-11 00:00")
    assert d.due_at == at("2026-03-18 00:00")


def test_seven_day_window_met_by_the_request_or_missed_by_a_late_one() -> None:
    inside = compute("taobao", "return_refund", "no_reason_7d", signed="2026-03-10",
                     requested="2026-03-17 23:59")["no_reason_window"]
    assert (inside.status, inside.met_at) == (MET, at("2026-03-17 23:59"))
    late = compute("taobao", "return_refund", "no_reason_7d", signed="2026-03-10 09:00",
                   requested="2026-03-17 09:01")["no_reason_window"]
    assert late.status is MISSED


def test_seven_day_window_only_for_no_reason_returns() -> None:
    assert "no_reason_window" not in compute("taobao", "return_refund", "quality", signed="2026-03-10")
    assert "no_reason_window" not in compute("taobao", "reship", "missing_item", signed="2026-03-10")


# --- Douyin reship (补寄) --------------------------------------------------------------------


def test_douyin_reship_answer_within_48_hours_else_auto_agreed() -> None:
    d = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00")["reship_answer"]
    assert (d.due_at, d.action, d.status) == (at("2026-05-08 10:00"), "自动同意补寄", OPEN)
    agreed = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00",
                     reship_agreed="2026-05-07 09:00")["reship_answer"]
    assert (agreed.status, agreed.met_at) == (MET, at("2026-05-07 09:00"))
    refused = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00", rejected="2026-05-06 11:00",
                      case_open=False)["reship_answer"]
    assert (refused.status, refused.met_at) == (MET, at("2026-05-06 11:00"))
    late = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00",
                   reship_agreed="2026-05-08 10:01")["reship_answer"]
    assert late.status is MISSED


def test_douyin_ship_within_48_hours_of_agreeing_else_3_yuan() -> None:
    found = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00",
                    reship_agreed="2026-05-07 09:00")
    d = found["reship_ship"]
    assert d.starts_at == at("2026-05-07 09:00")
    assert d.due_at == at("2026-05-09 09:00")
    assert d.action == "赔付3元，买家可申请平台介入"
    assert d.penalty is not None and "3元" in d.penalty
    assert "reship_ship_not_received" not in found
    shipped = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00",
                      reship_agreed="2026-05-07 09:00", reship_shipped="2026-05-09 08:59")["reship_ship"]
    assert shipped.status is MET


def test_douyin_not_received_agreed_but_late_means_full_refund() -> None:
    found = compute("douyin", "reship", "not_received", requested="2026-05-06 10:00",
                    reship_agreed="2026-05-07 09:00")
    assert "reship_ship" not in found
    d = found["reship_ship_not_received"]
    assert (d.due_at, d.action) == (at("2026-05-09 09:00"), "自动全额退款")


# --- Taobao / Tmall --------------------------------------------------------------------------


def test_taobao_intervention_possible_72_hours_after_a_refund_request() -> None:
    d = compute("taobao", "refund_only", "not_received", requested="2026-04-01 20:15")["refund_intervention"]
    assert (d.due_at, d.action) == (at("2026-04-04 20:15"), "可申请平台介入")
    refunded = compute("taobao", "refund_only", "not_received", requested="2026-04-01 20:15",
                       refunded="2026-04-02 08:00", case_open=False)["refund_intervention"]
    assert refunded.status is MET


def test_taobao_seven_day_return_request_unanswered_72_hours_is_agreed() -> None:
    d = compute("taobao", "return_refund", "no_reason_7d", requested="2026-04-01 20:15")["seller_answer_return"]
    assert (d.due_at, d.action, d.window) == (at("2026-04-04 20:15"), "自动同意退货", None)


def test_taobao_buyer_ships_the_return_within_7_days_of_agreement() -> None:
    d = compute("taobao", "return_refund", "quality", requested="2026-04-01 20:15",
                return_agreed="2026-04-02 09:30")["buyer_ship_return"]
    assert (d.due_at, d.action) == (at("2026-04-09 09:30"), "自动关闭退款（买家未寄回）")
    shipped = compute("taobao", "return_refund", "quality", requested="2026-04-01 20:15",
                      return_agreed="2026-04-02 09:30", return_shipped="2026-04-05 12:00")["buyer_ship_return"]
    assert shipped.status is MET


def test_taobao_seller_confirms_the_returned_parcel_within_10_days_else_auto_refund() -> None:
    found = compute("taobao", "return_refund", "quality", requested="2026-04-01 20:15",
                    return_agreed="2026-04-02 09:30", return_shipped="2026-04-05 12:00")
    d = found["seller_confirm_return"]
    assert (d.starts_at, d.due_at, d.action) == (at("2026-04-05 12:00"), at("2026-04-15 12:00"), "自动退款")


def test_tmall_merchant_inaction_5_days_refunds_automatically() -> None:
    found = compute("tmall", "refund_only", "changed_mind", requested="2026-04-01 20:15")
    d = found["seller_answer_request"]
    assert (d.due_at, d.action, d.name) == (at("2026-04-06 20:15"), "自动退款", "商家处理退款申请（5天）")
    assert "refund_intervention" in found  # Taobao's timers apply to Tmall too
    # Taobao's own answer timer has the same id, an assumed figure, and says so in its name.
    taobao = compute("taobao", "refund_only", requested="2026-04-01 20:15")["seller_answer_request"]
    assert taobao.name.endswith("（时长为估计）") and taobao.action == "自动退款"


def test_after_sales_period_15_days_after_trade_succeeded() -> None:
    for pack in ("taobao", "douyin", "pdd", "generic"):
        d = compute(pack, "reship", "missing_item", trade_succeeded="2026-06-01 18:00")["aftersales_window"]
        assert d.due_at == at("2026-06-16 18:00")
        assert d.action.startswith("售后期结束")


def test_ship_by_72_hours_after_payment_and_7_days_in_double11() -> None:
    normal = compute("taobao", "refund_only", "late_shipment", paid="2025-10-01 10:00")["ship_by"]
    assert (normal.due_at, normal.window) == (at("2025-10-04 10:00"), None)
    d11 = compute("taobao", "refund_only", "late_shipment", paid="2025-11-05 10:00")["ship_by"]
    assert (d11.due_at, d11.window) == (at("2025-11-12 10:00"), "double11_2025")
    shipped = compute("tmall", "refund_only", "late_shipment", paid="2025-11-05 10:00",
                      shipped="2025-11-07 10:00")["ship_by"]
    assert shipped.status is MET


# --- date-windowed overrides (Spring Festival) -----------------------------------------------


def test_request_inside_the_2022_spring_festival_window_gets_15_days() -> None:
    d = compute("taobao", "return_refund", "no_reason_7d", requested="2022-01-30 10:00")["seller_answer_return"]
    assert d.due_at == at("2022-02-14 10:00")
    assert d.window == "spring_festival_2022"
    # The intervention timer is not part of the window: still 72 h.
    assert compute("taobao", "return_refund", "no_reason_7d",
                   requested="2022-01-30 10:00")["refund_intervention"].due_at == at("2022-02-02 10:00")


def test_2022_window_edges() -> None:
    first = compute("taobao", "return_refund", "no_reason_7d", requested="2022-01-25 00:00")["seller_answer_return"]
    assert first.due_at == at("2022-02-09 00:00")
    last = compute("taobao", "return_refund", "no_reason_7d",
                   requested="2022-02-08 23:59:59")["seller_answer_return"]
    assert last.due_at == at("2022-02-23 23:59:59")
    after = compute("taobao", "return_refund", "no_reason_7d", requested="2022-02-09 00:00")["seller_answer_return"]
    assert (after.due_at, after.window) == (at("2022-02-12 00:00"), None)
    before = compute("taobao", "return_refund", "no_reason_7d",
                     requested="2022-01-24 23:59")["seller_answer_return"]
    assert before.due_at == at("2022-01-27 23:59")


def test_2022_window_return_timers_20_days() -> None:
    found = compute("taobao", "return_refund", "quality", requested="2022-01-26 09:00",
                    return_agreed="2022-01-27 09:00", return_shipped="2022-02-03 15:00")
    assert found["buyer_ship_return"].due_at == at("2022-02-16 09:00")
    assert found["seller_confirm_return"].due_at == at("2022-02-23 15:00")


def test_2020_window_seller_15_buyer_25_confirm_20_days() -> None:
    found = compute("tmall", "return_refund", "no_reason_7d", requested="2020-01-17 00:00",
                    return_agreed="2020-01-20 10:00", return_shipped="2020-02-02 23:00")
    assert found["seller_answer_return"].due_at == at("2020-02-01 00:00")
    assert found["buyer_ship_return"].due_at == at("2020-02-14 10:00")
    assert found["seller_confirm_return"].due_at == at("2020-02-22 23:00")
    assert {found[t].window for t in ("seller_answer_return", "seller_confirm_return")} == {"spring_festival_2020"}
    # Rule 2 is keyed to the seller's agreement, not to the request.
    assert found["buyer_ship_return"].window == "spring_festival_2020_return_info"


def test_the_request_decides_the_window_not_each_timers_start() -> None:
    # Requested inside the 2022 window, buyer shipped after it: the confirm timer still runs 20 days.
    found = compute("taobao", "return_refund", "quality", requested="2022-02-01 09:00",
                    return_agreed="2022-02-08 09:00", return_shipped="2022-02-10 09:00")
    assert found["buyer_ship_return"].due_at == at("2022-02-28 09:00")
    assert found["seller_confirm_return"].due_at == at("2022-03-02 09:00")
    # Requested before the window, the return shipped inside it: the normal 10 days (the platform
    # refunds after 10; showing 20 would be the dangerous direction).
    before = compute("taobao", "return_refund", "quality", requested="2022-01-24 23:59:59",
                     return_agreed="2022-01-25 09:00", return_shipped="2022-01-28 09:00")
    assert (before["seller_confirm_return"].due_at, before["seller_confirm_return"].window) == \
        (at("2022-02-07 09:00"), None)
    assert before["buyer_ship_return"].due_at == at("2022-02-01 09:00")


# --- working days ----------------------------------------------------------------------------


def test_generic_reship_within_3_working_days_across_national_day() -> None:
    for pack in ("generic", "jd", "taobao"):
        d = compute(pack, "reship", "missing_item", reship_agreed="2026-09-30 10:00")["reship_within"]
        assert (d.due_at, d.estimated) == (at("2026-10-10 10:00"), False)


def test_pdd_promised_reship_fulfilled_by_the_tracking_number() -> None:
    d = compute("pdd", "reship", "missing_item", reship_agreed="2026-09-30 10:00")["reship_promise"]
    assert (d.due_at, d.status) == (at("2026-10-10 10:00"), OPEN)
    done = compute("pdd", "reship", "missing_item", reship_agreed="2026-09-30 10:00",
                   reship_shipped="2026-10-08 10:00")["reship_promise"]
    assert done.status is MET


def test_working_days_after_2026_are_flagged_estimated() -> None:
    d = compute("generic", "reship", "missing_item", reship_agreed="2027-03-01 10:00")["reship_within"]
    assert d.estimated
    assert d.due_at == at("2027-03-04 10:00")


# --- status rules ----------------------------------------------------------------------------


def test_overdue_stays_open_while_the_case_is_open() -> None:
    d = compute("douyin", "reship", "missing_item", requested="2020-05-06 10:00")["reship_answer"]
    assert d.status is OPEN
    assert urgency(d.due_at, at("2026-01-01 00:00")) is Urgency.OVERDUE


def test_closing_a_case_settles_its_running_timers() -> None:
    on_time = compute("douyin", "reship", "missing_item", case_open=False, requested="2026-05-06 10:00",
                      closed="2026-05-07 10:00")["reship_answer"]
    assert (on_time.status, on_time.met_at) == (MET, at("2026-05-07 10:00"))
    too_late = compute("douyin", "reship", "missing_item", case_open=False, requested="2026-05-06 10:00",
                       completed="2026-05-09 10:00")["reship_answer"]
    assert (too_late.status, too_late.met_at) == (MISSED, at("2026-05-09 10:00"))
    unknown = compute("douyin", "reship", "missing_item", case_open=False, requested="2026-05-06 10:00")
    assert (unknown["reship_answer"].status, unknown["reship_answer"].met_at) == (MET, None)


def test_reopened_case_runs_again_and_closure_before_reopening_does_not_count() -> None:
    found = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00", closed="2026-05-06 12:00",
                    reopened="2026-05-06 13:00")
    assert found["reship_answer"].status is OPEN


def test_timers_starting_after_the_closure_never_ran() -> None:
    found = compute("taobao", "reship", "missing_item", case_open=False, requested="2026-05-06 10:00",
                    completed="2026-05-07 10:00", trade_succeeded="2026-05-08 10:00")
    assert "aftersales_window" not in found


def test_a_met_by_event_older_than_the_start_does_not_count() -> None:
    found = compute("douyin", "reship", "missing_item", requested="2026-05-06 10:00",
                    reship_shipped="2026-05-06 09:00", reship_agreed="2026-05-06 11:00")
    assert found["reship_ship"].status is OPEN


def test_no_timer_for_kinds_the_pack_does_not_cover() -> None:
    assert compute("douyin", "bad_review", "quality", requested="2026-05-06 10:00") == {}
    assert compute("douyin", "reship", "missing_item") == {}  # nothing has started yet


def test_results_sorted_in_utc_and_the_next_open_one() -> None:
    found = compute_deadlines(
        load_pack("taobao"), kind="return_refund", reason="no_reason_7d", case_open=True,
        milestones=ms(signed="2026-04-01 08:00", requested="2026-04-01 20:15", return_agreed="2026-04-02 09:30"),
    )
    assert [d.due_at for d in found] == sorted(d.due_at for d in found)
    assert all(d.due_at.tzinfo is UTC and d.starts_at.tzinfo is UTC for d in found)
    first = min((d for d in found if d.status is OPEN), key=lambda d: (d.due_at, d.timer_id))
    # Agreeing to the return answered the request and settled the intervention clock.
    assert first.timer_id == "buyer_ship_return"
    assert first.due_at == at("2026-04-09 09:30")
    assert [d.timer_id for d in found if d.status is MET] == [
        "refund_intervention", "seller_answer_return", "no_reason_window",
    ]


def test_same_input_same_output_whatever_the_zone() -> None:
    pack = load_pack("douyin")
    china = {"requested": (at("2026-05-06 10:00"), False)}
    utc = {"requested": (at("2026-05-06 10:00").astimezone(UTC), False)}
    assert compute_deadlines(pack, kind="reship", reason=None, case_open=True, milestones=china) == \
        compute_deadlines(pack, kind="reship", reason=None, case_open=True, milestones=utc)


# --- urgency ---------------------------------------------------------------------------------


def test_urgency_bands() -> None:
    now = at("2026-05-06 10:00")
    assert urgency(now, now) is Urgency.OVERDUE
    assert urgency(now - timedelta(seconds=1), now) is Urgency.OVERDUE
    assert urgency(now + timedelta(hours=23, minutes=59), now) is Urgency.SOON
    assert urgency(now + timedelta(hours=24), now) is Urgency.LATER


def test_format_remaining() -> None:
    now = at("2026-05-06 10:00")
    assert format_remaining(at("2026-05-08 13:00"), now) == "剩2天3小时"
    assert format_remaining(at("2026-05-06 10:45"), now) == "剩45分钟"
    # Seconds either side of the due: never "剩0分钟", which reads as run out.
    assert format_remaining(now + timedelta(seconds=59), now) == "剩不到1分钟"
    assert format_remaining(now - timedelta(seconds=1), now) == "已逾期不到1分钟"
    assert format_remaining(at("2026-05-06 05:00"), now) == "已逾期5小时"
    assert format_remaining(at("2026-05-09 10:00"), now) == "剩3天"


# --- rounds from the event log ---------------------------------------------------------------


def test_rounds_first_occurrence_where_the_rule_says_so() -> None:
    from desktop_app.core.deadlines import compute_from_history

    pack = load_pack("douyin")
    assert pack.timer("reship_answer").rounds.value == "first"
    history = {
        "requested": [(at("2026-05-06 10:00"), False), (at("2026-05-12 10:00"), False)],  # edited again later
        "reship_agreed": [(at("2026-05-09 10:00"), False)],
    }
    found = {d.timer_id: d for d in compute_from_history(
        pack, kind="reship", reason="missing_item", case_open=True, history=history, calendar=CALENDAR)}
    # The first request counts: answered after 48 h is a miss, not an on-time answer to the second.
    assert (found["reship_answer"].status, found["reship_answer"].due_at) == (MISSED, at("2026-05-08 10:00"))
    assert "reship_answer@1" not in found


def test_a_closing_between_rounds_settles_the_earlier_round() -> None:
    from desktop_app.core.deadlines import compute_from_history

    history = {
        "requested": [(at("2026-05-01 10:00"), False)],
        "reship_agreed": [(at("2026-05-01 12:00"), False), (at("2026-05-10 12:00"), False)],
        "closed": [(at("2026-05-02 12:00"), False)],
        "reopened": [(at("2026-05-10 11:00"), False)],
    }
    found = {d.timer_id: d for d in compute_from_history(
        load_pack("douyin"), kind="reship", reason="missing_item", case_open=True, history=history,
        calendar=CALENDAR)}
    assert (found["reship_ship@1"].status, found["reship_ship@1"].met_at) == (MET, at("2026-05-02 12:00"))
    assert found["reship_ship"].status is OPEN
