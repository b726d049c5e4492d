"""Stored deadlines on real SQLite files: recompute after events, order times, pack edits; listing; CLI."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop_app.cli import CommandError
from desktop_app.cli import deadlines as deadlines_cli
from desktop_app.core.clock import CHINA
from desktop_app.core.clock import now as china_now
from desktop_app.core.deadline_display import Urgency
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import Area, recording
from desktop_app.core.rule_packs import PACK_NAMES
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.rule_pack_files import read_pack_data
from desktop_app.services import recompute_aside
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import (
    cases_to_recompute,
    recompute_all,
    recompute_case,
    recompute_cases,
    recompute_changed_rules,
)
from desktop_app.services.recompute_aside import (
    keep_ready_for,
    recompute_changed_rules_aside,
    runs_aside,
    stop_keeping_ready,
)
from desktop_app.services.second_process import ready_process_id
from desktop_app.store.case_queries import CaseFilter, CaseOrder, CaseSort, OpenState, case_row, case_rows
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import case_deadlines, count_open_by_day, count_overdue, list_deadlines
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, Setting
from desktop_app.store.reship_queue_rows import QueueScope, count_reship_rows
from tests.rule_edits import edit_pack, edit_workdays, reset_to_defaults


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def add_case(db: Database, platform: str, kind: str, reason: str | None, order_no: str,
             status: str = "pending", is_open: bool = True, **order_times: datetime) -> int:
    with db.transaction() as s:
        order = Order(order_key=f"{platform}:{order_no}", platform=platform, order_no=order_no, **order_times)
        s.add(order)
        s.flush()
        case = Case(order_id=order.id, platform=platform, kind=kind, reason=reason, status=status, is_open=is_open)
        s.add(case)
        s.flush()
        return case.id


def add_event(db: Database, case_id: int, milestone: str, when: datetime, date_only: bool = False) -> None:
    with db.transaction() as s:
        s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="action", milestone=milestone,
                         at=when, date_only=date_only))
        recompute_case(s, case_id)


def recompute_order(session: Session, order_id: int) -> int:
    """Recompute the cases of one order (after a test changed the order's times)."""
    return recompute_cases(session, session.scalars(select(Case.id).where(Case.order_id == order_id)).all())


def stored(db: Database, case_id: int) -> dict[str, Deadline]:
    with db.reading() as s:
        return {d.timer_id: d for d in s.scalars(select(Deadline).where(Deadline.case_id == case_id))}


def next_due(db: Database, case_id: int) -> tuple[datetime | None, str | None]:
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.next_due_at, case.next_due_name


def test_douyin_reship_lifecycle_in_the_store(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1001")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    rows = stored(db, case_id)
    # The answer, and the ship clock that would follow 抖店's automatic agreement (not yet running).
    assert sorted(rows) == ["reship_answer", "reship_ship"]  # (no ORDER BY: PostgreSQL's order varies)
    assert rows["reship_ship"].starts_at == at("2026-05-08 10:00")
    assert rows["reship_ship"].name == "补寄发货并上传运单号（48小时）（按平台自动同意起算）"
    with db.reading() as s:
        assert [r.timer_id for r in list_deadlines(s, case_id=case_id, now=at("2026-05-08 09:59"))] == [
            "reship_answer"]
        # Once the answer ran out 抖店 has agreed by itself: the answer is no work any more, never
        # overdue; the ship clock runs.
        assert [r.timer_id for r in list_deadlines(s, case_id=case_id, now=at("2026-05-08 10:00"))] == [
            "reship_ship"]
        assert count_overdue(s, now=at("2026-05-09 12:00")) == 0
        assert count_overdue(s, now=at("2026-05-10 10:00")) == 1  # the ship clock ran out
        settled = [r for r in case_deadlines(s, case_id) if r.timer_id == "reship_answer"]
        assert settled[0].settled(at("2026-05-08 10:00")) and settled[0].urgency(at("2026-05-08 10:00")) is None
        assert not settled[0].settled(at("2026-05-08 09:59"))
        assert count_open_by_day(s, date(2026, 5, 8), date(2026, 5, 8), now=at("2026-05-09 12:00")) == {}
        row = case_row(s, case_id)
    assert rows["reship_answer"].due_at == at("2026-05-08 10:00")
    assert (rows["reship_answer"].status, rows["reship_answer"].automatic) == ("open", True)
    assert rows["reship_ship"].automatic is False
    # The case's next timer is the answer; once it ran out the case shows the ship clock that follows,
    # never the answer as overdue. Its stored one (the column's sort) is what it shows at the time it is
    # written: the answer ran out on 2026-05-08, so the ship clock, until nothing settles it by itself.
    ship = (at("2026-05-10 10:00"), "补寄发货并上传运单号（48小时）（按平台自动同意起算）")
    assert next_due(db, case_id) == ship
    assert row.next_due(at("2026-05-08 09:59")) == (at("2026-05-08 10:00"), "处理补寄申请（48小时）")
    assert row.next_due(at("2026-05-08 10:00")) == ship
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and (case.next_due_automatic, case.after_due_at, case.next_due_until) == (
            False, None, None)
        assert (case.open_timers, case.open_due_first) == (1, at("2026-05-10 10:00"))

    add_event(db, case_id, "reship_agreed", at("2026-05-07 09:00"))
    rows = stored(db, case_id)
    assert (rows["reship_answer"].status, rows["reship_answer"].met_at) == ("met", at("2026-05-07 09:00"))
    assert rows["reship_ship"].due_at == at("2026-05-09 09:00")
    assert rows["reship_ship"].action == "赔付3元，买家可申请平台介入"
    assert next_due(db, case_id) == (at("2026-05-09 09:00"), "补寄发货并上传运单号（48小时）")
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and (case.next_due_automatic, case.after_due_at) == (False, None)

    add_event(db, case_id, "reship_shipped", at("2026-05-09 10:00"))  # an hour late
    rows = stored(db, case_id)
    assert rows["reship_ship"].status == "missed"
    assert next_due(db, case_id) == (None, None)


def test_a_ledger_of_the_previous_engine_learns_which_answers_the_platform_gives_itself(db: Database) -> None:
    """Migration 0012_timers adds the columns empty; the engine revision's rise makes the next start
    recompute, and the digests (which now cover `automatic`) make it rewrite those cases."""
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1009")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    with db.transaction() as s:  # as the previous version left it
        s.execute(update(Deadline).where(Deadline.case_id == case_id).values(automatic=False))
        s.execute(update(Case).where(Case.id == case_id).values(
            next_due_at=at("2026-05-08 10:00"), next_due_name="处理补寄申请（48小时）", next_due_automatic=False,
            after_due_at=None, after_due_name=None, open_timers=2, deadline_digest=12345))
        s.execute(delete(Setting).where(Setting.key == "deadlines.rule_fingerprints"))
    assert recompute_changed_rules(db).value == 1
    assert stored(db, case_id)["reship_answer"].automatic is True
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None
        # The answer ran out on 2026-05-08 and 抖店 agreed by itself: the stored 下一个时限 (the sort) is
        # the ship clock that follows (services.deadlines.refresh_next_dues).
        assert (case.next_due_at, case.next_due_automatic, case.after_due_at, case.open_timers) == (
            at("2026-05-10 10:00"), False, None, 1)


def test_a_pending_answer_sorts_the_case_by_the_answer(db: Database) -> None:
    """Sorted by 下一个时限, a case whose answer is due in 2 h comes before one due in 30 h, although
    the clock after the platform's automatic agreement would be due in 50 h; once its answer ran out,
    the reship queue counts it overdue only when that clock did."""
    moment = china_now()
    asked = add_case(db, "douyin", "reship", "missing_item", "DY-ASK")
    add_event(db, asked, "requested", moment - timedelta(hours=46))
    agreed = add_case(db, "douyin", "reship", "missing_item", "DY-AGREED")
    add_event(db, agreed, "requested", moment - timedelta(hours=20))
    add_event(db, agreed, "reship_agreed", moment - timedelta(hours=18))
    with db.reading() as s:
        rows = case_rows(s, CaseFilter(open_state=OpenState.OPEN), CaseOrder(CaseSort.NEXT_DUE, False), 0, 10)
        assert [r.id for r in rows] == [asked, agreed]
        assert [r.next_due(moment)[1] for r in rows] == ["处理补寄申请（48小时）", "补寄发货并上传运单号（48小时）"]
        assert count_reship_rows(s, QueueScope.OPEN, overdue_at=moment + timedelta(hours=3)) == 0
        assert count_reship_rows(s, QueueScope.OPEN, overdue_at=moment + timedelta(hours=31)) == 1
        assert count_reship_rows(s, QueueScope.OPEN, overdue_at=moment + timedelta(hours=51)) == 2


def test_closing_the_case_settles_everything(db: Database) -> None:
    case_id = add_case(db, "taobao", "return_refund", "quality", "TB2001")
    add_event(db, case_id, "requested", at("2026-04-01 20:15"))
    with db.transaction() as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.status, case.is_open = "closed", False
        s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="action", milestone="closed",
                         at=at("2026-04-02 10:00")))
        recompute_case(s, case_id)
    rows = stored(db, case_id)
    assert {(t, d.status) for t, d in rows.items()} == {
        ("refund_intervention", "met"), ("seller_answer_goods", "met"),
    }
    assert rows["refund_intervention"].met_at == at("2026-04-02 10:00")
    assert next_due(db, case_id) == (None, None)


