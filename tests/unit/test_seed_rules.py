"""Every rule the seeds state, as a scenario: the seed file, the sentence, the timer it becomes.

Seeds live in the project's shared folder (`seeds/<file>`); each pack cites its file and quotes the
sentence beside the rule (`source`, `quote`), and each test here names the same file and sentence.
Where the shared folder is present the quote is also checked against the seed itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.deadline_display import settled_by_platform
from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, compute_from_history
from desktop_app.core.working_days import WorkdayCalendar
from desktop_app.io.holiday_schedule_file import read_schedule, shipped_schedule_path
from desktop_app.io.rule_pack_files import load_pack, load_packs

SEEDS = Path("/work/shared/seeds")
CALENDAR = WorkdayCalendar(schedule=read_schedule(shipped_schedule_path()))
OPEN, MET, MISSED = DeadlineStatus.OPEN, DeadlineStatus.MET, DeadlineStatus.MISSED


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def compute(pack: str, kind: str, reason: str | None = None, case_open: bool = True,
            **events: str | list[str]) -> dict[str, ComputedDeadline]:
    history = {}
    for name, value in events.items():
        texts = value if isinstance(value, list) else [value]
        history[name] = [(m.at, m.date_only) for m in map(parse_moment, texts)]
    found = compute_from_history(load_pack(pack), kind=kind, reason=reason, case_open=case_open,
                                 history=history, calendar=CALENDAR)
    return {d.timer_id: d for d in found}


def cited(pack: str, seed: str, sentence: str, *, timer: str | None = None, window: str | None = None) -> None:
    """The pack cites `seed` beside the rule and quotes `sentence`; the seed really says it."""
    rules = load_pack(pack)
    rule = rules.timer(timer) if timer else next(w for w in rules.overrides if w.id == window)
    assert rule.source is not None and seed in rule.source
    assert rule.quote is not None and sentence in rule.quote
    path = SEEDS / seed
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        for piece in rule.quote.split("……"):
            assert piece in text, piece


def test_every_quote_in_every_pack_is_in_its_seed() -> None:
    if not SEEDS.is_dir():
        pytest.skip("the shared seeds folder is not on this machine")
    for pack in load_packs().values():
        for rule in (*pack.timers, *pack.overrides, *pack.campaigns):
            if rule.quote is None:
                continue
            assert rule.source is not None, rule.id
            seed = next(p for p in SEEDS.iterdir() if p.name in rule.source)
            text = seed.read_text(encoding="utf-8")
            for piece in rule.quote.split("……"):
                assert piece in text, (pack.id, rule.id, piece)


def test_assumed_figures_say_so_in_the_name_and_cite_no_seed_sentence() -> None:
    for pack in load_packs().values():
        for timer in pack.timers:
            if timer.assumed:
                assert timer.display_name.endswith("（时长为估计）")
    d = compute("pdd", "return_refund", "quality", requested="2026-11-30 10:00")["seller_answer_return"]
    assert d.name == "处理退货退款/换货申请（48小时）（时长为估计）"


# --- seed 001: Taobao -------------------------------------------------------------------------


def test_seed001_seven_day_no_reason_request_auto_agreed_after_72_hours() -> None:
    cited("taobao", "001_7891156e224716f9.txt",
          "从用户申请退款之日起72小时内卖家未响应退款,系统会自动为双方达成退货协议",
          timer="seller_answer_return")
    for kind in ("return_refund", "exchange"):  # 七天无理由退换货: returns and exchanges
        d = compute("taobao", kind, "no_reason_7d", requested="2026-11-01 00:00:00")["seller_answer_return"]
        assert (d.due_at, d.action) == (at("2026-11-04 00:00:00"), "自动同意退货")


def test_seed001_buyer_returns_within_7_days_of_the_agreement() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "退货协议达成用户需要在7天内退货,逾期未退货,退款会被关闭",
          timer="buyer_ship_return")
    for kind in ("return_refund", "exchange"):  # the exchange's return leg too
        d = compute("taobao", kind, "quality", requested="2026-11-01 09:00",
                    return_agreed="2026-11-02 23:59:59")["buyer_ship_return"]
        assert d.due_at == at("2026-11-09 23:59:59")


def test_seed001_seller_confirms_the_return_within_10_days_or_it_is_refunded() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "卖家会有10天的时间来进行确认,逾期卖家没有处理,系统会自动退款给用户",
          timer="seller_confirm_return")
    d = compute("taobao", "exchange", "wrong_item", requested="2026-11-01 09:00", return_agreed="2026-11-01 10:00",
                return_shipped="2026-11-03")["seller_confirm_return"]  # date only: from 00:00 that day
    assert (d.starts_at, d.due_at, d.action) == (at("2026-11-03 00:00"), at("2026-11-13 00:00"), "自动退款")


def test_seed001_late_shipment_72_hours() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "实际未在七十二小时内发货", timer="ship_by")
    d = compute("taobao", "refund_only", "late_shipment", paid="2026-11-20 08:00", shipped="2026-11-23 08:00")
    assert (d["ship_by"].due_at, d["ship_by"].status) == (at("2026-11-23 08:00"), MET)  # the edge is inclusive


def test_seed001_seven_days_from_signing() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "应在确认签收商品之日起7天内(以物流签收时间为准)",
          timer="no_reason_window")
    d = compute("taobao", "exchange", "no_reason_7d", signed="2026-11-24")["no_reason_window"]
    assert (d.starts_at, d.due_at) == (at("2026-11-25 00:00"), at("2026-12-02 00:00"))


# --- seed 002: Taobao / Tmall -----------------------------------------------------------------


def test_seed002_intervention_after_72_hours_also_for_exchanges() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "售後超時機制和售中保持一致,申請客服介入的時間也是72小時後",
          timer="refund_intervention")
    d = compute("taobao", "exchange", "size_colour", requested="2026-11-10 12:00")["refund_intervention"]
    assert d.due_at == at("2026-11-13 12:00")


@pytest.mark.parametrize("pack", ["taobao", "tmall"])
def test_seed002_a_repair_request_is_after_sales_too_intervention_after_72_hours(pack: str) -> None:
    """seeds/002: "賣家必須為出售的商品專提供售後服務:退貨屬、換貨、維修等等" — 维修 is 售后, and "售後超時機制和售中
    保持一致,申請客服介入的時間也是72小時後". A repair request had no timer at all before the buyer's confirmation."""
    d = compute(pack, "repair", "quality", requested="2026-11-10 12:00")["refund_intervention"]
    assert d.due_at == at("2026-11-13 12:00")
    agreed = compute(pack, "repair", "quality", requested="2026-11-10 12:00",
                     return_agreed="2026-11-11 09:00")["refund_intervention"]
    assert agreed.status is MET


