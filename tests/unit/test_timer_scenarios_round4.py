"""Timer scenarios, round 4 (session 24): cases of several rounds, each on a fresh ledger through the command
line (`case add`, `case act`, `case undo`, then `deadlines --all --json`). Each names its seed and quotes the
sentence, or says that the figure is assumed and where it comes from; the expected deadline is worked out by
hand in the comment, from the seed's words, before the engine's answer. The clock itself and the lists:
test_timer_scenarios_round4_clock.py; rounds 1–3: test_timer_scenarios*.py, test_date_only_due_day.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.deadline_results import AUTO_MARK
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, MISSED, OPEN, due

TRACKING = ("--carrier", "中通快递", "--tracking", "75123456789012")


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


def dues(timers: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every round of every timer as the shop reads it: its due time and status."""
    return {timer: (due(row), row["status"]) for timer, row in timers.items()}


# --- several rounds of one case ---------------------------------------------------------------------------


def test_r01_taobao_escalate_resume_agree_then_the_buyer_ships_late_then_refund(shop: ShopCli) -> None:
    # seed 002: "售後超時機制和售中保持一致,申請客服介入的時間也是72小時後" (72 h → the buyer may escalate); seed 001:
    # "(一)退货协议达成用户需要在7天内退货" and "(二)点击【提交退货信息】后,卖家会有10天的时间来进行确认". The shop's 5
    # days to answer a quality return are assumed (from 天猫's "等待商家處理退款申請 … 5天", seed 002).
    # Asked Mon 11-02 10:00 → escalation allowed from 11-05 10:00 (not settled by then: missed, the buyer escalated
    # 11-05 12:00), answer by 11-07 10:00 (the escalation answers it in time), evidence by 11-08 12:00 (assumed 3
    # days), handed back 11-06 10:00 (ends it), agreed 11-06 11:00 → the buyer ships by 11-13 11:00; shipped 11-14
    # 09:00: late (the platform closed the refund at 11-13 11:00; said on stderr) → the shop confirms by 11-24 09:00;
    # received 11-15, refunded.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    shop.act(case, "escalate", "2026-11-05 12:00")
    shop.act(case, "resume", "2026-11-06 10:00")
    shop.act(case, "agree_return", "2026-11-06 11:00")
    late = shop.say("case", "act", str(case), "buyer_shipped_return", "--at", "2026-11-14 09:00", *TRACKING)
    assert late.code == 0 and "2026-11-13 11:00" in late.err, late.err
    shop.act(case, "receive_return", "2026-11-15 10:00")
    shop.act(case, "refund", "2026-11-15 11:00", "--amount", "59.90")
    assert dues(shop.timers(case)) == {
        "refund_intervention": ("2026-11-05 10:00:00", MISSED),
        "seller_answer_goods": ("2026-11-07 10:00:00", MET),
        "evidence_upload": ("2026-11-08 12:00:00", MET),
        "buyer_ship_return": ("2026-11-13 11:00:00", MISSED),
        "seller_confirm_return": ("2026-11-24 09:00:00", MET),
    }


def test_r02_douyin_an_on_time_agreement_stays_on_time_through_escalate_and_resume(shop: ShopCli) -> None:
    # issue 13 item 5 ("escalate → resume → agree again turns an on-time answer into missed"). seed 004:
    # "用戶申請補寄后,商家需在48小時內進行處理" and "同意補寄申請后,商家需在48小時內發出補寄商品". Asked 11-02 10:00 →
    # answer by 11-04 10:00; agreed 11-02 12:00 → ship by 11-04 12:00. The buyer complains 11-03 10:00, the
    # platform hands it back 11-03 20:00 (to 待补发), shipped 11-04 11:00: all in time, nothing owed.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-11-02 10:00")
    shop.act(case, "agree_reship", "2026-11-02 12:00")
    shop.act(case, "escalate", "2026-11-03 10:00")
    shop.act(case, "resume", "2026-11-03 20:00")
    assert shop.cli("case", "show", str(case)).splitlines()[0].endswith("待补发")
    shop.act(case, "ship_reship", "2026-11-04 11:00")
    timers = shop.timers(case)
    assert dues(timers) == {
        "reship_answer": ("2026-11-04 10:00:00", MET),
        "reship_ship": ("2026-11-04 12:00:00", MET),
        "evidence_upload": ("2026-11-06 10:00:00", MET),
    }
    assert timers["reship_ship"]["penalty_yuan"] is None


