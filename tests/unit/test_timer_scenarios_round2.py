"""Timer scenarios, round 2 (session 17): what round 1 (test_timer_scenarios.py) did not cover. Each
names its seed and quotes the sentence, or names the source of an assumed figure, and computes the
deadline by hand in the comment."""

from __future__ import annotations

import pytest

from desktop_app.core.deadlines import settled_by_platform
from desktop_app.io.rule_pack_files import load_pack
from tests.unit.test_seed_rules import MET, OPEN, at, compute


@pytest.mark.parametrize("pack", ["pdd", "douyin"])
@pytest.mark.parametrize("kind", ["return_refund", "exchange"])
def test_pdd_and_douyin_give_the_shop_an_assumed_10_days_to_confirm_a_returned_parcel(pack: str, kind: str) -> None:
    # Neither seed nor DOMAIN has a 拼多多 or 抖店 figure for the shop's time after the buyer ships the
    # return back; the packs assume 淘宝's (seed 001: "点击【提交退货信息】后,卖家会有10天的时间来进行确认,
    # 逾期卖家没有处理,系统会自动退款给用户"), as they already assume its 7 days for the buyer. Before,
    # nothing ran after 买家寄回 on these platforms: a return could sit unconfirmed without a deadline.
    rule = load_pack(pack).timer("seller_confirm_return")
    assert rule.assumed and rule.source is not None and "资料中没有" in rule.source and "seeds/001" in rule.source
    # Requested 2026-12-01 09:00, agreed 10:00, the buyer ships 12-02 18:30 → 12-12 18:30, then refunded.
    found = compute(pack, kind, "quality", requested="2026-12-01 09:00", return_agreed="2026-12-01 10:00",
                    return_shipped="2026-12-02 18:30")
    d = found["seller_confirm_return"]
    assert (d.starts_at, d.due_at, d.status, d.action) == (
        at("2026-12-02 18:30"), at("2026-12-12 18:30"), OPEN, "自动退款")
    assert d.name == "确认收到退货（买家寄回后10天）（时长为估计）"
    # The platform refunds by itself when it runs out: settled then, never overdue for the shop.
    assert d.automatic and settled_by_platform(d.automatic, d.due_at, at("2026-12-12 18:30"))
    assert not settled_by_platform(d.automatic, d.due_at, at("2026-12-12 18:29"))
    # Received (inspected) or refused in time: met.
    for event in ("return_received", "rejected"):
        done = compute(pack, kind, "quality", requested="2026-12-01 09:00", return_agreed="2026-12-01 10:00",
                       return_shipped="2026-12-02 18:30", **{event: "2026-12-05 10:00"})["seller_confirm_return"]
        assert done.status is MET
    # A date-only shipping day counts from 00:00 of that day (12-02 → 12-12 00:00), as 淘宝's.
    date_only = compute(pack, kind, "quality", requested="2026-12-01 09:00", return_agreed="2026-12-01 10:00",
                        return_shipped="2026-12-02")["seller_confirm_return"]
    assert date_only.due_at == at("2026-12-12 00:00")