def test_seed002_tmall_merchant_has_5_days_then_automatic_refund() -> None:
    cited("tmall", "002_4d944ba41a3c78c9.txt", "「等待商家處理退款申請」回的期限是5天", timer="seller_answer_request")
    d = compute("tmall", "return_refund", "quality", requested="2026-11-10 12:00")["seller_answer_request"]
    assert (d.due_at, d.action) == (at("2026-11-15 12:00"), "自动退款")


def test_seed002_after_sales_within_15_days_of_trade_success() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "交易成功,之日起15日之內「申請售後」", timer="aftersales_window")
    d = compute("taobao", "return_refund", "quality", trade_succeeded="2026-11-01 10:00")["aftersales_window"]
    assert d.due_at == at("2026-11-16 10:00")


@pytest.mark.parametrize("pack", ["taobao", "tmall", "pdd", "douyin", "jd"])
def test_after_sales_period_from_a_date_only_trade_success_counts_from_the_next_day(pack: str) -> None:
    """"之日起15日" (seed 002; seed 004 "確認收貨后的15天內") with only the day of 交易成功 known: counted like the
    7-day rule's date-only signing, from 00:00 of the next day. From 00:00 of the day itself, a request on
    the 15th day after it (confirmed 12-01 15:00, asked 12-16 10:00: in time) showed as 超过售后期."""
    # 抖店's seed 004 figure is for 补寄; a return's period is the same 15 days, assumed (session 23).
    timer = "aftersales_window_other" if pack == "douyin" else "aftersales_window"
    d = compute(pack, "return_refund", "quality", trade_succeeded="2026-12-01",
                requested="2026-12-16 10:00")[timer]
    assert (d.due_at, d.status) == (at("2026-12-17 00:00"), MET)
    exact = compute(pack, "return_refund", "quality", trade_succeeded="2026-12-01 15:00")[timer]
    assert exact.due_at == at("2026-12-16 15:00")


SF2022 = "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的"


@pytest.mark.parametrize("requested", ["2022-01-25 00:00:00", "2022-02-08 23:59:59", "2022-02-01"])
@pytest.mark.parametrize(("pack", "kind", "reason", "timer", "normal_days"), [
    ("taobao", "return_refund", "no_reason_7d", "seller_answer_return", None),
    ("taobao", "return_refund", "quality", "seller_answer_goods", 5),
    ("taobao", "exchange", "wrong_item", "seller_answer_goods", 5),
    ("tmall", "return_refund", "quality", "seller_answer_request", 5),
    ("tmall", "exchange", "size_colour", "seller_answer_goods", 5),
])
def test_seed002_2022_any_return_or_exchange_request_in_the_window_gets_15_days(
        requested: str, pack: str, kind: str, reason: str, timer: str, normal_days: int | None) -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", SF2022, window="spring_festival_2022")
    cited("taobao", "002_4d944ba41a3c78c9.txt", "商家應在消費者申請後15日內給出審核結果", window="spring_festival_2022")
    d = compute(pack, kind, reason, requested=requested)[timer]
    assert d.starts_at == parse_moment(requested).at  # a date-only request counts from 00:00 that day
    assert (d.window, (d.due_at - d.starts_at).days) == ("spring_festival_2022", 15)


@pytest.mark.parametrize(("requested", "window"), [
    ("2022-01-25 00:00:00", "spring_festival_2022"), ("2022-02-08 23:59:59", "spring_festival_2022"),
    ("2020-01-17 00:00:00", "spring_festival_2020"), ("2020-02-02 23:59:59", "spring_festival_2020"),
])
def test_seed002_a_tmall_exchange_request_in_a_spring_window_gets_15_days(requested: str, window: str) -> None:
    """天猫's own 5-day timer is for refunds only; its exchanges have theirs, which replaces 淘宝's timer of
    the same id, so 淘宝's windows reach it."""
    cited("taobao", "002_4d944ba41a3c78c9.txt", "商家應在消費者申請後15日內給出審核結果", window="spring_festival_2022")
    cited("taobao", "002_4d944ba41a3c78c9.txt", "統一調整至15天", window="spring_festival_2020")
    d = compute("tmall", "exchange", "size_colour", requested=requested)["seller_answer_goods"]
    assert (d.window, (d.due_at - d.starts_at).days) == (window, 15)
    assert d.name.endswith("：15天）") and "春节售后时效" in d.name  # the name says which figure applies
    outside = compute("tmall", "exchange", "size_colour", requested="2022-02-09 00:00:00")["seller_answer_goods"]
    assert (outside.window, (outside.due_at - outside.starts_at).days) == (None, 5)
    assert "春节" not in outside.name


