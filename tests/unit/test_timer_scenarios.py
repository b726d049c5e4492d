"""Timer scenarios tried as a tester would (session 16): each names its seed and quotes the sentence,
or names the source of an assumed figure, and computes the deadline by hand in the comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.cli.deadlines import render_table
from desktop_app.core.clock import Moment, parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import list_deadlines
from tests.unit.aftersales_files import TB_HEADER, tb_row, write_csv
from tests.unit.test_reships import moment, reship_case, row_of
from tests.unit.test_seed_rules import MET, MISSED, OPEN, SEEDS, SF2020, at, cited, compute


def test_seed002_2020_a_refusal_inside_the_window_after_the_return_ran_out_does_not_lengthen_it() -> None:
    # seed 002: "或賣家在2020年1月17日 00:00:00至2020年2月2日23:59:59期間拒絕退款的" with
    # "b.買家已退貨,等待賣家確認收貨的超時統一調整至20天" and seed 001: "卖家会有10天的时间来进行确认,
    # 逾期卖家没有处理,系统会自动退款给用户". Requested before the window, the return shipped 2020-01-12
    # 10:00: nothing had keyed the window when its 10 days ran out on 01-22 10:00 and the platform
    # refunded. A refusal on 01-25 comes too late; it must not turn that into "met" within 20 days.
    cited("taobao", "002_4d944ba41a3c78c9.txt", SF2020, window="spring_festival_2020")
    late = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00",
                   return_agreed="2020-01-10 12:00", return_shipped="2020-01-12 10:00",
                   rejected="2020-01-25 10:00")["seller_confirm_return"]
    assert (late.due_at, late.window, late.status) == (at("2020-01-22 10:00"), None, MISSED)
    # Refused inside the window while the 10 days were still running: 20 days (02-01 10:00), met.
    in_time = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00",
                      return_agreed="2020-01-10 12:00", return_shipped="2020-01-12 10:00",
                      rejected="2020-01-22 10:00")["seller_confirm_return"]
    assert (in_time.due_at, in_time.window, in_time.status) == (at("2020-02-01 10:00"), "spring_festival_2020", MET)


def test_seed002_2020_a_late_refusal_does_not_undo_the_platforms_automatic_agreement() -> None:
    # seed 002 (2020, a): "等待賣家或買家確認、修改的超時統一調整至15天" for refunds requested or refused
    # inside the window. Requested 2020-01-10 10:00, before it: the seller's (assumed) 5 days ran out on
    # 01-15 10:00, before the window opened, and the platform agreed to the return by itself then. The
    # refusal recorded on 01-18 is late; the buyer's 7 days run from the automatic agreement (01-22 10:00).
    found = compute("taobao", "return_refund", "quality", requested="2020-01-10 10:00", rejected="2020-01-18 10:00")
    answer = found["seller_answer_goods"]
    assert (answer.due_at, answer.window, answer.status) == (at("2020-01-15 10:00"), None, MISSED)
    assert found["buyer_ship_return"].due_at == at("2020-01-22 10:00")


@pytest.mark.parametrize(("platform", "ship_by"), [
    # seed 004: "同意補寄申請后,商家需在48小時內發出補寄商品": agreed 2026-12-02 11:00 → 12-04 11:00.
    (Platform.DOUYIN, "2026-12-04 11:00"),
    # 拼多多 承诺补发: 3 working days (assumed, "一般做法"): Wed 12-02 11:00 → Mon 12-07 11:00.
    (Platform.PDD, "2026-12-07 11:00"),
])
def test_an_agreed_reship_keeps_its_ship_by_in_the_queue_after_the_platform_hands_it_back(
        db: Database, platform: Platform, ship_by: str) -> None:
    # Escalated while agreed, resumed by the platform: the case is 待补发 again (resume_target) and its
    # ship timer runs on; the reship queue said 待答复 without any 时限 (the reship went back to
    # "requested", written when resume always led to 处理中).
    case_id = reship_case(db, platform, f"RES-{platform.value}", "2026-12-02 10:00")
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=moment("2026-12-02 11:00"))
    act_on_case(db, case_id, CaseAction.ESCALATE, at=moment("2026-12-03 10:00"))
    act_on_case(db, case_id, CaseAction.RESUME, at=moment("2026-12-03 11:00"))
    row = row_of(db, case_id)
    assert row.status is ReshipStatus.AGREED and row.ship_by == at(ship_by)
    assert row.due(at("2026-12-03 12:00")) == at(ship_by)


@pytest.mark.parametrize(("pack", "seed", "sentence"), [
    ("taobao", "002_4d944ba41a3c78c9.txt", "交易成功,之日起15日之內「申請售後」"),
    ("tmall", "002_4d944ba41a3c78c9.txt", "交易成功,之日起15日之內「申請售後」"),
    ("douyin", "004_e1a46d0aca1946af.txt", "確認(rèn)收貨后的15天內(nèi)可以申請(qǐng)補(bǔ)寄"),
    ("pdd", None, None),  # assumed 15 days ("按淘宝/抖店的15天估计")
    ("jd", None, None),  # the generic pack
])
def test_a_request_inside_the_after_sales_period_is_the_buyers_application_in_time_not_overdue(
        pack: str, seed: str | None, sentence: str | None) -> None:
    # The 15 days after 交易成功 are the buyer's time to apply. Trade succeeded 2026-11-01 10:00 → the
    # period ends 11-16 10:00. A case requested inside it is that application, made in time: the
    # period's end is nothing the shop misses (it showed 已逾期 in red on 11-16, the reship still
    # to ship, and in `deadlines --overdue`).
    if seed is not None and sentence is not None:
        cited(pack, seed, sentence, timer="aftersales_window")
    for requested in ("2026-11-10 10:00", "2026-11-16 10:00:00"):
        d = compute(pack, "reship", "missing_item", trade_succeeded="2026-11-01 10:00", requested=requested,
                    reship_agreed=requested)["aftersales_window"]
        assert (d.due_at, d.status, d.met_at) == (at("2026-11-16 10:00"), MET, at(requested))
    # Applied after it ended: late (seed 002: "超出期限的,維權通道關閉").
    late = compute(pack, "reship", "missing_item", trade_succeeded="2026-11-01 10:00",
                   requested="2026-11-16 10:00:01")["aftersales_window"]
    assert late.status is MISSED
    # Requested before the buyer confirmed receipt (the reship on its way): the period still runs and
    # the shop should settle the case before it ends; shipping the reship meets it.
    early = compute(pack, "reship", "missing_item", requested="2026-10-30 10:00", reship_agreed="2026-10-30 12:00",
                    trade_succeeded="2026-11-01 10:00")["aftersales_window"]
    assert early.status is OPEN
    shipped = compute(pack, "reship", "missing_item", requested="2026-10-30 10:00", reship_agreed="2026-10-30 12:00",
                      trade_succeeded="2026-11-01 10:00", reship_shipped="2026-11-03 10:00")["aftersales_window"]
    assert (shipped.status, shipped.met_at) == (MET, at("2026-11-03 10:00"))


def test_a_working_day_deadline_in_a_year_without_a_schedule_says_estimated_in_json_too(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 拼多多 承诺补发, 3 working days (assumed): promised Wed 2026-12-30 15:00 → Thu 12-31, (Fri 2027-01-01
    # is 元旦, a statutory holiday although 2027 has no official schedule yet), Mon 01-04, Tue 01-05 →
    # 2027-01-05 15:00, 估算 (counted Monday–Friday it said 01-04, a day early).
    case_id = reship_case(db, Platform.PDD, "EST-1", "2026-12-30 10:00")
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=moment("2026-12-30 15:00"))
    assert run(["deadlines", "--case", str(case_id), "--json", "--db", ledger_target]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert (item["timer"], item["due_at"], item["estimated"]) == ("reship_promise", "2027-01-05T15:00:00+08:00", True)
    assert run(["deadlines", "--case", str(case_id), "--db", ledger_target]) == 0
    assert "2027-01-05 15:00（估算）" in capsys.readouterr().out
    # The case itself says it too (case show printed no deadline at all).
    assert run(["case", "show", str(case_id), "--db", ledger_target]) == 0
    assert "下一个时限：承诺补发（承诺履约）（时长为估计） 2027-01-05 15:00（估算）" in capsys.readouterr().out


def test_deadlines_all_does_not_call_a_timer_done_by_a_platform_action_still_to_come(db: Database) -> None:
    # seed 001: "从用户申请退款之日起72小时内卖家未响应退款,系统会自动为双方达成退货协议" and "可在申请退款后
    # 72小时申请官方客服介入处理": requested 2026-12-01 10:00, both at 12-04 10:00. The automatic
    # agreement then ends the 72 h before escalation; seen on 12-02 it has not happened yet.
    case_id = open_case(db, NewCase(Platform.TAOBAO, "FUT-1", CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D,
                                    requested=moment("2026-12-01 10:00")), author="测试").case_id
    seen = at("2026-12-02 10:00")
    with db.reading() as s:
        rows = list_deadlines(s, case_id=case_id, include_all=True, now=seen)
    line = next(line for line in render_table(rows, seen).splitlines() if "72小时后买家可申请介入" in line)
    assert "已完成" not in line
    assert "将于2026-12-04 10:00由平台处理" in line and line.endswith("待平台处理")
    # Once it has happened: done, as before.
    after = at("2026-12-05 10:00")
    line = next(line for line in render_table(rows, after).splitlines() if "72小时后买家可申请介入" in line)
    assert "已完成 2026-12-04 10:00" in line and line.endswith("已完成")


@pytest.mark.parametrize(("pack", "timer"), [("taobao", "reship_within"), ("tmall", "reship_within"),
                                             ("jd", "reship_within"), ("pdd", "reship_promise")])
def test_seed003_reship_usually_within_3_working_days(pack: str, timer: str) -> None:
    # seed 003 gives the figure the packs had as "资料中没有": "或根据订单实际情况给予补寄(通常为3个工作日)";
    # a seller's usual practice, not a platform timer, so still assumed. Agreed Fri 2026-09-25 10:00, the
    # first day of 中秋 (09-25..27): started on a day off, the clock runs from 00:00 of Mon 09-28 for three
    # whole working days (09-28, 09-29, 09-30) → 2026-10-01 00:00, the first day of 国庆.
    cited(pack, "003_79e19c138a39d56d.txt", "给予补寄(通常为3个工作日)", timer=timer)
    d = compute(pack, "reship", "missing_item", requested="2026-09-25 09:00", reship_agreed="2026-09-25 10:00")[timer]
    assert d.due_at == at("2026-10-01 00:00") and d.name.endswith("（时长为估计）")


def test_a_time_with_its_offset_is_read_as_the_instant_it_names() -> None:
    # `deadlines --json` prints "2027-03-16T01:30:00+08:00"; a script feeding it back to `case act --at`
    # was told the format was wrong. Any offset names one instant: China time is what the timers count.
    assert parse_moment("2027-03-16T01:30:00+08:00") == Moment(at("2027-03-16 01:30"))
    assert parse_moment("2026-12-01T02:00:00Z") == Moment(at("2026-12-01 10:00"))
    assert parse_moment("2026-12-01T10:00:00-05:00") == Moment(at("2026-12-01 23:00"))
    with pytest.raises(UserError, match="格式不对"):
        parse_moment("2026-12-01T25:00:00+08:00")


def test_seed002_2022_an_imported_step_is_dated_by_the_windows_figure_not_the_usual_one(
        tmp_path: Path, db: Database) -> None:
    # seed 002 (2022): "消費者應在自商家通過審核後20日內商品寄回並提交運單信息" and "消費者提交運單後,商家應在
    # 20日內完成確認收貨". A 淘宝 export dates the current step only by its 超时时间: requested inside the
    # window, "等待买家退货" due 02-20 10:00 means agreed 01-31 10:00 (20 days before), not 02-13 (7);
    # dated 02-13, after the seller's 15 days, the buyer's 20 days ran from 02-10 to 03-02 in the ledger,
    # 10 days after the platform closed the return. The same for "等待卖家确认收货" due 02-25 10:00:
    # shipped back 02-05, not 02-15 (03-07 in the ledger).
    cited("taobao", "002_4d944ba41a3c78c9.txt", "消費者應在自商家通過審核後20日內商品寄回並提交運單信息",
          window="spring_festival_2022")
    path = write_csv(tmp_path / "tb.csv", [
        TB_HEADER,
        tb_row("100000000000000001", "2000000000000000001", returns="是", reason="质量问题",
               requested="2022-01-26 10:00:00", status="卖家已经同意退款，等待买家退货", due="2022-02-20 10:00:00"),
        tb_row("100000000000000002", "2000000000000000002", returns="是", reason="质量问题",
               requested="2022-01-26 10:00:00", status="买家已经退货，等待卖家确认收货", due="2022-02-25 10:00:00",
               logistics="中通快递,ZT1234567890"),
        # Outside any window the usual 7 days still date the agreement.
        tb_row("100000000000000003", "2000000000000000003", returns="是", reason="质量问题",
               requested="2026-11-20 10:00:00", status="卖家已经同意退款，等待买家退货", due="2026-11-28 10:00:00"),
    ])
    [entry] = import_cases(db, [path]).files
    with db.reading() as s:
        dues = {(r.order_no, r.timer_id): r.due_at for r in list_deadlines(s, include_all=True)}
    assert dues[("2000000000000000001", "buyer_ship_return")] == at("2022-02-20 10:00")
    assert dues[("2000000000000000002", "seller_confirm_return")] == at("2022-02-25 10:00")
    assert dues[("2000000000000000003", "buyer_ship_return")] == at("2026-11-28 10:00")
    assert entry.deadline_mismatches == ()


def test_seed004_a_reship_out_of_stock_becomes_a_refund_request_from_the_switch(db: Database) -> None:
    # seed 004: "若商品已經缺貨無法補寄,建議聯繫消費者申請其他類型售後": the refund is a new request. 抖店's
    # refund-only answer (48 h, assumed) runs from the switch (12-01 09:00 → 12-03 09:00), not from the
    # reship request of 11-25: from that it said "平台已自动退款" on 11-27, and nobody refunded the buyer.
    case_id = reship_case(db, Platform.DOUYIN, "OOS-1", "2026-11-25 10:00")
    reships.agree(db, case_id, at=moment("2026-11-25 12:00"))
    reships.mark_out_of_stock(db, case_id, at=moment("2026-12-01 09:00"))
    with db.reading() as s:
        [answer] = [d for d in list_deadlines(s, case_id=case_id, include_all=True) if d.timer_id == "refund_answer"]
    assert (answer.starts_at, answer.due_at) == (at("2026-12-01 09:00"), at("2026-12-03 09:00"))
    assert not answer.settled(at("2026-12-02 09:00"))


def test_a_change_of_kind_is_the_request_of_the_new_kind() -> None:
    # seed 001: "误申请了退货退款,用户撤销退款申请,重新申请未收到货仅退款" (the new kind is a new request), and
    # seed 002 keys the holiday rules to "申請/修改退款": a buyer's modification is a request. A 抖店
    # return (agreed 11-25 12:00) the buyer turned into refund-only on 11-30 10:00: its 48 h to answer
    # run from the change (→ 12-02 10:00), first request only or not; the 7 days to ask for a no-reason
    # return stay met by the first request.
    for seed, sentence in (("001_7891156e224716f9.txt", "用户撤销退款申请,重新申请未收到货仅退款"),
                           ("002_4d944ba41a3c78c9.txt", "期間申請/修改退款的")):
        if (SEEDS / seed).is_file():
            assert sentence in (SEEDS / seed).read_text(encoding="utf-8")
    found = compute("douyin", "refund_only", "no_reason_7d", signed="2026-11-24 09:00", requested="2026-11-25 10:00",
                    return_agreed="2026-11-25 12:00", kind_changed="2026-11-30 10:00")
    assert (found["refund_answer"].starts_at, found["refund_answer"].status) == (at("2026-11-30 10:00"), OPEN)
    found = compute("taobao", "refund_only", "quality", requested="2026-11-25 10:00",
                    return_agreed="2026-11-25 12:00", kind_changed="2026-11-30 10:00")
    assert found["seller_answer_request"].due_at == at("2026-12-05 10:00")
    assert found["refund_intervention"].due_at == at("2026-12-03 10:00")
    found = compute("taobao", "return_refund", "no_reason_7d", signed="2026-11-24 09:00",
                    requested="2026-11-25 10:00", kind_changed="2026-12-05 10:00")
    assert found["no_reason_window"].status is MET


def test_seed002_a_refund_before_shipping_ends_the_ship_by_of_a_refund_only_case() -> None:
    # seed 002: "在未發貨狀態下,…不涉及賠付的,大家可以自行完成退款" and "涉及賠付的,同樣退款完成,自動完成賠付":
    # an unshipped order refunded ends its shipping. Paid 2026-12-01 10:00 → ship by 12-04 10:00
    # (seed 001's 72 h). Refunded 12-02: nothing more to ship (it stayed open and went red on 12-04,
    # "延迟发货" for an order already refunded). Refunded 12-05 unshipped: late, with 5 % at stake.
    seed = SEEDS / "002_4d944ba41a3c78c9.txt"
    if seed.is_file():
        text = seed.read_text(encoding="utf-8")
        assert "不涉及賠付的,大家可以自行完成退款" in text and "涉及賠付的,同樣退款完成,自動完成賠付" in text
    for pack in ("taobao", "tmall"):
        early = compute(pack, "refund_only", "not_received", paid="2026-12-01 10:00", requested="2026-12-01 12:00",
                        refunded="2026-12-02 10:00")["ship_by"]
        assert (early.due_at, early.status, early.met_at) == (at("2026-12-04 10:00"), MET, at("2026-12-02 10:00"))
        late = compute(pack, "refund_only", "late_shipment", paid="2026-12-01 10:00", requested="2026-12-04 12:00",
                       refunded="2026-12-05 10:00")["ship_by"]
        assert late.status is MISSED
        shipped = compute(pack, "refund_only", "not_received", paid="2026-12-01 10:00", shipped="2026-12-03 10:00",
                          requested="2026-12-06 12:00", refunded="2026-12-07 10:00")["ship_by"]
        assert (shipped.status, shipped.met_at) == (MET, at("2026-12-03 10:00"))


def test_seed002_2022_a_change_of_kind_inside_the_window_is_a_modification_it_names() -> None:
    # seed 002: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 商家應在消費者申請後15日內
    # 給出審核結果". Requested 2022-01-20 10:00 (before it) as a return, changed to an exchange on 01-26
    # 10:00 (inside): the seller's answer runs 15 days from the change → 02-10 10:00, not 5 (01-31).
    found = compute("taobao", "exchange", "quality", requested="2022-01-20 10:00", kind_changed="2022-01-26 10:00")
    answer = found["seller_answer_goods"]
    assert (answer.due_at, answer.window) == (at("2022-02-10 10:00"), "spring_festival_2022")
    # Changed after the window: the usual 5 days from the change.
    later = compute("taobao", "exchange", "quality", requested="2022-01-20 10:00", kind_changed="2022-02-09 10:00")
    assert (later["seller_answer_goods"].due_at, later["seller_answer_goods"].window) == (at("2022-02-14 10:00"), None)


def test_seed004_case_show_names_the_3_yuan_at_stake_and_lost(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 13 item 9: the penalty's amount on the case, as `deadlines` shows it (seed 004: "應當按照每單3元的標準向
    # 用戶進行賠付"). Agreed 11-28 12:00: 3 元 at stake until 11-30 12:00 (the at-stake wording while it runs:
    # test_penalties.py), owed once it ran out unshipped (session 22: it fell due then, not when shipped);
    # shipped 12-01 09:00, late: lost.
    case_id = reship_case(db, Platform.DOUYIN, "PEN-1", "2026-11-28 10:00")
    reships.agree(db, case_id, at=moment("2026-11-28 12:00"))
    assert run(["case", "show", str(case_id), "--db", ledger_target]) == 0
    assert "赔付：补寄发货并上传运单号（48小时）：已超时（2026-11-30 12:00）须赔付 3.00 元" in capsys.readouterr().out
    reships.ship(db, case_id, "中通快递", "75123456789012", at=moment("2026-12-01 09:00"))
    assert run(["case", "show", str(case_id), "--db", ledger_target]) == 0
    assert "赔付：补寄发货并上传运单号（48小时）：已超时（2026-11-30 12:00）须赔付 3.00 元" in capsys.readouterr().out
    assert run(["case", "show", str(case_id), "--json", "--db", ledger_target]) == 0
    [penalty] = json.loads(capsys.readouterr().out)["penalties"]
    assert (penalty["penalty_yuan"], penalty["status"]) == ("3.00", "missed")
    assert penalty["due_at"] == "2026-11-30T12:00:00+08:00"
