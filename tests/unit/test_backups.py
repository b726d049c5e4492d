"""Backups: taken through SQLite's backup API, one a day at most, rotated (7 daily + 4 weekly), in a
folder the user can change, listed with counts, restored after a safety copy; the `backup` and
`restore` commands."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import backups
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import Database, open_database
from desktop_app.store.ledger_files import count_rows, make_ledger_private
from tests.unit.full_disk import POSIX_ONLY, files_up_to
from tests.unit.test_ledger_damage import damage_table

# About the SQLite file itself (copies, WAL, the FTS5 index queue): PostgreSQL has none of these.
pytestmark = pytest.mark.sqlite_only


def add_cases(db: Database, count: int) -> None:
    for n in range(count):
        open_case(db, NewCase(Platform.PDD, f"2611{n:08d}", CaseKind.RESHIP))


def test_a_backup_is_a_consistent_user_only_copy_while_the_ledger_is_open(db: Database, data_home: Path) -> None:
    assert db.path is not None
    add_cases(db, 3)
    written = backups.back_up(db.path)
    assert written.parent == data_home / "backups" and written.name.endswith("-manual.sqlite3")
    counts = count_rows(written)
    assert counts is not None and counts.cases == 3
    if os.name == "posix":
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(db.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(data_home.stat().st_mode) == 0o700


def test_one_automatic_backup_a_day_and_the_rotation_keeps_7_daily_and_4_weekly(db: Database) -> None:
    assert db.path is not None
    start = datetime(2026, 9, 1, 9, 0)
    for day in range(60):
        when = start + timedelta(days=day)
        assert backups.daily_backup(db.path, now=when) is not None
        assert backups.daily_backup(db.path, now=when + timedelta(hours=3)) is None  # same day: none
    backups.back_up(db.path, kind="manual", now=start)  # the user's own copies are never rotated away
    kept = backups.list_backups(db.path)
    daily = [b for b in kept if b.kind == "daily"]
    assert len(daily) == 7 + 4
    newest = start + timedelta(days=59)
    assert [b.taken_at.date() for b in daily[:7]] == [(newest - timedelta(days=d)).date() for d in range(7)]
    weeks = {b.taken_at.isocalendar()[:2] for b in daily[7:]}
    assert len(weeks) == 4 and all(b.taken_at < daily[6].taken_at for b in daily[7:])
    assert any(b.kind == "manual" for b in kept)


def test_two_ledgers_of_one_name_keep_their_own_backups(tmp_path: Path, data_home: Path) -> None:
    """The default ledger and `--db 店铺2/ledger.sqlite3` share the backup folder and the file name. By name
    alone the second listed the first's backups (a restore would bring back the other shop), skipped its own
    daily backup because the first had one that day, and its rotation deleted the first's copies."""
    first = open_database(tmp_path / "店铺1" / "ledger.sqlite3")
    second = open_database(tmp_path / "店铺2" / "ledger.sqlite3")
    add_cases(first, 2)
    add_cases(second, 5)
    first.close()
    second.close()
    assert first.path is not None and second.path is not None
    start = datetime(2026, 11, 1, 9, 0)
    for day in range(40):
        assert backups.daily_backup(first.path, now=start + timedelta(days=day)) is not None
    mine = backups.back_up(first.path, kind="manual", now=start)
    kept_first = {b.path for b in backups.list_backups(first.path)}
    assert len(kept_first) == 7 + 4 + 1 and mine in kept_first

    # The second ledger, the same day as the first's last daily backup: its own daily copy, not the first's.
    written = backups.daily_backup(second.path, now=start + timedelta(days=39, hours=2))
    assert written is not None
    listed = backups.list_backups(second.path)
    assert [b.path for b in listed] == [written]
    assert all(count_rows(b.path) == count_rows(second.path) for b in listed)
    # Its rotation leaves the first's copies alone, and the first still lists only its own.
    backups.rotate(second.path, now=start + timedelta(days=70))
    assert {b.path for b in backups.list_backups(first.path)} == kept_first
    assert all(path.exists() for path in kept_first)
    # A backup taken before ledgers carried their identity still shows (it cannot be told apart).
    legacy = data_home / "backups" / "ledger-20260101-090000-manual.sqlite3"
    legacy.write_bytes(mine.read_bytes())
    conn = sqlite3.connect(legacy)
    with conn:
        conn.execute("DELETE FROM settings WHERE key = 'ledger_id'")
    conn.close()
    assert legacy in {b.path for b in backups.list_backups(second.path)}
    assert legacy in {b.path for b in backups.list_backups(first.path)}


