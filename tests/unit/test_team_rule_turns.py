"""A rule edit on one seat while the others import and record steps, on one team ledger (PostgreSQL;
skipped without AFTERSALES_TEST_PG_URL): no case is left computed with the rule the edit replaced, and
the edit waits for the writes under way rather than recomputing without them (store/rule_turns.py)."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Moment
from desktop_app.core.clock import now as china_now
from desktop_app.core.errors import LedgerBusy
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.rule_pack_files import shipped_rules_dir
from desktop_app.services import deadlines, ledger_rules
from desktop_app.services.bulk import act_on_cases
from desktop_app.services.case_import import import_case_steps
from desktop_app.services.cases import NewCase, act_in_session, open_case
from desktop_app.services.deadlines import recompute_changed_rules
from desktop_app.services.ledger_rules import save_pack_text
from desktop_app.services.shop_rules import shop_rules_of
from desktop_app.services.stepwise import run_to_end
from desktop_app.store import database as store_database
from desktop_app.store.database import Database
from desktop_app.store.ledger_errors import as_user_error
from tests.unit.test_team_races import FIXTURES, Seat

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

PDD_48H = 'name = "处理仅退款申请（48小时）"\nstarts_from = "requested"\nduration = { hours = 48 }'
DOUYIN_SHIP_48H = 'name = "补寄发货并上传运单号（48小时）"\nstarts_from = "reship_agreed"\nduration = { hours = 48 }'


def edited(pack: str, timer: str, hours: int) -> str:
    shipped = (shipped_rules_dir() / f"{pack}.toml").read_text(encoding="utf-8")
    assert timer in shipped
    return shipped.replace(timer, timer.replace("hours = 48", f"hours = {hours}"))


def save(db: Database, pack: str, text_: str) -> int:
    return save_pack_text(db, pack, text_, shop_rules_of(db).version(f"{pack}.toml")).value.recomputed


def spans(db: Database, timer: str, start: str) -> list[timedelta]:
    """How long each open `timer` runs from its case's `start` event."""
    with db.reading() as session:
        return list(session.execute(text(
            "SELECT d.due_at - e.at FROM deadlines d JOIN audit_events e ON e.case_id = d.case_id "
            "AND e.milestone = :start WHERE d.timer_id = :timer AND d.status = 'open' ORDER BY d.case_id"),
            {"timer": timer, "start": start}).scalars())


def test_a_rule_edit_during_another_seats_import_leaves_no_case_computed_with_the_old_rule(
        seats: tuple[Database, Database, Database]) -> None:
    owner, staff, _ = seats
    steps = import_case_steps(staff, [FIXTURES / "aftersales" / "pdd_aftersales.csv"])
    while not ((step := next(steps)).phase == "importing" and step.rows_done):
        pass  # the staff seat's cases are written, not yet committed
    saving = Seat(lambda: save(owner, "pdd", edited("pdd", PDD_48H, 24)))
    saving.thread.join(timeout=1)
    assert saving.thread.is_alive()  # it waits for the import (the old code recomputed without its cases)
    assert len(run_to_end(steps).files[0].inserted) == 20
    assert saving.outcome() == 18  # the file's open cases, imported before the edit (their plans were new)
    assert spans(owner, "seller_answer_request", "requested") == [timedelta(hours=24)] * 4
    assert recompute_changed_rules(staff).value == 0


def test_a_batch_of_steps_meeting_a_rule_edit_computes_the_cases_after_it_with_the_new_rule(
        seats: tuple[Database, Database, Database]) -> None:
    owner, _, staff = seats
    asked = Moment(china_now() - timedelta(hours=2))
    cases = [open_case(staff, NewCase(Platform.DOUYIN, f"DY-B{n}", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                      requested=asked), author="小李").case_id for n in range(3)]
    saved: list[int] = []

    def after(done: int) -> None:  # the owner saves 72 h while the batch is at its first case
        if done == 1:
            saved.append(save(owner, "douyin", edited("douyin", DOUYIN_SHIP_48H, 72)))

    outcome = act_on_cases(staff, cases, CaseAction.AGREE_RESHIP, author="小李", progress=after)
    assert all(result.ok for result in outcome.results)
    assert saved == [3]
    # The old code agreed the two after it with the rules the batch had read before the save (48 h).
    assert spans(owner, "reship_ship", "reship_agreed") == [timedelta(hours=72)] * 3
    assert recompute_changed_rules(owner).value == 0


