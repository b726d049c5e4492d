"""Timer scenarios, round 4 (session 24): the clock itself — times with and without seconds, date-only times at
every step, times given with another offset, a computer not set to China time, 29 February, the year end for
working days, the holiday windows' edges — and what `deadlines` lists around China midnight (overdue or not,
counts, order, the penalty at stake). Each names its seed and quotes the sentence, or says that the figure is
assumed; the expected deadline is worked out by hand before the engine's answer. Several rounds of one case:
test_timer_scenarios_round4.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import desktop_app.cli.deadlines as deadlines_cli
from desktop_app.core.clock import CHINA
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, MISSED, OPEN, due

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


# --- how a time is typed --------------------------------------------------------------------------------


@pytest.mark.parametrize(("requested", "expected"), [
    ("2026-11-02 10:00", "2026-11-05 10:00:00"),
    ("2026-11-02 10:00:00", "2026-11-05 10:00:00"),
    ("2026-11-02 10:00:59", "2026-11-05 10:00:59"),
    ("2026/11/02 10:00", "2026-11-05 10:00:00"),
])
def test_c01_a_time_with_or_without_seconds_is_the_same_72_hours(shop: ShopCli, requested: str, expected: str) -> None:
    # seed 002: "售後超時機制和售中保持一致,申請客服介入的時間也是72小時後". Without seconds the time is :00.
    case = shop.add("taobao", "return_refund", "quality", requested=requested)
    assert due(shop.timers(case)["refund_intervention"]) == expected


@pytest.mark.parametrize(("requested", "expected"), [
    ("2026-11-11T08:00:00+00:00", "2026-11-14 16:00:00"),  # 08:00 UTC is 16:00 in China
    ("2026-11-11T08:00:00+08:00", "2026-11-14 08:00:00"),
    ("2026-11-11T08:00:00Z", "2026-11-14 16:00:00"),
    ("2026-11-10T20:00:00-05:00", "2026-11-14 09:00:00"),  # the evening before in New York: 11-11 09:00 China
])
def test_c02_a_time_with_another_offset_is_the_instant_it_names(shop: ShopCli, requested: str, expected: str) -> None:
    # seed 002's 72 h (as test_c01) from the instant the offset names, shown in China time.
    case = shop.add("taobao", "return_refund", "quality", requested=requested)
    assert due(shop.timers(case)["refund_intervention"]) == expected


@pytest.mark.parametrize(("requested", "timer", "expected"), [
    ("2022-02-08T15:59:59+00:00", "seller_answer_goods", "2022-02-23 23:59:59"),  # 23:59:59 China: inside
    ("2022-02-08T16:00:00+00:00", "seller_answer_goods", "2022-02-14 00:00:00"),  # 00:00 China: after it
])
def test_c02b_the_2022_window_edge_is_china_midnight_whatever_offset_the_time_was_typed_in(
        shop: ShopCli, requested: str, timer: str, expected: str) -> None:
    # seed 002: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 商家應在消費者申請後15日內給出
    # 審核結果" — China time; outside it the usual 5 days (assumed from seed 002's 天猫 5 days).
    case = shop.add("taobao", "exchange", "quality", requested=requested)
    assert due(shop.timers(case)[timer]) == expected


def test_c03_taobao_return_typed_by_its_days_only_at_every_step(shop: ShopCli) -> None:
    # A step known by its day only starts its clock at 00:00 of that day (the earliest it can be); a step on the
    # due day of a round that itself started by its day only is in time (README). seed 002: 72 h; seed 001: "(一)
    # 退货协议达成用户需要在7天内退货" and "(二)点击【提交退货信息】后,卖家会有10天的时间来进行确认"; 5 days assumed.
    # Asked 11-02 → escalation from 11-05 00:00, answer by 11-07 00:00; agreed 11-03 → shipped back by 11-10 00:00;
    # shipped 11-10 (in time) → confirmed by 11-20 00:00; received 11-20 (in time).
    case = shop.add("taobao", "return_refund", "quality", requested="2026-11-02")
    timers = shop.timers(case)
    assert (due(timers["refund_intervention"]), due(timers["seller_answer_goods"])) == (
        "2026-11-05 00:00:00", "2026-11-07 00:00:00")
    shop.act(case, "agree_return", "2026-11-03")
    assert due(shop.timers(case)["buyer_ship_return"]) == "2026-11-10 00:00:00"
    shop.act(case, "buyer_shipped_return", "2026-11-10", "--carrier", "中通快递", "--tracking", "75123456789012")
    shop.act(case, "receive_return", "2026-11-20")
    found = {t: (due(r), r["status"]) for t, r in shop.timers(case).items()}
    assert found == {
        "refund_intervention": ("2026-11-05 00:00:00", MET),
        "seller_answer_goods": ("2026-11-07 00:00:00", MET),
        "buyer_ship_return": ("2026-11-10 00:00:00", MET),
        "seller_confirm_return": ("2026-11-20 00:00:00", MET),
    }


def test_c04_douyin_reship_agreed_and_shipped_by_their_days_only(shop: ShopCli) -> None:
    # seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品". Asked 11-02 10:00, agreed on 11-03 (day only) → ship by
    # 11-05 00:00 (from the day's first moment: never later than the platform's); shipped on 11-05 (day only): the
    # round started by its day, its due is known to the day → in time, no 3 元.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-11-02 10:00")
    shop.act(case, "agree_reship", "2026-11-03")
    assert due(shop.timers(case)["reship_ship"]) == "2026-11-05 00:00:00"
    shop.act(case, "ship_reship", "2026-11-05")
    ship = shop.timers(case)["reship_ship"]
    assert (ship["status"], ship["penalty_yuan"]) == (MET, None)


# --- a computer not set to China time --------------------------------------------------------------------


def _cli_in_zone(zone: str, db: Path, *args: str) -> str:
    env = {**os.environ, "TZ": zone, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "desktop_app", *args, "--db", str(db)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("zone", ["America/New_York", "UTC"])
def test_c05_a_pc_not_set_to_china_time_computes_the_same_china_deadlines(tmp_path: Path, zone: str) -> None:
    # Times are typed and shown in China time whatever the computer's zone (README: "Times are … China time").
    # seed 002's 72 h: asked 11-11 08:00 → 11-14 08:00. seed 003: "如签收时间仅有日期的,以该日后的第二天零时起计算
    # 时间,满168小时为七天": signed 11-05 (day only) → 11-13 00:00, asked 11-11 08:00 in time; signed 11-01 → 11-09
    # 00:00, asked on 11-09 (day only) too late.
    db = tmp_path / "ledger.sqlite3"
    first = _cli_in_zone(zone, db, "case", "add", "--platform", "taobao", "--order", "TZ-1", "--kind",
                         "return_refund", "--reason", "no_reason_7d", "--requested-at", "2026-11-11 08:00",
                         "--signed-at", "2026-11-05").strip()
    rows = json.loads(_cli_in_zone(zone, db, "deadlines", "--case", first, "--all", "--json"))
    found = {row["timer"]: (row["due_at"], row["status"]) for row in rows}
    assert found["refund_intervention"][0] == "2026-11-14T08:00:00+08:00"
    # Unanswered, the platform agreed by itself at 11-14 08:00 (seed 001: "72小时内卖家未响应退款,系统会自动为双方
    # 达成退货协议"); the buyer's 7 days from then.
    assert found["seller_answer_return"] == ("2026-11-14T08:00:00+08:00", OPEN)
    assert found["buyer_ship_return"] == ("2026-11-21T08:00:00+08:00", OPEN)
    assert found["no_reason_window"] == ("2026-11-13T00:00:00+08:00", MET)
    second = _cli_in_zone(zone, db, "case", "add", "--platform", "taobao", "--order", "TZ-2", "--kind",
                          "return_refund", "--reason", "no_reason_7d", "--requested-at", "2026-11-09",
                          "--signed-at", "2026-11-01").strip()
    late = json.loads(_cli_in_zone(zone, db, "deadlines", "--case", second, "--all", "--json"))
    assert {row["timer"]: row["status"] for row in late}["no_reason_window"] == MISSED
    table = _cli_in_zone(zone, db, "deadlines", "--case", first, "--all")
    assert "2026-11-14 08:00" in table


# --- 29 February, the year end --------------------------------------------------------------------------


def test_c06_seven_days_from_a_date_only_signing_across_29_february_2028(shop: ShopCli) -> None:
    # seed 003 (date only: from the next day's 00:00, 168 h). Signed 2028-02-22 → 02-23 00:00 → 2028-03-01 00:00
    # (29 February counted); asked 02-29 23:59:59 in time, on 03-01 (day only) too late.
    ok = shop.add("taobao", "return_refund", "no_reason_7d", signed="2028-02-22", requested="2028-02-29 23:59:59")
    window = shop.timers(ok)["no_reason_window"]
    assert (due(window), window["status"]) == ("2028-03-01 00:00:00", MET)
    late = shop.add("taobao", "return_refund", "no_reason_7d", signed="2028-02-22", requested="2028-03-01")
    assert shop.timers(late)["no_reason_window"]["status"] == MISSED


@pytest.mark.parametrize(("agreed", "expected"), [
    ("2028-02-28 12:00", "2028-03-01 12:00:00"),  # a leap year: 48 h pass through 29 February
    ("2027-02-28 12:00", "2027-03-02 12:00:00"),  # not one
])
def test_c06b_douyin_48_hours_to_ship_over_the_end_of_february(shop: ShopCli, agreed: str, expected: str) -> None:
    # seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品".
    case = shop.add("douyin", "reship", "missing_item", requested=agreed)
    shop.act(case, "agree_reship", agreed)
    assert due(shop.timers(case)["reship_ship"]) == expected


def test_c06c_three_working_days_over_29_february_2028_are_estimated(shop: ShopCli) -> None:
    # seed 003 "(通常为3个工作日)" (assumed). 2028 has no official schedule (its 春节 is in January): agreed Mon
    # 02-28 10:00 → Tue 02-29, Wed 03-01, Thu 03-02 → 2028-03-02 10:00, 估算.
    case = shop.add("taobao", "reship", "missing_item", requested="2028-02-28 09:00")
    shop.act(case, "agree_reship", "2028-02-28 10:00")
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == ("2028-03-02 10:00:00", True)


def test_c06d_fifteen_days_after_a_date_only_trade_success_over_29_february(shop: ShopCli) -> None:
    # seed 002: "確認收貨>確認放款>交易成功,之日起15日之內「申請售後」". Succeeded 2028-02-14 (day only) → from 02-15
    # 00:00 → 2028-03-01 00:00; asked 02-29 23:00 in time.
    case = shop.add("taobao", "partial_refund", "quality", succeeded="2028-02-14", requested="2028-02-29 23:00")
    window = shop.timers(case)["aftersales_window"]
    assert (due(window), window["status"]) == ("2028-03-01 00:00:00", MET)


def test_c07_three_working_days_into_2027_are_shown_and_warned_as_estimates_those_in_2026_not(
        shop: ShopCli) -> None:
    # seed 003 "(通常为3个工作日)" (assumed). Agreed Tue 2026-12-29 10:00 → Wed 12-30, Thu 12-31, (Fri 01-01 元旦,
    # statutory) Mon 2027-01-04 → 2027-01-04 10:00（估算）; agreed Mon 12-28 10:00 → Thu 12-31 10:00, official.
    into = shop.add("taobao", "reship", "missing_item", requested="2026-12-29 09:00")
    shop.act(into, "agree_reship", "2026-12-29 10:00")
    inside = shop.add("taobao", "reship", "missing_item", requested="2026-12-28 09:00")
    shop.act(inside, "agree_reship", "2026-12-28 10:00")
    assert (due(shop.timers(into)["reship_within"]), shop.timers(into)["reship_within"]["estimated"]) == (
        "2027-01-04 10:00:00", True)
    assert (due(shop.timers(inside)["reship_within"]), shop.timers(inside)["reship_within"]["estimated"]) == (
        "2026-12-31 10:00:00", False)
    said = shop.say("deadlines", "--case", str(into))
    assert "2027-01-04 10:00（估算）" in said.out and "workdays import" in said.err
    plain = shop.say("deadlines", "--case", str(inside))
    assert "2026-12-31 10:00" in plain.out and "（估算）" not in plain.out
    assert "估算" in shop.cli("case", "show", str(into))


# --- holiday windows at their edges -------------------------------------------------------------------------


@pytest.mark.parametrize(("requested", "expected"), [
    ("2020-01-16", "2020-01-21 00:00:00"),  # the whole day before the window: the usual 5 days
    ("2020-01-17", "2020-02-01 00:00:00"),  # its first day: 15 days
    ("2020-02-02", "2020-02-17 00:00:00"),  # its last day: 15 days
    ("2020-02-03", "2020-02-08 00:00:00"),  # the day after: 5 days
    ("2020-02-02 23:59:59", "2020-02-17 23:59:59"),
    ("2020-02-03 00:00:00", "2020-02-08 00:00:00"),
])
def test_c08_seed002_2020_a_refund_only_request_at_the_windows_edges_by_day_and_to_the_second(
        shop: ShopCli, requested: str, expected: str) -> None:
    # seed 002: "1、買家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請/修改退款的 … a.等待賣家或買家確認、修改
    # 的超時統一調整至15天" — 統一: a refund-only request too (issue 13 item 1); outside, 5 days (assumed, seed 002's
    # 天猫 "等待商家處理退款申請 … 5天"). A request typed by its day lies wholly inside or outside the window.
    case = shop.add("taobao", "refund_only", "quality", requested=requested)
    assert due(shop.timers(case)["seller_answer_request"]) == expected


@pytest.mark.parametrize(("agreed", "expected"), [
    ("2026-09-30", "2026-10-10 00:00:00"),        # Wed by its day: the whole 09-30, 10-08, 10-09 (10-01..07 off)
    ("2026-10-03", "2026-10-11 00:00:00"),        # a holiday by its day: from 10-08 00:00; Sat 10-10 worked (调休)
    ("2026-10-03 15:00", "2026-10-11 00:00:00"),  # a holiday to the minute: the same, nothing of 10-03 counts
    ("2026-10-09 18:00", "2026-10-13 18:00:00"),  # Fri 18:00 → Sat 10-10 (调休), Mon 10-12, Tue 10-13
])
def test_c09_three_working_days_from_a_date_only_or_holiday_agreement_around_national_day_2026(
        shop: ShopCli, agreed: str, expected: str) -> None:
    # seed 003 "给予补寄(通常为3个工作日)" (assumed), on the official 2026 schedule (FACTS: 国庆 10-01…10-07, 10-10 a
    # worked Saturday). A day given alone counts whole, from its 00:00; a non-working day not at all.
    case = shop.add("taobao", "reship", "missing_item", requested=agreed)
    shop.act(case, "agree_reship", agreed)
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == (expected, False)


def test_c10_seed002_2022_a_request_time_corrected_into_the_window_takes_its_figures_at_once(shop: ShopCli) -> None:
    # README: "case edit 3 --requested-at … the holiday windows keyed to the request … follow at once". Typed as
    # 2022-01-24 23:59:59 (the second before the window): 5 days (assumed) → 01-29 23:59:59, agreed by the platform
    # then, the buyer's 7 days (seed 001) → 02-05 23:59:59. Corrected to 01-25 00:00:00: seed 002 "商家應在消費者
    # 申請後15日內給出審核結果" → 02-09 00:00:00, and "消費者應在自商家通過審核後20日內商品寄回" → 03-01 00:00:00.
    case = shop.add("taobao", "return_refund", "quality", requested="2022-01-24 23:59:59")
    timers = shop.timers(case)
    assert (due(timers["seller_answer_goods"]), due(timers["buyer_ship_return"])) == (
        "2022-01-29 23:59:59", "2022-02-05 23:59:59")
    shop.cli("case", "edit", str(case), "--requested-at", "2022-01-25 00:00:00")
    timers = shop.timers(case)
    assert (due(timers["seller_answer_goods"]), due(timers["buyer_ship_return"])) == (
        "2022-02-09 00:00:00", "2022-03-01 00:00:00")


# --- what `deadlines` lists around China midnight -----------------------------------------------------------


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def test_l01_overdue_starts_after_china_midnight_with_the_3_yuan_at_stake(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品 … 按照每單3元的標準向用戶進行賠付". Agreed 11-12 00:00:00 →
    # ship by 11-14 00:00:00. At 11-13 23:59:59 (15:59:59 UTC) it is due in a second: not overdue, within the
    # hour; at 11-14 00:00:01 overdue, the table says so and names the 3 元.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-11-11 20:00")
    shop.act(case, "agree_reship", "2026-11-12 00:00:00")
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2026-11-13 23:59:59"))
    assert "没有符合条件的时限" in shop.cli("deadlines", "--overdue")
    soon = shop.cli("deadlines", "--within", "1")
    assert "●剩不到1分钟" in soon and "（3.00元）" in soon
    assert "共 1 条，进行中 1 条，其中已逾期 0 条。" in soon
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2026-11-14 00:00:01"))
    late = shop.cli("deadlines", "--overdue")
    assert "2026-11-14 00:00" in late and "！已逾期不到1分钟" in late and "（3.00元）" in late
    assert "共 1 条，进行中 1 条，其中已逾期 1 条。" in late
    rows = json.loads(shop.cli("deadlines", "--overdue", "--json"))
    assert [(r["timer"], r["penalty_yuan"], r["platform_acted"]) for r in rows] == [("reship_ship", "3.00", False)]


def test_l02_the_list_is_in_due_order_the_platforms_own_answers_left_out(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 004's 48 h (agreed → ship; an unanswered request 系統超時自動同意). At 11-14 00:30: the reship agreed 11-12
    # 00:00 (due 11-14 00:00) and the one agreed 11-11 23:59:59 (due 11-13 23:59:59) are overdue, listed earliest
    # first; an unanswered request asked 11-12 00:00 was agreed by the platform at 11-14 00:00 — no work, not
    # listed, its ship clock (from then, 11-16 00:00) listed last.
    first = shop.add("douyin", "reship", "missing_item", requested="2026-11-11 20:00")
    shop.act(first, "agree_reship", "2026-11-12 00:00:00")
    earlier = shop.add("douyin", "reship", "missing_item", requested="2026-11-11 20:00")
    shop.act(earlier, "agree_reship", "2026-11-11 23:59:59")
    unanswered = shop.add("douyin", "reship", "missing_item", requested="2026-11-12 00:00:00")
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2026-11-14 00:30"))
    rows = json.loads(shop.cli("deadlines", "--json"))
    assert [(r["case"], r["timer"], r["due_at"][:19]) for r in rows] == [
        (earlier, "reship_ship", "2026-11-13T23:59:59"),
        (first, "reship_ship", "2026-11-14T00:00:00"),
        (unanswered, "reship_ship", "2026-11-16T00:00:00"),
    ]
    table = shop.cli("deadlines")
    assert "共 3 条，进行中 3 条，其中已逾期 2 条。" in table