def test_recompute_keeps_unchanged_rows(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1002")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    add_event(db, case_id, "reship_agreed", at("2026-05-07 09:00"))
    ids = {t: d.id for t, d in stored(db, case_id).items()}
    with db.transaction() as s:
        recompute_case(s, case_id)
        recompute_case(s, case_id)
    assert {t: d.id for t, d in stored(db, case_id).items()} == ids


def test_order_times_feed_the_engine_and_case_events_override_them(db: Database) -> None:
    case_id = add_case(db, "taobao", "return_refund", "no_reason_7d", "TB2002",
                       signed_at=at("2026-03-10 14:23:05"))
    with db.transaction() as s:
        recompute_case(s, case_id)
    assert stored(db, case_id)["no_reason_window"].due_at == at("2026-03-17 14:23:05")
    # The shop knows only the signing date: a case event overrides the order's time.
    add_event(db, case_id, "signed", at("2026-03-10 00:00"), date_only=True)
    assert stored(db, case_id)["no_reason_window"].due_at == at("2026-03-18 00:00")


def test_case_columns_requested_and_date_only_signing(db: Database) -> None:
    case_id = add_case(db, "pdd", "return_refund", "no_reason_7d", "PDD3001")
    with db.transaction() as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.signed_at, case.signed_date_only = at("2026-03-10 00:00"), True
        recompute_case(s, case_id)
    assert stored(db, case_id)["no_reason_window"].due_at == at("2026-03-18 00:00")


def test_recompute_after_the_order_changed(db: Database) -> None:
    case_id = add_case(db, "taobao", "refund_only", "late_shipment", "TB2003", paid_at=at("2025-10-01 10:00"))
    with db.transaction() as s:
        recompute_case(s, case_id)
    assert stored(db, case_id)["ship_by"].status == "open"
    with db.transaction() as s:
        order = s.scalars(select(Order).where(Order.order_no == "TB2003")).one()
        order.shipped_at = at("2025-10-03 18:00")
        assert recompute_order(s, order.id) == 1
    ship_by = stored(db, case_id)["ship_by"]
    assert (ship_by.status, ship_by.met_at) == ("met", at("2025-10-03 18:00"))


def test_request_inside_the_spring_festival_window_in_the_store(db: Database) -> None:
    case_id = add_case(db, "tmall", "return_refund", "no_reason_7d", "TM4001")
    add_event(db, case_id, "requested", at("2022-01-30 10:00"))
    rows = stored(db, case_id)
    assert rows["seller_answer_return"].due_at == at("2022-02-14 10:00")
    # Tmall's 5-day answer: 15 days for a return requested inside the 2022 window (seed 002).
    assert rows["seller_answer_request"].due_at == at("2022-02-14 10:00")
    assert rows["refund_intervention"].due_at == at("2022-02-02 10:00")


def test_user_pack_edit_applies_on_recompute_all_and_reset_restores(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1003")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    data = read_pack_data("douyin")
    data["timers"][0]["duration"] = {"hours": 24}
    edit_pack(db, "douyin", data)
    assert recompute_all(db).value == 1
    assert stored(db, case_id)["reship_answer"].due_at == at("2026-05-07 10:00")
    # The 24 h answer ran out on 05-07 10:00: stored is the ship clock from the automatic agreement.
    assert next_due(db, case_id)[0] == at("2026-05-09 10:00")
    reset_to_defaults(db, "douyin")
    recompute_all(db)
    assert stored(db, case_id)["reship_answer"].due_at == at("2026-05-08 10:00")


def test_recompute_all_leaves_closed_cases_alone_unless_asked(db: Database) -> None:
    open_id = add_case(db, "douyin", "reship", "missing_item", "DY1004")
    closed_id = add_case(db, "douyin", "reship", "missing_item", "DY1005", status="closed", is_open=False)
    with db.transaction() as s:
        for case_id in (open_id, closed_id):
            s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="created",
                             milestone="requested", at=at("2026-05-06 10:00")))
    assert recompute_all(db).value == 1
    assert stored(db, closed_id) == {}
    assert recompute_all(db, include_closed=True).value == 2
    assert stored(db, closed_id)["reship_answer"].status == "met"