def test_a_rule_edit_waits_for_a_seats_step_and_computes_the_case_with_it(
        seats: tuple[Database, Database, Database]) -> None:
    owner, staff, _ = seats
    case_id = open_case(staff, NewCase(Platform.DOUYIN, "DY-S1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                       requested=Moment(china_now() - timedelta(hours=2))), author="小王").case_id
    with staff.transaction() as session:  # the seat agrees; not committed yet
        act_in_session(session, case_id, CaseAction.AGREE_RESHIP, None, Moment(china_now()), "小王")
        saving = Seat(lambda: save(owner, "douyin", edited("douyin", DOUYIN_SHIP_48H, 72)))
        saving.thread.join(timeout=1)
        assert saving.thread.is_alive()
    assert saving.outcome() == 1
    assert spans(owner, "reship_ship", "reship_agreed") == [timedelta(hours=72)]
    with owner.reading() as session:
        assert session.execute(text("SELECT status FROM cases WHERE id = :id"), {"id": case_id}).scalar() \
            == "reship_agreed"


def test_a_rule_edit_that_cannot_have_its_turn_says_so_and_saves_nothing(
        seats: tuple[Database, Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    owner, staff, _ = seats
    monkeypatch.setattr(store_database, "SERVER_LOCK_TIMEOUT_MS", 300)
    # A seat's long write (an import of a large file) under way.
    with staff.transaction(), pytest.raises(LedgerBusy, match="数据未被修改"):
        save(owner, "douyin", edited("douyin", DOUYIN_SHIP_48H, 72))
    assert shop_rules_of(owner).version("douyin.toml") is None


def test_a_rule_edit_whose_connection_the_server_ends_midway_says_so_and_saves_nothing(
        seats: tuple[Database, Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    owner, other, _ = seats
    recompute = ledger_rules.recompute_changed_in

    def server_restarts(session: Session, *args: Any, **kwargs: Any) -> int | None:
        pid = session.connection().connection.dbapi_connection.info.backend_pid  # type: ignore[union-attr]
        with other.reading() as elsewhere:  # (a write would wait for the edit's turn)
            elsewhere.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return recompute(session, *args, **kwargs)

    monkeypatch.setattr(ledger_rules, "recompute_changed_in", server_restarts)
    with pytest.raises(OperationalError) as failed:
        save(owner, "douyin", edited("douyin", DOUYIN_SHIP_48H, 72))
    message = as_user_error(failed.value, owner.location)
    assert message is not None
    # It said 无法连接团队数据库 … terminating connection due to administrator command, as if never connected.
    assert message.message.startswith(f"与团队数据库 {owner.display_name()} 的连接在操作中途断开了：服务器关闭或重启了")
    assert "没有保存" in message.message
    assert shop_rules_of(other).version("douyin.toml") is None  # no half state: the edit and its recompute
    monkeypatch.setattr(ledger_rules, "recompute_changed_in", recompute)
    assert save(owner, "douyin", edited("douyin", DOUYIN_SHIP_48H, 72)) == 0  # the next try (no open case)


def test_two_seats_starting_after_an_upgrade_recompute_the_cases_once(
        seats: tuple[Database, Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    first, second, _ = seats
    for n in range(3):
        open_case(first, NewCase(Platform.DOUYIN, f"DY-U{n}", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=Moment(china_now() - timedelta(hours=2))), author="小王")
    recompute_changed_rules(first)
    with first.transaction() as session:  # as the previous engine left them: its rows gone, its fingerprints
        session.execute(text("DELETE FROM deadlines"))
        session.execute(text("UPDATE cases SET deadline_digest = NULL"))
        session.execute(text("DELETE FROM settings WHERE key = 'deadlines.rule_fingerprints'"))
    remember = deadlines.remember_rules
    midway, go_on = threading.Event(), threading.Event()

    def first_seat_midway(*args: Any) -> None:  # the first seat's recompute has written its deadlines
        if not midway.is_set():
            midway.set()
            assert go_on.wait(30)
        remember(*args)

    monkeypatch.setattr(deadlines, "remember_rules", first_seat_midway)
    starting = Seat(lambda: recompute_changed_rules(first).value)
    assert midway.wait(30)
    other = Seat(lambda: recompute_changed_rules(second).value)  # the second seat's window starts meanwhile
    other.thread.join(timeout=1)
    go_on.set()
    assert starting.outcome() == 3
    assert other.outcome() == 0  # it waited and found them computed (it recomputed them again)
    with first.reading() as session:
        twice = session.execute(text("SELECT count(*) FROM (SELECT case_id, timer_id FROM deadlines "
                                     "GROUP BY case_id, timer_id HAVING count(*) > 1) AS doubled")).scalar_one()
    assert twice == 0  # every deadline of the three cases was stored twice
