"""Timer scenarios tried as a tester would (session 16): each names its seed and quotes the sentence,
or names the source of an assumed figure, and computes the deadline by hand in the comment."""

from __future__ import annotations

import pytest

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.vocabulary import Platform
from desktop_app.services.cases import act_on_case
from desktop_app.store.database import Database
from tests.unit.test_reships import moment, reship_case, row_of
from tests.unit.test_seed_rules import MET, MISSED, SF2020, at, cited, compute


def test_seed002_2020_a_refusal_inside_the_window_after_the_return_ran_out_does_not_lengthen_it() -> None:
    # seed 002: "或賣家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間拒絕退款的" with
    # "b.買家已退貨,等待賣家確認收貨的超時統一調整至20天" and seed 001: "卖家会有10天的时间来进行确认,
    # 逾期卖家没有处理,系统会自动退款给用户". Requested before the window, the return shipped 2020-01-12
    # 10:00: nothing had keyed the window when its 10 days ran out on 01-22 10:00 and the platform
    # refunded. A refusal on 01-25 comes too late; it must not turn that into "met" within 20 days.
    cited("taobao", "002_4d944ba41a3c78c9.txt", SF2020, window="spring_festival_2020")
    late = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00",
                   return_agreed="2020-01-10 12:00", return_shipped="2020-01-12 10:00",
                   rejected="2020-01-25 10:00")["seller_confirm_return"]
    assert (late.due_at, late.window, late.status) == (at("2020-01-22 10:00"), None, MISSED)
    # Refused inside the window while the 10 days were still running: 20 days (02-01 10:00), met.
    in_time = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00",
                      return_agreed="2020-01-10 12:00", return_shipped="2020-01-12 10:00",
                      rejected="2020-01-22 10:00")["seller_confirm_return"]
    assert (in_time.due_at, in_time.window, in_time.status) == (at("2020-02-01 10:00"), "spring_festival_2020", MET)


def test_seed002_2020_a_late_refusal_does_not_undo_the_platforms_automatic_agreement() -> None:
    # seed 002 (2020, a): "等待賣家或買家確認、修改的超時統一調整至15天" for refunds requested or refused
    # inside the window. Requested 2020-01-10 10:00, before it: the seller's (assumed) 5 days ran out on
    # 01-15 10:00, before the window opened, and the platform agreed to the return by itself then. The
    # refusal recorded on 01-18 is late; the buyer's 7 days run from the automatic agreement (01-22 10:00).
    found = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00", rejected="2020-01-18 10:00")
    answer = found["seller_answer_goods"]
    assert (answer.due_at, answer.window, answer.status) == (at("2020-01-15 10:00"), None, MISSED)
    assert found["buyer_ship_return"].due_at == at("2020-01-22 10:00")


@pytest.mark.parametrize(("platform", "ship_by"), [
    # seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品": agreed 2026-12-02 11:00 → 12-04 11:00.
    (Platform.DOUYIN, "2026-12-04 11:00"),
    # 拼多多 承诺补发: 3 working days (assumed, "一般做法"): Wed 12-02 11:00 → Mon 12-07 11:00.
    (Platform.PDD, "2026-12-07 11:00"),
])
def test_an_agreed_reship_keeps_its_ship_by_in_the_queue_after_the_platform_hands_it_back(
        db: Database, platform: Platform, ship_by: str) -> None:
    # Escalated while agreed, resumed by the platform: the case is 待补发 again (resume_target) and its
    # ship timer runs on; the reship queue said 待答复 without any 时限 (the reship went back to
    # "requested", written when resume always led to 处理中).
    case_id = reship_case(db, platform, f"RES-{platform.value}", "2026-12-02 10:00")
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=moment("2026-12-02 11:00"))
    act_on_case(db, case_id, CaseAction.ESCALATE, at=moment("2026-12-03 10:00"))
    act_on_case(db, case_id, CaseAction.RESUME, at=moment("2026-12-03 11:00"))
    row = row_of(db, case_id)
    assert row.status is ReshipStatus.AGREED and row.ship_by == at(ship_by)
    assert row.due(at("2026-12-03 12:00")) == at(ship_by)