def test_a_pack_change_removing_a_timer_deletes_its_rows(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1006")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    data = read_pack_data("douyin")
    data["timers"] = [t for t in data["timers"] if t["id"] != "reship_answer"]
    edit_pack(db, "douyin", data)
    recompute_all(db)
    assert stored(db, case_id) == {}
    assert next_due(db, case_id) == (None, None)


def test_loaded_case_sees_next_due_without_a_version_bump(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY1007")
    with db.transaction() as s:
        case = s.get(Case, case_id)
        assert case is not None
        version = case.version
        s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="created",
                         milestone="requested", at=at("2026-05-06 10:00")))
        recompute_case(s, case_id)
        # The answer ran out on 05-08 (抖店 agreed by itself): the ship clock, seen by the loaded case too.
        assert (case.next_due_at, case.after_due_at) == (at("2026-05-10 10:00"), None)
        assert case.version == version
        assert not s.is_modified(case)
        case.description = "少发一只袜子"  # the user's edit in the same session still saves
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.description == "少发一只袜子"


def test_missing_case_is_reported(db: Database) -> None:
    with db.transaction() as s, pytest.raises(NotFound, match="99"):
        recompute_case(s, 99)
    with db.transaction() as s:
        assert recompute_cases(s, [98, 99]) == 0


