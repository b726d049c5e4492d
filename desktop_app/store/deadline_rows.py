"""The rows a deadline recompute reads and writes: which cases (`CaseSet`), their fields with their
order's times, their milestone events, their stored platform deadlines, and the differences written
back (deadline rows, the case's `next_due_*`, `after_due_*` and its timer counts). `services.deadlines` feeds the
engine from these and decides what changed; the SQL is here.

Reads run on the session's DBAPI connection (`raw_reads.fetch_raw`): values as the driver returns
them, all three sorted by case id so the caller walks them together (the stored deadlines are read
only for the cases whose digest differs: `read_stored`). A large set of cases is read
in slices of consecutive open ids (`case_ranges`), which bounds the memory of a full recompute.

How the reads are written matters on SQLite (measured on 100,000 open cases, 5 slices): the case
condition is spelled so that the planner reads the slice's cases by id range and not through
`ix_cases_is_open_next_due_at` (which visits every open case of the ledger for each slice, in due
order, and sorts them again: 1.0 s instead of 0.43 s), and events and stored deadlines are joined to
their cases instead of `IN (SELECT ...)` (again every open case per slice: 0.28 / 0.42 s instead of
0.16 / 0.38 s).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Dialect, Select, String, and_, bindparam, case, delete, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from desktop_app.store.bulk_rows import insert_rows, update_rows
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.in_lists import IN_LIST, in_lists
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, Setting
from desktop_app.store.raw_reads import driver_statement, fetch_raw
from desktop_app.store.slice_reads import BoundStatement, SliceReads

_CASES = Case.__table__
_ORDERS = Order.__table__
_EVENTS = AuditEvent.__table__
_DEADLINES = Deadline.__table__
_CHUNK = IN_LIST
# SQLite's page cache (KiB) while a full recompute runs. Its rewrites touch most pages of `deadlines`,
# `cases` and their indexes; with SQLite's default 2,000 KiB these were spilled to the WAL and read back
# over and over (every pack edited, 100,000 cases: the write statements 1.7 → 0.9 s CPU, as for an import).
RECOMPUTE_CACHE_KIB = 32_768
_CACHE_KEY = "deadline_recompute_cache"

# The case's timers as the dashboard reads them off the case row (store/case_facts.timer_facts).
TIMER_FACTS = ("met_timers", "missed_timers", "open_timers", "open_due_first", "open_due_last")
# Columns a deadline update rewrites; case_id and timer_id are the row's identity and never change.
UPDATED = ("name", "starts_at", "due_at", "action", "status", "met_at", "estimated", "penalty_fen", "automatic")
# A stored platform deadline as the recompute compares it (`services.deadline_slices.changed_columns`).
_STORED = (_DEADLINES.c.id, _DEADLINES.c.case_id, _DEADLINES.c.timer_id, _DEADLINES.c.name, _DEADLINES.c.starts_at,
           _DEADLINES.c.due_at, _DEADLINES.c.action, _DEADLINES.c.status, _DEADLINES.c.met_at,
           _DEADLINES.c.estimated, _DEADLINES.c.penalty_fen, _DEADLINES.c.automatic)


# A case's plan: (platform, kind, reason or ""), what decides which timers apply to it
# (`services.deadline_rules.plan_fingerprints`).
Plan = tuple[str, str, str]


@dataclass(frozen=True)
class CaseSet:
    """Which cases a recompute reads: these ids (at most `CHUNK` of them), or else every open case
    (every case with `include_closed`), of these platforms only when `platforms` is given, of these
    plans only when `plans` is given. The plans are not in
    `condition`: the recompute tests each case it reads (`services.deadline_slices`); as a row-value IN
    in SQL, reading 43 % of 100,000 cases cost more than reading all of them."""

    ids: tuple[int, ...] | None = None
    include_closed: bool = False
    platforms: tuple[str, ...] | None = None
    plans: tuple[Plan, ...] | None = None

    def condition(self, indexed: bool) -> ColumnElement[bool]:
        """The WHERE of the cases. `indexed=False` spells `is_open` so SQLite's planner does not read
        the slice through `ix_cases_is_open_next_due_at` (`is_open IS NOT 0`): the reads bound their
        slice by id range, and the rowid range is the way to read every open case of it. The
        platforms stay indexable: `ix_cases_platform` holds (platform, id), a range of ids per
        platform, which beats reading every platform's cases of the range (one platform of six:
        0.31 instead of 0.48 s CPU for the three reads)."""
        if self.ids is not None:
            return _CASES.c.id.in_(self.ids)
        parts: list[ColumnElement[bool]] = []
        if not self.include_closed:
            parts.append(_CASES.c.is_open.is_(True) if indexed else _CASES.c.is_open.is_not(False))
        if self.platforms is not None:
            parts.append(_CASES.c.platform.in_(sorted(set(self.platforms))))
        return and_(true(), *parts)


CHUNK = _CHUNK


def chunks(ids: Iterable[int]) -> Iterable[tuple[int, ...]]:
    """The distinct ids in ascending runs of at most `CHUNK` (one `CaseSet` each)."""
    for chunk in in_lists(sorted(set(ids))):
        yield tuple(chunk)


def case_ranges(session: Session, cases: CaseSet, size: int) -> list[tuple[int, int]]:
    """(first id, last id) of consecutive runs of `size` matching cases (one read of their ids)."""
    return id_ranges(case_ids(session, cases), size)


def case_plans(session: Session, cases: CaseSet) -> list[Any]:
    """(id, platform, kind, reason, former kinds) of the matching cases, ascending: which of them a pack edit's plans
    hold is decided from these (`services.deadlines`), in a read by rowid range (0.11 s for 100,000 open cases)."""
    return fetch_raw(session, select(_CASES.c.id, _CASES.c.platform, _CASES.c.kind, _CASES.c.reason,
                                     _CASES.c.former_kinds).where(cases.condition(indexed=False)).order_by(_CASES.c.id))


def case_ids(session: Session, cases: CaseSet) -> list[int]:
    """The ids of the matching cases, ascending."""
    return [row[0] for row in fetch_raw(session, select(_CASES.c.id).where(cases.condition(indexed=True))
                                        .order_by(_CASES.c.id))]


def id_ranges(ids: Sequence[int], size: int) -> list[tuple[int, int]]:
    """(first id, last id) of consecutive runs of `size` of these ascending ids."""
    return [(ids[start], ids[min(start + size, len(ids)) - 1]) for start in range(0, len(ids), size)]


def recompute_reads(cases: CaseSet, bounds: tuple[int, int] | None = None,
                    listed: str | None = None) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """What a recompute of `cases` (between these ids; of these ids only, `listed` as a JSON array, SQLite) reads:
    the cases with their orders' times, their milestone events in time order, their stored platform deadlines
    (the benchmark times these alone as the floor)."""
    condition = cases.condition(indexed=False)
    if bounds is not None:
        condition = and_(_CASES.c.id.between(*bounds), condition)
    if listed is not None:
        condition = and_(_CASES.c.id.in_(select(_json_ids(listed).c.value)), condition)
    return (
        select(
            _CASES.c.id, _CASES.c.platform, _CASES.c.kind, _CASES.c.reason, _CASES.c.is_open,
            _CASES.c.requested_at, _CASES.c.signed_at, _CASES.c.signed_date_only,
            _CASES.c.next_due_at, _CASES.c.next_due_name, _CASES.c.next_due_automatic, _CASES.c.after_due_at,
            _CASES.c.after_due_name, _CASES.c.next_due_until,
            _ORDERS.c.paid_at, _ORDERS.c.shipped_at, _ORDERS.c.signed_at, _ORDERS.c.succeeded_at,
            # Sent at a time the export did not give (a tracking number, no 发货时间: 淘宝's 订单列表).
            case((and_(_ORDERS.c.shipped_at.is_(None), func.coalesce(_ORDERS.c.tracking_no, "") != ""), 1),
                 else_=0),
            _ORDERS.c.paid_fen, _ORDERS.c.campaign, _CASES.c.former_kinds, _CASES.c.deadline_digest,
            *(_CASES.c[name] for name in TIMER_FACTS),
        )
        .select_from(_CASES.outerjoin(_ORDERS, _ORDERS.c.id == _CASES.c.order_id))
        .where(condition)
        .order_by(_CASES.c.id),
        select(_EVENTS.c.case_id, _EVENTS.c.milestone, _EVENTS.c.at, _EVENTS.c.date_only)
        .select_from(_EVENTS.join(_CASES, _CASES.c.id == _EVENTS.c.case_id))
        .where(condition, _EVENTS.c.milestone.is_not(None), _EVENTS.c.undone_by.is_(None))
        .order_by(_EVENTS.c.case_id, _EVENTS.c.at, _EVENTS.c.id),
        select(*_STORED)
        .select_from(_DEADLINES.join(_CASES, _CASES.c.id == _DEADLINES.c.case_id))
        .where(condition, _DEADLINES.c.claim_id.is_(None))  # not claim follow-ups
        .order_by(_DEADLINES.c.case_id),
    )


# Values no case id takes, compiled into `slice_reads`' statements where each slice's values go.
_FIRST, _LAST = -(2**62) - 1, -(2**62) - 2
_IDS = "[-4611686018427387907]"


def slice_reads(cases: CaseSet, dialect: Dialect) -> SliceReads:
    """`recompute_reads` of `cases` and `_stored_of` compiled once for a helper process that reads with
    `sqlite3` alone (`store.slice_reads`), each slice's ids going where the placeholders were."""
    read_cases, read_events, read_stored_range = recompute_reads(cases, (_FIRST, _LAST))
    stored_of = (select(*_STORED).where(_DEADLINES.c.case_id.in_(select(_json_ids(_IDS).c.value)),
                                        _DEADLINES.c.claim_id.is_(None)).order_by(_DEADLINES.c.case_id))
    cases_of, events_of, _ = recompute_reads(cases, listed=_IDS)
    return SliceReads(_bound(dialect, read_cases, _FIRST, _LAST), _bound(dialect, read_events, _FIRST, _LAST),
                      _bound(dialect, read_stored_range, _FIRST, _LAST), _bound(dialect, stored_of, _IDS),
                      _bound(dialect, cases_of, _IDS), _bound(dialect, events_of, _IDS))


