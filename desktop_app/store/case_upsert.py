"""The after-sales import's bulk lookups, made cheap for 50,000-row files.

- By id range instead of IN lists: reading back the ids of the cases just inserted, and cutting the
  cases to recompute into runs of consecutive ids. A file's new cases are inserted in one
  executemany, so their ids are one run (or a few, on a server where other sessions insert at the
  same time); naming 50,000 ids in IN lists of 500 costs a hundred statements for every read that
  needs them, each rendered anew with its 500 parameters; a range is one parameter pair.
- Lookups by many values (orders by number, cases by platform number) in IN lists whose statement
  is rendered once per list length and run on SQLite's driver: rendering and SQLAlchemy's rows cost
  as much as SQLite's own work (39,397 orders by number: 0.55 s → 0.31 s CPU, measured).
- The cases table's secondary indexes set aside while a file brings many new cases (SQLite), built
  again before the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import Case
from desktop_app.store.raw_reads import fetch_raw

_CASES = Case.__table__
# Shorter runs of consecutive ids stay in IN lists: a range's statements cost more than a short list.
SHORTEST_SPAN = 1_000
# A file that brings many new cases against those stored builds the cases table's secondary indexes
# afresh after its writes instead of keeping them up to date row by row (`indexes_set_aside`): each
# new case goes into every one of them, the two covering dashboard indexes hold a dozen or more of its
# columns, and the recompute's `next_due_*` and timer facts move it in three of them once more.
# Set aside when the new cases are at least this share of the cases already stored: building an index
# costs in proportion to all the cases, keeping it per new case (50,000 new into 20,000: the cases'
# insert 2.0–2.3 → 0.9–1.3 s CPU, their update 0.7–0.9 → 0.4–0.5 s, the rebuild included in the
# import's −10 %, measured).
SET_ASIDE_SHARE = 0.5


@contextmanager
def indexes_set_aside(session: Session, new_cases: int) -> Iterator[None]:
    """On SQLite, when `new_cases` is a large share of the stored cases, drop the cases table's
    secondary indexes for the block and create them again, as they were, at its end. Unique indexes
    stay (they keep the platform numbers unique and find cases by them during the import). Inside the
    import's transaction: a cancel or a failure rolls the drop back with everything else. Other
    databases keep them (dropping one there would lock other seats out of the table)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite" or new_cases == 0:
        yield
        return
    stored = session.execute(select(func.count()).select_from(_CASES)).scalar_one()
    if new_cases < stored * SET_ASIDE_SHARE:
        yield
        return
    cursor = connection.connection.cursor()
    try:
        definitions = [(name, sql) for name, sql in cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL")
            if not sql.lstrip().upper().startswith("CREATE UNIQUE")]
        for name, _sql in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        for _name, sql in definitions:
            cursor.execute(sql)
    finally:
        cursor.close()


def insert_new_cases(session: Session, rows: Sequence[Mapping[str, Any]],
                     times: dict[Any, str | None]) -> dict[str, int]:
    """Insert new cases (one executemany) and map each one's `platform_case_key` to its new id.

    The ids are read back as the rows above the largest id before the insert: ids only grow, so every
    new row is there, and rows other sessions committed meanwhile are left out by their keys. `times`:
    stored text of times already converted in this import (`bulk_rows.insert_rows`)."""
    if not rows:
        return {}
    before = session.execute(select(func.max(_CASES.c.id))).scalar_one() or 0
    insert_rows(session, Case, rows, times)
    wanted = {row["platform_case_key"] for row in rows}
    key = _CASES.c.platform_case_key
    return {k: i for k, i in session.execute(select(key, _CASES.c.id).where(_CASES.c.id > before)) if k in wanted}


def case_id_spans(case_ids: Iterable[int], shortest: int = SHORTEST_SPAN) -> list[tuple[int, int] | list[int]]:
    """The ids in ascending order, cut into runs of consecutive ids: each run of at least `shortest`
    ids as its (first, last) ids, the ids between such runs as a list."""
    ordered = sorted(set(case_ids))
    parts: list[tuple[int, int] | list[int]] = []
    loose: list[int] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and ordered[end] == ordered[end - 1] + 1:
            continue
        if end - start >= shortest:
            if loose:
                parts.append(loose)
                loose = []
            parts.append((ordered[start], ordered[end - 1]))
        else:
            loose.extend(ordered[start:end])
        start = end
    if loose:
        parts.append(loose)
    return parts


def fetch_in(session: Session, columns: Sequence[Any], column: Any, values: Iterable[Any]) -> Iterator[Sequence[Any]]:
    """Rows of `SELECT columns WHERE column IN (values)` as the driver returns them (`raw_reads`: stored
    times as text, booleans as 0/1 on SQLite), over IN lists of `IN_LIST` values (text or integers,
    which the driver takes as they are). On SQLite the statement is rendered once per list length and
    run on the session's own driver connection."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    texts: dict[int, str] = {}
    cursor = connection.connection.cursor() if sqlite else None
    try:
        for chunk in in_lists(values):
            if cursor is None:
                yield from fetch_raw(session, select(*columns).where(column.in_(chunk)))
                continue
            text = texts.get(len(chunk))
            if text is None:
                statement = select(*columns).where(column.in_(chunk))
                compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
                # The list's values are the statement's only parameters, in order.
                assert compiled.positiontup is not None and len(compiled.positiontup) == len(chunk)
                text = texts[len(chunk)] = str(compiled)
            cursor.execute(text, chunk)
            yield from cursor.fetchall()
    finally:
        if cursor is not None:
            cursor.close()
