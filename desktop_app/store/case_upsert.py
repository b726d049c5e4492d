"""The after-sales import's bulk steps that are cheaper by id range than by IN lists: reading back the
ids of the cases just inserted, and cutting the cases to recompute into runs of consecutive ids.

A file's new cases are inserted in one executemany, so their ids are one run (or a few, on a server
where other sessions insert at the same time). Naming 50,000 ids in IN lists of 500 costs a hundred
statements, each rendered with 500 parameters, for every read that needs them; a range is one
parameter pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.models import Case

_CASES = Case.__table__
# Shorter runs of consecutive ids stay in IN lists: a range's statements cost more than a short list.
SHORTEST_SPAN = 1_000


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


def case_id_spans(case_ids: Iterable[int], shortest: int = SHORTEST_SPAN) -> list[ColumnElement[bool] | list[int]]:
    """The ids in ascending order, cut into runs of consecutive ids: each run of at least `shortest`
    ids as an `id BETWEEN first AND last` condition, the ids between such runs as a list."""
    ordered = sorted(set(case_ids))
    parts: list[ColumnElement[bool] | list[int]] = []
    loose: list[int] = []
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and ordered[end] == ordered[end - 1] + 1:
            continue
        if end - start >= shortest:
            if loose:
                parts.append(loose)
                loose = []
            parts.append(_CASES.c.id.between(ordered[start], ordered[end - 1]))
        else:
            loose.extend(ordered[start:end])
        start = end
    if loose:
        parts.append(loose)
    return parts