# --- listing ---------------------------------------------------------------------------------


@pytest.fixture
def three_cases(db: Database) -> dict[str, int]:
    ids = {
        "overdue": add_case(db, "douyin", "reship", "missing_item", "DY-A"),
        "soon": add_case(db, "douyin", "reship", "missing_item", "DY-B"),
        "later": add_case(db, "taobao", "return_refund", "quality", "TB-C"),
    }
    add_event(db, ids["overdue"], "requested", at("2026-05-01 10:00"))  # due 05-03 10:00
    add_event(db, ids["soon"], "requested", at("2026-05-05 20:00"))  # due 05-07 20:00
    add_event(db, ids["later"], "requested", at("2026-05-06 10:00"))  # due 05-09 10:00
    add_event(db, ids["later"], "return_agreed", at("2026-05-06 11:00"))  # met + buyer ships by 05-13
    return ids


NOW = at("2026-05-07 09:00")


def test_list_filters_and_sorting(db: Database, three_cases: dict[str, int]) -> None:
    with db.reading() as s:
        rows = list_deadlines(s, now=NOW)
        # DY-A was never answered: 抖店 agreed by itself at 05-03 10:00 (its answer is no work any
        # more, never overdue), its ship clock ran out 05-05.
        assert [(r.order_no, r.timer_id) for r in rows] == [
            ("DY-A", "reship_ship"), ("DY-B", "reship_answer"), ("TB-C", "buyer_ship_return"),
        ]
        assert [r.urgency(NOW) for r in rows] == [Urgency.OVERDUE, Urgency.SOON, Urgency.LATER]
        assert [r.order_no for r in list_deadlines(s, overdue=True, now=NOW)] == ["DY-A"]
        assert [r.order_no for r in list_deadlines(s, within_hours=24, now=NOW)] == ["DY-A", "DY-B"]
        every = list_deadlines(s, include_all=True, now=NOW)
        assert len(every) == 7  # + DY-A's and DY-B's chained ship clocks; TB-C: 2 met, 1 open
        assert {r.status for r in every} == {DeadlineStatus.OPEN, DeadlineStatus.MET}
        assert [r.settled(NOW) for r in every if r.order_no == "DY-A"] == [True, False]
        one = case_deadlines(s, three_cases["later"])
        assert [(r.timer_id, r.status) for r in one] == [
            ("refund_intervention", DeadlineStatus.MET), ("seller_answer_goods", DeadlineStatus.MET),
            ("buyer_ship_return", DeadlineStatus.OPEN),
        ]
        assert one[0].urgency(NOW) is None
        day = list_deadlines(s, due_from=at("2026-05-07 00:00"), due_before=at("2026-05-08 00:00"), now=NOW)
        assert [r.order_no for r in day] == ["DY-B"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rows[0].name = "x"  # type: ignore[misc]


def test_count_open_by_day(db: Database, three_cases: dict[str, int]) -> None:
    with db.reading() as s:
        counts = count_open_by_day(s, at("2026-05-01").date(), at("2026-05-31").date(), NOW)
    assert {d.isoformat(): (c.overdue, c.soon, c.later) for d, c in counts.items()} == {
        "2026-05-05": (1, 0, 0), "2026-05-07": (0, 1, 0), "2026-05-13": (0, 0, 1),  # DY-A's answer: settled
    }


def test_china_day_boundaries_in_the_calendar(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-D")
    add_event(db, case_id, "requested", at("2026-05-06 00:30"))  # due 05-08 00:30 China = 05-07 UTC
    with db.reading() as s:
        counts = count_open_by_day(s, at("2026-05-07").date(), at("2026-05-08").date(), NOW)
    assert [d.isoformat() for d in counts] == ["2026-05-08"]


# --- CLI -------------------------------------------------------------------------------------


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    deadlines_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["deadlines", *argv])
    return args.handler(args)


def test_cli_json_shape(db: Database, ledger_target: str, three_cases: dict[str, int],
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--all", "--json", "--db", ledger_target) == 0
    items: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    assert len(items) == 7
    for item in items:
        assert list(item) == ["case", "order", "platform", "timer", "name", "due_at", "action", "status",
                              "penalty_yuan", "platform_acted", "estimated", "penalty_unknown"]
        assert item["due_at"].endswith("+08:00")
        assert item["status"] in ("open", "met", "missed")
    first = items[0]
    assert first == {
        "case": three_cases["overdue"], "order": "DY-A", "platform": "douyin", "timer": "reship_answer",
        "name": "处理补寄申请（48小时）", "due_at": "2026-05-03T10:00:00+08:00", "action": "自动同意补寄",
        "status": "open", "penalty_yuan": None, "platform_acted": True,  # 抖店 agreed by itself
        "estimated": False, "penalty_unknown": False,
    }
    # 抖店's automatic agreement started the ship clock; missing it costs 3 元 (seed 004).
    assert items[1]["timer"] == "reship_ship" and items[1]["penalty_yuan"] == "3.00"
    # The buyer's 7 days to send the return ran out in May: the platform closed the refund by itself,
    # no work for the shop (listed with --all only).
    assert cli("--case", str(three_cases["later"]), "--json", "--db", ledger_target) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert cli("--case", str(three_cases["later"]), "--all", "--json", "--db", ledger_target) == 0
    assert [(i["timer"], i["status"], i["platform_acted"]) for i in json.loads(capsys.readouterr().out)][-1] == (
        "buyer_ship_return", "open", True)


def test_cli_recomputes_with_the_pack_in_force(db: Database, ledger_target: str, three_cases: dict[str, int],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = read_pack_data("douyin")
    data["timers"][0]["duration"] = {"hours": 24}
    edit_pack(db, "douyin", data)
    assert cli("--case", str(three_cases["soon"]), "--all", "--json", "--db", ledger_target) == 0
    assert json.loads(capsys.readouterr().out)[0]["due_at"] == "2026-05-06T20:00:00+08:00"
    assert cli("--all", "--json", "--db", ledger_target) == 0
    dues = {(i["order"], i["timer"]): i["due_at"] for i in json.loads(capsys.readouterr().out)}
    assert dues["DY-A", "reship_answer"] == "2026-05-02T10:00:00+08:00"
    assert dues["DY-A", "reship_ship"] == "2026-05-04T10:00:00+08:00"  # from the earlier automatic agreement


def test_cli_table_and_errors(db: Database, ledger_target: str, three_cases: dict[str, int],
                              capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deadlines_cli, "now", lambda: NOW)
    assert cli("--overdue", "--db", ledger_target) == 0
    out = capsys.readouterr().out
    assert "DY-A" in out and "已逾期" in out and "DY-B" not in out
    # Only the ship clock: the answer 抖店 gave by itself when it ran out is not overdue.
    assert "共 1 条" in out and "（按平台自动同意起算）" in out and "自动同意补寄" not in out
    assert cli("--all", "--case", str(three_cases["overdue"]), "--db", ledger_target) == 0
    out = capsys.readouterr().out
    assert "平台已自动同意补寄" in out and "平台已处理" in out and "进行中 1 条，其中已逾期 1 条" in out
    assert cli("--within", "24", "--db", ledger_target) == 0
    out = capsys.readouterr().out
    assert "DY-A" in out and "DY-B" in out and "剩11小时" in out and "TB-C" not in out
    assert cli("--all", "--case", str(three_cases["later"]), "--db", ledger_target) == 0
    assert "已完成 2026-05-06 11:00" in capsys.readouterr().out
    with pytest.raises(CommandError) as not_there:  # nothing found: README's exit 1
        cli("--case", "999", "--db", ledger_target)
    assert not_there.value.exit_code == 1 and "999" in not_there.value.message
    with pytest.raises(CommandError):
        cli("--within", "-3", "--db", ledger_target)


def test_cli_empty_ledger(ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    open_database(ledger_target).close()  # empty, and there (a ledger that is not there is refused)
    assert cli("--db", ledger_target) == 0
    assert capsys.readouterr().out == "没有符合条件的时限。\n"
    assert cli("--json", "--db", ledger_target) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_rule_context_reuse_over_many_cases(db: Database) -> None:
    ids = [add_case(db, "jd", "reship", "missing_item", f"JD{n}") for n in range(3)]
    with db.transaction() as s:
        for n, case_id in enumerate(ids):
            s.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="action",
                             milestone="reship_agreed", at=at(f"2026-09-{28 + n} 10:00")))
        assert recompute_cases(s, ids, RuleContext.load()) == 3
    with db.reading() as s:
        dues = s.execute(select(Deadline.case_id, Deadline.due_at).order_by(Deadline.case_id)).all()
        assert [d for _, d in dues] == [at("2026-10-08 10:00"), at("2026-10-09 10:00"), at("2026-10-10 10:00")]
        assert s.scalar(select(func.count()).select_from(Deadline).where(Deadline.estimated)) == 0


# --- recomputing only what a rule change touched ---------------------------------------------


def test_recompute_changed_rules_touches_only_the_edited_platform(db: Database) -> None:
    douyin = add_case(db, "douyin", "reship", "missing_item", "DY-R1")
    pdd = add_case(db, "pdd", "reship", "missing_item", "PDD-R1")
    add_event(db, douyin, "requested", at("2026-05-06 10:00"))
    add_event(db, pdd, "reship_agreed", at("2026-09-30 10:00"))
    assert recompute_changed_rules(db).value == 2  # never recorded: everything is recomputed once
    assert recompute_changed_rules(db).value == 0
    data = read_pack_data("douyin")
    data["timers"][0]["duration"] = {"hours": 24}
    edit_pack(db, "douyin", data)
    assert recompute_changed_rules(db).value == 1
    assert stored(db, douyin)["reship_answer"].due_at == at("2026-05-07 10:00")
    assert recompute_changed_rules(db).value == 0
    # The shop's own calendar changes every pack's working days.
    edit_workdays(db, WorkdayOverrides(extra_holidays=frozenset({at("2026-10-08").date()})))
    assert recompute_changed_rules(db).value == 2
    assert stored(db, pdd)["reship_promise"].due_at == at("2026-10-12 10:00")


def test_a_timer_edit_recomputes_only_the_cases_it_applies_to(db: Database) -> None:
    """Per plan (platform, kind, reason): the 抖店 reship answer's edit recomputes the 抖店 reships of its reasons
    (since session 23 not the lost parcel's: 一直未收到货 has its own answer timer) and not the 抖店 refund; a timer of
    one reason only (lost parcels) leaves the other reasons' reships alone."""
    reship = add_case(db, "douyin", "reship", "missing_item", "DY-P1")
    lost = add_case(db, "douyin", "reship", "lost", "DY-P2")
    refund = add_case(db, "douyin", "refund_only", "not_received", "DY-P3")
    closed = add_case(db, "douyin", "refund_only", "changed_mind", "DY-P4", is_open=False)
    for case_id in (reship, lost, refund, closed):
        add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    add_event(db, lost, "reship_agreed", at("2026-05-06 12:00"))
    assert recompute_changed_rules(db).value == 3
    data = read_pack_data("douyin")
    answer = next(t for t in data["timers"] if t["id"] == "reship_answer")
    answer["duration"] = {"hours": 24}
    edit_pack(db, "douyin", data)
    assert cases_to_recompute(db) == 1
    assert recompute_changed_rules(db).value == 1
    assert stored(db, reship)["reship_answer"].due_at == at("2026-05-07 10:00")
    assert recompute_changed_rules(db).value == 0
    lost_only = next(t for t in data["timers"] if t["id"] == "reship_ship_not_received")
    lost_only["duration"] = {"hours": 30}
    edit_pack(db, "douyin", data)
    assert recompute_changed_rules(db).value == 1
    assert stored(db, lost)["reship_ship_not_received"].due_at == at("2026-05-07 18:00")
    # A timer of returns only: no open case has it, nothing is recomputed and the edit is recorded.
    returns = next(t for t in data["timers"] if t["id"] == "return_answer")
    returns["duration"] = {"hours": 30}
    edit_pack(db, "douyin", data)
    assert cases_to_recompute(db) == 0
    assert recompute_changed_rules(db).value == 0
    with db.reading() as s:
        assert s.get(Setting, "deadlines.rule_fingerprints") is not None
    assert recompute_changed_rules(db).value == 0
    # A case that was already computed with rules nobody remembered (the rules' record lost): every
    # plan of the platform is recomputed, not only the edited ones.
    with db.transaction() as s:
        s.execute(delete(Setting).where(Setting.key == "deadlines.rule_fingerprints"))
    assert recompute_changed_rules(db).value == 3


def test_a_recompute_of_many_cases_runs_in_a_second_process(db: Database, monkeypatch: pytest.MonkeyPatch,
                                                            data_home: Path) -> None:
    """The start-up recompute (and a pack edit's) of many cases leaves the window's process; the threshold is
    lowered to two cases here. A team ledger on a server keeps it in its own process."""
    first = add_case(db, "douyin", "reship", "missing_item", "DY-A1")
    second = add_case(db, "douyin", "reship", "missing_item", "DY-A2")
    pdd = add_case(db, "pdd", "reship", "missing_item", "PDD-A1")
    add_event(db, first, "requested", at("2026-05-06 10:00"))
    add_event(db, second, "requested", at("2026-05-07 10:00"))
    add_event(db, pdd, "reship_agreed", at("2026-09-30 10:00"))
    spawned: list[str] = []
    # Its own patches only: `monkeypatch.undo()` also undid the autouse `data_home`, and the pack edit below then
    # went into the real data folder (a 12-hour 抖店 answer in every later run's rules).
    with monkeypatch.context() as patched:
        patched.setattr(recompute_aside, "ASIDE_FROM", 2)
        if db.path is not None:  # the second process imports its own recompute_changed_rules, not this one
            patched.setattr(recompute_aside, "recompute_changed_rules", lambda *_a: spawned.append("here"))
        assert cases_to_recompute(db) == 3  # no rules recorded yet: every open case
        assert runs_aside(db) is (db.path is not None)
        assert recompute_changed_rules_aside(db).value == 3
        assert cases_to_recompute(db) == 0 and not runs_aside(db)
        data = read_pack_data("douyin")
        data["timers"][0]["duration"] = {"hours": 24}
        edit_pack(db, "douyin", data)
        assert cases_to_recompute(db) == 2  # the edited platform's open cases only
        with recording() as seen:  # as the window's worker runs it: what the second process wrote comes back
            written = recompute_changed_rules_aside(db)
        assert (written.value, spawned) == (2, [])
        assert Area.DEADLINES in (written.changes | seen.changes).areas
        assert stored(db, first)["reship_answer"].due_at == at("2026-05-07 10:00")
        assert stored(db, second)["reship_answer"].due_at == at("2026-05-08 10:00")
    data["timers"][0]["duration"] = {"hours": 12}
    edit_pack(db, "douyin", data)
    assert not runs_aside(db)  # a few cases: in this process, at once
    assert recompute_changed_rules_aside(db).value == 2
    assert stored(db, first)["reship_answer"].due_at == at("2026-05-06 22:00")
    if db.path is not None:  # the edit went into the test's data folder, not the real one
        assert "hours = 12" in (data_home / "rules" / "douyin.toml").read_text(encoding="utf-8")


def test_a_save_hands_its_recompute_to_the_process_kept_ready_without_counting(
        db: Database, monkeypatch: pytest.MonkeyPatch, data_home: Path) -> None:
    """With a second process kept ready (the rules dialog open), a save's recompute goes to it at once: counting the
    cases to recompute first cost the window 0.1 s of a 1.6–1.8 s save at 100,000 open cases, a count the second
    process makes again; a save of few cases goes there too. Without one, a few cases stay in this process."""
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-R1")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    assert recompute_changed_rules_aside(db).value == 1  # no process kept ready: here (fewer than ASIDE_FROM)
    counted: list[object] = []
    counter = recompute_aside.cases_to_recompute
    monkeypatch.setattr(recompute_aside, "cases_to_recompute", lambda *a: counted.append(a) or counter(*a))
    keep_ready_for(db)
    try:
        ready = ready_process_id()
        data = read_pack_data("douyin")
        data["timers"][0]["duration"] = {"hours": 24}
        edit_pack(db, "douyin", data)
        assert recompute_changed_rules_aside(db).value == 1
        if db.path is not None:
            assert counted == []
            assert ready_process_id() not in (None, ready)  # the ready one took it; another waits for the next save
        else:  # a team ledger keeps none, and recomputes in this process
            assert ready is None
    finally:
        stop_keeping_ready()
    assert stored(db, case_id)["reship_answer"].due_at == at("2026-05-07 10:00")


def test_a_pack_edit_recomputes_in_the_process_kept_ready(db: Database, monkeypatch: pytest.MonkeyPatch,
                                                          data_home: Path) -> None:
    """While the rules dialog is open a second process waits with the recompute's modules imported; the
    save's recompute runs in it, and another is started for the next save. A team ledger keeps none (it
    recomputes in the edit's own transaction)."""
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-K1")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    with monkeypatch.context() as patched:
        patched.setattr(recompute_aside, "ASIDE_FROM", 1)
        keep_ready_for(db)
        try:
            ready = ready_process_id()
            assert (ready is None) is (db.path is None)
            assert recompute_changed_rules_aside(db).value == 1
            data = read_pack_data("douyin")
            data["timers"][0]["duration"] = {"hours": 24}
            edit_pack(db, "douyin", data)
            assert recompute_changed_rules_aside(db).value == 1
            if ready is not None:
                assert ready_process_id() not in (None, ready)
        finally:
            stop_keeping_ready()
    assert ready_process_id() is None
    assert stored(db, case_id)["reship_answer"].due_at == at("2026-05-07 10:00")


def test_recompute_all_records_the_rules_too(db: Database) -> None:
    case_id = add_case(db, "jd", "reship", "missing_item", "JD-R1")
    add_event(db, case_id, "reship_agreed", at("2026-09-30 10:00"))
    assert recompute_all(db).value == 1
    assert recompute_changed_rules(db).value == 0


def test_rule_fingerprints_do_not_depend_on_hash_seeds() -> None:
    code = ("import json; from desktop_app.services.deadline_rules import RuleContext, rule_fingerprints; "
            "print(json.dumps(rule_fingerprints(RuleContext.load()), sort_keys=True))")
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).resolve().parents[2]).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert set(json.loads(outputs.pop())) == set(PACK_NAMES)


