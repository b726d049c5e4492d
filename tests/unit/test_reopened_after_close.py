"""A case closed and opened again keeps its request's clocks (README: "a case reopened after 关闭 keeps the first
request's clocks"), and so does what the platform does by itself when the shop's answer runs out meanwhile.

A tester's scenario: a 抖店 reship request closed the next day and reopened days later showed 平台已超时自动处理：
处理补寄申请 (the platform agreed by itself) but no 48 h to ship after that agreement, and a 天猫 request showed the
72 h after which the buyer may escalate overdue beside 平台已自动退款 on day 5: the answer timer was read as
running through the closing, the platform's action as stopped by it.
"""

from __future__ import annotations

from test_seed_rules import OPEN, compute

from desktop_app.core.clock import parse_moment
from desktop_app.core.deadline_display import settled_by_platform


def test_seed004_douyin_agrees_by_itself_and_the_48_hours_to_ship_follow_after_a_reopen() -> None:
    """seeds/004_e1a46d0aca1946af.txt:
    "用戶申請(qǐng)補(bǔ)寄后,商家需在48小時(shí)內(nèi)進(jìn)行處理,若商家未進(jìn)行處理,系統(tǒng)超時(shí)自動(dòng)同意;"
    and the 48 h to ship from the agreement."""
    found = compute("douyin", "reship", "missing_item", requested="2026-11-20 10:00",
                    closed="2026-11-21 10:00", reopened="2026-11-25 10:00")
    assert found["reship_answer"].automatic
    ship = found["reship_ship"]
    assert ship.status is OPEN and ship.starts_at == parse_moment("2026-11-22 10:00").at
    assert ship.due_at == parse_moment("2026-11-24 10:00").at and ship.penalty_fen == 300


def test_seed002_tmall_refunds_by_itself_on_day_5_and_that_ends_the_72_hours_after_a_reopen() -> None:
    """seeds/002_4d944ba41a3c78c9.txt: "如果5天內商家沒答有做出任何操作,系統會自動把錢退給你的"."""
    found = compute("tmall", "refund_only", "not_received", requested="2026-11-20 10:00",
                    closed="2026-11-21 10:00", reopened="2026-11-30 10:00")
    intervention = found["refund_intervention"]
    assert intervention.met_at == parse_moment("2026-11-25 10:00").at  # the platform's refund
    assert settled_by_platform(intervention.automatic, intervention.due_at, parse_moment("2026-12-01 10:00").at,
                               intervention.met_at)


def test_a_case_closed_for_good_still_stops_the_platforms_action() -> None:
    found = compute("douyin", "reship", "missing_item", case_open=False, requested="2026-11-20 10:00",
                    closed="2026-11-21 10:00")
    assert "reship_ship" not in found