@pytest.mark.parametrize("requested", ["2022-01-24 23:59:59", "2022-02-09 00:00:00"])
def test_seed002_2022_window_edges_exclusive_outside(requested: str) -> None:
    d = compute("taobao", "return_refund", "quality", requested=requested)["seller_answer_goods"]
    assert d.window is None and (d.due_at - d.starts_at).days == 5


def test_seed002_2022_refund_only_is_not_a_return_or_exchange() -> None:
    d = compute("taobao", "refund_only", "not_received", requested="2022-02-01 10:00")["seller_answer_request"]
    assert d.window is None and (d.due_at - d.starts_at).days == 5


def test_seed002_2022_buyer_ships_within_20_days_and_seller_confirms_within_20() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "消費者應在自商家通過審核後20日內商品寄回並提交運單信息",
          window="spring_festival_2022")
    cited("taobao", "002_4d944ba41a3c78c9.txt", "商家應在20日內完成確認收貨並處理,如超時未處理的,系統將自動退款",
          window="spring_festival_2022")
    # The return is shipped long after the window: the request inside it still decides.
    found = compute("taobao", "exchange", "size_colour", requested="2022-02-08 23:59:59",
                    return_agreed="2022-02-12 10:00", return_shipped="2022-02-25 10:00")
    assert found["buyer_ship_return"].due_at == at("2022-03-04 10:00")
    assert found["seller_confirm_return"].due_at == at("2022-03-17 10:00")


SF2020 = ("1、買家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間申請/修改退款的,"
          "或賣家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間拒絕退款的")


def test_seed002_2020_a_every_confirmation_or_modification_15_days() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", SF2020, window="spring_festival_2020")
    cited("taobao", "002_4d944ba41a3c78c9.txt", "a.等待賣家或買家確認、修改的超時統一調整至15天",
          window="spring_festival_2020")
    for pack, kind, timer in (("taobao", "refund_only", "seller_answer_request"),
                              ("tmall", "refund_only", "seller_answer_request"),
                              ("taobao", "return_refund", "seller_answer_goods")):
        d = compute(pack, kind, "quality", requested="2020-01-17 00:00:00")[timer]
        assert (d.due_at, d.window) == (at("2020-02-01 00:00:00"), "spring_festival_2020")


def test_seed002_2020_a_a_refusal_inside_the_window_counts_too() -> None:
    # Requested before the window, refused inside it at the last moment of the return's 10 days (the
    # refusal must come while they still run: test_timer_scenarios): the refusal keys the window.
    found = compute("taobao", "return_refund", "quality", requested="2020-01-16 10:00",
                    rejected="2020-01-26 12:00", return_shipped="2020-01-16 12:00")
    assert found["seller_confirm_return"].window == "spring_festival_2020"
    assert found["seller_confirm_return"].due_at == at("2020-02-05 12:00")


def test_seed002_2020_b_seller_confirms_the_return_in_20_days() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "b.買家已退貨,等待賣家確認收貨的超時統一調整至20天",
          window="spring_festival_2020")
    d = compute("taobao", "return_refund", "quality", requested="2020-01-20 10:00",
                return_shipped="2020-02-10 10:00")["seller_confirm_return"]
    assert d.due_at == at("2020-03-01 10:00")


def test_seed002_2020_c_buyer_confirms_a_reshipped_item_in_20_days() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "c.買家確認收到補寄商品超時統一調整為20天",
          window="spring_festival_2020")
    d = compute("taobao", "reship", "missing_item", requested="2020-01-20 10:00",
                reship_shipped="2020-01-21 10:00")["buyer_confirm_reship"]
    assert d.due_at == at("2020-02-10 10:00")
    normal = compute("taobao", "reship", "missing_item", requested="2026-11-20 10:00",
                     reship_shipped="2026-11-21 10:00")["buyer_confirm_reship"]
    assert normal.window is None and normal.name.endswith("（时长为估计）")


def test_seed002_2020_d_exchange_and_repair_confirmation_30_days() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "d.換貨維修待買家確認完成超時統一調整至30天",
          window="spring_festival_2020")
    ex = compute("taobao", "exchange", "size_colour", requested="2020-01-18", exchange_shipped="2020-02-05 10:00")
    assert ex["buyer_confirm_exchange"].due_at == at("2020-03-06 10:00")
    rep = compute("taobao", "repair", "quality", requested="2020-01-18", repair_shipped="2020-02-05 10:00")
    assert rep["buyer_confirm_repair"].due_at == at("2020-03-06 10:00")


