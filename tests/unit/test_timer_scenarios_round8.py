"""Timer scenarios, round 8 (session 28): the seeds played through the command line per platform and kind, as a shop
would. Each test names its seed and quotes the sentence, or says the figure is assumed and where it comes from; the
expected deadline is worked out by hand in the comment before the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, OPEN, due


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


# --- A change of kind after the buyer was paid: the refund answers the new request ---------------------------------


@pytest.mark.parametrize(("platform", "answer", "action"), [
    ("pdd", "seller_answer_return", "自动同意退货"),
    ("jd", "seller_answer_return", "自动同意退货"),
    ("douyin", "return_answer", "自动同意退货"),
    ("taobao", "seller_answer_goods", "自动同意退货"),
    ("tmall", "seller_answer_request", "自动退款"),
])
def test_r01_a_refunded_request_changed_to_a_return_is_not_agreed_by_the_platform(
        shop: ShopCli, platform: str, answer: str, action: str) -> None:
    # The answer timers of 拼多多, 京东 and 抖店 (48 h) and 淘宝's 5 days are assumed (their packs say so);
    # 天猫's is seed 002 "如果5天內商家沒答有做出任何操作,系統會自動把錢退給你的" — only when the shop did nothing.
    # Refund-only asked 2026-11-02 10:00, refunded 11-02 12:00 (已退款), its kind corrected to return & refund
    # 11-03 10:00: the case stays 已退款 and offers only 完成 / 关闭. The refund answered the request, so the new
    # kind's answer is met at the change. Before, it ran from the change, unanswerable: "平台已自动同意退货" two (or
    # five) days later and then the buyer's 7 days to send back goods for a refund already paid (天猫: "自动退款" of
    # a refund already paid).
    case = shop.add(platform, "refund_only", "changed_mind", requested="2026-11-02 10:00")
    shop.act(case, "refund", "2026-11-02 12:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2026-11-03 10:00")
    timers = shop.timers(case)
    row = timers[answer]
    assert (row["status"], row["platform_acted"], row["action"]) == (MET, False, action)
    assert "buyer_ship_return" not in timers
    shown = shop.cli("case", "show", str(case)).splitlines()
    assert "已退款" in shown[0] and not [line for line in shown if line.startswith("下一个时限")]


def test_r02_an_agreed_return_turned_refund_only_still_asks_for_the_new_answer(shop: ShopCli) -> None:
    # Only a payment carries over: an agreed 淘宝 return the buyer turns into refund-only on 11-03 10:00 goes back to
    # 处理中 — the agreement to a return answers no refund-only request, so its 5 days (assumed, after 天猫's "5天",
    # seed 002) run from the change → 11-08 10:00, open (test_timer_scenarios.test_a_change_of_kind_is_the_request_of
    # _the_new_kind).
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02 10:00")
    shop.act(case, "agree_return", "2026-11-02 12:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-11-03 10:00")
    answer = shop.timers(case)["seller_answer_request"]
    assert (due(answer), answer["status"]) == ("2026-11-08 10:00:00", OPEN)


def test_r03_a_refund_before_the_request_it_was_changed_from_answers_nothing(shop: ShopCli) -> None:
    # A payment answers only the request it followed: a 抖店 refund-only refunded 11-02 12:00, closed 11-02 13:00,
    # reopened 11-04 10:00 (the buyer came back) and changed to a return & refund 11-04 11:00: its 48 h (assumed, the
    # pack says so) run from the change → 11-06 11:00, open — the refund before the reopening does not meet it.
    case = shop.add("douyin", "refund_only", "changed_mind", requested="2026-11-02 10:00")
    shop.act(case, "refund", "2026-11-02 12:00")
    shop.act(case, "close", "2026-11-02 13:00")
    shop.act(case, "reopen", "2026-11-04 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2026-11-04 11:00")
    answer = shop.timers(case)["return_answer"]
    assert (due(answer), answer["status"]) == ("2026-11-06 11:00:00", OPEN)


# --- An agreed return asked anew as another kind: the shop can give the new agreement --------------------------------


@pytest.mark.parametrize(("platform", "old", "new", "answer"), [
    ("tmall", "exchange", "return_refund", "seller_answer_request"),
    ("taobao", "return_refund", "exchange", "seller_answer_goods"),
    ("douyin", "exchange", "return_refund", "return_answer"),
])
def test_r04_an_agreed_return_asked_anew_as_another_kind_waits_for_the_shops_new_agreement(
        shop: ShopCli, platform: str, old: str, new: str, answer: str) -> None:
    # seed 001 "(三)若拒收货物后,误申请了退货退款,用户撤销退款申请,重新申请…": the buyer changes the kind by withdrawing
    # the request and applying again, so the new request waits for the shop's answer (round5 d02: 天猫's "5天內商家沒
    # …做出任何操作,系統會自動把錢退給你的", seed 002). Asked 2026-11-02 10:00, agreed 11-02 12:00, asked anew as the
    # other kind 11-03 10:00, no parcel sent yet. Before, the case stayed 等待买家退货 and offered no 同意退货: the
    # answer timer could not be met and ended in the platform's automatic action (天猫 11-08 10:00 "自动退款").
    # Now it is 处理中 with 同意退货 offered; agreed again 11-03 15:00, the answer is met and the buyer's 7 days
    # (seed 001 "退货协议达成用户需要在7天内退货") run from the new agreement → 11-10 15:00.
    case = shop.add(platform, old, "quality", requested="2026-11-02 10:00")
    shop.act(case, "agree_return", "2026-11-02 12:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", new, "--at", "2026-11-03 10:00")
    shown = shop.cli("case", "show", str(case))
    assert "处理中" in shown.splitlines()[0] and "agree_return（同意退货）" in shown
    shop.act(case, "agree_return", "2026-11-03 15:00")
    timers = shop.timers(case)
    assert (timers[answer]["status"], timers[answer]["platform_acted"]) == (MET, False)
    assert (due(timers["buyer_ship_return"]), timers["buyer_ship_return"]["status"]) == ("2026-11-10 15:00:00", OPEN)


def test_r05_a_return_already_on_its_way_keeps_waiting_for_the_parcel(shop: ShopCli) -> None:
    # The buyer's parcel is on its way (买家已寄回 11-03 09:00): the change keeps 等待买家退货, where the desk finds the
    # parcel; the shop's 10 days to confirm it (seed 001 "卖家会有10天的时间来进行确认") run from 11-03 09:00 → 11-13
    # 09:00.
    case = shop.add("taobao", "exchange", "size_colour", requested="2026-11-02 10:00")
    shop.act(case, "agree_return", "2026-11-02 12:00")
    shop.act(case, "buyer_shipped_return", "2026-11-03 09:00", "--tracking", "SF1234567890")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2026-11-03 10:00")
    assert "等待买家退货" in shop.cli("case", "show", str(case)).splitlines()[0]
    confirm = shop.timers(case)["seller_confirm_return"]
    assert (due(confirm), confirm["status"]) == ("2026-11-13 09:00:00", OPEN)