def _json_ids(listed: str) -> Any:
    """The ids of a JSON array as a table (SQLite's `json_each`): one parameter, however many ids."""
    return func.json_each(bindparam("ids", listed, type_=String)).table_valued("value")


def _bound(dialect: Dialect, statement: Select[Any], *placeholders: Any) -> BoundStatement:
    sql, params = driver_statement(dialect, statement)
    assert isinstance(params, tuple), "a positional driver (sqlite3)"
    assert all(params.count(p) == 1 for p in placeholders)
    return BoundStatement(sql, params, tuple(params.index(p) for p in placeholders))


def read_for_recompute(session: Session, cases: CaseSet, bounds: tuple[int, int] | None = None,
                       ids: Sequence[int] | None = None) -> tuple[list[Any], list[Any]]:
    """The cases and events of `recompute_reads` (of these `ids` only, when given: SQLite), as the driver returns
    them (no events read when no case matched). Their stored deadlines are read afterwards, for the cases whose
    computed deadlines differ from what the case's digest says is stored (`read_stored`)."""
    read_cases, read_events, _ = recompute_reads(cases, bounds, None if ids is None else json.dumps(list(ids)))
    found = fetch_raw(session, read_cases)
    if not found:
        return [], []
    return found, fetch_raw(session, read_events)