def test_r03_douyin_refused_then_asked_again_the_second_answer_is_the_platforms_and_the_ship_clock_follows(
        shop: ShopCli) -> None:
    # seed 004 (商家少发漏发): "若商家拒絕 … 用戶可在48小時內修改申請或申請平台介入"; the modified request is answered
    # in 48 h again, "若商家未進行處理,系統超時自動同意". Asked 11-02 10:00, refused 11-02 12:00 (first round met),
    # asked again 11-03 10:00 → answer by 11-05 10:00; unanswered: agreed by the platform then → ship by 11-07
    # 10:00 (marked as counted from the automatic agreement), 3 元 at stake.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-11-02 10:00")
    shop.act(case, "reject", "2026-11-02 12:00")
    shop.act(case, "reopen", "2026-11-03 10:00")
    timers = shop.timers(case)
    assert due(timers["reship_answer@1"]) == "2026-11-04 10:00:00" and timers["reship_answer@1"]["status"] == MET
    answer = timers["reship_answer"]
    assert (due(answer), answer["action"], answer["platform_acted"]) == ("2026-11-05 10:00:00", "自动同意补寄", True)
    ship = timers["reship_ship"]
    assert (due(ship), ship["penalty_yuan"], ship["name"].endswith(AUTO_MARK)) == ("2026-11-07 10:00:00", "3.00", True)


def test_r04_taobao_a_reship_lost_in_its_turn_is_reshipped_again_each_round_its_own_3_working_days(
        shop: ShopCli) -> None:
    # seed 003 "给予补寄(通常为3个工作日)" (a seller's practice, assumed); seed 002 2020 (c) names the buyer's
    # confirmation of a reship (10 days outside the window, assumed from seed 001's 10 days). Agreed Mon 11-02
    # 11:00 → Thu 11-05 11:00; shipped 11-03 10:00 (met) → confirmed by 11-13 10:00. That parcel is lost too: the
    # case closed 11-06 09:00 and reopened 11-06 10:00, agreed again Fri 11-06 11:00 → Mon, Tue, Wed → 11-11
    # 11:00; shipped 11-10 10:00 (met) → confirmed by 11-20 10:00, open. The first round stays as it was.
    case = shop.add("taobao", "reship", "lost", requested="2026-11-02 10:00")
    shop.act(case, "agree_reship", "2026-11-02 11:00")
    shop.act(case, "ship_reship", "2026-11-03 10:00")
    shop.act(case, "close", "2026-11-06 09:00")
    shop.act(case, "reopen", "2026-11-06 10:00")
    shop.act(case, "agree_reship", "2026-11-06 11:00")
    shop.act(case, "ship_reship", "2026-11-10 10:00")
    found = dues(shop.timers(case))
    assert found["reship_within@1"] == ("2026-11-05 11:00:00", MET)
    assert found["reship_within"] == ("2026-11-11 11:00:00", MET)
    assert found["buyer_confirm_reship"] == ("2026-11-20 10:00:00", OPEN)
    assert found["buyer_confirm_reship@1"][0] == "2026-11-13 10:00:00"