def test_seed002_2020_rule2_keyed_to_the_sellers_agreement() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "等待買家填寫退貨信息的超時時間調整至25天",
          window="spring_festival_2020_return_info")
    # Requested before the window, agreed inside it (within the 5 days to answer): 25 days.
    inside = compute("taobao", "return_refund", "quality", requested="2020-01-14 10:00",
                     return_agreed="2020-01-17 00:00:00")["buyer_ship_return"]
    assert inside.due_at == at("2020-02-11 00:00:00")
    # Requested inside the window, agreed after it: the normal 7 days.
    after = compute("taobao", "return_refund", "quality", requested="2020-02-01 10:00",
                    return_agreed="2020-02-03 00:00:00")["buyer_ship_return"]
    assert after.due_at == at("2020-02-10 00:00:00")


def test_seed002_2020_rule3_evidence_within_15_days_and_seller_3_days_after_the_buyer() -> None:
    cited("taobao", "002_4d944ba41a3c78c9.txt", "則買家/賣家應在申請介入的15日內上傳憑證",
          window="spring_festival_2020_evidence")
    cited("taobao", "002_4d944ba41a3c78c9.txt", "賣家應在買家完成舉證後3日內進行處理", timer="seller_answer_evidence")
    found = compute("taobao", "refund_only", "quality", requested="2020-01-10 10:00",
                    escalated="2020-01-17 00:00:00", buyer_evidence="2020-01-25 09:00")
    assert found["evidence_upload"].due_at == at("2020-02-01 00:00:00")
    assert found["seller_answer_evidence"].due_at == at("2020-01-28 09:00")
    done = compute("taobao", "refund_only", "quality", requested="2020-01-10 10:00", escalated="2020-01-17 00:00",
                   buyer_evidence="2020-01-25 09:00", evidence_submitted="2020-01-27 09:00")
    assert done["seller_answer_evidence"].status is MET


# --- seed 004: Douyin -------------------------------------------------------------------------


def test_seed004_douyin_answers_a_reship_request_within_48_hours() -> None:
    cited("douyin", "004_e1a46d0aca1946af.txt", "商家需在48小時(shí)內(nèi)進(jìn)行處理", timer="reship_answer")
    d = compute("douyin", "reship", "missing_item", requested="2026-11-30")["reship_answer"]
    assert (d.starts_at, d.due_at) == (at("2026-11-30 00:00"), at("2026-12-02 00:00"))


def test_seed004_douyin_late_reship_3_yuan_or_full_refund_for_never_received() -> None:
    cited("douyin", "004_e1a46d0aca1946af.txt", "按照每單3元的標(biāo)準(zhǔn)向用戶進(jìn)行賠付", timer="reship_ship")
    cited("douyin", "004_e1a46d0aca1946af.txt", "系統(tǒng)會(huì)自動(dòng)全額退款", timer="reship_ship_not_received")
    for reason in ("not_received", "lost", "signed_not_received", "stalled"):
        found = compute("douyin", "reship", reason, requested="2026-11-30 10:00", reship_agreed="2026-11-30 12:00")
        assert found["reship_ship_not_received"].action == "自动全额退款" and "reship_ship" not in found
    found = compute("douyin", "reship", "missing_item", requested="2026-11-30 10:00", reship_agreed="2026-11-30 12:00")
    assert found["reship_ship"].due_at == at("2026-12-02 12:00")


def test_seed004_douyin_reship_within_15_days_of_confirming_receipt() -> None:
    cited("douyin", "004_e1a46d0aca1946af.txt", "確認(rèn)收貨后的15天內(nèi)可以申請(qǐng)補(bǔ)寄",
          timer="aftersales_window")
    d = compute("douyin", "reship", "missing_item", trade_succeeded="2026-11-20 23:59:59")["aftersales_window"]
    assert d.due_at == at("2026-12-05 23:59:59")


# --- seller answers on every platform (assumed where no seed has a figure) --------------------


@pytest.mark.parametrize(("pack", "kind", "timer", "hours", "action"), [
    ("douyin", "refund_only", "refund_answer", 48, "自动退款"),
    ("douyin", "return_refund", "return_answer", 48, "自动同意退货"),
    ("douyin", "exchange", "return_answer", 48, "自动同意退货"),
    ("pdd", "refund_only", "seller_answer_request", 48, "自动退款"),
    ("pdd", "return_refund", "seller_answer_return", 48, "自动同意退货"),
    ("pdd", "exchange", "seller_answer_return", 48, "自动同意退货"),
    # 京东 (round 2, session 17): it had no answer timer at all, only the generic pack's
    ("jd", "refund_only", "seller_answer_request", 48, "自动退款"),
    ("jd", "return_refund", "seller_answer_return", 48, "自动同意退货"),
    ("jd", "exchange", "seller_answer_return", 48, "自动同意退货"),
    ("taobao", "refund_only", "seller_answer_request", 120, "自动退款"),
    ("taobao", "return_refund", "seller_answer_goods", 120, "自动同意退货"),
    ("taobao", "exchange", "seller_answer_goods", 120, "自动同意退货"),
])
def test_every_platform_has_a_seller_answer_timer(pack: str, kind: str, timer: str, hours: int, action: str) -> None:
    rule = load_pack(pack).timer(timer)
    assert rule.assumed and rule.source and "资料中没有" in rule.source
    d = compute(pack, kind, "quality", requested="2026-12-01 09:00")[timer]
    assert ((d.due_at - d.starts_at).total_seconds() / 3600, d.action) == (hours, action)
    assert d.name.endswith("（时长为估计）")
    answered = compute(pack, kind, "quality", requested="2026-12-01 09:00", rejected="2026-12-01 10:00")[timer]
    assert answered.status is MET


