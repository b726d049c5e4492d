"""Seats' 下一个时限 minute ticks (`refresh_next_dues`, ui/cases/next_due_clock.py) and recomputes of every
open case (after an order import) on one team ledger (PostgreSQL; skipped without AFTERSALES_TEST_PG_URL),
beside another seat's case action and each other.
As in test_team_races.py, the first seat's transaction is held open where the race bites and the other
seats run on threads meanwhile: the order of events is fixed, not left to timing."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from desktop_app.core.clock import Moment
from desktop_app.core.clock import now as china_now
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_in_session, open_case
from desktop_app.services.deadlines import recompute_case, recompute_open_cases, refresh_next_dues
from desktop_app.store.database import Database
from tests.unit.test_team_races import Seat, wait_until_a_seat_waits_for_a_lock

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


def _answer_running_out(db: Database, minutes: int) -> int:
    """A 抖店 reship request whose 48 h answer (the platform agrees by itself) runs out in `minutes`."""
    asked = china_now() - timedelta(hours=48) + timedelta(minutes=minutes)
    return open_case(db, NewCase(Platform.DOUYIN, "DY-T1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=Moment(asked)), author="测试").case_id


def _stored_next_due(db: Database, case_id: int) -> tuple[datetime, str, int, datetime | None]:
    with db.reading() as session:
        row = session.execute(text("SELECT next_due_at, next_due_name, version FROM cases WHERE id = :id"),
                              {"id": case_id}).one()
        open_due = session.execute(text(
            "SELECT min(due_at) FROM deadlines WHERE case_id = :id AND status = 'open'"), {"id": case_id}).scalar()
    return row.next_due_at, row.next_due_name, int(row.version), open_due


def _tick(db: Database, moment: datetime) -> int:
    """A seat's minute tick, as the window's runs it (in a transaction of its own), at `moment`."""
    with db.transaction() as session:
        return refresh_next_dues(session, moment)


def test_a_tick_meeting_a_seats_action_on_the_case_does_not_write_back_the_old_deadline(
        seats: tuple[Database, Database, Database]) -> None:
    first, second, _ = seats
    case_id = _answer_running_out(first, 5)
    version = _stored_next_due(first, case_id)[2]
    later = china_now() + timedelta(hours=1)
    with first.transaction() as session:  # a seat agrees to the reship; its transaction not committed yet
        act_in_session(session, case_id, CaseAction.AGREE_RESHIP, None, Moment(china_now()), "小李")
        ticking = Seat(lambda: _tick(second, later))
        ticking.thread.join(timeout=10)  # the old code waited here for the seat's commit
    assert ticking.outcome() == 0  # the case the seat is changing is left to it
    due_at, name, after, open_due = _stored_next_due(first, case_id)
    # The agreed reship's ship clock, not the one after the platform's agreement written back by the tick.
    assert (name, due_at) == ("补寄发货并上传运单号（48小时）", open_due)
    assert after == version + 1  # the action's; a tick bumps no version
    assert _tick(second, later) == 0  # and nothing is left for the next one


def test_three_seats_ticking_at_the_same_minute_rewrite_a_case_once_without_waiting(
        seats: tuple[Database, Database, Database]) -> None:
    first, second, third = seats
    case_id = _answer_running_out(first, 5)
    version = _stored_next_due(first, case_id)[2]
    later = china_now() + timedelta(hours=1)
    with first.transaction() as session:
        assert refresh_next_dues(session, later) == 1
        others = [Seat(lambda db=db: _tick(db, later)) for db in (second, third)]  # type: ignore[misc]
        for other in others:
            other.thread.join(timeout=10)  # the old code: both waited for the first, then wrote it again
            assert not other.thread.is_alive()
    assert [other.outcome() for other in others] == [0, 0]
    _, name, after, _ = _stored_next_due(first, case_id)
    assert name == "补寄发货并上传运单号（48小时）（按平台自动同意起算）" and after == version


def test_a_recompute_after_an_order_import_meeting_a_seats_action_keeps_the_actions_deadlines(
        pg_url: str, seats: tuple[Database, Database, Database]) -> None:
    first, second, _ = seats
    case_id = _answer_running_out(first, 60)
    with first.transaction() as session:  # an order import stores when the trade succeeded: the 售后期 timer
        session.execute(text("UPDATE orders SET succeeded_at = :at WHERE id = "
                             "(SELECT order_id FROM cases WHERE id = :id)"),
                        {"at": china_now() - timedelta(days=1), "id": case_id})
    with first.transaction() as session:  # a seat agrees to the reship; its recompute sees the new order too
        act_in_session(session, case_id, CaseAction.AGREE_RESHIP, None, Moment(china_now()), "小李")
        # The import's seat recomputes every open case meanwhile (the case read before the step commits).
        recomputing = Seat(lambda: _recompute(second))
        wait_until_a_seat_waits_for_a_lock(pg_url)
    recomputing.outcome()
    after_race = _deadlines(first, case_id)
    with first.transaction() as session:  # the case's deadlines computed from scratch
        session.execute(text("DELETE FROM deadlines WHERE case_id = :id"), {"id": case_id})
        session.execute(text("UPDATE cases SET deadline_digest = NULL WHERE id = :id"), {"id": case_id})
        recompute_case(session, case_id)
    # The old code wrote the deadlines it had computed from before the step over the step's: the 48 h
    # answer open again beside the ship clock, and the 售后期 stored twice.
    assert after_race == _deadlines(first, case_id)
    assert ("补寄发货并上传运单号（48小时）", "open") in after_race and len(set(after_race)) == len(after_race)


def _deadlines(db: Database, case_id: int) -> list[tuple[str, str]]:
    with db.reading() as session:
        return sorted((row.name, row.status) for row in session.execute(text(
            "SELECT name, status FROM deadlines WHERE case_id = :id AND claim_id IS NULL"), {"id": case_id}))


def _recompute(db: Database) -> int:
    """Every open case recomputed, as after an order import."""
    with db.transaction() as session:
        return recompute_open_cases(session)
