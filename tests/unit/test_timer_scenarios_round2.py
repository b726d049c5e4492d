"""Timer scenarios, round 2 (session 17): what round 1 (test_timer_scenarios.py) did not cover. Each
names its seed and quotes the sentence, or names the source of an assumed figure, and computes the
deadline by hand in the comment."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.clock import Moment, now
from desktop_app.core.deadline_display import OpenTimer, case_next_due, settled_by_platform
from desktop_app.core.deadlines import ComputedDeadline
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.rule_pack_files import load_pack
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.deadlines import refresh_next_dues
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort
from desktop_app.store.case_queries import case_rows, rows_of_cases
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import list_deadlines
from desktop_app.store.deadline_rows import settled_since_query
from tests.unit.test_seed_rules import MET, OPEN, at, cited, compute


@pytest.mark.parametrize("pack", ["pdd", "douyin", "jd"])
@pytest.mark.parametrize("kind", ["return_refund", "exchange"])
def test_pdd_douyin_and_jd_give_the_shop_an_assumed_10_days_to_confirm_a_returned_parcel(
        pack: str, kind: str) -> None:
    # Neither seed nor DOMAIN has a 拼多多, 抖店 or 京东 figure for the shop's time after the buyer ships the
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


def test_the_next_due_sort_puts_a_case_the_platform_settled_where_its_cell_says(db: Database) -> None:
    # The 下一个时限 column sorted by the engine's earliest open deadline (it has no clock): a 抖店 refund-only
    # request left unanswered for 48 h (assumed figure; the platform refunds by itself) showed
    # "平台已超时自动处理" but sorted as overdue, above cases with work to do. Times are relative to the
    # clock the store's refresh reads (the real one).
    start = now()
    settled = open_case(db, NewCase(Platform.DOUYIN, "SORT-A", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                                    requested=Moment(start - timedelta(hours=50))), author="测试").case_id
    # 拼多多 承诺补发 promised 10 days ago: 3 working days (assumed), long overdue; the shop's own work.
    overdue = open_case(db, NewCase(Platform.PDD, "SORT-B", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(start - timedelta(days=11))), author="测试").case_id
    act_on_case(db, overdue, CaseAction.AGREE_RESHIP, at=Moment(start - timedelta(days=10)), author="测试")
    # 抖店 reship requested an hour ago: the shop's 48 h answer is its next deadline (then the ship clock).
    answering = open_case(db, NewCase(Platform.DOUYIN, "SORT-C", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                      requested=Moment(start - timedelta(hours=1))), author="测试").case_id
    with db.reading() as s:
        listed = [r.id for r in case_rows(s, CaseFilter(), CaseOrder(CaseSort.NEXT_DUE, False), 0, 10)]
        rows = {r.id: r for r in rows_of_cases(s, listed)}
        overdue_list = {r.case_id for r in list_deadlines(s, overdue=True, now=now())}
    assert listed == [overdue, answering, settled]
    assert rows[settled].acted_alone(now()) == "处理仅退款申请（48小时）（时长为估计）"
    assert rows[settled].next_due_at is None  # sorted with the cases without a deadline, as its cell says
    assert overdue_list == {overdue}  # deadlines --overdue agrees
    # 47 h later the answer has run out and 抖店 agreed by itself: the case sorts by the ship clock that
    # follows (what its cell shows then), once the window's minute tick has read it again.
    later = start + timedelta(hours=48)
    with db.transaction() as s:
        assert refresh_next_dues(s, later) == 1
    with db.reading() as s:
        [row] = rows_of_cases(s, [answering])
    assert row.next_due_at == row.next_due(later)[0] == start - timedelta(hours=1) + timedelta(hours=96)


def test_seed001_tmall_a_7_day_return_the_platform_agreed_to_at_72_hours_is_no_refund_request_left() -> None:
    # seed 001: "从用户申请退款之日起72小时内卖家未响应退款,系统会自动为双方达成退货协议" and seed 002 (天猫):
    # "如果5天內商家沒答有做出任何操作,系統會自動把錢退給你的". Requested 2026-11-01 09:00, never answered:
    # 天猫 agrees to the return by itself on 11-04 09:00, which answers the request; the 5 days (to 11-06
    # 09:00) showed as the case's next deadline after the agreement, then "平台已超时自动处理" as if the
    # platform had refunded, while the buyer's 7 days to send the return back were running.
    cited("tmall", "002_4d944ba41a3c78c9.txt", "系統會自動把錢退給你的", timer="seller_answer_request")
    found = compute("tmall", "return_refund", "no_reason_7d", requested="2026-11-01 09:00")
    answer = found["seller_answer_request"]
    assert (answer.status, answer.met_at) == (MET, at("2026-11-04 09:00"))
    ship = found["buyer_ship_return"]
    assert (ship.starts_at, ship.due_at) == (at("2026-11-04 09:00"), at("2026-11-11 09:00"))
    timers = [OpenTimer(d.due_at, d.name, d.automatic, d.met_at) for d in sorted(found.values(), key=_due)
              if d.status is OPEN]
    assert case_next_due(timers, at("2026-11-05 09:00")).timer == OpenTimer(ship.due_at, ship.name, True, None)
    # A quality return is no 7-day one: nothing agrees by itself, the platform refunds on day 5 (as before).
    quality = compute("tmall", "return_refund", "quality", requested="2026-11-01 09:00")["seller_answer_request"]
    assert (quality.status, quality.due_at, quality.automatic) == (OPEN, at("2026-11-06 09:00"), True)


def _due(d: ComputedDeadline) -> tuple[datetime, str]:
    return d.due_at, d.timer_id


def test_an_exchange_whose_replacement_was_refused_turns_refund_only_from_when_the_buyer_changed_it(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 淘宝 exchange: the replacement went out on 2026-11-04 15:00 and the buyer refused it; on 11-06 10:00
    # the buyer changed the request to refund-only (seed 002: "申請/修改退款的" — a modification is a
    # request). The shop records it later: the refund-only request's timers run from 11-06 10:00 (72 h
    # → 11-09 10:00; the assumed 5 days → 11-11 10:00), not from when it was typed in (`--at` was
    # refused for change_kind).
    case_id = open_case(db, NewCase(Platform.TAOBAO, "SWAP-1", CaseKind.EXCHANGE, CaseReason.SIZE_COLOUR,
                                    requested=Moment(at("2026-11-01 10:00"))), author="测试").case_id
    for action, when in ((CaseAction.AGREE_RETURN, "2026-11-01 12:00"), (CaseAction.BUYER_SHIPPED_RETURN,
                         "2026-11-02 12:00"), (CaseAction.RECEIVE_RETURN, "2026-11-04 10:00"),
                         (CaseAction.SHIP_EXCHANGE, "2026-11-04 15:00")):
        act_on_case(db, case_id, action, at=Moment(at(when)), author="测试")
    assert run(["case", "act", str(case_id), "change_kind", "--kind", "refund_only", "--at", "2026-11-06 10:00",
                "--db", ledger_target]) == 0
    capsys.readouterr()
    with db.reading() as s:
        rows = list_deadlines(s, case_id=case_id, include_all=True, now=at("2026-11-06 11:00"))
    found = {r.timer_id: r for r in rows}
    assert found["refund_intervention"].due_at == at("2026-11-09 10:00")
    assert found["seller_answer_request"].due_at == at("2026-11-11 10:00")


def test_the_sort_keys_refresh_reads_its_own_index(db_path: Path) -> None:
    # At a million cases the minute tick must find the few cases whose stored deadline the platform has
    # settled since through `ix_cases_next_due_until`, not walk the open cases (SQLite, without statistics,
    # took `ix_cases_is_open_next_due_at` for an `is_open` test, and scanned the table for ORDER BY id).
    db = open_database(db_path)
    try:
        with db.reading() as s:
            statement = settled_since_query(now()).compile(s.bind, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(r[3]) for r in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}"))
    finally:
        db.close()
    assert "ix_cases_next_due_until" in plan and "SCAN" not in plan