def test_2022_window_in_a_pdd_case_is_not_taobaos() -> None:
    d = compute("pdd", "return_refund", "quality", requested="2022-02-01 10:00")["seller_answer_return"]
    assert d.window is None and (d.due_at - d.starts_at).days == 2
    assert d.status is OPEN


# --- automatic platform actions, chained ------------------------------------------------------


def test_seed004_douyin_auto_agreement_starts_the_48_hour_ship_clock() -> None:
    cited("douyin", "004_e1a46d0aca1946af.txt", "系統(tǒng)超時(shí)自動(dòng)同意", timer="reship_answer")
    assert load_pack("douyin").timer("reship_answer").auto_records == "reship_agreed"
    found = compute("douyin", "reship", "missing_item", requested="2026-11-28 10:00")
    ship = found["reship_ship"]
    assert (ship.starts_at, ship.due_at) == (at("2026-11-30 10:00"), at("2026-12-02 10:00"))
    assert ship.name == "补寄发货并上传运单号（48小时）（按平台自动同意起算）"
    # Never answered: open, and the platform acts by itself when it runs out. From then on it is
    # settled, not overdue (the engine has no clock; the lists decide with theirs).
    answer = found["reship_answer"]
    assert answer.status is OPEN and answer.automatic and not ship.automatic
    assert not settled_by_platform(answer.automatic, answer.due_at, at("2026-11-30 09:59"))
    assert settled_by_platform(answer.automatic, answer.due_at, at("2026-11-30 10:00"))
    assert not settled_by_platform(ship.automatic, ship.due_at, at("2026-12-03 10:00"))
    # The shop records the agreement a day later: the clock keeps the platform's time, the mark goes.
    recorded = compute("douyin", "reship", "missing_item", requested="2026-11-28 10:00",
                       reship_agreed="2026-12-01 09:00")
    assert (recorded["reship_ship"].starts_at, recorded["reship_ship"].name) == \
        (at("2026-11-30 10:00"), "补寄发货并上传运单号（48小时）")
    assert recorded["reship_answer"].status is MISSED
    # Answered in time: the shop's own agreement starts the clock.
    in_time = compute("douyin", "reship", "missing_item", requested="2026-11-28 10:00",
                      reship_agreed="2026-11-30 10:00")
    assert in_time["reship_ship"].starts_at == at("2026-11-30 10:00") and in_time["reship_answer"].status is MET
    refused = compute("douyin", "reship", "missing_item", requested="2026-11-28 10:00", rejected="2026-11-29")
    assert "reship_ship" not in refused


@pytest.mark.parametrize(("pack", "kind", "timer", "events", "due"), [
    # seed 002: "如果5天內商家沒答有做出任何操作,系統會自動把錢退給你的"
    ("tmall", "refund_only", "seller_answer_request", {"requested": "2026-11-10 12:00"}, "2026-11-15 12:00"),
    # seed 001: "逾期卖家没有处理,系统会自动退款给用户"
    ("taobao", "return_refund", "seller_confirm_return",
     {"requested": "2026-11-01 09:00", "return_agreed": "2026-11-01 10:00", "return_shipped": "2026-11-02 10:00"},
     "2026-11-12 10:00"),
    # assumed (no seed): 抖店 and 拼多多 refund a refund-only request not answered in 48 h
    ("douyin", "refund_only", "refund_answer", {"requested": "2026-11-10 12:00"}, "2026-11-12 12:00"),
    ("pdd", "refund_only", "seller_answer_request", {"requested": "2026-11-10 12:00"}, "2026-11-12 12:00"),
    # assumed (no seed): 淘宝 as 天猫, 5 days
    ("taobao", "refund_only", "seller_answer_request", {"requested": "2026-11-10 12:00"}, "2026-11-15 12:00"),
])
def test_automatic_refunds_are_the_platforms_doing_once_run_out(pack: str, kind: str, timer: str,
                                                                events: dict[str, str], due: str) -> None:
    """A timer whose expiry is an automatic refund is settled by the platform when it runs out: open in
    the engine (it has no clock), never overdue in the lists (`settled_by_platform`)."""
    assert load_pack(pack).timer(timer).auto_records == "refunded"
    d = compute(pack, kind, "quality", **events)[timer]
    assert (d.due_at, d.status, d.automatic) == (at(due), OPEN, True)
    assert settled_by_platform(d.automatic, d.due_at, at(due)) and not settled_by_platform(
        d.automatic, d.due_at, at(due) - (at(due) - d.starts_at) / 2)
    assert compute(pack, kind, "quality", **events, refunded="2026-11-10 13:00")[timer].status is MET


def test_a_platform_action_after_a_timers_due_does_not_settle_that_timer_in_advance() -> None:
    """天猫 refunds by itself on day 5; the buyer may ask the platform to step in after 72 h (seed 002).
    The refund to come is no answer in time: the 72 h stay open (overdue once run out), never "missed"
    days before they run out, and the refund ends them (`met_at` on the open row): no work, never
    overdue from then on. An automatic action by the due time does meet it (淘宝's 72 h agreement of a
    7-day return is also the answer the 72 h wait for)."""
    found = compute("tmall", "refund_only", "quality", requested="2026-12-02 10:00")
    escalate = found["refund_intervention"]
    assert (escalate.due_at, escalate.status, escalate.met_at) == (
        at("2026-12-05 10:00"), OPEN, at("2026-12-07 10:00"))
    overdue, refunded = at("2026-12-06 10:00"), at("2026-12-07 10:00")
    assert not settled_by_platform(escalate.automatic, escalate.due_at, overdue, escalate.met_at)
    assert settled_by_platform(escalate.automatic, escalate.due_at, refunded, escalate.met_at)
    # Answered late by the shop itself: missed, as ever.
    late = compute("tmall", "refund_only", "quality", requested="2026-12-02 10:00", refunded="2026-12-06 10:00")
    assert (late["refund_intervention"].status, late["refund_intervention"].met_at) == (MISSED, overdue)
    seven_day = compute("taobao", "return_refund", "no_reason_7d", requested="2026-12-02 10:00")
    assert (seven_day["refund_intervention"].status, seven_day["refund_intervention"].met_at) == \
        (MET, at("2026-12-05 10:00"))


