"""Timer scenarios, round 6 (session 26): what rounds 1–5 left, found by playing the seeds through the command line
on a fresh ledger each. Each test names its seed and quotes the sentence, or says the figure is assumed and where it
comes from; the expected deadline is worked out by hand in the comment before the engine's answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.io.rule_pack_files import load_pack
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, MISSED, OPEN, due

PACKS = ["taobao", "tmall", "pdd", "douyin", "jd", "generic"]


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


# --- a figure no seed gives says it is an estimate --------------------------------------------------------


@pytest.mark.parametrize("pack", PACKS)
def test_r01_every_timer_quotes_its_seed_or_says_it_is_assumed(pack: str) -> None:
    # The packs' rule (generic.toml: "assumed  true = 时长是估计的（资料中没有），时限名称后显示“（时长为估计）”";
    # "source / quote  出处和原文"). 京东 and 其他 inherited generic.toml's 售后期 with neither: the 15 days are
    # 淘宝/天猫's (seed 002 "確認收貨>確認放款>交易成功,之日起15日之內「申請售後」") and 抖店's for 补寄 (seed 004),
    # and 拼多多's and 抖店's other-kind packs already call the same figure an estimate.
    for timer in load_pack(pack).timers:
        assert timer.assumed or (timer.quote and timer.source and "seeds/" in timer.source), (pack, timer.id)
        assert timer.display_name.endswith("（时长为估计）") is timer.assumed, (pack, timer.id)


@pytest.mark.parametrize("platform", ["jd", "other"])
def test_r02_the_after_sales_period_of_jd_and_other_platforms_is_named_an_estimate(
        shop: ShopCli, platform: str) -> None:
    # Assumed (no seed gives 京东's or another platform's period; 淘宝/天猫's seed 002 "之日起15日之內「申請售後」"):
    # 交易成功 2026-12-01 by its day → from 12-02 00:00, 15 days → 12-17 00:00; asked 12-16 10:00, in time. The name
    # says （时长为估计） in `deadlines --json` and `deadlines --all`, as 拼多多's and 抖店's same figure does.
    case = shop.add(platform, "return_refund", "quality", succeeded="2026-12-01", requested="2026-12-16 10:00")
    row = shop.timers(case)["aftersales_window"]
    expected = ("2026-12-17 00:00:00", MET, "售后期（交易成功后15天）（时长为估计）")
    assert (due(row), row["status"], row["name"]) == expected
    assert "售后期（交易成功后15天）（时长为估计）" in shop.cli("deadlines", "--case", str(case), "--all")
    # The seven days no-reason keep their figure (a legal rule, seed 001 "确认签收商品之日起7天内"): no mark.
    seven = shop.add(platform, "return_refund", "no_reason_7d", signed="2026-12-01 15:00", requested="2026-12-03 10:00")
    row = shop.timers(seven)["no_reason_window"]
    assert (due(row), row["status"], row["name"]) == ("2026-12-08 15:00:00", MET, "七天无理由退货期")


# --- 抖店: a late reship costs 3 元 whatever the reason -------------------------------------------------------


@pytest.mark.parametrize("reason", ["not_received", "lost", "signed_not_received", "stalled", "missing_item"])
@pytest.mark.parametrize(("shipped", "status", "owed"), [
    ("2026-12-03 10:00:00", MET, None), ("2026-12-03 10:00:01", MISSED, "3.00"), (None, OPEN, "3.00")])
def test_r03_douyin_reship_shipped_late_costs_3_yuan_for_every_reason(
        shop: ShopCli, reason: str, shipped: str | None, status: str, owed: str | None) -> None:
    # seed 004 4.3 "若商家逾期未完成補寄發貨或未上傳對應的真實物流單號至抖店平臺的,應當按照每單3元的標準向用戶進行賠付"
    # and 3.3.2 "同意補寄申請后,商家需在48小時內發出補寄商品,若商家發貨超時,系統自動執行發貨超時判罰" say it of every
    # reship; 3.3.3 adds for 一直未收到货 (the app's 未收到货, 丢件, 签收未收到, 物流停滞) "若商家同意補寄后超時未發貨,
    # 系統會自動全額退款" — on top, not instead. Agreed 2026-12-01 10:00 → 48 h → 12-03 10:00 (inclusive). It was
    # 3 元 for 漏发少件 only: a late 一直未收到货 reship showed no money at stake.
    case = shop.add("douyin", "reship", reason, requested="2026-12-01 09:00")
    shop.act(case, "agree_reship", "2026-12-01 10:00")
    if shipped is not None:
        shop.act(case, "ship_reship", shipped)
    timers = shop.timers(case)
    ship = timers["reship_ship" if reason == "missing_item" else "reship_ship_not_received"]
    assert (due(ship), ship["status"], ship["penalty_yuan"]) == ("2026-12-03 10:00:00", status, owed)
    if shipped is None:  # where the shop reads it: the case and the reship queue
        assert "须赔付 3.00 元" in shop.cli("case", "show", str(case))
        assert [row["penalty_yuan"] for row in json.loads(shop.cli("reship", "list", "--all", "--json"))] == ["3.00"]