def test_day_counts_match_the_urgency_of_each_deadline_at_every_edge(db: Database) -> None:
    """The calendar's grouped SQL count agrees with `urgency()` row by row: due exactly now, exactly 24 h
    ahead, one microsecond either side, China midnight, the first and last day shown."""
    from desktop_app.core.deadline_display import urgency

    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-EDGE")
    now = at("2026-05-10 15:00")
    edges = [now, now + timedelta(hours=24)]
    dues = [e + timedelta(microseconds=d) for e in edges for d in (-1, 0, 1)]
    dues += [at("2026-05-01 00:00"), at("2026-05-31 23:59"), at("2026-05-12 00:00") - timedelta(microseconds=1),
             at("2026-05-12 00:00"), at("2026-04-30 23:59"), at("2026-06-01 00:00")]
    with db.transaction() as s:
        for n, due in enumerate(dues):
            s.add(Deadline(case_id=case_id, timer_id=f"t{n}", name="edge", starts_at=due - timedelta(days=1),
                           due_at=due, action="x", status="open"))
    expected: dict[str, list[int]] = {}
    for due in dues:
        day = due.astimezone(CHINA).date()
        if not date(2026, 5, 1) <= day <= date(2026, 5, 31):
            continue
        level = urgency(due, now)
        tally = expected.setdefault(day.isoformat(), [0, 0, 0])
        tally[[Urgency.OVERDUE, Urgency.SOON, Urgency.LATER].index(level)] += 1
    with db.reading() as s:
        counts = count_open_by_day(s, date(2026, 5, 1), date(2026, 5, 31), now)
    assert {d.isoformat(): [c.overdue, c.soon, c.later] for d, c in counts.items()} == expected
    assert sum(c.total for c in counts.values()) == len(dues) - 2


