"""Timer scenarios, round 7 (session 27): what round 6 found and left alone, and what playing the seeds through the
command line on a fresh ledger each found next. Each test names its seed and quotes the sentence, or says the figure
is assumed and where it comes from; the expected deadline is worked out by hand in the comment before the answer."""

from __future__ import annotations

import pytest

from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, OPEN, due

ESTIMATE = "（时长为估计）"


@pytest.fixture
def shop(tmp_path) -> ShopCli:  # type: ignore[no-untyped-def]
    return ShopCli(tmp_path / "shop")


# --- 淘宝 2020: the seller's 3 日 after the buyer's evidence is the announcement's figure inside the window -----------


@pytest.mark.parametrize(("escalated", "window"), [
    ("2020-01-17 00:00:00", True), ("2020-02-02 23:59:59", True), ("2020-02-03 00:00:00", False)])
def test_t01_taobao_2020_evidence_answer_inside_the_window_is_the_seeds_3_days_not_an_estimate(
        shop: ShopCli, escalated: str, window: bool) -> None:
    # seed 002 2020 (3) "申請客服介入舉證期時間:2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請介入的淘寶網退款/退貨維權,
    # ……賣家應在買家完成舉證後3日內進行處理" — keyed to the intervention. Buyer's evidence 2020-02-04 10:00 → 3 days →
    # 02-07 10:00. Inside the window the figure is the platform's: the name no longer says （时长为估计）. Outside it
    # (one second after the window) the same 3 days stay the pack's estimate.
    case = shop.add("taobao", "refund_only", "quality", requested="2020-01-16 10:00")
    shop.act(case, "escalate", escalated)
    shop.act(case, "buyer_submitted_evidence", "2020-02-04 10:00")
    row = shop.timers(case)["seller_answer_evidence"]
    assert (due(row), row["status"]) == ("2020-02-07 10:00:00", OPEN)
    assert row["name"].endswith(ESTIMATE) is not window
    assert ("2020年春节：介入后举证：3天" in row["name"]) is window


# --- 抖店 / 拼多多 exchanges: the buyer confirms the exchange; 淘宝/天猫 repairs: the shop answers the request --------


@pytest.mark.parametrize("platform", ["douyin", "pdd"])
def test_t02_douyin_and_pdd_exchange_shipped_gives_the_buyer_10_days_to_confirm_assumed(
        shop: ShopCli, platform: str) -> None:
    # Assumed: no seed gives 抖店's or 拼多多's figure; 淘宝's pack estimates 10 days (seed 002 only has the 2020
    # window's "換貨維修待買家確認完成超時統一調整至30天"). Exchange shipped 2026-12-05 10:00 → 10 days → 12-15 10:00,
    # then the platform completes it by itself. Before, no timer followed the shipped exchange.
    case = shop.add(platform, "exchange", "size_colour", requested="2026-12-01 10:00", agreed="2026-12-01 12:00",
                    return_shipped="2026-12-02 10:00")
    shop.act(case, "receive_return", "2026-12-04 10:00")
    shop.act(case, "ship_exchange", "2026-12-05 10:00")
    row = shop.timers(case)["buyer_confirm_exchange"]
    assert (due(row), row["status"], row["name"]) == ("2026-12-15 10:00:00", OPEN, f"买家确认换货完成{ESTIMATE}")
    assert row["action"] == "自动确认完成"
    shop.act(case, "complete", "2026-12-15 10:00")
    assert shop.timers(case)["buyer_confirm_exchange"]["status"] == MET


@pytest.mark.parametrize("platform", ["taobao", "tmall"])
@pytest.mark.parametrize(("requested", "expected"), [
    ("2026-12-01 10:00", ("2026-12-06 10:00:00", f"处理维修申请（5天）{ESTIMATE}")),
    ("2020-02-02 23:59:59", ("2020-02-17 23:59:59", "处理维修申请（5天）（2020年春节售后时效：15天）"))])
def test_t03_taobao_repair_request_gets_the_shops_answer_timer(
        shop: ShopCli, platform: str, requested: str, expected: tuple[str, str]) -> None:
    # Assumed 5 days: seed 002 only says "售後超時機制和售中保持一致" (the after-sales timeouts are the in-sale ones);
    # the pack's return/exchange answer is 5 days (estimated from 天猫's "等待商家處理退款申請」回的期限是5天"). In the
    # 2020 window the seed's "等待賣家或買家確認、修改的超時統一調整至15天" (統一 = all) applies: 15 days, the
    # platform's figure. A repair had only the 72 h after which the buyer may ask for intervention.
    case = shop.add(platform, "repair", "quality", requested=requested)
    row = shop.timers(case)["repair_answer"]
    assert (due(row), row["name"], row["status"]) == (*expected, OPEN)
    shop.act(case, "agree_return", requested[:10] + " 23:59:59")
    assert shop.timers(case)["repair_answer"]["status"] == MET
