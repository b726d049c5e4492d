"""store/bulk_rows: the driver path SQLite takes writes exactly what the portable Core path (the one
PostgreSQL takes) writes — times in SQLAlchemy's storage text, booleans, NULLs — so rows read back the
same whichever path wrote them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_app.core.clock import CHINA
from desktop_app.store.bulk_rows import insert_rows, portable_insert, portable_update, update_rows
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Deadline


def _rows() -> list[dict[str, Any]]:
    base = datetime(2026, 11, 11, 0, 0, 0, tzinfo=CHINA)
    return [
        {"case_id": None, "timer_id": f"t{n}", "name": f"时限{n}", "starts_at": base + timedelta(hours=n),
         # microseconds, whole seconds, another zone: all must be stored as naive UTC text alike
         "due_at": (base + timedelta(days=n, microseconds=n * 7)).astimezone(UTC),
         "action": "平台介入", "status": "open" if n % 2 else "met",
         "met_at": None if n % 2 else base + timedelta(days=n, hours=1), "estimated": n % 3 == 0,
         "penalty_fen": None if n % 2 else 300}
        for n in range(6)
    ]


def _stored(path: Path, table: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def test_driver_and_portable_paths_store_the_same(tmp_path: Path) -> None:
    paths = {"driver": tmp_path / "driver.sqlite3", "portable": tmp_path / "portable.sqlite3"}
    table = Deadline.__table__
    for way, path in paths.items():
        db = open_database(path)
        with db.transaction() as session:
            if way == "driver":
                insert_rows(session, Deadline, _rows())
            else:
                portable_insert(session, table, _rows())
        changes = [{"id": n, "status": "missed", "met_at": datetime(2026, 12, 1, 8, 30, 15, 250, tzinfo=CHINA),
                    "estimated": True, "penalty_fen": 0} for n in (2, 4)]
        with db.transaction() as session:
            if way == "driver":
                update_rows(session, Deadline, "id", changes)
            else:
                portable_update(session, table, "id", changes)
        with db.reading() as session:
            # And the ORM reads the driver's text back as the aware times that went in.
            got = {d.timer_id: (d.starts_at, d.due_at, d.met_at) for d in session.query(Deadline)}
        db.close()
        expected = {row["timer_id"]: (row["starts_at"], row["due_at"], row["met_at"]) for row in _rows()}
        for row_id in (2, 4):  # ids count from 1: the rows of t1 and t3
            timer = f"t{row_id - 1}"
            expected[timer] = (*expected[timer][:2], datetime(2026, 12, 1, 8, 30, 15, 250, tzinfo=CHINA))
        assert got == expected
    assert _stored(paths["driver"], "deadlines") == _stored(paths["portable"], "deadlines")
    assert len(_stored(paths["driver"], "deadlines")) == 6


def test_update_rows_sets_only_the_named_columns_of_the_keyed_rows(tmp_path: Path) -> None:
    db = open_database(tmp_path / "ledger.sqlite3")
    with db.transaction() as session:
        insert_rows(session, Deadline, _rows())
        update_rows(session, Deadline, "id", [{"id": 3, "name": "改了"}])
        update_rows(session, Case, "id", [])  # nothing to do is fine
    rows = _stored(tmp_path / "ledger.sqlite3", "deadlines")
    db.close()
    names = [row[4] for row in rows]
    assert names == ["时限0", "时限1", "改了", "时限3", "时限4", "时限5"]
