"""Orders waiting for the search index are found, and found the same way once it has caught up.

New orders wait above a high-water mark (no queue entry, no receiver index row written with them);
updated ones wait in the queue. Short queries (a surname, a two-character name) read the receivers
the catch-up notes; every query reads the waiting orders directly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from other_writer import write_beside
from sqlalchemy import Connection

from desktop_app.services import search_index
from desktop_app.services.search_index import catch_up
from desktop_app.store.database import Database, alembic_config, open_database
from desktop_app.store.search import index_pending, matching_order_ids, pending_count

# About the SQLite file itself (copies, WAL, the FTS5 index queue): PostgreSQL has none of these.
pytestmark = pytest.mark.sqlite_only


def _add(conn: Connection, number: str, receiver: str, text: str) -> int:
    return int(conn.exec_driver_sql(
        "INSERT INTO orders (order_key, platform, order_no, receiver, search_text, created_at, updated_at, version)"
        " VALUES (?, 'pdd', ?, ?, ?, '2026-11-01', '2026-11-01', 1) RETURNING id",
        (f"pdd:{number}", number, receiver, f"{number} {receiver} {text}".lower())).scalar_one())


def _found(db: Database, query: str) -> list[int]:
    with db.engine.connect() as conn:
        return sorted(conn.execute(matching_order_ids(query, "sqlite")).scalars())


def _waiting(db: Database) -> int:
    with db.engine.connect() as conn:
        return pending_count(conn)


def _index_rows(db: Database) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (int(conn.exec_driver_sql("SELECT count(*) FROM order_search").scalar_one()),
                int(conn.exec_driver_sql("SELECT count(*) FROM search_receivers").scalar_one()))


def test_new_orders_are_found_while_waiting_and_once_indexed(db: Database) -> None:
    with db.engine.begin() as conn:
        first = _add(conn, "261101-1", "廖华雨", "儿童保温杯")
        second = _add(conn, "261101-2", "廖小明", "纯棉袜子")
    for waiting in (2, 0):
        assert _waiting(db) == waiting
        assert _found(db, "保温杯") == [first]
        assert _found(db, "廖") == [first, second]  # a surname
        assert _found(db, "廖华") == [first]  # a two-character name
        assert _found(db, "26") == [first, second]  # the start of an order number
        assert _found(db, "华雨") == []  # two characters match the start of a name only
        assert _found(db, "小明 2") == []  # (what a search text holds: number, receiver, products)
        assert _found(db, "廖小明") == [second]
        catch_up(db)
    assert _index_rows(db) == (2, 2)


def test_an_updated_receiver_is_found_under_its_new_name_only(db: Database) -> None:
    with db.engine.begin() as conn:
        order = _add(conn, "261101-1", "廖华雨", "儿童保温杯")
    catch_up(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE orders SET receiver = '周杰', search_text = '261101-1 周杰 儿童保温杯' "
                             "WHERE id = ?", (order,))
    for waiting in (1, 0):  # queued by the update trigger, then indexed again
        assert _waiting(db) == waiting
        assert _found(db, "廖华") == [] and _found(db, "廖华雨") == []
        assert _found(db, "周杰") == [order] and _found(db, "周") == [order]
        catch_up(db)
    assert _index_rows(db) == (1, 1)


def test_the_highest_order_deleted_and_its_id_reused_is_indexed_again(db: Database) -> None:
    with db.engine.begin() as conn:
        kept = _add(conn, "261101-1", "廖华雨", "儿童保温杯")
        gone = _add(conn, "261101-2", "王芳", "纯棉袜子")
    catch_up(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM orders WHERE id = ?", (gone,))
    assert _waiting(db) == 0 and _found(db, "王芳") == [] and _found(db, "纯棉袜子") == []
    assert _index_rows(db) == (1, 1)
    with db.engine.begin() as conn:
        reused = _add(conn, "261101-3", "赵强", "蓝牙耳机")
    assert reused == gone  # SQLite hands out the highest id again: it must count as new
    for waiting in (1, 0):
        assert _waiting(db) == waiting
        assert _found(db, "赵强") == [reused] and _found(db, "蓝牙耳机") == [reused]
        assert _found(db, "王芳") == [] and _found(db, "纯棉袜子") == []
        catch_up(db)
    assert _found(db, "廖华") == [kept]
    assert _index_rows(db) == (2, 2)


def test_deleting_an_order_below_the_top_leaves_the_others_indexed(db: Database) -> None:
    with db.engine.begin() as conn:
        ids = [_add(conn, f"261101-{n}", f"客户{n}", "商品") for n in range(1, 4)]
    catch_up(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM orders WHERE id = ?", (ids[0],))
    assert _waiting(db) == 0  # nothing is indexed a second time
    assert _found(db, "客户") == ids[1:]
    assert _index_rows(db) == (2, 2)


def test_catching_up_goes_in_chunks(db: Database) -> None:
    with db.engine.begin() as conn:
        ids = [_add(conn, f"261101-{n}", "廖华雨", "儿童保温杯") for n in range(1, 8)]
        conn.exec_driver_sql("UPDATE orders SET search_text = search_text || ' 改' WHERE id = ?", (ids[0],))
    assert _waiting(db) == 8  # seven new (one of them updated as well: queued too)
    assert catch_up(db, limit=3) == 8
    assert _waiting(db) == 0 and _found(db, "保温杯") == ids and _found(db, "廖华") == ids
    assert _index_rows(db) == (7, 7)


def test_a_ledger_from_the_queue_version_upgrades_and_downgrades(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    db = open_database(path, migrate=False)
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002_search_queue")
        indexed = _add(conn, "261101-1", "廖华雨", "儿童保温杯")
        conn.exec_driver_sql("INSERT INTO order_search(rowid, search_text) SELECT id, search_text FROM orders")
        conn.exec_driver_sql("DELETE FROM search_pending")
        queued = _add(conn, "261101-2", "廖小明", "纯棉袜子")  # queued by 0002's insert trigger
    db.close()
    db = open_database(path)
    try:
        assert _waiting(db) == 1  # the queued one still waits; the mark starts at the highest id
        assert _found(db, "廖") == [indexed, queued] and _found(db, "纯棉袜子") == [queued]
        with db.engine.begin() as conn:
            fresh = _add(conn, "261101-3", "王芳", "蓝牙耳机")
        assert _waiting(db) == 2 and _found(db, "王芳") == [fresh]
        with db.engine.begin() as conn:  # back to 0002: what waited above the mark is queued there
            command.downgrade(alembic_config(conn), "0002_search_queue")
            assert sorted(conn.exec_driver_sql("SELECT order_id FROM search_pending").scalars()) == [queued, fresh]
            command.upgrade(alembic_config(conn), "head")
        catch_up(db)
        assert _waiting(db) == 0 and _found(db, "王") == [fresh] and _found(db, "保温杯") == [indexed]
    finally:
        db.close()


def test_catching_up_waits_for_another_writer_instead_of_failing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The catch-up reads its queue, then writes: a commit by another connection in between (an import, a
    case saved) made SQLite refuse it ("database is locked"). It now takes the write lock first."""
    assert db.path is not None
    with db.engine.begin() as conn:
        _add(conn, "261101-1", "王小明", "耳机")
    others: list[str] = []

    def index_with_a_write_beside(conn: Connection, limit: int) -> int:
        conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()
        others.append(write_beside(db.path))  # type: ignore[arg-type]
        return index_pending(conn, limit)

    monkeypatch.setattr(search_index, "index_pending", index_with_a_write_beside)
    assert catch_up(db) == 1
    assert set(others) == {"waited"} and _waiting(db) == 0
