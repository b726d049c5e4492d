"""Timer scenarios, round 3 (session 23): each on a fresh ledger through the command line, as a shop types them
(`case add`, `case act`, `order-campaign`, `import-orders`, `workdays import`, then `deadlines --all --json`).
Each names its seed and quotes the sentence, or says that the figure is assumed and where it comes from; the
expected deadline is worked out by hand in the comment, from the seed's words, before the engine's answer.
Rounds 1 and 2 (test_timer_scenarios*.py, test_date_only_due_day.py, test_seed_rules.py) cover others."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from desktop_app.cli.deadlines import rule_notes
from desktop_app.core.clock import CHINA
from desktop_app.core.deadline_results import AUTO_MARK
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseReason, Platform
from desktop_app.io.rule_pack_files import load_pack
from desktop_app.services import reships
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import Case
from tests.unit.schedule_texts import made_up_2027
from tests.unit.shop_cli import ShopCli
from tests.unit.test_reships import moment, reship_case

OPEN, MET, MISSED = "open", "met", "missed"
ESTIMATED = "（时长为估计）"


@pytest.fixture
def shop(tmp_path: Path) -> ShopCli:
    return ShopCli(tmp_path / "shop")


def due(row: dict[str, object]) -> str:
    """The due time as the shop reads it: "2026-12-04 23:59:59"."""
    text = str(row["due_at"])
    assert text.endswith("+08:00")
    return text[:19].replace("T", " ")


# --- 淘宝 / 天猫: seed 001 ----------------------------------------------------------------------------


def test_s01_taobao_seven_day_return_unanswered_is_agreed_at_72h_to_the_second_and_chains_7_days(
        shop: ShopCli) -> None:
    # seed 001: "从用户申请退款之日起72小时内卖家未响应退款,系统会自动为双方达成退货协议" and "(一)退货协议达成用户
    # 需要在7天内退货". Asked 2026-12-01 23:59:59 → agreed by the platform 12-04 23:59:59 → the buyer's 7 days
    # from then: 12-11 23:59:59, counted from the automatic agreement (marked so).
    case = shop.add("taobao", "return_refund", "no_reason_7d", requested="2026-12-01 23:59:59")
    timers = shop.timers(case)
    answer = timers["seller_answer_return"]
    assert (due(answer), answer["action"]) == ("2026-12-04 23:59:59", "自动同意退货")
    ship = timers["buyer_ship_return"]
    assert due(ship) == "2026-12-11 23:59:59" and ship["name"].endswith(AUTO_MARK)
    # The shop agreed in time, 12-04 23:59:59 (inclusive): the 7 days run from its agreement, not marked.
    case2 = shop.add("taobao", "return_refund", "no_reason_7d", requested="2026-12-01 23:59:59")
    shop.act(case2, "agree_return", "2026-12-04 23:59:59")
    timers2 = shop.timers(case2)
    assert timers2["seller_answer_return"]["status"] == MET
    assert due(timers2["buyer_ship_return"]) == "2026-12-11 23:59:59"
    assert not timers2["buyer_ship_return"]["name"].endswith(AUTO_MARK)


def test_s02_taobao_date_only_signing_on_new_years_eve_ends_the_seven_days_at_0000_on_the_eighth(
        shop: ShopCli) -> None:
    # seed 003 (服务规范): "如签收时间仅有日期的,以该日后的第二天零时起计算时间,满168小时为七天". Signed 2026-12-31
    # (date only) → from 2027-01-01 00:00 → 2027-01-08 00:00. Asked 2027-01-07 23:59:59: in time; asked on
    # 2027-01-08 (its day only) is after 00:00 of that day: too late.
    ok = shop.add("taobao", "return_refund", "no_reason_7d", signed="2026-12-31", requested="2027-01-07 23:59:59")
    window = shop.timers(ok)["no_reason_window"]
    assert (due(window), window["status"]) == ("2027-01-08 00:00:00", MET)
    late = shop.add("taobao", "return_refund", "no_reason_7d", signed="2026-12-31", requested="2027-01-08")
    assert shop.timers(late)["no_reason_window"]["status"] == MISSED


def test_s03_taobao_exact_signing_time_plus_168_hours_is_inclusive_to_the_second(shop: ShopCli) -> None:
    # seed 003: "如有准确签收时间的,以该签收时间后的168小时为七天". Signed 2026-12-28 18:00:00 → 2027-01-04
    # 18:00:00; asked at 18:00:00 met, at 18:00:01 missed.
    on_time = shop.add("taobao", "exchange", "no_reason_7d", signed="2026-12-28 18:00:00",
                       requested="2027-01-04 18:00:00")
    assert shop.timers(on_time)["no_reason_window"]["status"] == MET
    late = shop.add("taobao", "exchange", "no_reason_7d", signed="2026-12-28 18:00:00",
                    requested="2027-01-04 18:00:01")
    found = shop.timers(late)["no_reason_window"]
    assert (due(found), found["status"]) == ("2027-01-04 18:00:00", MISSED)


def test_s04_taobao_buyer_ships_the_return_then_the_shop_has_10_days_across_the_year_end(shop: ShopCli) -> None:
    # seed 001: "(二)点击【提交退货信息】后,卖家会有10天的时间来进行确认,逾期卖家没有处理,系统会自动退款给用户".
    # Buyer shipped 2026-12-25 20:00 → 2027-01-04 20:00, then the platform refunds by itself.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-12-20 10:00")
    shop.act(case, "agree_return", "2026-12-20 11:00")
    shop.act(case, "buyer_shipped_return", "2026-12-25 20:00", "--carrier", "中通快递", "--tracking", "75123456789012")
    confirm = shop.timers(case)["seller_confirm_return"]
    assert (due(confirm), confirm["action"]) == ("2027-01-04 20:00:00", "自动退款")
    assert "estimated" in confirm and confirm["estimated"] is False  # calendar days: no holiday calendar needed


def test_s05_taobao_late_shipment_costs_5_percent_capped_at_30_yuan(shop: ShopCli) -> None:
    # seed 001: "实际未在七十二小时内发货 … 需向买家支付该商品实际成交金额的百分之五作为违约金,且金额最高不超过
    # 三十元". Paid 2026-12-30 22:00 → ship by 2027-01-02 22:00. 200.00 → 10.00 at stake; 1000.00 → 30.00.
    shop.import_taobao_orders(("900000000000000001", "200.00", "2026-12-30 22:00:00"),
                              ("900000000000000002", "1000.00", "2026-12-30 22:00:00"))
    small = shop.add("taobao", "refund_only", "late_shipment", order="900000000000000001",
                     requested="2027-01-03 09:00")
    big = shop.add("taobao", "refund_only", "late_shipment", order="900000000000000002",
                   requested="2027-01-03 09:00")
    ship_small, ship_big = shop.timers(small)["ship_by"], shop.timers(big)["ship_by"]
    assert (due(ship_small), ship_small["penalty_yuan"]) == ("2027-01-02 22:00:00", "10.00")
    assert (due(ship_big), ship_big["penalty_yuan"]) == ("2027-01-02 22:00:00", "30.00")
    # Refunded before shipping, after the 72 h: the shipment was late, the 10.00 stays owed.
    shop.act(small, "refund", "2027-01-03 10:00", "--amount", "200.00")
    after = shop.timers(small)["ship_by"]
    assert (after["status"], after["penalty_yuan"]) == (MISSED, "10.00")


def test_s06_taobao_refund_before_the_72h_meets_the_ship_by_and_owes_nothing(shop: ShopCli) -> None:
    # seed 002: an unshipped order the buyer no longer wants is refunded ("大家可以自行完成退款"); paid
    # 2026-12-30 22:00, refunded 2027-01-02 22:00:00 (the 72nd hour, inclusive): met, nothing owed.
    shop.import_taobao_orders(("900000000000000003", "200.00", "2026-12-30 22:00:00"))
    case = shop.add("taobao", "refund_only", "changed_mind", order="900000000000000003",
                    requested="2026-12-31 09:00")
    shop.act(case, "refund", "2027-01-02 22:00:00", "--amount", "200.00")
    ship = shop.timers(case)["ship_by"]
    assert (ship["status"], ship["penalty_yuan"]) == (MET, None)


@pytest.mark.parametrize(("paid", "expected", "estimated"), [
    ("2026-11-11 23:59:59", "2026-11-18 23:59:59", True),    # last second of the 2026 window (2025's dates)
    ("2026-11-12 00:00:00", "2026-11-15 00:00:00", False),   # first second after: 72 h
    ("2026-10-15 19:59:59", "2026-10-18 19:59:59", False),   # before the window opens at 20:00
    ("2026-10-15 20:00:00", "2026-10-22 20:00:00", True),    # its first second
    ("2027-11-11 23:59:59", "2027-11-18 23:59:59", True),    # 2027 has no window of its own either
])
def test_s07_double11_ship_by_at_the_windows_edges_in_2026_and_2027(
        shop: ShopCli, paid: str, expected: str, estimated: bool) -> None:
    # seed 000: "双十一期间的发货时间是7天,意思就是,商家最迟可以7天内给你发货,往期是3天内". The pack has 2025's
    # window (10-15 20:00 → 11-11 23:59:59, recurs yearly); 2026 and 2027 use its dates, marked 估算.
    shop.import_taobao_orders(("900000000000000010", "50.00", paid))
    case = shop.add("taobao", "refund_only", "late_shipment", order="900000000000000010", requested=paid)
    ship = shop.timers(case)["ship_by"]
    assert (due(ship), ship["estimated"]) == (expected, estimated)
    assert ("双11" in ship["name"]) is estimated


def test_s08_juhuasuan_ships_within_7_days_across_the_year_end_not_estimated(shop: ShopCli) -> None:
    # seed 002: "天貓的發貨時間:普通信息72小時內發貨,聚劃算7天內發貨". Paid 2026-12-28 10:00, marked 聚划算 →
    # 2027-01-04 10:00; a campaign's 7 calendar days need no holiday schedule: not 估算 in 2027. At stake: 天猫's 30 %
    # of the 80.00 paid, 24.00 (seed 002 "關於延遲發貨的新規則……在買家付款後,剛是賠付30%"; round 9 r04).
    shop.import_taobao_orders(("900000000000000020", "80.00", "2026-12-28 10:00:00"))
    shop.cli("order-campaign", "900000000000000020", "juhuasuan", "--platform", "taobao")
    case = shop.add("tmall", "refund_only", "late_shipment", order="900000000000000020",
                    requested="2027-01-02 10:00")
    ship = shop.timers(case)["ship_by"]
    assert (due(ship), ship["estimated"], ship["penalty_yuan"]) == ("2027-01-04 10:00:00", False, "24.00")
    assert ship["name"].endswith("（聚划算7天）")


# --- 淘宝 春节 windows: seed 002 ----------------------------------------------------------------------


@pytest.mark.parametrize(("requested", "expected"), [
    ("2022-02-08 23:59:59", "2022-02-23 23:59:59"),  # inside (23:59:59 inclusive): 15 days
    ("2022-02-09 00:00:00", "2022-02-14 00:00:00"),  # after: the usual 5 days (assumed)
    ("2022-01-25 00:00:00", "2022-02-09 00:00:00"),  # the first second: 15 days
    ("2022-01-24 23:59:59", "2022-01-29 23:59:59"),  # the second before: 5 days
])
def test_s09_seed002_2022_a_quality_exchange_gets_the_windows_15_days_at_both_edges(
        shop: ShopCli, requested: str, expected: str) -> None:
    # seed 002: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 商家應在消費者申請後15日內給出
    # 審核結果" — every return or exchange request, not only 七天无理由.
    case = shop.add("taobao", "exchange", "quality", requested=requested)
    assert due(shop.timers(case)["seller_answer_goods"]) == expected


def test_s10_seed002_2022_later_steps_of_a_request_inside_the_window_keep_its_figures(shop: ShopCli) -> None:
    # seed 002 (2022): "消費者應在自商家通過審核後20日內商品寄回 … 商家應在20日內完成確認收貨並處理". Asked 02-01 10:00
    # (inside), agreed 02-02 10:00 → buyer ships by 02-22 10:00; shipped 02-20 10:00 (after the window) → the
    # shop confirms by 03-12 10:00 (20 days: keyed to the request, not to the shipping).
    case = shop.add("taobao", "return_refund", "quality", requested="2022-02-01 10:00")
    shop.act(case, "agree_return", "2022-02-02 10:00")
    shop.act(case, "buyer_shipped_return", "2022-02-20 10:00", "--carrier", "圆通速递", "--tracking", "YT1234567890123")
    timers = shop.timers(case)
    assert (due(timers["buyer_ship_return"]), timers["buyer_ship_return"]["status"]) == ("2022-02-22 10:00:00", MET)
    assert due(timers["seller_confirm_return"]) == "2022-03-12 10:00:00"


def test_s11_seed002_2022_a_request_before_the_window_keeps_the_usual_10_days_when_shipped_inside(
        shop: ShopCli) -> None:
    # The dangerous direction (issue 13 item 2): asked 2022-01-24 23:59:59, the second before the window; the
    # return shipped 01-27 12:00 inside it is confirmed in the usual 10 days (seed 001) → 02-06 12:00, not 20.
    case = shop.add("taobao", "return_refund", "quality", requested="2022-01-24 23:59:59")
    shop.act(case, "agree_return", "2022-01-25 09:00")
    shop.act(case, "buyer_shipped_return", "2022-01-27 12:00", "--carrier", "圆通速递", "--tracking", "YT1234567890124")
    timers = shop.timers(case)
    assert due(timers["seller_confirm_return"]) == "2022-02-06 12:00:00"
    assert due(timers["buyer_ship_return"]) == "2022-02-01 09:00:00"  # the usual 7 days (seed 001)


def test_s12_seed002_2020_rule_2_is_keyed_to_the_sellers_agreement(shop: ShopCli) -> None:
    # seed 002: "2、賣家在2020年1月17日 00:00:00至2020年2月2日23:59:59同意退貨協議的(包含退款和售後),等待買家填寫
    # 退貨信息的超時時間調整至25天". Asked 01-16 10:00 (before), agreed 01-17 00:00:00 (first second) →
    # 02-11 00:00:00. Agreed 2020-02-03 00:00:00 (after) on another case → the usual 7 days, 02-10 00:00.
    inside = shop.add("taobao", "return_refund", "quality", requested="2020-01-16 10:00")
    shop.act(inside, "agree_return", "2020-01-17 00:00:00")
    assert due(shop.timers(inside)["buyer_ship_return"]) == "2020-02-11 00:00:00"
    after = shop.add("taobao", "return_refund", "quality", requested="2020-02-02 10:00")
    shop.act(after, "agree_return", "2020-02-03 00:00:00")
    assert due(shop.timers(after)["buyer_ship_return"]) == "2020-02-10 00:00:00"


@pytest.mark.parametrize(("escalated", "expected", "assumed"), [
    ("2020-02-02 23:59:59", "2020-02-17 23:59:59", False),  # inside: 15 days (seed 002 rule 3)
    ("2020-02-03 00:00:00", "2020-02-06 00:00:00", True),   # after: the assumed 3 days
])
def test_s13_seed002_2020_evidence_within_15_days_of_an_intervention_asked_inside_the_window(
        shop: ShopCli, escalated: str, expected: str, assumed: bool) -> None:
    # seed 002: "3、申請客服介入舉證期時間:2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請介入的 … 則買家/賣家應在
    # 申請介入的15日內上傳憑證".
    case = shop.add("taobao", "refund_only", "quality", requested="2020-01-30 10:00")
    shop.act(case, "reject", "2020-01-30 12:00")
    shop.act(case, "escalate", escalated)
    evidence = shop.timers(case)["evidence_upload"]
    assert due(evidence) == expected
    assert evidence["name"].endswith(ESTIMATED) is assumed
    # 卖家应在买家完成举证后3日内进行处理: the buyer's evidence 2020-02-04 10:00 → the shop's 02-07 10:00.
    shop.act(case, "buyer_submitted_evidence", "2020-02-04 10:00")
    assert due(shop.timers(case)["seller_answer_evidence"]) == "2020-02-07 10:00:00"


def test_s14_seed002_2020_c_and_d_the_buyers_confirmations_of_a_reship_and_an_exchange(shop: ShopCli) -> None:
    # seed 002: "c.買家確認收到補寄商品超時統一調整為20天; d.換貨維修待買家確認完成超時統一調整至30天" for requests
    # "在2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請". Reship asked 01-20 10:00, shipped 01-21 10:00 →
    # 02-10 10:00. Exchange asked 01-18 10:00, shipped back 2020-02-10 09:00 (after the window) → 03-11 09:00.
    reship = shop.add("taobao", "reship", "missing_item", requested="2020-01-20 10:00")
    shop.act(reship, "agree_reship", "2020-01-20 11:00")
    shop.act(reship, "ship_reship", "2020-01-21 10:00")
    assert due(shop.timers(reship)["buyer_confirm_reship"]) == "2020-02-10 10:00:00"
    exchange = shop.add("taobao", "exchange", "size_colour", requested="2020-01-18 10:00")
    shop.act(exchange, "agree_return", "2020-01-18 12:00")
    shop.act(exchange, "receive_return", "2020-02-08 12:00")
    shop.act(exchange, "ship_exchange", "2020-02-10 09:00")
    assert due(shop.timers(exchange)["buyer_confirm_exchange"]) == "2020-03-11 09:00:00"


def test_s15_taobao_repair_request_72h_then_the_buyers_confirmation(shop: ShopCli) -> None:
    # seed 002: "售後超時機制和售中保持一致,申請客服介入的時間也是72小時後" and 维修 is an after-sales service
    # ("賣家必須為出售的商品專提供售後服務:退貨、換貨、維修"). Asked 2026-12-29 15:00 → 2027-01-01 15:00 (calendar
    # hours, not 估算). Shipped back repaired 2027-01-10 10:00 → the buyer's 10 days (assumed) 01-20 10:00.
    case = shop.add("taobao", "repair", "quality", requested="2026-12-29 15:00")
    intervention = shop.timers(case)["refund_intervention"]
    assert (due(intervention), intervention["estimated"]) == ("2027-01-01 15:00:00", False)
    shop.act(case, "agree_return", "2026-12-30 09:00")
    shop.act(case, "receive_return", "2027-01-03 10:00")
    shop.act(case, "start_repair", "2027-01-03 11:00")
    shop.act(case, "ship_repaired", "2027-01-10 10:00")
    timers = shop.timers(case)
    assert timers["refund_intervention"]["status"] == MET
    confirm = timers["buyer_confirm_repair"]
    assert (due(confirm), confirm["name"].endswith(ESTIMATED)) == ("2027-01-20 10:00:00", True)


def test_s16_taobao_reship_3_working_days_over_national_day_2026_counts_the_makeup_saturday(
        shop: ShopCli) -> None:
    # seed 003: "给予补寄(通常为3个工作日)" (a seller's practice, assumed). Agreed Wed 2026-09-30 16:00; 10-01..07
    # off, Sat 10-10 worked (调休): Thu 10-08, Fri 10-09, Sat 10-10 → 10-10 16:00, the official schedule.
    case = shop.add("taobao", "reship", "missing_item", requested="2026-09-30 15:00")
    shop.act(case, "agree_reship", "2026-09-30 16:00")
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == ("2026-10-10 16:00:00", False)


def test_s17_a_working_day_timer_crossing_into_2027_is_estimated_and_the_official_schedule_recomputes_it(
        shop: ShopCli) -> None:
    # No official 2027 schedule yet: 3 working days from Thu 2026-12-31 23:59:59 → (Fri 01-01 元旦, statutory)
    # Mon 01-04, Tue 01-05, Wed 01-06 → 2027-01-06 23:59:59, 估算; the table says so and warns.
    case = shop.add("taobao", "reship", "missing_item", requested="2026-12-31 20:00")
    shop.act(case, "agree_reship", "2026-12-31 23:59:59")
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == ("2027-01-06 23:59:59", True)
    said = shop.say("deadlines", "--case", str(case))
    assert "2027-01-06 23:59:59（估算）" in said.out or "2027-01-06 23:59（估算）" in said.out
    assert "估算" in said.err and "workdays import" in said.err
    # The official schedule entered (made up for the test: 元旦 01-01..01-03, Mon 01-04 also off as 调休 for a
    # worked Sat 01-09): Tue 01-05, Wed 01-06, Thu 01-07 → 2027-01-07 23:59:59, no longer 估算.
    pasted = shop.folder / "2027.toml"
    pasted.write_text(made_up_2027(new_year=("2027-01-01", "2027-01-04"), workdays=("2027-01-09",)),
                      encoding="utf-8")
    shop.cli("workdays", "import", str(pasted))
    after = shop.timers(case)["reship_within"]
    assert (due(after), after["estimated"]) == ("2027-01-07 23:59:59", False)
    assert "2027年的官方节假日" not in shop.say("deadlines", "--case", str(case)).err


# --- 天猫: seed 002 -----------------------------------------------------------------------------------


def test_s18_tmall_unanswered_refund_request_is_refunded_by_the_platform_on_day_5(shop: ShopCli) -> None:
    # seed 002: "你申請退款後,「等待商家處理退款申請」回的期限是5天 如果5天內商家沒答有做出任何操作,系統會自動把錢退給
    # 你的". Asked 2026-12-31 20:00 → 2027-01-05 20:00 自动退款 (platform's own action); the buyer may escalate from
    # 2027-01-03 20:00 ("買家申請退款後3天(72小時)才可以申請小二介入").
    case = shop.add("tmall", "refund_only", "quality", requested="2026-12-31 20:00")
    timers = shop.timers(case)
    answer = timers["seller_answer_request"]
    assert (due(answer), answer["action"], answer["name"]) == (
        "2027-01-05 20:00:00", "自动退款", "商家处理退款申请（5天）")
    assert due(timers["refund_intervention"]) == "2027-01-03 20:00:00"


def test_s19_tmall_the_72h_to_escalation_runs_whether_or_not_the_shop_refused(shop: ShopCli) -> None:
    # seed 002 on 天猫: "每一筆退款,買家申請退款後3天(72小時)才可以申請小二介入(這時的訂單狀態必須是:退款中)" — no
    # refusal needed; the other sentence ("「申請天貓客服介入」(需賣家拒絕申請以後)") would only make the reminder
    # early. Unanswered: the 72 h run from the request; refused at 12-01 11:00: the case closed, all met.
    cited = load_pack("tmall").timer("refund_intervention")
    assert cited.quote is not None and "72小時)才可以申請小二介入" in cited.quote
    assert "需賣家拒絕申請以後" in cited.quote
    case = shop.add("tmall", "return_refund", "quality", requested="2026-12-01 10:00")
    assert due(shop.timers(case)["refund_intervention"]) == "2026-12-04 10:00:00"
    shop.act(case, "reject", "2026-12-01 11:00")
    assert {row["status"] for row in shop.timers(case).values()} == {MET}
    # The buyer asks the platform after the refusal: the intervention's evidence clock (assumed 3 days).
    shop.act(case, "escalate", "2026-12-02 09:00")
    assert due(shop.timers(case)["evidence_upload"]) == "2026-12-05 09:00:00"


def test_s20_tmall_seven_day_return_agreed_by_the_platform_at_72h_ends_the_5_day_refund(shop: ShopCli) -> None:
    # seed 001 (72 h → 退货协议) with seed 002 (5 days → 自动退款): asked 2026-12-01 10:00, unanswered → agreed by
    # the platform 12-04 10:00; that agreement answers the 5 days (met then, no automatic refund), and the
    # buyer's 7 days run to 12-11 10:00.
    case = shop.add("tmall", "return_refund", "no_reason_7d", requested="2026-12-01 10:00")
    timers = shop.timers(case)
    assert timers["seller_answer_request"]["status"] == MET
    assert due(timers["buyer_ship_return"]) == "2026-12-11 10:00:00"
    assert timers["buyer_ship_return"]["name"].endswith(AUTO_MARK)


def test_s21_tmall_exchange_5_days_assumed_then_automatic_agreement(shop: ShopCli) -> None:
    # No seed figure for a 天猫 exchange answer: assumed from "等待商家處理退款申請 … 5天" (seed 002). Asked 2026-12-27
    # 09:00 → 2027-01-01 09:00 自动同意换货, then the buyer's 7 days (seed 001) → 01-08 09:00 from it.
    case = shop.add("tmall", "exchange", "size_colour", requested="2026-12-27 09:00")
    timers = shop.timers(case)
    goods = timers["seller_answer_goods"]
    assert (due(goods), goods["action"], goods["name"].endswith(ESTIMATED)) == (
        "2027-01-01 09:00:00", "自动同意换货", True)
    assert due(timers["buyer_ship_return"]) == "2027-01-08 09:00:00"


# --- 抖店: seed 004 -----------------------------------------------------------------------------------


def test_s22_douyin_reship_unanswered_then_unshipped_chains_two_platform_clocks_at_year_end(shop: ShopCli) -> None:
    # seed 004: "用戶申請補寄后,商家需在48小時內進行處理,若商家未進行處理,系統超時自動同意;" then "同意補寄申請后,商家需
    # 在48小時內發出補寄商品". Asked 2026-12-31 23:59:59 → agreed by itself 2027-01-02 23:59:59 → ship by
    # 2027-01-04 23:59:59, 3 元 at stake ("按照每單3元的標準向用戶進行賠付").
    case = shop.add("douyin", "reship", "missing_item", requested="2026-12-31 23:59:59")
    timers = shop.timers(case)
    assert (due(timers["reship_answer"]), timers["reship_answer"]["action"]) == ("2027-01-02 23:59:59", "自动同意补寄")
    ship = timers["reship_ship"]
    assert (due(ship), ship["penalty_yuan"]) == ("2027-01-04 23:59:59", "3.00")
    assert ship["name"].endswith(AUTO_MARK)


def test_s23_douyin_not_received_reship_agreed_but_late_is_refunded_in_full_by_the_platform(shop: ShopCli) -> None:
    # seed 004: "若商家同意補寄后超時未發貨,系統會自動全額退款。" (reason 一直未收到货; the app's 物流停滞 maps to it).
    # Agreed 2026-12-01 10:00 → 12-03 10:00 自动全额退款, the platform's action (and 3 元 as for every late reship,
    # seed 004 4.3: round 6's r03).
    case = shop.add("douyin", "reship", "stalled", requested="2026-12-01 09:00")
    shop.act(case, "agree_reship", "2026-12-01 10:00")
    timers = shop.timers(case)
    assert "reship_ship" not in timers
    ship = timers["reship_ship_not_received"]
    assert (due(ship), ship["action"]) == ("2026-12-03 10:00:00", "自动全额退款")


@pytest.mark.parametrize(("shipped", "status", "owed"), [
    ("2026-12-03 10:00:00", MET, None), ("2026-12-03 10:00:01", MISSED, "3.00")])
def test_s24_douyin_reship_shipped_at_the_48th_hour_is_in_time_a_second_later_costs_3_yuan(
        shop: ShopCli, shipped: str, status: str, owed: str | None) -> None:
    # seed 004: "商家需要在同意買家申請后的48h小時內完成補寄發貨" and "應當按照每單3元的標準向用戶進行賠付".
    case = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 09:00")
    shop.act(case, "agree_reship", "2026-12-01 10:00")
    shop.act(case, "ship_reship", shipped)
    ship = shop.timers(case)["reship_ship"]
    assert (ship["status"], ship["penalty_yuan"]) == (status, owed)


def test_s25_douyin_not_received_reship_refused_goes_straight_to_arbitration(shop: ShopCli) -> None:
    # seed 004: "用戶選擇售後原因為「一直未收到貨」,若商家拒絕會直接進入仲裁流程". Refused 12-01 12:00 (answered in
    # time): the platform steps in at once, by itself (the shop records nothing more); the case is open again, in
    # 平台介入, and the shop's evidence clock (no 抖店 figure: assumed 3 days, as 淘宝's) runs → 12-04 12:00.
    case = shop.add("douyin", "reship", "not_received", requested="2026-12-01 10:00")
    said = shop.cli("case", "act", str(case), "reject", "--at", "2026-12-01 12:00")
    assert said.strip() == f"#{case} 拒绝 → 平台介入中"
    timers = shop.timers(case)
    assert timers["reship_answer_not_received"]["status"] == MET and "reship_answer" not in timers
    evidence = timers["evidence_upload"]
    assert (due(evidence), evidence["name"], evidence["status"]) == (
        "2026-12-04 12:00:00", "平台介入后上传凭证" + ESTIMATED, OPEN)
    shown = shop.cli("case", "show", str(case))
    assert "抖店：商家拒绝后平台直接介入（仲裁）" in shown
    shop.act(case, "submit_evidence", "2026-12-03 09:00")
    assert shop.timers(case)["evidence_upload"]["status"] == MET
    # The platform hands it back (恢复处理): escalated from a refusal, the shop takes it up again (处理中) and
    # records the ruling's outcome (a reship, a refund, or closes it).
    shop.act(case, "resume", "2026-12-05 10:00")
    assert shop.cli("case", "show", str(case)).splitlines()[0].endswith("处理中")
    # Another reason (商家少发/漏发): refused, the buyer may change the request or ask the platform
    # ("用戶可在48小時內修改申請或申請平台介入"): the refusal stands until the shop records what happens.
    other = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 10:00")
    refused = shop.cli("case", "act", str(other), "reject", "--at", "2026-12-01 12:00")
    assert refused.strip() == f"#{other} 拒绝 → 已拒绝"
    # `case undo` right after the refusal takes the platform's step back first (the refusal itself, which
    # changed the reship record, is corrected by a next step as any refused reship).
    undone = shop.add("douyin", "reship", "lost", requested="2026-12-01 10:00")
    shop.act(undone, "reject", "2026-12-01 12:00")
    assert shop.cli("case", "undo", str(undone)).strip() == f"#{undone} 已撤销“平台介入” → 已拒绝"


def test_s26_douyin_intervention_then_resume_keeps_the_late_reship_late(shop: ShopCli) -> None:
    # seed 004: late → "用戶可以在48小時內申請平台客服介入". Agreed 12-01 11:00 (due 12-03 11:00), not shipped;
    # the buyer escalates 12-03 12:00, the platform hands it back 12-04 10:00, shipped 12-04 11:00: still late,
    # 3 元 owed; the evidence clock ended by the resume.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 10:00")
    shop.act(case, "agree_reship", "2026-12-01 11:00")
    shop.act(case, "escalate", "2026-12-03 12:00")
    shop.act(case, "resume", "2026-12-04 10:00")
    shop.act(case, "ship_reship", "2026-12-04 11:00")
    timers = shop.timers(case)
    assert (timers["reship_ship"]["status"], timers["reship_ship"]["penalty_yuan"]) == (MISSED, "3.00")
    assert timers["evidence_upload"]["status"] == MET


def test_s27_douyin_reship_window_15_days_after_a_date_only_receipt_at_year_end(shop: ShopCli) -> None:
    # seed 004: "消費者在確認收貨后的15天內可以申請補寄。" Confirmed 2026-12-20 (day only) → from 12-21 00:00 →
    # 2027-01-05 00:00; asked 2027-01-04 23:59:59: in time.
    case = shop.add("douyin", "reship", "missing_item", succeeded="2026-12-20", requested="2027-01-04 23:59:59")
    window = shop.timers(case)["aftersales_window"]
    assert (due(window), window["status"], window["name"]) == ("2027-01-05 00:00:00", MET, "售后期（确认收货后15天）")


def test_s28_douyin_15_days_for_other_kinds_is_marked_assumed(shop: ShopCli) -> None:
    # Seed 004's 15 days name 补寄 only ("可以申請補寄"): a return's period is assumed (the same 15 days), said in the
    # name. Confirmed 2026-12-01 10:00 → 12-16 10:00.
    case = shop.add("douyin", "return_refund", "quality", succeeded="2026-12-01 10:00", requested="2026-12-05 10:00")
    timers = shop.timers(case)
    assert "aftersales_window" not in timers
    other = timers["aftersales_window_other"]
    assert (due(other), other["name"], other["status"]) == (
        "2026-12-16 10:00:00", "售后期（确认收货后15天）" + ESTIMATED, MET)


def test_s29_douyin_reship_turned_refund_only_mid_way_answers_from_the_change(shop: ShopCli) -> None:
    # seed 004: "若消費者錯誤申請或需要更改售後類型 … 重新申請其他售後類型". Asked as a reship 12-01 10:00, corrected to
    # refund-only 12-01 20:00 before the 48 h ran out: the refund answer (assumed 48 h) runs from the change →
    # 12-03 20:00; the reship's 48 h never ran out and is gone.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-12-01 20:00")
    timers = shop.timers(case)
    assert "reship_answer" not in timers
    assert due(timers["refund_answer"]) == "2026-12-03 20:00:00"


def test_s30_douyin_repair_gets_an_assumed_answer_and_confirmation(shop: ShopCli) -> None:
    # No 抖店 repair figure in the seeds: 48 h to answer (as its other requests, assumed), never settled by the
    # platform (its consequence is not known); shipped back → the buyer's 10 days (assumed, as 淘宝's).
    case = shop.add("douyin", "repair", "quality", requested="2026-12-30 10:00")
    answer = shop.timers(case)["repair_answer"]
    assert (due(answer), answer["name"], answer["action"]) == (
        "2027-01-01 10:00:00", "处理维修申请（48小时）" + ESTIMATED, "买家可申请平台介入")
    shop.act(case, "agree_return", "2026-12-31 10:00")
    shop.act(case, "receive_return", "2027-01-03 10:00")
    shop.act(case, "start_repair", "2027-01-03 11:00")
    shop.act(case, "ship_repaired", "2027-01-05 10:00")
    timers = shop.timers(case)
    assert timers["repair_answer"]["status"] == MET
    assert due(timers["buyer_confirm_repair"]) == "2027-01-15 10:00:00"


def test_s31_douyin_refund_only_unanswered_is_refunded_at_48h_assumed(shop: ShopCli) -> None:
    # No seed figure (assumed, the pack says so). Asked 2026-12-31 12:00 → 2027-01-02 12:00 自动退款.
    case = shop.add("douyin", "refund_only", "quality", requested="2026-12-31 12:00")
    answer = shop.timers(case)["refund_answer"]
    assert (due(answer), answer["action"], answer["name"].endswith(ESTIMATED)) == (
        "2027-01-02 12:00:00", "自动退款", True)


# --- 拼多多 --------------------------------------------------------------------------------------------


def test_s32_pdd_reship_promise_into_2027_is_estimated(shop: ShopCli) -> None:
    # seed 001 (PDD 承诺履约: "商家點擊「好的」後 … 待辦任務"), no platform figure: 3 working days (seed 003, assumed).
    # Promised Thu 2026-12-31 10:00 → Mon 01-04, Tue 01-05, Wed 01-06 (01-01 元旦) → 2027-01-06 10:00, 估算.
    case = shop.add("pdd", "reship", "missing_item", requested="2026-12-31 09:00")
    shop.act(case, "agree_reship", "2026-12-31 10:00")
    promise = shop.timers(case)["reship_promise"]
    assert (due(promise), promise["estimated"]) == ("2027-01-06 10:00:00", True)


def test_s33_pdd_return_unanswered_48h_agreed_by_the_platform_then_7_days(shop: ShopCli) -> None:
    # Assumed figures (48 h, then 淘宝's 7 days, seed 001). Asked 2026-12-30 23:59:59 → agreed 2027-01-01 23:59:59 →
    # the buyer ships by 2027-01-08 23:59:59, counted from the automatic agreement.
    case = shop.add("pdd", "return_refund", "quality", requested="2026-12-30 23:59:59")
    timers = shop.timers(case)
    assert due(timers["seller_answer_return"]) == "2027-01-01 23:59:59"
    ship = timers["buyer_ship_return"]
    assert due(ship) == "2027-01-08 23:59:59" and ship["name"].endswith(AUTO_MARK)


def test_s34_pdd_repair_and_evidence_timers_are_assumed(shop: ShopCli) -> None:
    # No 拼多多 figure for repair nor for evidence after the platform steps in: assumed 48 h / 3 days / 3 days.
    case = shop.add("pdd", "repair", "quality", requested="2026-12-01 10:00")
    assert due(shop.timers(case)["repair_answer"]) == "2026-12-03 10:00:00"
    shop.act(case, "escalate", "2026-12-04 10:00")
    shop.act(case, "buyer_submitted_evidence", "2026-12-05 10:00")
    timers = shop.timers(case)
    assert timers["repair_answer"]["status"] == MISSED  # escalated after its 48 h: answered late
    assert due(timers["evidence_upload"]) == "2026-12-07 10:00:00"
    assert due(timers["seller_answer_evidence"]) == "2026-12-08 10:00:00"
    for timer in ("repair_answer", "evidence_upload", "seller_answer_evidence"):
        assert timers[timer]["name"].endswith(ESTIMATED)


def test_s35_pdd_refund_answered_by_refusal_then_the_buyer_modifies_the_request(shop: ShopCli) -> None:
    # seed 004's wording for a refused request ("用戶可在48小時內修改申請或申請平台介入") as 拼多多 has none; a modified
    # request is a request (seed 002 "申請/修改退款的"): refused 12-01 11:00, reopened 12-02 10:00 → the shop's
    # 48 h (assumed) run again → 12-04 10:00, the platform refunds by itself then.
    case = shop.add("pdd", "refund_only", "quality", requested="2026-12-01 10:00")
    shop.act(case, "reject", "2026-12-01 11:00")
    shop.act(case, "reopen", "2026-12-02 10:00")
    timers = shop.timers(case)
    assert timers["seller_answer_request@1"]["status"] == MET
    again = timers["seller_answer_request"]
    assert (due(again), again["action"], again["status"]) == ("2026-12-04 10:00:00", "自动退款", OPEN)


# --- 京东 and the generic pack ----------------------------------------------------------------------


def test_s36_jd_reship_3_working_days_over_spring_festival_2026(shop: ShopCli) -> None:
    # seed 003 "(通常为3个工作日)", assumed. Agreed Fri 2026-02-13 18:00; Sat 02-14 is worked (调休), 02-15..23 off:
    # Sat 02-14, Tue 02-24, Wed 02-25 → 02-25 18:00 on the official schedule.
    case = shop.add("jd", "reship", "missing_item", requested="2026-02-13 17:00")
    shop.act(case, "agree_reship", "2026-02-13 18:00")
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == ("2026-02-25 18:00:00", False)


def test_s37_other_platform_seven_days_from_a_date_only_signing(shop: ShopCli) -> None:
    # The statutory 7 days (seed 001's wording, every platform alike): signed 2026-12-25 (day only) →
    # 2027-01-02 00:00; asked 2027-01-01 23:59:59 in time.
    case = shop.add("other", "return_refund", "no_reason_7d", signed="2026-12-25", requested="2027-01-01 23:59:59")
    window = shop.timers(case)["no_reason_window"]
    assert (due(window), window["status"]) == ("2027-01-02 00:00:00", MET)


def test_s38_generic_reship_over_the_statutory_2027_spring_festival_is_estimated(shop: ShopCli) -> None:
    # 2027 has no official schedule: 春节 from 除夕 02-05 to 02-10 by the statutory rule, 调休 unknown. Agreed Thu
    # 2027-02-04 10:00 → Thu 02-11, Fri 02-12, Mon 02-15 → 02-15 10:00, 估算.
    case = shop.add("jd", "reship", "missing_item", requested="2027-02-04 09:00")
    shop.act(case, "agree_reship", "2027-02-04 10:00")
    within = shop.timers(case)["reship_within"]
    assert (due(within), within["estimated"]) == ("2027-02-15 10:00:00", True)


# --- kind corrected, reopened, closed ------------------------------------------------------------------


def test_s39_taobao_return_corrected_to_refund_only_after_the_agreement_starts_the_5_days_from_the_change(
        shop: ShopCli) -> None:
    # seed 002: a modification is a request ("申請/修改退款的"). Asked as a return 12-01 10:00 (quality), the
    # buyer changes it to refund-only 12-03 10:00: the shop answers within 5 days (assumed, 淘宝) from the
    # change → 12-08 10:00, refunded by the platform then; the 72 h to escalation still from the first request.
    case = shop.add("taobao", "return_refund", "quality", requested="2026-12-01 10:00")
    shop.cli("case", "act", str(case), "change_kind", "--kind", "refund_only", "--at", "2026-12-03 10:00")
    timers = shop.timers(case)
    assert due(timers["seller_answer_request"]) == "2026-12-08 10:00:00"
    assert "seller_answer_goods" not in timers


def test_s40_a_case_closed_before_a_timer_starts_never_shows_it(shop: ShopCli) -> None:
    # A 抖店 reship the buyer withdrew (closed 12-01 11:00) an hour after asking: the 48 h answer is met by the
    # closing; no ship clock ever starts, no 3 元.
    case = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 10:00")
    shop.act(case, "close", "2026-12-01 11:00")
    timers = shop.timers(case)
    assert set(timers) == {"reship_answer"} and timers["reship_answer"]["status"] == MET


def test_s41_taobao_trade_succeeded_date_only_15_days_end_at_midnight(shop: ShopCli) -> None:
    # seed 002: "確認收貨>確認放款>交易成功,之日起15日之內「申請售後」。" Succeeded 2026-12-17 (day only) → from 12-18
    # 00:00 → 2027-01-02 00:00. Asked on 2027-01-02 (its day only): after 00:00 → missed.
    case = shop.add("taobao", "partial_refund", "quality", succeeded="2026-12-17", requested="2027-01-02")
    window = shop.timers(case)["aftersales_window"]
    assert (due(window), window["status"]) == ("2027-01-02 00:00:00", MISSED)


@pytest.mark.parametrize(("today", "expected", "absent"), [
    # In 2027 before its schedule is imported: this year's working days are estimates, and 双11 has no 2027 window.
    (date(2027, 3, 1), ["还没有2027年的官方节假日与调休安排", "还没有2027年的“双11发货时效”时间窗口"], "春节"),
    # December 2026: next year's schedule (from November) and 春节 2027 announced without its window.
    (date(2026, 12, 4), ["还没有2027年的官方节假日与调休安排", "还没有2027年的“春节售后时效”时间窗口"], "2026年的官方"),
    # June 2026: the schedule is there; only 双11 of 2026 is carried from 2025.
    (date(2026, 6, 1), ["还没有2026年的“双11发货时效”时间窗口"], "官方节假日"),
])
def test_s42_the_command_line_says_what_the_calendar_warns_of(
        shop: ShopCli, today: date, expected: list[str], absent: str) -> None:
    # issue 13 item 6: "warn (in the calendar and at start) when the current year has no window for a recurring
    # event or no working-day calendar"; `deadlines` says on stderr what the calendar's notice says for the day.
    notes = "\n".join(rule_notes([], RuleContext.load(), today))
    assert all(text in notes for text in expected), notes
    assert absent not in notes


def test_s43_douyin_never_received_reship_left_alone_chains_two_platform_actions(shop: ShopCli) -> None:
    # seed 004: unanswered 48 h → "系統超時自動同意"; agreed and not shipped in 48 h → "系統會自動全額退款". Asked
    # 2026-12-30 10:00 (一直未收到货 as 丢件): agreed by the platform 2027-01-01 10:00, refunded in full by it
    # 2027-01-03 10:00 — the second clock counted from the first action, both the platform's; late, the shop owes the
    # buyer 3 元 as for every late reship (seed 004 4.3 "應當按照每單3元的標準向用戶進行賠付"; round 6's r03).
    case = shop.add("douyin", "reship", "lost", requested="2026-12-30 10:00")
    timers = shop.timers(case)
    answer, ship = timers["reship_answer_not_received"], timers["reship_ship_not_received"]
    assert (due(answer), answer["action"]) == ("2027-01-01 10:00:00", "自动同意补寄")
    assert (due(ship), ship["action"], ship["penalty_yuan"]) == ("2027-01-03 10:00:00", "自动全额退款", "3.00")
    assert ship["name"].endswith(AUTO_MARK)


def test_s44_the_reship_queues_refusal_of_a_never_received_reship_is_arbitrated_on_both_backends(
        db: Database) -> None:
    # seed 004 "若商家拒絕會直接進入仲裁流程", through the 补发队列's 拒绝补发 (services.reships.refuse), on SQLite
    # and PostgreSQL: the case is in 平台介入 and the evidence clock (assumed 3 days) runs from the refusal.
    case_id = reship_case(db, Platform.DOUYIN, "ARB-1", "2026-12-01 10:00", CaseReason.SIGNED_NOT_RECEIVED)
    reships.refuse(db, case_id, "物流显示已签收", at=moment("2026-12-01 12:00"))
    with db.reading() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status == CaseStatus.PLATFORM_INTERVENTION.value and case.is_open
        found = {row.timer_id: row for row in case_deadlines(session, case_id)}
    assert found["evidence_upload"].due_at.astimezone(CHINA) == datetime(2026, 12, 4, 12, 0, tzinfo=CHINA)
    # 商家少发/漏发 refused: the refusal stands (the buyer may change the request or ask the platform).
    other = reship_case(db, Platform.DOUYIN, "ARB-2", "2026-12-01 10:00", CaseReason.MISSING_ITEM)
    reships.refuse(db, other, "已核实未少发", at=moment("2026-12-01 12:00"))
    with db.reading() as session:
        refused = session.get(Case, other)
        assert refused is not None and refused.status == CaseStatus.REJECTED.value
