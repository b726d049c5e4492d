"""A column tested against many ids (a search's 2,000 orders, a page's 200 cases).

On PostgreSQL the ids go as ONE parameter, the array's text (`'{3,8,21}'::integer[]`, `= ANY`): an
`IN` list of 200 values was 200 bind parameters, each rendered by SQLAlchemy, and a statement that long
is parsed again by psycopg on every run (its parse cache keeps short statements only); a Python list
as an array parameter is dumped value by value. At a million cases a broad search keystroke spent
≈ 3 ms of the app's 12–15 ms of SQL work there (bench/README, session 20). SQLite keeps its IN list,
cut at IN_LIST values (its parameter limit).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, Text, any_, bindparam, cast

from desktop_app.store.in_lists import in_lists


def array_text(ids: Sequence[int]) -> str:
    """The ids as PostgreSQL reads an integer array: `{3,8,21}`."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def any_id(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column = ANY('{…}'::integer[])`, PostgreSQL only."""
    return column == any_(cast(bindparam(None, array_text(ids), type_=Text), ARRAY(Integer)))  # type: ignore[no-any-return]


def id_tests(column: Any, ids: Sequence[int], dialect: str) -> Iterator[ColumnElement[bool]]:
    """Conditions that together cover `ids`, one statement each, in the ids' order: one on PostgreSQL,
    an IN list of at most IN_LIST values each on SQLite. Nothing for no ids."""
    if not ids:
        return
    if dialect == "postgresql":
        yield any_id(column, ids)
        return
    for chunk in in_lists(ids):
        yield column.in_(chunk)
