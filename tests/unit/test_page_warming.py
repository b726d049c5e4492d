"""A cold start's search pages (store/page_warming): every page of the search's b-trees is read, in file order,
a run at a time with the user's turn asked before each, and nothing holds the ledger meanwhile."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert

from desktop_app.services.search_index import catch_up
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Order, Shop
from desktop_app.store.page_warming import (
    RUN_PAGES,
    SEARCH_TREES,
    WarmingStopped,
    read_pages,
    search_pages,
    stop_event_turn,
    warm_search_pages,
)

ORDERS = 3000


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough orders and cases for b-trees of a few hundred pages."""
    path = tmp_path_factory.mktemp("warming") / "ledger.sqlite3"
    db = open_database(path)
    with db.transaction() as s:
        s.execute(insert(Shop), [{"id": 1, "platform": "pdd", "name": "甲店"}])
        s.execute(insert(Order), [{"id": i, "order_key": f"pdd:{i}", "platform": "pdd", "order_no": f"26{i:08d}",
                                   "receiver": f"王{i % 97}", "phone": f"138{i:08d}", "shop_id": 1,
                                   "search_text": f"26{i:08d} 王{i % 97} 138{i:08d} 保温杯{'款' * (i % 40)}"}
                                  for i in range(1, ORDERS + 1)])
        s.execute(insert(Case), [{"id": i, "order_id": i, "platform": "pdd", "kind": "reship", "status": "pending",
                                  "is_open": True, "reason": "破损" * (i % 30)} for i in range(1, ORDERS + 1)])
    catch_up(db)
    db.close()
    return path


def no_wait() -> None:
    pass


def leaf_pages(path: Path, names: set[str]) -> set[int]:
    with sqlite3.connect(path) as conn:
        return {int(page) for name, page, kind in conn.execute("SELECT name, pageno, pagetype FROM dbstat")
                if name in names and kind == "leaf"}


def test_every_leaf_of_the_search_trees_is_read_in_file_order(ledger: Path) -> None:
    runs = list(search_pages(ledger, no_wait))
    covered = {page for first, count in runs for page in range(first, first + count)}
    names = {name for group in SEARCH_TREES for name in group}
    try:
        wanted = leaf_pages(ledger, names)
    except sqlite3.OperationalError:  # an SQLite without the dbstat table
        pytest.skip("no dbstat here")
    assert len(wanted) > 100 and wanted <= covered
    assert all(0 < count <= RUN_PAGES for _, count in runs)
    for group in SEARCH_TREES:  # each group in the file's order (the disk reads forward)
        mine = [first for first, _ in search_pages(ledger, no_wait, (group,))]
        assert mine == sorted(mine)
    # Only those trees (and what lies in small gaps between their pages): not the whole file.
    assert len(covered) < ledger.stat().st_size // 4096


def test_deep_trees_are_walked_to_every_leaf(tmp_path: Path) -> None:
    """Long index keys: interior pages above interior pages (four levels), every leaf found, nothing else."""
    path = tmp_path / "deep.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, key TEXT)")
        conn.execute("CREATE INDEX ix_t ON t (key)")
        conn.executemany("INSERT INTO t (key) VALUES (?)", [(f"{i:07d}" + "键" * 300,) for i in range(6000)])
    try:
        depth = max(str(p).count("/") for (p,) in sqlite3.connect(path).execute(
            "SELECT path FROM dbstat WHERE name = 'ix_t'"))
        wanted = leaf_pages(path, {"ix_t", "t"})
    except sqlite3.OperationalError:
        pytest.skip("no dbstat here")
    assert depth >= 3
    runs = list(search_pages(path, no_wait, (("ix_t", "t"),)))
    covered = {page for first, count in runs for page in range(first, first + count)}
    assert wanted <= covered


def test_the_user_is_asked_before_each_run_and_a_cancel_stops_it(ledger: Path) -> None:
    turns = 0

    def count() -> None:
        nonlocal turns
        turns += 1

    runs = list(search_pages(ledger, no_wait))
    assert read_pages(ledger, iter(runs), count) == sum(count * 4096 for _, count in runs)
    assert turns == len(runs)

    go, stop = threading.Event(), threading.Event()
    go.set()
    stop.set()
    with pytest.raises(WarmingStopped):
        warm_search_pages(ledger, stop_event_turn(go, stop))


def test_a_paused_warming_waits_and_nothing_locks_the_ledger_meanwhile(ledger: Path) -> None:
    go, stop = threading.Event(), threading.Event()  # paused from the start: the user types
    done: list[int] = []
    thread = threading.Thread(target=lambda: done.append(warm_search_pages(ledger, stop_event_turn(go, stop))))
    thread.start()
    thread.join(0.3)
    assert thread.is_alive() and not done
    with sqlite3.connect(ledger, timeout=0.1) as conn:  # a write goes through at once
        conn.execute("UPDATE cases SET version = version + 1 WHERE id = 1")
    go.set()
    thread.join(10)
    assert done and done[0] > 0


def test_a_file_that_is_not_a_ledger_is_an_os_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(OSError):
        warm_search_pages(junk, no_wait)
