"""A recompute slice's reads with `sqlite3` alone, for the helper process of a large recompute
(`services.deadline_helper_child`): the same statements as `store.deadline_rows.recompute_reads`, compiled
once by the caller (`deadline_rows.slice_reads`) and run here with each slice's values. Standard library
only: importing SQLAlchemy cost the helper 0.5–0.8 s before it could take its first slice.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BoundStatement:
    """SQL with its parameters; each call's values go to `slots` (positions in `params`)."""

    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]

    def fetch(self, connection: sqlite3.Connection, *values: Any) -> list[Any]:
        params = list(self.params)
        for slot, value in zip(self.slots, values, strict=True):
            params[slot] = value
        return connection.execute(self.sql, params).fetchall()


@dataclass(frozen=True)
class SliceReads:
    """A slice's cases, their events and their stored deadlines (by the slice's id range, or by the ids
    of the cases that differ when they are fewer than half of it: `deadline_rows.read_stored`)."""

    cases: BoundStatement  # (first id, last id)
    events: BoundStatement  # (first id, last id)
    stored_range: BoundStatement  # (first id, last id)
    stored_of: BoundStatement  # (the case ids as a JSON array)
    cases_of: BoundStatement  # (the case ids as a JSON array)
    events_of: BoundStatement  # (the case ids as a JSON array)

    def read(self, connection: sqlite3.Connection, bounds: tuple[int, int],
             ids: Sequence[int] | None = None) -> tuple[list[Any], list[Any]]:
        """The slice's cases and events: every matching case between `bounds`, or only these `ids` of them."""
        if ids is not None:
            listed = json.dumps(list(ids))
            found = self.cases_of.fetch(connection, listed)
            return (found, self.events_of.fetch(connection, listed)) if found else ([], [])
        found = self.cases.fetch(connection, *bounds)
        if not found:
            return [], []
        return found, self.events.fetch(connection, *bounds)

    def stored(self, connection: sqlite3.Connection, ids: Sequence[int], read: int, listed: bool = False) -> list[Any]:
        """`listed`: the slice was read by its ids (`read`), whose range holds other cases too: by id."""
        if not listed and len(ids) * 2 >= read:
            return self.stored_range.fetch(connection, ids[0], ids[-1])
        return self.stored_of.fetch(connection, json.dumps(list(ids)))


def ids_between(ids: Sequence[int], bounds: tuple[int, int]) -> list[int]:
    """Those of these ascending ids between the bounds (inclusive)."""
    return list(ids[bisect_left(ids, bounds[0]):bisect_right(ids, bounds[1])])


def reading_connection(path: str, busy_ms: int) -> sqlite3.Connection:
    """The ledger opened for reads only, each statement in its own snapshot (no transaction held); an error
    if there is no such file (never an empty one made in its place)."""
    uri = f"{Path(path).resolve().as_uri()}?mode=rw"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    connection.execute("PRAGMA query_only=1")
    return connection