def test_escalate_resume_agree_again_keeps_each_rounds_outcome(db: Database) -> None:
    """Item 5: rounds from the event log. The first answer was on time, the first reship late;
    agreeing again after the intervention must not turn either around."""
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-ROUNDS")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    add_event(db, case_id, "reship_agreed", at("2026-05-07 09:00"))  # answered in time (due 05-08 10:00)
    add_event(db, case_id, "escalated", at("2026-05-10 09:00"))  # not shipped by 05-09 09:00: late
    add_event(db, case_id, "resumed", at("2026-05-11 09:00"))
    add_event(db, case_id, "reship_agreed", at("2026-05-12 09:00"))  # agreed again
    add_event(db, case_id, "reship_shipped", at("2026-05-13 09:00"))
    rows = stored(db, case_id)
    assert (rows["reship_answer"].status, rows["reship_answer"].met_at) == ("met", at("2026-05-07 09:00"))
    first = rows["reship_ship@1"]
    assert (first.status, first.due_at, first.met_at) == ("missed", at("2026-05-09 09:00"), None)
    again = rows["reship_ship"]
    assert (again.status, again.starts_at, again.met_at) == ("met", at("2026-05-12 09:00"), at("2026-05-13 09:00"))
    # The lists show both rounds; the open list nothing.
    with db.reading() as s:
        assert [r.timer_id for r in case_deadlines(s, case_id) if r.timer_id.startswith("reship_ship")] == [
            "reship_ship@1", "reship_ship"]
        assert list_deadlines(s, case_id=case_id) == []