def test_seed004_douyin_refunds_a_never_received_reship_it_agreed_to_itself() -> None:
    """Two automatic actions in a row: 抖店 agrees to the request after 48 h ("系统超时自动同意"), and
    refunds in full when the reship is not shipped 48 h after that ("系统会自动全额退款")."""
    found = compute("douyin", "reship", "not_received", requested="2026-11-28 10:00")
    ship = found["reship_ship_not_received"]
    assert (ship.starts_at, ship.due_at, ship.automatic) == (at("2026-11-30 10:00"), at("2026-12-02 10:00"), True)
    assert ship.name.endswith("（按平台自动同意起算）") and ship.status is OPEN
    shipped = compute("douyin", "reship", "not_received", requested="2026-11-28 10:00",
                      reship_shipped="2026-12-01 10:00")["reship_ship_not_received"]
    assert shipped.status is MET


def test_pdd_agrees_to_a_return_by_itself_and_the_buyers_7_days_follow() -> None:
    found = compute("pdd", "return_refund", "quality", requested="2026-11-20 20:00")
    answer, ship = found["seller_answer_return"], found["buyer_ship_return"]
    assert answer.automatic and (answer.due_at, ship.starts_at) == (at("2026-11-22 20:00"), at("2026-11-22 20:00"))
    assert ship.name.endswith("（按平台自动同意起算）")


def test_tmall_agrees_to_an_exchange_by_itself_and_the_buyers_7_days_follow() -> None:
    found = compute("tmall", "exchange", "quality", requested="2026-11-20 20:00")
    answer, ship = found["seller_answer_goods"], found["buyer_ship_return"]
    assert answer.automatic and (answer.due_at, ship.starts_at) == (at("2026-11-25 20:00"), at("2026-11-25 20:00"))
    assert ship.name.endswith("（按平台自动同意起算）")


def test_seed001_taobao_72_hour_auto_agreement_starts_the_buyers_7_days() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "系统会自动为双方达成退货协议", timer="seller_answer_return")
    for pack in ("taobao", "tmall"):
        found = compute(pack, "return_refund", "no_reason_7d", requested="2026-11-20 20:00")
        ship = found["buyer_ship_return"]
        assert (ship.starts_at, ship.due_at) == (at("2026-11-23 20:00"), at("2026-11-30 20:00"))
        assert ship.name.endswith("（按平台自动同意起算）")


def test_taobao_agrees_to_any_other_return_by_itself_after_its_5_days_and_the_buyers_7_days_follow() -> None:
    """Not a 7-day request: 淘宝's (assumed) 5 days to answer, then the platform agrees by itself."""
    found = compute("taobao", "return_refund", "quality", requested="2026-11-20 20:00")
    answer, ship = found["seller_answer_goods"], found["buyer_ship_return"]
    assert (answer.automatic, answer.action, answer.due_at) == (True, "自动同意退货", at("2026-11-25 20:00"))
    assert (ship.starts_at, ship.due_at) == (at("2026-11-25 20:00"), at("2026-12-02 20:00"))
    assert ship.name.endswith("（按平台自动同意起算）")
    assert "seller_answer_request" not in found  # one answer per request, with its own outcome


def test_taobao_refunds_a_refund_only_request_by_itself_after_its_5_days() -> None:
    found = compute("taobao", "refund_only", "quality", requested="2026-11-20 20:00")
    answer = found["seller_answer_request"]
    assert (answer.automatic, answer.action, answer.due_at) == (True, "自动退款", at("2026-11-25 20:00"))
    assert "seller_answer_goods" not in found and "buyer_ship_return" not in found


def test_taobao_refund_only_with_the_7_day_reason_has_an_answer_timer_too() -> None:
    """A refund-only request giving 七天无理由 as its reason had no answer timer at all on 淘宝 (the
    5 days excluded the reason, and the 72 h auto-agreement of seed 001 is for returns): the case
    showed only the buyer's 72 h to escalate while the platform refunds by itself. It runs the 5 days,
    as on 天猫 (seed 002: "等待商家處理退款申請…5天")."""
    for pack in ("taobao", "tmall"):
        found = compute(pack, "refund_only", "no_reason_7d", requested="2026-11-20 20:00")
        answer = found["seller_answer_request"]
        assert (answer.automatic, answer.action, answer.due_at) == (True, "自动退款", at("2026-11-25 20:00"))
        assert "seller_answer_return" not in found


# --- 双11: a yearly window --------------------------------------------------------------------