def read_stored(session: Session, cases: CaseSet, ids: Sequence[int], read: int, listed: bool = False) -> list[Any]:
    """The stored platform deadlines of these cases (ascending ids, `read` of them in the slice, which
    `cases` selects), sorted by case id. Most of a slice: one read over its ids' range (every open
    case's rows in it); fewer: by id (a third of 100,000 cases after every pack was edited: 0.2 instead
    of 0.45 s CPU; all of them: 0.55 instead of 0.45 s, hence the range). `listed`: the slice was read by
    its ids, whose range holds other cases too: by these ids (SQLite)."""
    if listed:
        return fetch_raw(session, recompute_reads(cases, listed=json.dumps(list(ids)))[2])
    if len(ids) * 2 >= read:
        return fetch_raw(session, recompute_reads(cases, (ids[0], ids[-1]))[2])
    rows: list[Any] = []
    for chunk in in_lists(ids):
        rows.extend(fetch_raw(session, _stored_of(chunk)))
    return rows


def _stored_of(ids: list[int]) -> Select[Any]:
    """The stored platform deadlines of these cases: by `ix_deadlines_case_id`, no join."""
    return (select(*_STORED).where(_DEADLINES.c.case_id.in_(ids), _DEADLINES.c.claim_id.is_(None))
            .order_by(_DEADLINES.c.case_id))


