"""A window and the command line on one ledger file: the window tells another program's commits from its
own (store/file_changes.py), so that it can reload and say who changed what."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, add_note, open_case
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import LEDGER_ID_KEY, ensure_ledger_id

ROOT = Path(__file__).resolve().parents[2]


def command(*args: str) -> None:
    """Another program on the same file: the command line, in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "desktop_app", *args], env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_another_programs_commit_is_seen_with_who_and_which_case_and_our_own_are_not(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert db.commits is not None
        first = open_case(db, NewCase(Platform.PDD, "261204-1", CaseKind.REFUND_ONLY), author="店主").case_id
        db.commits.start()
        assert db.commits.look() is None
        add_note(db, first, "我们自己写的", author="店主")  # this window's own write
        assert db.commits.look() is None
        command("case", "act", str(first), "close", "--db", str(db_path))
        seen = db.commits.look()
        assert seen is not None and [(m.case_id, m.author) for m in seen] == [(first, seen[0].author)]
        assert db.commits.look() is None  # told once
        # Ours and theirs between two looks: theirs is still seen (and only theirs is named).
        act_on_case(db, first, CaseAction.REOPEN, author="店主")
        command("case", "add", "--platform", "pdd", "--order", "261204-2", "--kind", "reship", "--db", str(db_path))
        add_note(db, first, "又一条", author="店主")
        seen = db.commits.look()
        assert seen is not None and first not in {m.case_id for m in seen} and len(seen) == 1
        # An order import writes no audit trail: still seen, with nobody named.
        command("import-orders", str(ROOT / "tests" / "fixtures" / "samples" / "douyin_orders.xlsx"),
                "--db", str(db_path))
        assert db.commits.look() == []
    finally:
        db.close()


def test_the_ledger_id_written_at_the_first_daily_backup_is_this_programs_own_commit(db_path: Path) -> None:
    """The first daily backup of a ledger the command line made writes the ledger's id into it; the window
    said 另一个程序（如命令行导入）修改了台账 then (`with conn:` commits in C, past LedgerConnection.commit)."""
    db = open_database(db_path)
    try:
        assert db.commits is not None
        with db.writing() as conn:
            conn.exec_driver_sql("DELETE FROM settings WHERE key = ?", (LEDGER_ID_KEY,))
        db.commits.start()
        assert db.commits.look() is None
        assert ensure_ledger_id(db_path) is not None
        assert db.commits.look() is None
    finally:
        db.close()