def test_seed000_double11_ships_within_7_days_every_year_estimated_where_not_announced() -> None:
    cited("taobao", "000_5ba98c4104da749e.txt", "双十一期间的发货时间是7天", window="double11_2025")
    own = compute("taobao", "refund_only", "late_shipment", paid="2025-11-11 23:59:59")["ship_by"]
    assert (own.due_at, own.window, own.estimated) == (at("2025-11-18 23:59:59"), "double11_2025", False)
    for year in (2024, 2026):
        d = compute("taobao", "refund_only", "late_shipment", paid=f"{year}-10-15 20:00:00")["ship_by"]
        assert (d.due_at, d.window, d.estimated) == (at(f"{year}-10-22 20:00:00"), f"double11_{year}_estimated", True)
        before = compute("taobao", "refund_only", "late_shipment", paid=f"{year}-10-15 19:59:59")["ship_by"]
        assert (before.window, before.due_at) == (None, at(f"{year}-10-18 19:59:59"))
    assert load_pack("taobao").missing_yearly_windows(2026) == ["双11发货时效"]
    assert load_pack("taobao").missing_yearly_windows(2025) == []


# --- 春节: a window the platform announces each year -------------------------------------------------


def test_seed002_spring_festival_windows_are_never_guessed_for_2027_but_pointed_out() -> None:
    """Seed 002 has 2020 (1月17日–2月2日) and 2022 (1月25日–2月8日), with other figures each time: a
    2027 window copied from them would give 15 days where the platform may refund after 5 (a later
    deadline than the platform's), so none is estimated; from 60 days before the earliest start
    (01-17) to the latest end (02-08) the packs say the coming year has none."""
    cited("taobao", "002_4d944ba41a3c78c9.txt", "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的",
          window="spring_festival_2022")
    # A 天猫 return request during 春节 2027: the usual 5 days (seed 002), no 估算 window.
    answer = compute("tmall", "return_refund", "quality", requested="2027-02-01 10:00")["seller_answer_request"]
    assert (answer.due_at, answer.window, answer.estimated) == (at("2027-02-06 10:00"), None, False)
    # …while inside 2022's window it is 15 days.
    answer = compute("tmall", "return_refund", "quality", requested="2022-02-01 10:00")["seller_answer_request"]
    assert (answer.due_at, answer.window) == (at("2022-02-16 10:00"), "spring_festival_2022")
    for pack in ("taobao", "tmall"):
        pointed = load_pack(pack).missing_announced_windows
        assert pointed(at("2026-12-03 12:00").date()) == [(2027, "春节售后时效")]
        assert pointed(at("2026-11-18 00:00").date()) == [(2027, "春节售后时效")]  # 2027-01-17 − 60 days
        assert pointed(at("2026-11-17 00:00").date()) == []
        assert pointed(at("2027-02-08 00:00").date()) == [(2027, "春节售后时效")]
        assert pointed(at("2027-02-09 00:00").date()) == []
        assert pointed(at("2022-01-10 00:00").date()) == []  # 2022 has its own
        assert not any(w.estimated for w in load_pack(pack).overrides if w.event == "spring_festival")
    assert load_pack("douyin").missing_announced_windows(at("2026-12-03 12:00").date()) == []


# --- the buyer's clocks: the platform acts when they run out, the shop has nothing to do -----------


AGREED = {"requested": "2026-11-01 09:00", "return_agreed": "2026-11-01 10:00"}


@pytest.mark.parametrize(("pack", "kind", "timer", "events", "due", "action"), [
    # seed 001: "退货协议达成用户需要在7天内退货,逾期未退货,退款会被关闭"
    ("taobao", "return_refund", "buyer_ship_return", AGREED, "2026-11-08 10:00", "自动关闭退款（买家未寄回）"),
    ("pdd", "return_refund", "buyer_ship_return", AGREED, "2026-11-08 10:00", "自动关闭售后（买家未寄回）"),
    ("douyin", "exchange", "buyer_ship_return", AGREED, "2026-11-08 10:00", "自动关闭售后（买家未寄回）"),
    # The buyer does not confirm: the platform confirms by itself (淘宝's 10 days, assumed).
    ("taobao", "reship", "buyer_confirm_reship",
     {"requested": "2026-11-01 09:00", "reship_shipped": "2026-11-02 10:00"}, "2026-11-12 10:00", "自动确认收货"),
    ("tmall", "exchange", "buyer_confirm_exchange",
     {"requested": "2026-11-01 09:00", "exchange_shipped": "2026-11-02 10:00"}, "2026-11-12 10:00", "自动确认完成"),
])
def test_a_buyers_clock_run_out_is_settled_by_the_platform_never_overdue_for_the_shop(
        pack: str, kind: str, timer: str, events: dict[str, str], due: str, action: str) -> None:
    d = compute(pack, kind, "quality", **events)[timer]
    assert (d.due_at, d.status, d.automatic, d.action) == (at(due), OPEN, True, action)
    assert settled_by_platform(d.automatic, d.due_at, at(due)) and not settled_by_platform(
        d.automatic, d.due_at, at(due) - timedelta(seconds=1))


def test_seed001_the_buyers_7_days_cite_the_closing_refund() -> None:
    cited("taobao", "001_7891156e224716f9.txt", "逾期未退货,退款会被关闭", timer="buyer_ship_return")
    assert load_pack("taobao").timer("buyer_ship_return").auto_records == "closed"


# --- the engine's shorter way for a common round gives what its rounds give ------------------------

