"""Reading the open ledger's bytes (page warming, the complete integrity check) keeps SQLite's locks.

POSIX drops a process's locks on a file when it closes any descriptor of it: after the window's page warming
(or complete check) a `reship list` run in a terminal deleted the ledger's -wal and -shm at its exit, and the
window's next read said "disk I/O error" (seen under Xvfb, session 26)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop_app.store.database import open_database
from desktop_app.store.held_files import ledger_bytes
from desktop_app.store.ledger_files import check_integrity, has_sqlite_header
from desktop_app.store.page_warming import warm_search_pages

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX locks: Windows locks per handle")


def another_program_reads(path: Path) -> None:
    """A command beside the window: opens the ledger, reads, closes (the last connection, if it thinks so)."""
    subprocess.run([sys.executable, "-c", "import sqlite3, sys\nconn = sqlite3.connect(sys.argv[1])\n"
                    "conn.execute('SELECT count(*) FROM cases').fetchone()\nconn.close()", str(path)], check=True)


def test_the_open_ledgers_bytes_are_read_without_losing_its_locks(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = open_database(path)
    try:
        with db.transaction() as session:  # the window at work: its connection holds the file
            session.execute(text("SELECT count(*) FROM cases")).scalar_one()
        shm = path.with_name(path.name + "-shm")
        assert shm.exists()
        assert warm_search_pages(path, lambda: None) >= 0  # the page warming of the window
        assert has_sqlite_header(path)
        assert check_integrity(path, None).outcome.value == "healthy"  # the complete check beside the user
        another_program_reads(path)
        assert shm.exists(), "a command beside the window deleted the ledger's -shm: our locks had gone"
        with db.transaction() as session:
            session.execute(text("SELECT count(*) FROM cases")).scalar_one()
    finally:
        db.close()


def test_a_read_beside_a_closing_database_keeps_its_descriptor_until_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    db = open_database(path)
    with ledger_bytes(path) as file:
        db.close()  # the window closes while the warming reads
        file.seek(0)
        assert file.read(16) == b"SQLite format 3\x00"
    with ledger_bytes(path) as file:  # no Database: a file of its own, as before
        assert file.read(6) == b"SQLite"