def test_the_backup_folder_can_be_changed_and_back(db: Database, tmp_path: Path, data_home: Path) -> None:
    assert db.path is not None
    synced = tmp_path / "云盘" / "台账备份"
    assert backups.set_backup_folder(synced) == synced.resolve()
    assert backups.back_up(db.path).parent == synced.resolve()
    assert backups.set_backup_folder(None) == data_home / "backups"
    (data_home / backups.SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    assert backups.backup_folder() == data_home / "backups"  # a broken setting falls back


def test_restore_replaces_the_ledger_after_a_safety_copy(db_path: Path) -> None:
    db = open_database(db_path)
    add_cases(db, 2)
    old = backups.back_up(db_path)
    add_cases(db, 5)
    db.close()
    safety = backups.restore_backup(db_path, old)
    assert count_rows(db_path).cases == 2  # type: ignore[union-attr]
    assert count_rows(safety).cases == 7  # type: ignore[union-attr]
    assert sorted(b.kind for b in backups.list_backups(db_path)) == ["manual", "restore"]


_HOLDER = """
import sys
from pathlib import Path
from desktop_app.store.database import open_database
from desktop_app.store.ledger_files import count_rows
db = open_database(Path(sys.argv[1]))
with db.reading() as session:  # as a window that has shown its lists: open, idle
    session.connection().exec_driver_sql("SELECT count(*) FROM cases").scalar()
print("open", flush=True)
sys.stdin.readline()
db.close()
"""


def test_no_restore_while_another_window_has_the_ledger_open(capsys: pytest.CaptureFixture[str],
                                                              db_path: Path) -> None:
    """Replaced under an open window, the ledger lost every step the window took afterwards (it went on
    writing into the old, unlinked file, exit 0 and "已用 … 恢复"): refused while it is open, nothing touched."""
    db = open_database(db_path)
    add_cases(db, 2)
    old = backups.back_up(db_path)
    add_cases(db, 3)
    db.close()
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert run(["restore", str(old), "--db", str(db_path)]) == 2
        err = capsys.readouterr().err
        assert "正被另一个窗口或命令打开着" in err and "数据库未被修改" in err, err
        assert count_rows(db_path).cases == 5  # type: ignore[union-attr]
        assert [b.kind for b in backups.list_backups(db_path)] == ["manual"]  # no safety copy either
    finally:
        holder.communicate("\n", timeout=30)
    assert run(["restore", str(old), "--db", str(db_path)]) == 0  # closed: the restore goes ahead
    assert count_rows(db_path).cases == 2  # type: ignore[union-attr]


def test_a_damaged_ledger_is_kept_byte_for_byte_and_a_damaged_backup_is_refused(db_path: Path) -> None:
    db = open_database(db_path)
    add_cases(db, 2)
    db.close()
    good = backups.back_up(db_path)
    bad = backups.back_up(db_path)
    damage_table(bad, "cases")
    with pytest.raises(UserError, match="已损坏"):
        backups.restore_backup(db_path, bad)
    damage_table(db_path, "cases")
    damaged = db_path.read_bytes()
    safety = backups.restore_backup(db_path, good)
    assert safety.read_bytes() == damaged
    open_database(db_path).close()  # healthy again


def test_backup_and_restore_commands(capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    add_cases(db, 4)
    db.close()
    assert run(["backup", "--db", str(db_path)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.is_file()
    (tmp_path / "u盘").mkdir()  # a folder that is not there is refused, not made (test_cli_exit_contracts)
    assert run(["backup", "--to", str(tmp_path / "u盘"), "--db", str(db_path), "--json"]) == 0
    elsewhere = Path(json.loads(capsys.readouterr().out)["file"])
    assert elsewhere.parent == (tmp_path / "u盘").resolve() and elsewhere.is_file()
    assert run(["backup", "--list", "--json", "--db", str(db_path)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["file"], r["cases"], r["kind"]) for r in listed] == [(str(written), 4, "manual")]
    assert run(["backup", "--list", "--db", str(db_path)]) == 0
    assert "售后单 4，订单 4" in capsys.readouterr().out
    assert run(["restore", str(elsewhere), "--db", str(db_path)]) == 0
    assert "已用" in capsys.readouterr().out
    assert run(["restore", str(tmp_path / "nothing.sqlite3"), "--db", str(db_path)]) == 2
    assert "错误：找不到备份文件" in capsys.readouterr().err  # was "已损坏"
    assert run(["backup", "--db", str(tmp_path / "none.sqlite3")]) == 2
    assert "没有可备份的数据库" in capsys.readouterr().err


@POSIX_ONLY
def test_a_backup_onto_a_full_disk_names_the_backup_not_the_ledger(capsys: pytest.CaptureFixture[str],
                                                                  db_path: Path, tmp_path: Path) -> None:
    """It said "磁盘已满（or 读写出错）…数据库 ledger.sqlite3。数据未被修改": the user freed space on the ledger's disk
    while the stick the copy went to was the full one."""
    db = open_database(db_path)
    add_cases(db, 30)
    db.close()
    before = db_path.read_bytes()
    stick = tmp_path / "U盘"
    stick.mkdir()
    with files_up_to(16 * 1024):
        assert run(["backup", "--to", str(stick), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert f"备份失败，无法写入 {stick.resolve()}{os.sep}ledger-" in err and "磁盘读写出错" in err, err
    assert str(db_path) not in err
    assert list(stick.iterdir()) == [] and db_path.read_bytes() == before  # no half copy; the ledger as it was


@pytest.mark.skipif(os.name != "posix", reason="file modes and named pipes are POSIX")
def test_only_regular_files_and_folders_are_made_private(tmp_path: Path) -> None:
    """`--db /dev/null` once made /dev/null root's alone (0600): the ledger's files are made private,
    a device, pipe or socket named as the ledger never is."""
    pipe = tmp_path / "ledger.sqlite3"
    os.mkfifo(pipe, 0o644)
    os.chmod(pipe, 0o644)
    make_ledger_private(pipe)
    assert stat.S_IMODE(pipe.stat().st_mode) == 0o644
    plain = tmp_path / "other.sqlite3"
    plain.write_bytes(b"")
    os.chmod(plain, 0o644)
    make_ledger_private(plain)
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