_STORIES: list[dict[str, str | list[str]]] = [
    {"requested": "2026-11-20 10:00"},
    {"requested": "2026-11-20 10:00", "return_agreed": "2026-11-21 10:00"},
    {"requested": "2026-11-20 10:00", "return_agreed": "2026-11-28 10:00", "return_shipped": "2026-12-01 10:00"},
    {"requested": "2026-11-20 10:00", "reship_agreed": "2026-11-23 10:00", "reship_shipped": "2026-11-26"},
    {"requested": ["2026-11-20 10:00", "2026-11-27 10:00"], "escalated": "2026-11-24 10:00",
     "refunded": "2026-11-30 10:00"},
    {"paid": "2026-11-10 20:00", "shipped": "2026-11-14 09:00", "signed": "2026-11-16",
     "requested": "2022-02-01 10:00", "exchange_shipped": "2026-11-25 10:00"},
]


@pytest.mark.parametrize("pack", ["taobao", "tmall", "pdd", "douyin", "jd", "generic"])
def test_the_short_way_and_the_rounds_agree(pack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind, reason and story (automatic actions chained or not): the same deadlines with the
    common round's shorter way on and off."""
    kinds = ["refund_only", "return_refund", "exchange", "reship", "partial_refund", "repair", "dispute"]
    reasons = [None, "no_reason_7d", "quality", "not_received", "missing_item"]
    cases = [(kind, reason, story, is_open) for kind in kinds for reason in reasons for story in _STORIES
             for is_open in (True, False)]
    short = [compute(pack, kind, reason, is_open, **story) for kind, reason, story, is_open in cases]
    monkeypatch.setattr("desktop_app.core.deadlines.SHORT_WAY", False)
    assert [compute(pack, kind, reason, is_open, **story) for kind, reason, story, is_open in cases] == short


def test_taobaos_five_days_to_answer_are_tmalls_figure_so_an_estimate() -> None:
    """A 淘宝 case's 5 days show （时长为估计）: is the figure in the seeds? Seed 002 gives 5 days under its heading
    "天貓售後怎麼處理退款" ("你申請退款後,「等待商家處理退款申請」回的期限是5天 / 如果5天內商家沒答有做出任何操作,
    系統會自動把錢退給你的") — 天猫's rule; for 淘宝 the seeds give only the 72 h after which the buyer may
    escalate (seed 002 "買家申請退款後3天(72小時)才可以申請小二介入") and the 72 h auto-agreement of a 七天无理由
    return (seed 001). So 淘宝's pack borrows 天猫's figure and says so: an estimate, its source naming 天猫 and
    seed 002; 天猫's is not."""
    for timer in ("seller_answer_request", "seller_answer_goods"):
        rule = load_pack("taobao").timer(timer)
        assert rule.assumed and rule.quote is None
        assert rule.source is not None and "资料中没有淘宝" in rule.source and "天猫" in rule.source
        assert "seeds/002" in rule.source
        assert rule.display_name.endswith("（5天）（时长为估计）")
    tmall = load_pack("tmall").timer("seller_answer_request")
    assert not tmall.assumed and tmall.display_name == "商家处理退款申请（5天）"
    path = SEEDS / "002_4d944ba41a3c78c9.txt"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        heading = text.index("天貓售後怎麼處理退款")
        figure = text.index("「等待商家處理退款申請」回的期限是5天")
        assert heading < figure and text.index("Ⅳ 電腦在天貓下的單咋售後") > figure  # under 天猫's heading
        assert "淘寶" not in text[heading:figure]


def test_seed002_a_holiday_windows_figure_is_the_platforms_not_an_estimate() -> None:
    """seeds/002_4d944ba41a3c78c9.txt, 2022: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的,
    相關超時規定如下:\\n1. 商家審核:消費者申請退商品後, 商家應在消費者申請後15日內給出審核結果"; 2020: "a.等待賣家
    或買家確認、修改的超時統一調整至15天". 淘宝's usual 5 days to answer are an estimate (天猫's figure), so they say
    （时长为估计）; inside a window the 15 days are the seed's, and the name said both — "处理退货退款/换货申请（5天）
    （时长为估计）（2022年春节售后时效：15天）". It now says the window's figure alone."""
    cited("taobao", "002_4d944ba41a3c78c9.txt", "商家應在消費者申請後15日內給出審核結果", window="spring_festival_2022")
    # Requested 2022-01-25 00:00:00 (the window's first second) → 15 days → 02-09 00:00:00.
    d = compute("taobao", "return_refund", "quality", requested="2022-01-25 00:00:00")["seller_answer_goods"]
    assert (d.due_at, d.window) == (at("2022-02-09 00:00"), "spring_festival_2022")
    assert d.name == "处理退货退款/换货申请（5天）（2022年春节售后时效：15天）"
    # 2020's window, a refund-only request at its last second (2020-02-02 23:59:59) → 15 days → 02-17 23:59:59.
    cited("taobao", "002_4d944ba41a3c78c9.txt", "等待賣家或買家確認、修改的超時統一調整至15天",
          window="spring_festival_2020")
    d = compute("taobao", "refund_only", "other", requested="2020-02-02 23:59:59")["seller_answer_request"]
    assert d.due_at == at("2020-02-17 23:59:59") and d.name == "处理仅退款申请（5天）（2020年春节售后时效：15天）"
    # A second later the window is over: the estimate again.
    d = compute("taobao", "refund_only", "other", requested="2020-02-03 00:00:00")["seller_answer_request"]
    assert d.due_at == at("2020-02-08 00:00") and d.name == "处理仅退款申请（5天）（时长为估计）"
