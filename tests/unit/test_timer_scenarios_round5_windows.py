"""Timer scenarios, round 5 (session 25): the recurring windows around the year end — 双11 and 聚划算 of this year
(2026: 双11 has no window of its own, estimated from 2025's dates), 春节 2027 (announced each year, never
estimated), the shop adding this year's windows — and the open decision of session 24: what a change of kind does
to the 72 h after which the buyer may ask for intervention. Each on a fresh ledger through the command line; each
names its seed and quotes the sentence, or says the figure is assumed; the expected deadline is worked out by hand
in the comment first. The year end for working days: test_timer_scenarios_round5.py."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

import desktop_app.cli.deadlines as deadlines_cli
from desktop_app.core.clock import CHINA
from desktop_app.io.rule_pack_files import read_pack_text
from desktop_app.services import deadline_rules
from desktop_app.services.deadlines import recompute_changed_rules
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Deadline, Setting
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, OPEN, due

# seed 000: "双十一期间的发货时间是7天,意思就是,商家最迟可以7天内给你发货,往期是3天内" (the pack's window: 2025-10-15
# 20:00 to 11-11 23:59:59, carried into 2026 by its month and day, 估算); seed 001: "实际未在七十二小时内发货".
DOUBLE11 = "2026年双11发货时效（估算）：7天"


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def ship_by(shop: ShopCli, case: int) -> tuple[str, bool, str]:
    row = shop.timers(case)["ship_by"]
    return due(row), row["estimated"], row["name"]


def shop_taobao_pack(data_home: Path, windows: str) -> None:
    """The shop's copy of the 淘宝 pack (what 时效规则 saves) with `windows` added: the shipped text and them."""
    rules = data_home / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    (rules / "taobao.toml").write_text(read_pack_text("taobao") + windows, encoding="utf-8")


def notes_on(shop: ShopCli, monkeypatch: pytest.MonkeyPatch, today: str) -> str:
    """What `deadlines` says on stderr on `today` (the calendar's notice)."""
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at(today))
    return shop.say("deadlines").err


# --- 双11 2026: estimated from 2025's window ----------------------------------------------------------------


@pytest.mark.parametrize(("paid", "expected"), [
    ("2026-10-15 19:59:59", ("2026-10-18 19:59:59", False)),  # the second before: 72 h
    ("2026-10-15 20:00:00", ("2026-10-22 20:00:00", True)),   # the window's first second: 7 days, 估算
    ("2026-11-11 23:59:59", ("2026-11-18 23:59:59", True)),   # its last second
    ("2026-11-12 00:00:00", ("2026-11-15 00:00:00", False)),  # the day after: 72 h again
])
def test_w01_taobao_double11_2026_at_both_edges_of_the_estimated_window(
        shop: ShopCli, paid: str, expected: tuple[str, bool]) -> None:
    # seed 000 "双十一期间的发货时间是7天 … 往期是3天内", keyed to the payment; outside it seed 001's 72 h.
    case = shop.add("taobao", "refund_only", "late_shipment", paid=paid, requested="2026-11-20 10:00")
    assert ship_by(shop, case)[:2] == expected


