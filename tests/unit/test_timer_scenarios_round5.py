"""Timer scenarios, round 5 (session 25): the year end 2026→2027 for the timers counted in working days, with
2027 still estimated (no official holiday and 调休 schedule yet: 全国年节及纪念日放假办法 (2024年修订) art. 2 and 6
give 元旦 Fri 2027-01-01 as the one statutory day off), then the 2027 schedule entered (`workdays import`) and
taken back (`workdays remove`), and files that are wrong or partial. Each on a fresh ledger through the command
line; each names its seed and quotes the sentence, or says the figure is assumed and where it comes from; the
expected deadline is worked out by hand in the comment before the engine's answer. The 2027 schedules imported
here are made up for the test (the real one is not published in what the project holds): each says so.
Recurring windows and the open decision: test_timer_scenarios_round5_windows.py."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

import desktop_app.cli.deadlines as deadlines_cli
import desktop_app.cli.workdays as workdays_cli
from desktop_app.core.clock import CHINA
from tests.unit.shop_cli import ShopCli
from tests.unit.test_timer_scenarios_round3 import MET, OPEN, due

# seed 003 "如发现确是漏发产品,可对数量不足的部分进行退款处理,或根据订单实际情况给予补寄(通常为3个工作日)。": every
# pack's reship clock counted in working days (taobao/tmall reship_within, jd/generic reship_within, pdd
# reship_promise) is this usual practice, assumed (not a platform rule).
RESHIP_CLOCK = {"taobao": "reship_within", "tmall": "reship_within", "jd": "reship_within", "pdd": "reship_promise"}

# Made up for the test (not the State Council's notice): 元旦 Fri 01-01 to Sun 01-03; 春节 02-05 (除夕) to 02-13
# with Sat 02-20 worked.
MADE_UP_2027 = ('[[years]]\nyear = 2027\nsource = "测试用的假设安排（不是国务院办公厅的通知）"\n'
                'holidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 },\n'
                '            { name = "春节", from = 2027-02-05, to = 2027-02-13 },\n'
                '            { name = "清明节", from = 2027-04-03, to = 2027-04-05 },\n'
                '            { name = "劳动节", from = 2027-05-01, to = 2027-05-05 },\n'
                '            { name = "端午节", from = 2027-06-09, to = 2027-06-09 },\n'
                '            { name = "中秋节", from = 2027-09-15, to = 2027-09-15 },\n'
                '            { name = "国庆节", from = 2027-10-01, to = 2027-10-07 }]\n'
                'workdays = [2027-02-20]\n')


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def reship_agreed(shop: ShopCli, platform: str, agreed: str) -> int:
    case = shop.add(platform, "reship", "missing_item", requested=agreed)
    shop.act(case, "agree_reship", agreed)
    return case


def reship_due(shop: ShopCli, case: int, platform: str) -> tuple[str, bool]:
    row = shop.timers(case)[RESHIP_CLOCK[platform]]
    return due(row), row["estimated"]


def write(shop: ShopCli, name: str, text: str) -> Path:
    path = shop.folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 2027 still estimated --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["taobao", "tmall", "jd", "pdd"])
def test_y01_every_working_day_clock_over_new_year_2027_skips_the_statutory_1_january(
        shop: ShopCli, platform: str) -> None:
    # seed 003 "(通常为3个工作日)" (assumed). Agreed Wed 2026-12-30 10:00 → Thu 12-31 (1), Fri 2027-01-01 元旦
    # (放假办法 art. 2: 元旦放假1天), Sat, Sun, Mon 01-04 (2), Tue 01-05 (3) → 2027-01-05 10:00, 估算 (2027 unknown).
    case = reship_agreed(shop, platform, "2026-12-30 10:00")
    assert reship_due(shop, case, platform) == ("2027-01-05 10:00:00", True)


@pytest.mark.parametrize(("agreed", "expected"), [
    ("2026-12-24 10:00", ("2026-12-29 10:00:00", False)),  # Thu → Fri 12-25, Mon 12-28, Tue 12-29: all 2026
    ("2026-12-28 18:00", ("2026-12-31 18:00:00", False)),  # Mon → 12-29, 12-30, Thu 12-31 18:00: still 2026
    ("2026-12-31 18:00", ("2027-01-06 18:00:00", True)),   # Thu → (元旦, weekend) Mon 01-04, 01-05, Wed 01-06
    ("2026-12-31", ("2027-01-06 00:00:00", True)),         # by its day: 12-31 whole, then 01-04, 01-05 whole
    ("2027-01-01 10:00", ("2027-01-07 00:00:00", True)),   # on 元旦: from Mon 01-04 00:00, three whole days
    ("2027-01-02", ("2027-01-07 00:00:00", True)),         # a Saturday by its day: the same
    ("2027-01-04 09:00", ("2027-01-07 09:00:00", True)),   # Monday → Thu 01-07, estimated (2027 has no 调休 yet)
])
def test_y02_three_working_days_from_each_day_around_new_year_2027(
        shop: ShopCli, agreed: str, expected: tuple[str, bool]) -> None:
    # seed 003 "(通常为3个工作日)" (assumed); README: a day given alone counts whole from its 00:00, a day off not at
    # all; 2026 is official (chinesecalendar), 2027 counted Mon–Fri less 元旦 01-01 (放假办法 art. 2) and 估算.
    case = reship_agreed(shop, "taobao", agreed)
    assert reship_due(shop, case, "taobao") == expected


def test_y03_the_estimate_is_said_in_deadlines_the_case_and_the_json(shop: ShopCli,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 003 (assumed 3 working days): agreed Thu 2026-12-31 10:00 → 2027-01-06 10:00（估算）. On 2026-12-04 the
    # notice names 2027 (README: "a year without its official holiday schedule (next year's from November)").
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2026-12-04 10:00"))
    case = reship_agreed(shop, "pdd", "2026-12-31 10:00")
    said = shop.say("deadlines", "--case", str(case))
    assert "2027-01-06 10:00（估算）" in said.out
    assert "还没有2027年的官方节假日与调休安排" in said.err and "workdays import" in said.err
    assert "2026年的官方节假日" not in said.err  # 2026 is official
    rows = json.loads(shop.cli("deadlines", "--case", str(case), "--json"))
    assert [(r["timer"], r["estimated"]) for r in rows] == [("reship_promise", True)]
    assert "估算" in shop.cli("case", "show", str(case))


@pytest.mark.parametrize(("today", "warned"), [
    ("2026-10-31 23:00", []),        # before November: 2026 is official, 2027 not asked for yet
    ("2026-11-01 00:00", [2027]),    # from November: next year's schedule is due
    ("2026-12-04 10:00", [2027]),    # the testers' today
    ("2027-01-04 09:00", [2027]),    # in 2027 itself, still not imported: this year
])
def test_y04_the_start_up_warning_names_2027_from_november_on(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch, today: str, warned: list[int]) -> None:
    # README: "a year without its official holiday schedule (next year's from November)"; core.working_days
    # `missing_schedule_years` (the window's start-up notice and 时效日历 read the same list).
    monkeypatch.setattr(workdays_cli, "now", lambda: _at(today))
    reship_agreed(shop, "taobao", "2026-10-20 10:00")
    status = json.loads(shop.cli("workdays", "status", "--json"))
    assert [w for w in status["warnings"] if "官方节假日" in w] == [
        f"还没有{y}年的官方节假日与调休安排：落在{y}年的工作日时限按周一至周五估算，法定节假日不算工作日，调休未知（标为“估算”）。"
        "安排公布后请导入（python -m desktop_app workdays import 文件）。" for y in warned]
    assert 2027 in [y["year"] for y in status["estimated_years"]]


# --- the 2027 schedule entered, and taken back ------------------------------------------------------------


def test_y05_importing_2027_moves_every_open_working_day_deadline_at_once_and_remove_takes_it_back(
        shop: ShopCli, monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 003 (assumed 3 working days), on MADE_UP_2027. Before: agreed Thu 2027-02-04 10:00 → (除夕 02-05 …
    # 02-10 off by the estimate: 春节 4 days from 除夕 and 2 补假) Thu 02-11, Fri 02-12, Mon 02-15 10:00（估算）;
    # after: off to 02-13 → Mon 02-15, Tue 02-16, Wed 02-17 10:00, official. Agreed Wed 2026-12-30 10:00 →
    # 2027-01-05 10:00 both ways, no longer 估算. A 2026 one (agreed 12-21 → 12-24) is recomputed (an open case
    # with a working-day clock: 3 in all) and stays; the closed case's clock stays met. `workdays remove 2027` puts
    # the estimate back.
    monkeypatch.setattr(workdays_cli, "now", lambda: _at("2026-12-04 10:00"))
    spring = reship_agreed(shop, "taobao", "2027-02-04 10:00")
    new_year = reship_agreed(shop, "pdd", "2026-12-30 10:00")
    in_2026 = reship_agreed(shop, "jd", "2026-12-21 10:00")
    closed = reship_agreed(shop, "taobao", "2027-02-04 10:00")
    shop.act(closed, "close", "2027-02-04 11:00")
    before = {case: shop.timers(case) for case in (spring, new_year, in_2026, closed)}
    assert reship_due(shop, spring, "taobao") == ("2027-02-15 10:00:00", True)
    said = shop.cli("workdays", "import", str(write(shop, "2027.toml", MADE_UP_2027)))
    assert "已导入 2027 年" in said and "重新计算了 3 个售后单" in said
    assert reship_due(shop, spring, "taobao") == ("2027-02-17 10:00:00", False)
    assert reship_due(shop, new_year, "pdd") == ("2027-01-05 10:00:00", False)
    assert shop.timers(in_2026) == before[in_2026]
    # the closed case is not among the 3 recomputed; read again, its clock counts with the rules in force, met.
    assert (reship_due(shop, closed, "taobao"), shop.timers(closed)["reship_within"]["status"]) == (
        ("2027-02-17 10:00:00", False), MET)
    status = json.loads(shop.cli("workdays", "status", "--json"))
    assert not [w for w in status["warnings"] if "官方节假日" in w]
    assert [(y["year"], y["from_user_file"]) for y in status["years"]][-1] == (2027, True)
    took_back = shop.cli("workdays", "remove", "2027")
    assert "已删除本店导入的 2027 年" in took_back and "按法定节假日估算" in took_back
    assert "重新计算了 3 个售后单" in took_back
    assert {case: shop.timers(case) for case in before} == before
    assert 2027 in [y["year"] for y in json.loads(shop.cli("workdays", "status", "--json"))["estimated_years"]]


def test_y06_a_worked_saturday_in_the_imported_schedule_makes_a_deadline_earlier(shop: ShopCli) -> None:
    # seed 003 (assumed). MADE_UP_2027 works Sat 02-20: agreed Fri 02-19 10:00 → estimate Mon 02-22, Tue 02-23,
    # Wed 02-24 10:00（估算）; imported → Sat 02-20 (1), Mon 02-22 (2), Tue 02-23 (3) → 02-23 10:00, a day earlier
    # (why core/working_days warns that the estimate can be a day late).
    case = reship_agreed(shop, "tmall", "2027-02-19 10:00")
    assert reship_due(shop, case, "tmall") == ("2027-02-24 10:00:00", True)
    shop.cli("workdays", "import", str(write(shop, "2027.toml", MADE_UP_2027)))
    assert reship_due(shop, case, "tmall") == ("2027-02-23 10:00:00", False)


def test_y07_a_corrected_file_imported_again_replaces_the_year_whole(shop: ShopCli) -> None:
    # seed 003 (assumed). A first file says 春节 to 02-23 by mistake: agreed Thu 02-04 10:00 → Wed 02-24, Thu 02-25,
    # Fri 02-26 10:00; the corrected MADE_UP_2027 (to 02-13) → 02-17 10:00. The year is replaced, not merged.
    case = reship_agreed(shop, "pdd", "2027-02-04 10:00")
    wrong = MADE_UP_2027.replace("to = 2027-02-13", "to = 2027-02-23").replace("[2027-02-20]", "[]")
    shop.cli("workdays", "import", str(write(shop, "wrong.toml", wrong)))
    assert reship_due(shop, case, "pdd") == ("2027-02-26 10:00:00", False)
    shop.cli("workdays", "import", str(write(shop, "2027.toml", MADE_UP_2027)))
    assert reship_due(shop, case, "pdd") == ("2027-02-17 10:00:00", False)


def test_y08_remove_of_a_year_that_was_never_imported_is_refused_in_chinese(shop: ShopCli) -> None:
    # The shipped years (2020–2026, chinesecalendar) are not the shop's to remove; 2027 was never imported.
    reship_agreed(shop, "taobao", "2026-12-30 10:00")
    for year, words in (("2027", "没有导入过 2027 年"), ("2026", "没有导入过 2026 年")):
        said = shop.say("workdays", "remove", year)
        assert said.code == 2 and words in said.err and "Traceback" not in said.err, said.err
        assert "文件有错误" not in said.err


# --- wrong or partial files: a Chinese message, nothing imported ------------------------------------------


@pytest.mark.parametrize(("text", "words"), ids=["no-30-february-toml", "no-30-february-text", "weekday-tiaoxiu",
                                                  "tiaoxiu-twice", "holidays-overlap", "partial"], argvalues=[
    # a day that does not exist (TOML refuses the date): the file and the line
    ('[[years]]\nyear = 2027\nholidays = [{ name = "春节", from = 2027-02-05, to = 2027-02-30 }]\n', "第 3 行"),
    ('[[years]]\nyear = 2027\nholidays = [{ name = "春节", from = "2027-02-05", to = "2027-02-30" }]\n',
     "“春节”的 from/to 必须是日期（YYYY-MM-DD），而不是 '2027-02-30'"),
    # a 调休 on a weekday
    (MADE_UP_2027.replace("workdays = [2027-02-20]", "workdays = [2027-02-19]"),
     "调休上班日 2027-02-19 本来就是周一至周五的工作日"),
    # the same 调休 day twice (the second was meant to be another day)
    (MADE_UP_2027.replace("workdays = [2027-02-20]", "workdays = [2027-02-20, 2027-02-20]"),
     "调休上班日 2027-02-20 写了两次"),
    # two holidays over the same day
    (MADE_UP_2027.replace('from = 2027-06-09, to = 2027-06-09', 'from = 2027-05-05, to = 2027-05-05'),
     "“端午节”与“劳动节”有同一天：2027-05-05"),
    # a partial schedule: only 元旦 (the rest of the year would count 春节 as working days)
    ('[[years]]\nyear = 2027\nholidays = [{ name = "元旦", from = 2027-01-01, to = 2027-01-03 }]\n',
     "没有春节（全国年节及纪念日放假办法规定的 2027-02-05"),
])
def test_y09_a_wrong_or_partial_schedule_is_refused_whole_and_nothing_moves(
        shop: ShopCli, text: str, words: str) -> None:
    # seed 003 (assumed 3 working days): agreed Thu 2027-02-04 10:00 stays 02-15 10:00（估算） — the file is refused
    # before the ledger is written, with a Chinese message naming the file and what is wrong.
    case = reship_agreed(shop, "taobao", "2027-02-04 10:00")
    path = write(shop, "2027.toml", text)
    said = shop.say("workdays", "import", str(path))
    assert said.code == 2 and words in said.err and str(path) in said.err and "Traceback" not in said.err, said.err
    assert reship_due(shop, case, "taobao") == ("2027-02-15 10:00:00", True)
    assert 2027 not in [y["year"] for y in json.loads(shop.cli("workdays", "status", "--json"))["years"]]


def test_y10_a_file_with_a_good_2027_and_a_bad_2028_imports_neither(shop: ShopCli) -> None:
    # Nothing half imported: 2027 is fine, 2028's 调休 is a Tuesday → the whole file refused; 2027 stays 估算.
    case = reship_agreed(shop, "jd", "2026-12-30 10:00")
    text = MADE_UP_2027 + '\n[[years]]\nyear = 2028\nholidays = []\nworkdays = [2028-02-01]\n'
    said = shop.say("workdays", "import", str(write(shop, "both.toml", text)))
    assert said.code == 2 and "2028年" in said.err and "2028-02-01 本来就是周一至周五的工作日" in said.err
    assert reship_due(shop, case, "jd") == ("2027-01-05 10:00:00", True)
    assert [y["year"] for y in json.loads(shop.cli("workdays", "status", "--json"))["years"]][-1] == 2026


def test_y11_an_open_case_still_open_over_the_year_end_keeps_its_status(shop: ShopCli,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # seed 003 (assumed). Agreed Thu 2026-12-31 10:00 → 2027-01-06 10:00（估算）: on 2027-01-05 23:59 not overdue
    # (元旦 and the weekend do not count), on 01-06 10:01 overdue.
    case = reship_agreed(shop, "taobao", "2026-12-31 10:00")
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2027-01-05 23:59"))
    assert "没有符合条件的时限" in shop.cli("deadlines", "--overdue")
    monkeypatch.setattr(deadlines_cli, "now", lambda: _at("2027-01-06 10:01"))
    late = json.loads(shop.cli("deadlines", "--overdue", "--json"))
    assert [(r["case"], r["timer"], r["due_at"], r["status"], r["estimated"]) for r in late] == [
        (case, "reship_within", "2027-01-06T10:00:00+08:00", OPEN, True)]


# --- clocks in hours and calendar days cross the year end unchanged ----------------------------------------


def test_y12_taobao_72_hours_to_ship_over_new_year_count_every_hour(shop: ShopCli) -> None:
    # seed 001 "卖家在买家付款后 … 实际未在七十二小时内发货": natural hours, 元旦 included. Paid Wed 2026-12-30 20:00 →
    # Sat 2027-01-02 20:00, no 估算 (no working days in it).
    case = shop.add("taobao", "refund_only", "late_shipment", paid="2026-12-30 20:00", requested="2026-12-31 10:00")
    row = shop.timers(case)["ship_by"]
    assert (due(row), row["estimated"]) == ("2027-01-02 20:00:00", False)


def test_y13_douyin_48_hours_to_reship_over_new_year(shop: ShopCli) -> None:
    # seed 004 "同意補寄申請后,商家需在48小時內發出補寄商品": agreed Thu 2026-12-31 20:00 → Sat 2027-01-02 20:00, 元旦
    # counted, no 估算.
    case = reship_agreed(shop, "douyin", "2026-12-31 20:00")
    row = shop.timers(case)["reship_ship"]
    assert (due(row), row["estimated"]) == ("2027-01-02 20:00:00", False)


def test_y14_seven_days_from_a_date_only_signing_on_28_december(shop: ShopCli) -> None:
    # seed 001 "买家向商家提出“七天无理由退换货”的申请应在确认签收商品之日起7天内(以物流签收时间为准)": signed
    # 2026-12-28 by its day → from 12-29 00:00, 168 h → 2027-01-05 00:00; asked 2027-01-04 23:59 → in time.
    case = shop.add("taobao", "return_refund", "no_reason_7d", signed="2026-12-28", requested="2027-01-04 23:59")
    row = shop.timers(case)["no_reason_window"]
    assert (due(row), row["status"], row["estimated"]) == ("2027-01-05 00:00:00", MET, False)


@pytest.mark.parametrize(("requested", "status"), [("2027-01-04 23:59:59", MET), ("2027-01-05 00:00:01", "missed")])
def test_y15_fifteen_days_after_a_date_only_trade_success_on_20_december(
        shop: ShopCli, requested: str, status: str) -> None:
    # seed 002 "確認收貨>確認放款>交易成功,之日起15日之內「申請售後」": 交易成功 2026-12-20 by its day → from 12-21
    # 00:00 → 2027-01-05 00:00 (the due instant itself counts as in time, core.deadline_rounds.in_time).
    case = shop.add("taobao", "partial_refund", "quality", succeeded="2026-12-20", requested=requested)
    row = shop.timers(case)["aftersales_window"]
    assert (due(row), row["status"]) == ("2027-01-05 00:00:00", status)


def test_y16_ten_days_to_confirm_a_return_shipped_on_christmas(shop: ShopCli) -> None:
    # seed 001 "(二)点击【提交退货信息】后,卖家会有10天的时间来进行确认,逾期卖家没有处理,系统会自动退款给用户":
    # asked 12-22 10:00, agreed 12-22 12:00, shipped back Fri 2026-12-25 10:00 → Mon 2027-01-04 10:00, no 估算.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-12-22 10:00")
    shop.act(case, "agree_return", "2026-12-22 12:00")
    shop.act(case, "buyer_shipped_return", "2026-12-25 10:00", "--carrier", "中通快递", "--tracking", "75123456789012")
    row = shop.timers(case)["seller_confirm_return"]
    assert (due(row), row["status"], row["estimated"]) == ("2027-01-04 10:00:00", OPEN, False)