def test_r05_douyin_never_received_reship_lost_again_second_round_refunded_in_full_if_late(shop: ShopCli) -> None:
    # seed 004 (一直未收到货, the app's 丢件): "若商家同意補寄后超時未發貨,系統會自動全額退款". Round 1: agreed 11-02
    # 11:00, shipped 11-03 10:00 (in time; due 11-04 11:00). Lost again: closed 11-10 09:00, reopened 11-10 10:00,
    # agreed 11-10 12:00 → ship by 11-12 12:00 or the platform refunds in full (and the shop owes 3 元, seed 004 4.3,
    # round 6's r03: still open past the date of this test's clock); the answer's 48 h counted once.
    case = shop.add("douyin", "reship", "lost", requested="2026-11-02 10:00")
    shop.act(case, "agree_reship", "2026-11-02 11:00")
    shop.act(case, "ship_reship", "2026-11-03 10:00")
    shop.act(case, "close", "2026-11-10 09:00")
    shop.act(case, "reopen", "2026-11-10 10:00")
    shop.act(case, "agree_reship", "2026-11-10 12:00")
    timers = shop.timers(case)
    assert dues(timers)["reship_ship_not_received@1"] == ("2026-11-04 11:00:00", MET)
    again = timers["reship_ship_not_received"]
    assert (due(again), again["action"], again["penalty_yuan"]) == ("2026-11-12 12:00:00", "自动全额退款", "3.00")
    assert [t for t in timers if t.startswith("reship_answer")] == ["reship_answer_not_received"]


def test_r06_taobao_exchange_whose_replacement_is_wrong_again_runs_every_clock_a_second_time(shop: ShopCli) -> None:
    # seed 002: "換貨" is an after-sales service with the return leg's clocks (seed 001: 7 days to ship the
    # return, 10 days to confirm it); the buyer's confirmation of the exchanged item, 10 days (assumed from seed
    # 002 2020 (d), whose usual figure is not given). Round 1: agreed 11-02 12:00, shipped back 11-04 10:00,
    # received 11-06 10:00, replacement sent 11-06 15:00 → confirmed by 11-16 15:00. Wrong again: closed and
    # reopened 11-09 10:00, agreed 11-09 11:00 → the buyer ships by 11-16 11:00; shipped 11-10 10:00 → the shop
    # confirms by 11-20 10:00; received 11-12 10:00; sent 11-12 14:00 → confirmed by 11-22 14:00.
    case = shop.add("taobao", "exchange", "wrong_item", requested="2026-11-02 10:00")
    shop.act(case, "agree_return", "2026-11-02 12:00")
    shop.act(case, "buyer_shipped_return", "2026-11-04 10:00", *TRACKING)
    shop.act(case, "receive_return", "2026-11-06 10:00")
    shop.act(case, "ship_exchange", "2026-11-06 15:00")
    shop.act(case, "close", "2026-11-09 09:00")
    shop.act(case, "reopen", "2026-11-09 10:00")
    shop.act(case, "agree_return", "2026-11-09 11:00")
    shop.act(case, "buyer_shipped_return", "2026-11-10 10:00", "--carrier", "中通快递", "--tracking", "75123456789013")
    shop.act(case, "receive_return", "2026-11-12 10:00")
    shop.act(case, "ship_exchange", "2026-11-12 14:00")
    found = dues(shop.timers(case))
    assert found["buyer_ship_return@1"] == ("2026-11-09 12:00:00", MET)
    assert found["buyer_ship_return"] == ("2026-11-16 11:00:00", MET)
    assert found["seller_confirm_return@1"] == ("2026-11-14 10:00:00", MET)
    assert found["seller_confirm_return"] == ("2026-11-20 10:00:00", MET)
    assert found["buyer_confirm_exchange@1"][0] == "2026-11-16 15:00:00"
    assert found["buyer_confirm_exchange"] == ("2026-11-22 14:00:00", OPEN)