def test_a_round_interrupted_before_it_ran_out_is_not_a_miss(db: Database) -> None:
    case_id = add_case(db, "douyin", "reship", "missing_item", "DY-ROUNDS2")
    add_event(db, case_id, "requested", at("2026-05-06 10:00"))
    add_event(db, case_id, "reship_agreed", at("2026-05-07 09:00"))
    add_event(db, case_id, "escalated", at("2026-05-08 09:00"))
    add_event(db, case_id, "resumed", at("2026-05-08 12:00"))
    add_event(db, case_id, "reship_agreed", at("2026-05-08 13:00"))  # before 05-09 09:00
    rows = stored(db, case_id)
    assert "reship_ship@1" not in rows
    assert (rows["reship_ship"].status, rows["reship_ship"].due_at) == ("open", at("2026-05-10 13:00"))


def test_penalty_amounts_on_the_rows(db: Database) -> None:
    """Seed 001: "百分之五作为违约金,且金额最高不超过三十元"; seed 004: "每單3元"."""
    small = add_case(db, "taobao", "refund_only", "late_shipment", "TB-P1")
    big = add_case(db, "taobao", "refund_only", "late_shipment", "TB-P2")
    unknown = add_case(db, "taobao", "refund_only", "late_shipment", "TB-P3")
    with db.transaction() as s:
        for order_no, paid_fen in (("TB-P1", 12_345), ("TB-P2", 1_000_000), ("TB-P3", None)):
            order = s.scalars(select(Order).where(Order.order_no == order_no)).one()
            order.paid_at, order.paid_fen = at("2026-11-20 10:00"), paid_fen
            recompute_order(s, order.id)
    assert stored(db, small)["ship_by"].penalty_fen == 617  # 5 % of 123.45, half up
    assert stored(db, big)["ship_by"].penalty_fen == 3000  # capped at 30 元
    assert stored(db, unknown)["ship_by"].penalty_fen is None  # no amount imported: unknown
    with db.transaction() as s:
        order = s.scalars(select(Order).where(Order.order_no == "TB-P1")).one()
        order.shipped_at = at("2026-11-22 10:00")  # in time: nothing at stake any more
        recompute_order(s, order.id)
    assert stored(db, small)["ship_by"].penalty_fen is None
    douyin = add_case(db, "douyin", "reship", "missing_item", "DY-P")
    add_event(db, douyin, "requested", at("2026-11-20 10:00"))
    add_event(db, douyin, "reship_agreed", at("2026-11-20 11:00"))
    add_event(db, douyin, "reship_shipped", at("2026-11-23 11:00"))  # late
    row = stored(db, douyin)["reship_ship"]
    assert (row.status, row.penalty_fen) == ("missed", 300)
    with db.reading() as s:
        assert [r.penalty_fen for r in case_deadlines(s, douyin) if r.timer_id == "reship_ship"] == [300]