def test_w02_the_estimated_double11_names_itself_and_is_pointed_out(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 000 (7 days). Paid 2026-11-11 10:00, still unshipped → 11-18 10:00, its name says the window is an
    # estimate; on 2026-12-04 the notice names 淘宝 and 天猫 (tmall inherits the window) and 2026.
    case = shop.add("taobao", "refund_only", "late_shipment", paid="2026-11-11 10:00", requested="2026-11-12 10:00")
    found, estimated, name = ship_by(shop, case)
    assert (found, estimated) == ("2026-11-18 10:00:00", True) and DOUBLE11 in name
    assert "淘宝、天猫还没有2026年的“双11发货时效”时间窗口：按往年的日期估算" in notes_on(shop, monkeypatch,
                                                                                      "2026-12-04 10:00")


def test_w03_tmall_inherits_the_double11_window(shop: ShopCli) -> None:
    # seed 000 (7 days) through the 天猫 pack (extends 淘宝): paid Sun 2026-11-01 10:00 → 11-08 10:00（估算）.
    case = shop.add("tmall", "refund_only", "late_shipment", paid="2026-11-01 10:00", requested="2026-11-02 10:00")
    assert ship_by(shop, case)[:2] == ("2026-11-08 10:00:00", True)


def test_w04_a_shop_entered_double11_2026_window_replaces_the_estimate(
        shop: ShopCli, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 000 (7 days), with this year's window entered by the shop (made up for the test: 2026-10-20 20:00 to
    # 11-11 23:59:59). Paid 10-16 10:00 (inside last year's dates, before this year's): 72 h → 10-19 10:00, no
    # 估算; paid 10-21 10:00: 7 days → 10-28 10:00, no 估算; the notice no longer asks for 2026's 双11.
    shop_taobao_pack(data_home, '''
[[overrides]]
id = "double11_2026"
name = "2026年双11发货时效"
start = 2026-10-20T20:00:00
end = 2026-11-11T23:59:59
event = "double11"
recurs = "yearly"
keyed_to = ["paid"]
durations = { ship_by = { days = 7 } }
''')
    before = shop.add("taobao", "refund_only", "late_shipment", paid="2026-10-16 10:00", requested="2026-10-17 10:00")
    inside = shop.add("taobao", "refund_only", "late_shipment", paid="2026-10-21 10:00", requested="2026-10-22 10:00")
    assert ship_by(shop, before)[:2] == ("2026-10-19 10:00:00", False)
    found, estimated, name = ship_by(shop, inside)
    assert (found, estimated) == ("2026-10-28 10:00:00", False) and "估算" not in name
    notes = notes_on(shop, monkeypatch, "2026-12-04 10:00")
    assert "淘宝还没有2026年的“双11发货时效”" not in notes and "淘宝、天猫还没有2026年的“双11发货时效”" not in notes


# --- 聚划算 this year -------------------------------------------------------------------------------------


def test_w05_a_juhuasuan_order_ships_within_7_days_certain_and_back_to_72_hours_unmarked(shop: ShopCli) -> None:
    # seed 002: "天貓的發貨時間:普通信息72小時內發貨,聚劃算7天內發貨". Paid 2026-12-01 10:00 (no window): marked
    # 聚划算 → 12-08 10:00, not an estimate; the mark taken off → 12-04 10:00.
    shop.import_taobao_orders(("JHS-1", "99.00", "2026-12-01 10:00:00"))
    case = shop.add("taobao", "refund_only", "late_shipment", order="JHS-1", requested="2026-12-02 10:00")
    assert ship_by(shop, case)[:2] == ("2026-12-04 10:00:00", False)
    shop.cli("order-campaign", "JHS-1", "juhuasuan")
    found, estimated, name = ship_by(shop, case)
    assert (found, estimated) == ("2026-12-08 10:00:00", False) and "聚划算" in name
    shop.cli("order-campaign", "JHS-1", "none")
    assert ship_by(shop, case)[:2] == ("2026-12-04 10:00:00", False)


def test_w06_a_juhuasuan_order_paid_in_double11_2026_is_7_days_without_an_estimate(shop: ShopCli) -> None:
    # seed 002 "聚劃算7天內發貨" whenever paid; the 双11 window (seed 000) says 7 days too but is only estimated
    # for 2026: the order's 7 days do not rest on it. Paid 2026-11-05 10:00 → 11-12 10:00, not 估算.
    shop.import_taobao_orders(("JHS-2", "59.00", "2026-11-05 10:00:00"))
    shop.cli("order-campaign", "JHS-2", "juhuasuan")
    case = shop.add("taobao", "refund_only", "late_shipment", order="JHS-2", requested="2026-11-06 10:00")
    assert ship_by(shop, case)[:2] == ("2026-11-12 10:00:00", False)


def test_w07_late_juhuasuan_shipping_counts_5_percent_capped_at_30_yuan(shop: ShopCli,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 002 "聚劃算7天內發貨"; seed 001 "延迟发货的 … 支付该商品实际成交金额的百分之五作为违约金,且金额最高不超过
    # 三十元". Paid 2026-11-20 10:00 (after 双11) → 11-27 10:00; the buyer's complaint (维权, no refund asked, so
    # no automatic refund ends the shipping) at 11-27 10:01 is overdue with 5 % of 99.00 = 4.95 at stake.
    shop.import_taobao_orders(("JHS-3", "99.00", "2026-11-20 10:00:00"))
    shop.cli("order-campaign", "JHS-3", "juhuasuan")
    case = shop.add("taobao", "dispute", "late_shipment", order="JHS-3", requested="2026-11-26 10:00")
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2026-11-27 10:01"))
    rows = json.loads(shop.cli("deadlines", "--overdue", "--json"))
    assert [(r["case"], r["timer"], r["due_at"], r["penalty_yuan"]) for r in rows] == [
        (case, "ship_by", "2026-11-27T10:00:00+08:00", "4.95")]


def test_w06b_a_ledger_computed_by_the_previous_engine_is_corrected_at_the_next_start(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # w06's case as the previous engine revision stored it (7 days, 估算, named after the guessed 2026 双11): the
    # revision's rise makes the start-up recompute (`recompute_changed_rules`) rewrite it, as the first start after
    # the upgrade does.
    shop.import_taobao_orders(("JHS-4", "59.00", "2026-11-05 10:00:00"))
    shop.cli("order-campaign", "JHS-4", "juhuasuan")
    case = shop.add("taobao", "refund_only", "late_shipment", order="JHS-4", requested="2026-11-06 10:00")
    db = open_database(Path(shop.db))
    try:
        with db.transaction() as session:  # a ledger the previous release computed: its fingerprints and revisions
            session.execute(delete(Setting).where(Setting.key.in_(("deadlines.rule_fingerprints",
                                                                    "deadlines.app_revisions"))))
        this_engine = deadline_rules.ENGINE_REVISION
        monkeypatch.setattr(deadline_rules, "ENGINE_REVISION", this_engine - 1)
        recompute_changed_rules(db)
        with db.transaction() as session:
            session.execute(update(Deadline).where(Deadline.case_id == case, Deadline.timer_id == "ship_by").values(
                estimated=True, name=f"发货时效（付款后72小时）（{DOUBLE11}）"))
            session.execute(update(Case).where(Case.id == case).values(deadline_digest=12345))
        monkeypatch.setattr(deadline_rules, "ENGINE_REVISION", this_engine)
        assert recompute_changed_rules(db).value >= 1
        with db.reading() as session:
            row = session.execute(select(Deadline).where(Deadline.case_id == case,
                                                         Deadline.timer_id == "ship_by")).scalar_one()
            assert (row.estimated, row.name) == (False, "发货时效（付款后72小时）（聚划算7天）")
    finally:
        db.close()


# --- 春节 2027: announced each year, never estimated ----------------------------------------------------------


def test_w08_a_refund_request_on_spring_festival_2027_gets_the_usual_timers(shop: ShopCli) -> None:
    # seed 002 has 2020's and 2022's windows only, with different dates and figures: none is guessed for 2027
    # (README "never estimated … the usual timers apply"). Refund-only asked on 初一 Sat 2027-02-06 10:00 → the
    # escalation after seed 002's 72 h, 02-09 10:00; the answer in 5 days (assumed, seed 002's 天猫 5天), 02-11
    # 10:00; neither 估算 nor named after a window.
    case = shop.add("taobao", "refund_only", "quality", requested="2027-02-06 10:00")
    timers = shop.timers(case)
    assert (due(timers["refund_intervention"]), due(timers["seller_answer_request"])) == (
        "2027-02-09 10:00:00", "2027-02-11 10:00:00")
    assert not any(row["estimated"] or "春节" in row["name"] for row in timers.values())


def test_w09_a_return_asked_inside_2022s_dates_in_2027_is_not_given_2022s_20_days(shop: ShopCli) -> None:
    # seed 002 2022: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 消費者應在自商家通過審核
    # 後20日內商品寄回" — for 2022 only. Asked 2027-01-25 10:00 (the same month and day): the usual 5 days
    # (assumed) → 01-30 10:00, then the platform agrees and the buyer's 7 days (seed 001 "(一)退货协议达成用户需要在
    # 7天内退货") → 02-06 10:00, not 02-19.
    case = shop.add("taobao", "return_refund", "quality", requested="2027-01-25 10:00")
    timers = shop.timers(case)
    assert (due(timers["seller_answer_goods"]), due(timers["buyer_ship_return"])) == (
        "2027-01-30 10:00:00", "2027-02-06 10:00:00")


@pytest.mark.parametrize(("today", "told"), [
    ("2026-11-17 12:00", False),  # more than 60 days before 01-17 (the earliest start, 2020's)
    ("2026-11-18 00:00", True),   # 60 days before
    ("2026-12-04 10:00", True),   # the testers' today
    ("2027-02-08 23:00", True),   # the latest end (2022's 02-08)
    ("2027-02-09 00:00", False),  # after it
])
def test_w10_the_notice_about_spring_festival_2027_from_60_days_before(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch, today: str, told: bool) -> None:
    # README: "from 60 days before their earliest start the calendar says the coming year has none yet, and the
    # usual timers apply" (seed 002's windows: 2020 01-17–02-02, 2022 01-25–02-08).
    shop.add("taobao", "refund_only", "quality", requested="2026-11-02 10:00")
    notes = notes_on(shop, monkeypatch, today)
    assert ("淘宝、天猫还没有2027年的“春节售后时效”时间窗口" in notes and "按平时的时效计算" in notes) is told, notes


def test_w11_a_shop_entered_spring_festival_2027_window_takes_its_figures(
        shop: ShopCli, data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The platform's 2027 announcement entered by the shop (made up for the test, 2022's figures: seed 002 "商家應在
    # 消費者申請後15日內給出審核結果"; 2027-01-28 00:00:00 to 02-12 23:59:59, keyed to the request). A return asked
    # 02-12 23:59:59 → 15 days, 02-27 23:59:59; asked 02-13 00:00:00 → the usual 5 days, 02-18 00:00:00 (assumed);
    # the notice about 2027's 春节 is gone.
    shop_taobao_pack(data_home, '''
[[overrides]]
id = "spring_festival_2027"
name = "2027年春节售后时效"
start = 2027-01-28T00:00:00
end = 2027-02-12T23:59:59
event = "spring_festival"
recurs = "announced"
keyed_to = ["requested"]
kinds = ["return_refund", "exchange"]

[overrides.durations]
seller_answer_goods = { days = 15 }
''')
    last = shop.add("taobao", "return_refund", "quality", requested="2027-02-12 23:59:59")
    after = shop.add("taobao", "return_refund", "quality", requested="2027-02-13 00:00:00")
    assert due(shop.timers(last)["seller_answer_goods"]) == "2027-02-27 23:59:59"
    assert due(shop.timers(after)["seller_answer_goods"]) == "2027-02-18 00:00:00"
    notes = notes_on(shop, monkeypatch, "2026-12-04 10:00")
    assert "淘宝还没有2027年的“春节售后时效”" not in notes and "淘宝、天猫还没有2027年的“春节售后时效”" not in notes


# --- the open decision: a change of kind and the 72 h to intervention ---------------------------------------
# Decided (session 25): kept as pinned in r08. On 淘宝 the buyer changes the kind by withdrawing the request and
# applying again — seed 001: "(三)若拒收货物后,误申请了退货退款,用户撤销退款申请,重新申请未收到货仅退款" — and the
# intervention is counted from the application: seed 001 "可在申请退款后72小时申请官方客服介入处理", seed 002 "每一
# 筆退款,買家申請退款後3天(72小時)才可以申請小二介入". 抖店 the same way (seed 004 4.4: "撤銷補寄申請後,重新申請其他
# 售後類型"). A kind the shop typed wrongly is corrected with --at the request's own time: nothing moves.


def test_d01_taobao_return_refund_withdrawn_and_asked_again_as_refund_only(shop: ShopCli) -> None:
    # seed 001 (三) as above. Return asked 11-10 10:00 (escalation from 11-13 10:00); the buyer refused the parcel,
    # withdrew and asked refund-only 11-12 10:00 → escalation from 11-15 10:00 ("申请退款后72小时"), the answer
    # in 5 days (assumed) 11-17 10:00; the return's answer is gone.
    case = shop.add("taobao", "return_refund", "signed_not_received", requested="2026-11-10 10:00")
    assert due(shop.timers(case)["refund_intervention"]) == "2026-11-13 10:00:00"
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-11-12 10:00")
    timers = shop.timers(case)
    assert "seller_answer_goods" not in timers
    assert {t: (due(timers[t]), timers[t]["status"]) for t in ("refund_intervention", "seller_answer_request")} == {
        "refund_intervention": ("2026-11-15 10:00:00", OPEN), "seller_answer_request": ("2026-11-17 10:00:00", OPEN)}


def test_d02_tmall_exchange_asked_again_as_a_return_after_an_agreement(shop: ShopCli) -> None:
    # seed 001 (三)/(一): an exchange agreed 11-10 12:00 (the 72 h of seed 002 met), the buyer withdrew and asked a
    # return & refund 11-11 10:00: a new application → escalation from 11-14 10:00, open; 天猫's 5 days (seed 002
    # "等待商家處理退款申請 … 5天") → 11-16 10:00.
    case = shop.add("tmall", "exchange", "size_colour", requested="2026-11-10 10:00")
    shop.act(case, "agree_return", "2026-11-10 12:00")
    assert shop.timers(case)["refund_intervention"]["status"] == MET
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2026-11-11 10:00")
    timers = shop.timers(case)
    assert (due(timers["refund_intervention"]), timers["refund_intervention"]["status"]) == (
        "2026-11-14 10:00:00", OPEN)
    assert due(timers["seller_answer_request"]) == "2026-11-16 10:00:00"


def test_d03_a_kind_typed_wrongly_is_corrected_at_the_requests_own_time_and_nothing_moves(shop: ShopCli) -> None:
    # README: change_kind "--at the time the buyer asked"; typed as an exchange, the request was a return & refund
    # at 11-10 10:00: corrected at 11-10 10:00 the clocks are the return's from the request — seed 002's 72 h →
    # 11-13 10:00, the 5 days (assumed) → 11-15 10:00.
    case = shop.add("taobao", "exchange", "quality", requested="2026-11-10 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2026-11-10 10:00")
    timers = shop.timers(case)
    assert (due(timers["refund_intervention"]), due(timers["seller_answer_goods"])) == (
        "2026-11-13 10:00:00", "2026-11-15 10:00:00")


def test_d04_a_change_of_kind_into_spring_festival_2022_takes_the_windows_figures(shop: ShopCli) -> None:
    # seed 002 2022: "期間申請/修改退換貨的 … 商家應在消費者申請後15日內給出審核結果" — a refund-only asked 2022-01-23
    # 10:00 (before the window; the window is for 退換貨 only) changed to a return 2022-01-25 10:00 (inside) → 15
    # days, 02-09 10:00; the 72 h (seed 001 "申请退款后72小时") from the change → 01-28 10:00.
    case = shop.add("taobao", "refund_only", "quality", requested="2022-01-23 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "return_refund", "--at", "2022-01-25 10:00")
    timers = shop.timers(case)
    assert (due(timers["seller_answer_goods"]), due(timers["refund_intervention"])) == (
        "2022-02-09 10:00:00", "2022-01-28 10:00:00")
