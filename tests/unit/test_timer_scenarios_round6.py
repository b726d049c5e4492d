"""Timer scenarios, round 6 (session 26): what rounds 1–5 left, found by playing the seeds through the command line
on a fresh ledger each. Each test names its seed and quotes the sentence, or says the figure is assumed and where it
comes from; the expected deadline is worked out by hand in the comment before the engine's answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.io.rule_pack_files import load_pack
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, due

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