def setting_text(session: Session, key: str) -> str | None:
    """A setting's stored text (the rules the stored deadlines were computed with), None if never set."""
    setting = session.get(Setting, key)
    return None if setting is None else setting.value


def set_setting_text(session: Session, key: str, value: str) -> None:
    """Store a setting's text (not rewritten when it holds that text already)."""
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=value))
    elif setting.value != value:
        setting.value = value


@contextmanager
def recompute_cache(session: Session) -> Iterator[None]:
    """Within it, the first `write_changes` raises SQLite's page cache to `RECOMPUTE_CACHE_KIB`; set back to
    what it was at the end. A recompute that writes nothing keeps the default (the pages it reads would
    fill the larger cache: +30 MB at a first start after an engine change, for nothing)."""
    session.info[_CACHE_KEY] = None  # the size to set back, once raised
    try:
        yield
    finally:
        previous = session.info.pop(_CACHE_KEY, None)
        if previous is not None:
            session.connection().exec_driver_sql(f"PRAGMA cache_size={previous}")


def _raise_cache(session: Session) -> None:
    """Never lowered (an import may have raised it already); other databases size their cache themselves."""
    if _CACHE_KEY not in session.info or session.info[_CACHE_KEY] is not None:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    previous = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    # Negative sizes are KiB, positive ones pages (4 KiB here).
    if (-previous if previous < 0 else previous * 4) < RECOMPUTE_CACHE_KIB:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{RECOMPUTE_CACHE_KIB}")
        session.info[_CACHE_KEY] = previous


def open_plans(session: Session, platforms: Iterable[str] | None) -> dict[Plan, int]:
    """The plans of the open cases of these platforms (None: of every platform), with how many open
    cases each has. `is_open IS NOT false` keeps SQLite on the covering `ix_cases_report` (platform, kind,
    reason, …, is_open): 20 ms for 100,000 open cases, where `ix_cases_is_open_next_due_at` took 0.26 s."""
    query = (select(_CASES.c.platform, _CASES.c.kind, func.coalesce(_CASES.c.reason, ""), func.count())
             .where(_CASES.c.is_open.is_not(False)).group_by(_CASES.c.platform, _CASES.c.kind, _CASES.c.reason))
    if platforms is not None:
        query = query.where(_CASES.c.platform.in_(sorted(set(platforms))))
    found: dict[Plan, int] = {}
    for platform, kind, reason, count in session.execute(query):
        found[(platform, kind, reason)] = found.get((platform, kind, reason), 0) + count
    return found