def test_r07_taobao_a_case_reopened_after_closing_keeps_the_first_requests_clocks(shop: ShopCli) -> None:
    # README: "a case reopened after 关闭 keeps the first request's clocks". A quality return asked 11-02 10:00
    # (answer by 11-07 10:00, assumed 5 days; escalation from 11-05 10:00, seed 002's 72 h), closed by mistake
    # 11-02 12:00 and reopened 11-03 10:00: the same dues, still open, and no second round; unanswered, the
    # platform agrees at day 5 (README: "淘宝/天猫 5 days: … a return or exchange 自动同意退货") and the buyer's 7
    # days (seed 001) run from then → 11-14 10:00.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    shop.act(case, "close", "2026-11-02 12:00")
    shop.act(case, "reopen", "2026-11-03 10:00")
    assert dues(shop.timers(case)) == {
        "refund_intervention": ("2026-11-05 10:00:00", OPEN),
        "seller_answer_goods": ("2026-11-07 10:00:00", OPEN),
        "buyer_ship_return": ("2026-11-14 10:00:00", OPEN),
    }


def test_r08_taobao_kind_corrected_twice_answers_from_the_last_change(shop: ShopCli) -> None:
    # seed 002: a modification is a request ("申請/修改退款的"). Asked as a quality return 11-02 10:00; changed to
    # refund-only 11-03 10:00 (answer by 11-08 10:00, assumed 5 days); changed to an exchange 11-04 10:00 →
    # answer by 11-09 10:00; the refund-only answer is gone; the 72 h to escalation (seed 002: "買家申請退款後3天
    # (72小時)才可以申請小二介入") run from the last change too (README: "A change of kind … is the request of the
    # new kind: the timers that answer a request run from it") → 11-07 10:00. Kept after session 25's reading:
    # on 淘宝 a change of kind is a new application, seed 001 "误申请了退货退款,用户撤销退款申请,重新申请未收到货仅
    # 退款" and "可在申请退款后72小时申请官方客服介入处理" (test_timer_scenarios_round5_windows.py, d01–d04).
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-11-03 10:00")
    assert due(shop.timers(case)["seller_answer_request"]) == "2026-11-08 10:00:00"
    shop.cli("case", "act", str(case), "change_kind", "--kind", "exchange", "--at", "2026-11-04 10:00")
    timers = shop.timers(case)
    assert "seller_answer_request" not in timers
    assert dues(timers)["seller_answer_goods"] == ("2026-11-09 10:00:00", OPEN)
    assert due(timers["refund_intervention"]) == "2026-11-07 10:00:00"


def test_r09_douyin_reship_corrected_to_refund_only_and_back_answers_from_the_last_change(shop: ShopCli) -> None:
    # seed 004: "若消費者錯誤申請或需要更改售後類型 … 重新申請其他售後類型". Reship asked 11-02 10:00, changed to
    # refund-only 11-02 20:00, back to a reship 11-03 10:00 → the 48 h to answer ("商家需在48小時內進行處理") run
    # from 11-03 10:00 → 11-05 10:00; no refund answer left.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-11-02 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-11-02 20:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "reship", "--at", "2026-11-03 10:00")
    timers = shop.timers(case)
    assert "refund_answer" not in timers
    assert (due(timers["reship_answer"]), timers["reship_answer"]["status"]) == ("2026-11-05 10:00:00", OPEN)


# --- undo restores the deadlines before the step ----------------------------------------------------------


def test_r10_taobao_undo_of_each_return_step_restores_exactly_the_deadlines_before_it(shop: ShopCli) -> None:
    # README: "case undo 1 … the last step back". Each step taken, then undone in turn: the deadlines read back
    # equal those before the step, every round and status (seed 001's 7 and 10 days, seed 002's 72 h).
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    before = [shop.timers(case)]
    for action, at, *extra in (("agree_return", "2026-11-02 12:00"),
                               ("buyer_shipped_return", "2026-11-04 10:00", *TRACKING),
                               ("receive_return", "2026-11-06 10:00")):
        shop.act(case, action, at, *extra)
        before.append(shop.timers(case))
    assert due(before[2]["seller_confirm_return"]) == "2026-11-14 10:00:00"
    for expected in reversed(before[:-1]):
        shop.cli("case", "undo", str(case))
        assert shop.timers(case) == expected


