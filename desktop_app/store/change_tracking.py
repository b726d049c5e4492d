"""What a unit of work wrote, by area of the app (core.op_changes), read off the rows it flushed.

Listeners on the ledger's sessions (`tracked`, applied where store/database makes its session factory)
note the tables of the objects each flush inserts, updates or deletes, and of the INSERT/UPDATE/DELETE
statements run through the session; `changes_in(session)` gives the areas so far. Writes that bypass the
session (a bulk upsert on the session's connection) say so with `mark_changed`. Every area noted also
goes to the record a piece of work may have open on this thread (core.op_changes.recording: the
window's runner learns what an operation changed, whoever wrote it). The table → area map is the one
team mode's notices use too (store/change_notices), so one's own writes and other seats' refresh alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, sessionmaker

from desktop_app.core.op_changes import CLOCK_SEAT, SHOP_SUBJECT, Area, OpChanges, cases_notice, note_recorded

# Which part of the app shows each table (the areas a window refreshes).
AREA_OF_TABLE: dict[str, Area] = {
    "orders": Area.ORDERS, "order_items": Area.ORDERS, "shops": Area.ORDERS, "order_sales": Area.ORDERS,
    "cases": Area.CASES, "audit_events": Area.CASES, "case_evidence": Area.CASES, "playbook_checks": Area.CASES,
    "return_inspections": Area.CASES, "unmatched_parcels": Area.CASES,
    "reships": Area.RESHIPS, "reship_items": Area.RESHIPS,
    "carrier_claims": Area.CLAIMS, "claim_items": Area.CLAIMS, "claim_payouts": Area.CLAIMS,
    "claim_evidence": Area.CLAIMS,
    "deadlines": Area.DEADLINES, "rule_files": Area.DEADLINES,
    "settings": Area.SETTINGS, "product_costs": Area.SETTINGS,
}
_KEY = "op_changes"
_CASES_KEY = "cases_changed"
CHANNEL = "ledger_changes"  # the channel of migration 0006_team's notices
# The rows that say which case a seat worked on (a deadline is the case's, recomputed: not named).
_NAMES_ITS_CASE = frozenset({Area.CASES, Area.RESHIPS})
_NAME_THE_CASES = text(
    "SELECT pg_notify(:channel, :cases || '|' || coalesce(current_setting('ledger.seat', true), ''))")


def write_as_the_clock(session: Session) -> None:
    """What this transaction writes from now on is the clock's, not this seat's: the other seats' windows
    reload without saying that this seat changed something (team mode's notices, migration 0006_team)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT set_config('ledger.seat', :seat, true)"), {"seat": CLOCK_SEAT})


def mark_changed(session: Session, *areas: Area) -> None:
    """Note areas written beside the ORM (bulk statements on the session's connection)."""
    session.info.setdefault(_KEY, set()).update(areas)
    note_recorded(areas)


def mark_tables_written(session: Session, *tables: str) -> None:
    """Note tables written by statements the session's listeners do not see (a driver executemany)."""
    areas = _areas_of_tables(tables)
    if areas:
        mark_changed(session, *areas)


def mark_cases(session: Session, case_ids: Iterable[int]) -> None:
    """Note cases written beside the ORM (a bulk insert): the other seats' windows name them."""
    session.info.setdefault(_CASES_KEY, set()).update(case_ids)


def changes_in(session: Session) -> OpChanges:
    """The areas this session has written so far (flushed, or marked)."""
    session.flush()
    return OpChanges(frozenset(session.info.get(_KEY, ())))


def tracked(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The session factory, its sessions noting what they write."""
    event.listen(sessions, "after_flush", _note_flushed)
    event.listen(sessions, "do_orm_execute", _note_statement)
    event.listen(sessions, "before_commit", _name_the_cases)
    return sessions


def _areas_of_tables(names: Iterable[str]) -> list[Area]:
    return [area for name in names if (area := AREA_OF_TABLE.get(name)) is not None]


def _note_flushed(session: Session, _flush: UOWTransaction) -> None:
    rows = [*session.new, *session.deleted, *(row for row in session.dirty if session.is_modified(row))]
    areas = {area for row in rows if (area := _area_of_row(row)) is not None}
    if areas:
        mark_changed(session, *areas)
    mark_cases(session, {case_id for row in chain(session.new, session.deleted, session.dirty)
                         if (case_id := _case_of(row)) is not None})


def _area_of_row(row: object) -> Area | None:
    """The area of its table; an audit entry of the shop's own data (store/shop_changes.py) is the 设置's,
    not a case's (as its insert's notice on a team ledger: migration 0020_authors)."""
    table = getattr(type(row), "__tablename__", "")
    if table == "audit_events" and getattr(row, "subject", None) == SHOP_SUBJECT:
        return Area.SETTINGS
    return AREA_OF_TABLE.get(table)


def _case_of(row: object) -> int | None:
    table = getattr(type(row), "__tablename__", "")
    if table == "cases":
        return getattr(row, "id", None)
    return getattr(row, "case_id", None) if AREA_OF_TABLE.get(table) in _NAMES_ITS_CASE else None


def _name_the_cases(session: Session) -> None:
    """On a team ledger, one notice more with the cases this transaction changed (their numbers and how
    many): the other seats' windows say who changed which case, not only that 售后单 changed."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.flush()  # the last rows, flushed by the commit after this hook
    case_ids = session.info.get(_CASES_KEY)
    if not case_ids:
        return
    session.execute(_NAME_THE_CASES, {"channel": CHANNEL, "cases": cases_notice(case_ids)})
    case_ids.clear()  # a session committed twice names the second one's own cases


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        areas = _areas_of_tables([getattr(table, "name", "")])
        if areas:
            mark_changed(state.session, *areas)