def write_changes(session: Session, changes: DeadlineChanges) -> None:
    """Write a recompute's differences with Core statements; objects loaded in the session see them."""
    _raise_cache(session)
    stale = changes.stale
    for start in range(0, len(stale), _CHUNK):
        session.execute(delete(_DEADLINES).where(_DEADLINES.c.id.in_(stale[start:start + _CHUNK])))
    # Each update names only the columns that changed (most of a pack edit's: the due time); rows naming
    # the same ones go together.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in changes.updates:
        groups.setdefault(tuple(row), []).append(row)
    for rows in groups.values():
        update_rows(session, Deadline, "id", rows)
    insert_rows(session, Deadline, changes.inserts)
    if changes.case_updates:
        # next_due_* and the timer counts are derived data: written without bumping the case's
        # version, so a recompute never makes someone's open edit of the case fail as "changed by
        # someone else".
        update_rows(session, Case, "id", changes.case_updates)
        _refresh_identity_map(session, changes.case_updates)
    if changes.digests:
        update_rows(session, Case, "id", changes.digests)
        _refresh_identity_map(session, changes.digests)
    if stale or changes.updates or changes.inserts:
        _expire_loaded_deadlines(session)


def cases_settled_since(session: Session, now: datetime, case_ids: Sequence[int] | None = None) -> list[int]:
    """The cases whose stored next deadline the platform has settled by itself by `now` (`next_due_until`,
    through `ix_cases_next_due_until`); among `case_ids` when given. Only open cases have one (a recompute
    clears it with the rest of `next_due_*`); testing `is_open` here made SQLite walk every open case in
    `ix_cases_is_open_next_due_at` instead.

    On a team ledger the rows are locked as they are read, and a row another seat's transaction holds is
    skipped (`SKIP LOCKED`): that seat is changing the case (an action recomputes its deadlines), so what
    is read of it now is about to be replaced. Read without the lock, another seat's minute tick waited
    for the action's commit and then wrote back the 下一个时限 computed from the deadlines before it
    (a reship the shop had just agreed to sorted, and read, as if the platform had agreed by itself);
    the seats' ticks of one minute each rewrote the same cases in turn, waiting for one another. A case
    skipped is read again at the next tick."""
    statement = settled_since_query(now, case_ids)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    # Sorted here: ORDER BY id had SQLite scan the whole table in id order rather than sort a few ids.
    return sorted(row[0] for row in session.execute(statement))


def lock_if_shared(session: Session, case_ids: Sequence[int]) -> bool:
    """On a team ledger, lock these cases (`FOR UPDATE`, in id order) for the rest of the transaction and
    say so (True); a SQLite ledger has one writer at a time, nothing to lock (False).

    A recompute reads its cases without locks and writes only those whose deadlines differ. What it read
    of a case may predate another seat's step on it that is not committed yet: written afterwards, the
    deadlines from before the step replaced the ones the step computed (found beside them, the rows the
    step had deleted gone already). Once locked, the cases are read again by the caller and the step, if
    any, is in what it reads. In id order, as every recompute locks, so two recomputes never deadlock."""
    if session.get_bind().dialect.name != "postgresql" or not case_ids:
        return False
    for chunk in in_lists(sorted(set(case_ids))):
        session.execute(select(_CASES.c.id).where(_CASES.c.id.in_(chunk)).order_by(_CASES.c.id).with_for_update())
    return True


def settled_since_query(now: datetime, case_ids: Sequence[int] | None = None) -> Select[Any]:
    stmt = select(_CASES.c.id).where(_CASES.c.next_due_until <= now)
    if case_ids is not None:
        stmt = stmt.where(_CASES.c.id.in_(sorted(set(case_ids))))
    return stmt


def write_next_dues(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """The cases' `next_due_*`, `after_due_*` and `next_due_until`, by id: derived data, written without
    bumping the case's version (as a recompute writes them)."""
    if rows:
        update_rows(session, Case, "id", rows)
        _refresh_identity_map(session, rows)


def _refresh_identity_map(session: Session, case_updates: Sequence[dict[str, Any]]) -> None:
    """Cases already loaded in this session see the new values, without a pending change."""
    if not session.identity_map:
        return
    for values in case_updates:
        loaded = session.identity_map.get(identity_key(Case, values["id"]))
        if loaded is not None:
            for name, value in values.items():
                if name != "id":
                    set_committed_value(loaded, name, value)


def _expire_loaded_deadlines(session: Session) -> None:
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Deadline):
            session.expire(obj)