def test_r11_douyin_undo_of_resume_escalate_and_agree_restores_each_state_of_the_clocks(shop: ShopCli) -> None:
    # 抖店's 48 h to answer a return (assumed, as its reship answer in seed 004), the buyer's 7 days (seed 001's
    # figure, assumed), the intervention's evidence clock (assumed 3 days). Asked 11-02 10:00, agreed 11-02 12:00
    # → shipped back by 11-09 12:00; escalated 11-04 13:00 → evidence by 11-07 13:00; handed back 11-05 10:00.
    # Undone step by step: each time the deadlines before the step. (A reship's resume moves its reship record
    # and is corrected by a next step instead: test_case_undo.py.)
    case = shop.add("douyin", "return_refund", "quality", requested="2026-11-02 10:00")
    before = [shop.timers(case)]
    for action, at in (("agree_return", "2026-11-02 12:00"), ("escalate", "2026-11-04 13:00"),
                       ("resume", "2026-11-05 10:00")):
        shop.act(case, action, at)
        before.append(shop.timers(case))
    assert dues(before[2])["buyer_ship_return"] == ("2026-11-09 12:00:00", OPEN)
    assert dues(before[2])["evidence_upload"] == ("2026-11-07 13:00:00", OPEN)
    assert dues(before[3])["evidence_upload"] == ("2026-11-07 13:00:00", MET)
    for expected in reversed(before[:-1]):
        shop.cli("case", "undo", str(case))
        assert shop.timers(case) == expected


def test_r12_pdd_undo_of_a_second_request_and_its_refusal_restores_one_round(shop: ShopCli) -> None:
    # A modified request is a new round (seed 002 "申請/修改退款的"; 拼多多's 48 h assumed). Refused 11-02 11:00,
    # asked again 11-03 10:00 (→ 11-05 10:00). Undo of the new request: one round again, met by the refusal;
    # undo of the refusal: the first round open again, due 11-04 10:00.
    case = shop.add("pdd", "refund_only", "quality", requested="2026-11-02 10:00")
    first = shop.timers(case)
    shop.act(case, "reject", "2026-11-02 11:00")
    refused = shop.timers(case)
    shop.act(case, "reopen", "2026-11-03 10:00")
    assert due(shop.timers(case)["seller_answer_request"]) == "2026-11-05 10:00:00"
    shop.cli("case", "undo", str(case))
    assert shop.timers(case) == refused
    shop.cli("case", "undo", str(case))
    assert shop.timers(case) == first
    assert dues(first)["seller_answer_request"] == ("2026-11-04 10:00:00", OPEN)


def test_r13_taobao_a_change_of_kind_is_not_undone_and_its_timers_stay(shop: ShopCli) -> None:
    # seed 002 (a modification is a request). Return asked 11-02 10:00, changed to refund-only 11-03 10:00 (answer
    # by 11-08 10:00, assumed 5 days): `case undo` refuses a correction (exit 2, the reason), the timers stay.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-11-03 10:00")
    changed = shop.timers(case)
    assert due(changed["seller_answer_request"]) == "2026-11-08 10:00:00"
    refused = shop.say("case", "undo", str(case))
    assert refused.code == 2 and "不能撤销" in refused.err
    assert shop.timers(case) == changed


# --- first occurrence where the rule says so --------------------------------------------------------------


