"""Correcting what a case's timers run from: the buyer's request time (`case edit N --requested-at`, the window's
编辑售后单) and the reason. A tester's scenarios (session 22): a case typed in without `--requested-at` takes the
moment it was typed in, and nothing could correct it afterwards (its answer timers, the holiday window keyed to
the request, 统计's period stayed on the wrong time); a reason edited to 七天无理由 kept the timers of the old
reason until something else recomputed the case (the window's calendar and case detail read the stored rows).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.core.clock import Moment, parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_request import correct_request
from desktop_app.services.cases import CaseEdit, NewCase, act_on_case, edit_case, open_case
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Case


def at(text: str) -> datetime:
    return parse_moment(text).at.astimezone(UTC)


def dues(db: Database, case_id: int) -> dict[str, tuple[datetime, str]]:
    with db.reading() as s:
        return {d.timer_id: (d.due_at.astimezone(UTC), d.status.value) for d in case_deadlines(s, case_id)}


def test_a_reason_edited_to_seven_day_no_reason_gets_the_72_hour_automatic_agreement_at_once(db: Database) -> None:
    # Seed 001: "当用户以“七天无理由退换货”这个原因发起退款时,卖家是没有拒绝的按钮的,从用户申请退款之日起72小时内卖家
    # 未响应退款,系统会自动为双方达成退货协议。" A 淘宝 return typed as 质量问题 (the pack's assumed 5 days to answer,
    # seller_answer_goods) and corrected to 七天无理由 in 编辑: the platform agrees by itself 72 h after the request
    # (12-01 10:00 → 12-04 10:00), and the buyer's 7 days run from then. Before, the edit wrote no deadlines:
    # the window's calendar and case detail kept the 5 days (12-06), two days past the platform's agreement.
    case_id = open_case(db, NewCase(Platform.TAOBAO, "R7-1", CaseKind.RETURN_REFUND, CaseReason.QUALITY,
                                    requested=parse_moment("2026-12-01 10:00")), author="测试").case_id
    assert "seller_answer_goods" in dues(db, case_id)
    with db.reading() as s:
        version = case_detail(s, case_id).version
    edit_case(db, case_id, CaseEdit(CaseReason.NO_REASON_7D, None, None, None, None), expected_version=version,
              author="测试")
    found = dues(db, case_id)
    assert "seller_answer_goods" not in found
    assert found["seller_answer_return"] == (at("2026-12-04 10:00"), "open")
    assert found["buyer_ship_return"][0] == at("2026-12-11 10:00")


def test_a_request_typed_in_late_is_corrected_and_the_48_hours_follow(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 004: "用戶申請補寄后,商家需在48小時內進行處理,若商家未進行處理,系統超時自動同意" and "商家需在48小時內
    # 發出補寄商品". The shop typed the 抖店 reship in on 11-05 10:00 without --requested-at; the buyer had asked on
    # 11-01 10:00. Corrected: the platform agreed by itself at 11-03 10:00, so the 48 h to ship ended 11-05 10:00
    # (3 元 at stake), not 11-07 10:00.
    case_id = open_case(db, NewCase(Platform.DOUYIN, "DY-LATE", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=parse_moment("2026-11-05 10:00")), author="测试").case_id
    assert dues(db, case_id)["reship_answer"] == (at("2026-11-07 10:00"), "open")
    assert run(["case", "edit", str(case_id), "--requested-at", "2026-11-01 10:00", "--db", ledger_target]) == 0
    assert "买家申请时间：2026-11-01 10:00" in capsys.readouterr().out
    found = dues(db, case_id)
    assert found["reship_answer"] == (at("2026-11-03 10:00"), "open")
    assert found["reship_ship"] == (at("2026-11-05 10:00"), "open")
    with db.reading() as s:
        d = case_detail(s, case_id)
        created = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.kind == "created")).one()
    assert d.requested_at is not None and d.requested_at.astimezone(UTC) == at("2026-11-01 10:00")
    assert created.at.replace(tzinfo=created.at.tzinfo or UTC) == at("2026-11-01 10:00")
    assert d.events[-1].kind == "edit"
    assert d.events[-1].note == "买家申请时间：2026-11-05 10:00 → 2026-11-01 10:00"


@pytest.mark.parametrize(("typed", "corrected", "days"), [
    ("2022-02-09 10:00", "2022-02-08 23:59:59", 15),  # into the window: its last second counts
    ("2022-02-08 10:00", "2022-02-09 00:00:00", 5),  # out of it
    ("2022-01-24 10:00", "2022-01-25", 15),  # a date-only request on its first day
])
def test_the_spring_festival_window_follows_the_corrected_request(
        db: Database, typed: str, corrected: str, days: int) -> None:
    # Seed 002: "消費者在2022年1月25日 00:00:00~2月8日 23:59:59期間申請/修改退換貨的 … 商家應在消費者申請後15日內
    # 給出審核結果". The window is keyed to the request, so a corrected request moves the 淘宝 return in or out of it
    # (outside: the pack's assumed 5 days).
    case_id = open_case(db, NewCase(Platform.TAOBAO, "SF-1", CaseKind.RETURN_REFUND, CaseReason.QUALITY,
                                    requested=parse_moment(typed)), author="测试").case_id
    correct_request(db, case_id, parse_moment(corrected), author="测试")
    start = parse_moment(corrected).at.astimezone(UTC)
    due, _ = dues(db, case_id)["seller_answer_goods"]
    assert (due - start).days == days


def test_a_request_after_the_first_step_is_refused_and_nothing_changes(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.DOUYIN, "DY-ORDER", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=parse_moment("2026-11-01 10:00")), author="测试").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=parse_moment("2026-11-02 09:00"), author="测试")
    before = dues(db, case_id)
    refused = "买家申请的时间改为 2026-11-02 10:00 不行：它晚于同意补发的时间 2026-11-02 09:00"
    with pytest.raises(UserError, match=refused):
        correct_request(db, case_id, parse_moment("2026-11-02 10:00"), author="测试")
    assert dues(db, case_id) == before
    # By its day only, the request may fall on the day of the first step (it came before it that day).
    correct_request(db, case_id, parse_moment("2026-11-02"), author="测试")
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.requested_at is not None
        assert case.requested_at.replace(tzinfo=case.requested_at.tzinfo or UTC) == at("2026-11-02 00:00")


def test_the_time_from_request_to_last_action_moves_with_the_request(db: Database) -> None:
    # 统计's 处理时长 counts from the request to the case's latest action.
    case_id = open_case(db, NewCase(Platform.PDD, "PDD-1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=parse_moment("2026-11-03 10:00")), author="测试").case_id
    act_on_case(db, case_id, CaseAction.AGREE_RESHIP, at=parse_moment("2026-11-03 12:00"), author="测试")
    correct_request(db, case_id, Moment(at("2026-11-02 12:00")), author="测试")
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.resolve_seconds == 24 * 3600