def test_r14_douyin_refund_answer_counts_once_the_evidence_clock_each_intervention(shop: ShopCli) -> None:
    # The refund answer (48 h, assumed, `rounds = "first"`) answers the first request only; each intervention
    # has its own evidence clock (3 days, assumed). Asked 11-02 10:00 → 11-04 10:00; escalated 11-03 10:00 (met),
    # handed back 11-04 10:00 (evidence met), escalated again 11-05 10:00 → evidence by 11-08 10:00, open.
    case = shop.add("douyin", "refund_only", "quality", requested="2026-11-02 10:00")
    shop.act(case, "escalate", "2026-11-03 10:00")
    shop.act(case, "resume", "2026-11-04 10:00")
    shop.act(case, "escalate", "2026-11-05 10:00")
    assert dues(shop.timers(case)) == {
        "refund_answer": ("2026-11-04 10:00:00", MET),
        "evidence_upload@1": ("2026-11-06 10:00:00", MET),
        "evidence_upload": ("2026-11-08 10:00:00", OPEN),
    }


def test_r15_taobao_seven_day_window_is_met_by_the_first_request_even_when_asked_again_after_it(
        shop: ShopCli) -> None:
    # seed 003: "如有准确签收时间的,以该签收时间后的168小时为七天". Signed 11-01 10:00 → 11-08 10:00; asked 11-05
    # 10:00 (in time), refused 11-05 12:00, asked again 11-09 10:00 (a modification of that request): the window
    # was met by the first request, one round, met.
    case = shop.add("taobao", "return_refund", "no_reason_7d", signed="2026-11-01 10:00", requested="2026-11-05 10:00")
    shop.act(case, "reject", "2026-11-05 12:00")
    shop.act(case, "reopen", "2026-11-09 10:00")
    timers = shop.timers(case)
    assert [t for t in timers if t.startswith("no_reason_window")] == ["no_reason_window"]
    assert dues(timers)["no_reason_window"] == ("2026-11-08 10:00:00", MET)


# --- holiday windows over several rounds -------------------------------------------------------------------


def test_r16_seed002_2022_a_request_refused_before_the_window_and_modified_inside_it_gets_15_days(
        shop: ShopCli) -> None:
    # seed 002: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 商家應在消費者申請後15日內給出
    # 審核結果". Asked 01-20 10:00 (before: 5 days, assumed → 01-25 10:00), refused 01-21 10:00 (met), modified 01-26
    # 10:00 (inside) → 15 days → 02-10 10:00; unanswered, agreed by the platform then, the buyer's 20 days
    # ("消費者應在自商家通過審核後20日內商品寄回") → 03-02 10:00.
    case = shop.add("taobao", "exchange", "quality", requested="2022-01-20 10:00")
    shop.act(case, "reject", "2022-01-21 10:00")
    shop.act(case, "reopen", "2022-01-26 10:00")
    found = dues(shop.timers(case))
    assert found["seller_answer_goods@1"] == ("2022-01-25 10:00:00", MET)
    assert found["seller_answer_goods"] == ("2022-02-10 10:00:00", OPEN)
    assert found["buyer_ship_return"] == ("2022-03-02 10:00:00", OPEN)


def test_r17_seed002_2020_a_request_made_inside_the_window_keeps_15_days_when_modified_after_it(
        shop: ShopCli) -> None:
    # seed 002: "1、買家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請/修改退款的 … a.等待賣家或買家確認、修改的
    # 超時統一調整至15天"; DOMAIN: "A later step of a request made inside the window keeps the long figure even when
    # the step itself happens after the window". Asked 02-01 10:00 (inside) → 02-16 10:00; refused 02-05 10:00,
    # modified 02-10 10:00 (both after) → 15 days again → 02-25 10:00.
    case = shop.add("taobao", "refund_only", "quality", requested="2020-02-01 10:00")
    shop.act(case, "reject", "2020-02-05 10:00")
    shop.act(case, "reopen", "2020-02-10 10:00")
    found = dues(shop.timers(case))
    assert found["seller_answer_request@1"] == ("2020-02-16 10:00:00", MET)
    assert found["seller_answer_request"] == ("2020-02-25 10:00:00", OPEN)
