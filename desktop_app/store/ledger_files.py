"""The ledger as a file: a bounded integrity check, online copies, counts of a copy, user-only modes.

SQLite-specific (like `database.py`): a later PostgreSQL store checks and backs up on the server.
Works on plain `sqlite3` connections so that a damaged file, which SQLAlchemy cannot even reflect, can
still be examined, and so that a backup never goes through the app's session machinery.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
import threading
import time
import uuid
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from desktop_app.store.file_changes import LedgerConnection
from desktop_app.store.held_files import ledger_bytes

SQLITE_HEADER = b"SQLite format 3\x00"
# The check at every open stops after this long. Measured on a shared 2-core machine: a 64 MB ledger
# (50,000 orders and cases) takes 0.4–0.9 s in full, a 0.5 MB one 0.02 s; so a shop's usual ledger is
# checked whole at every open, a big one in part (the window then checks it whole in the background,
# `python -m desktop_app check` on demand), and no command waits more than this for it.
OPEN_CHECK_SECONDS = 0.5
# SQLite error names (Python 3.11+ `sqlite_errorname`) that mean the file itself is damaged.
_DAMAGE_ERRORS = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_BUSY_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED")


class CheckOutcome(Enum):
    HEALTHY = "healthy"
    DAMAGED = "damaged"
    UNFINISHED = "unfinished"  # the time budget ran out before the check covered the whole file


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    outcome: CheckOutcome
    problems: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def damaged(self) -> bool:
        return self.outcome is CheckOutcome.DAMAGED


def is_damage(error: BaseException) -> bool:
    """True when a sqlite3 error says the file is damaged (not busy, not full, not read-only)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(_DAMAGE_ERRORS):
        return True
    text = str(error)
    return "malformed" in text or "file is not a database" in text


def is_busy(error: BaseException) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(_BUSY_ERRORS) or "database is locked" in str(error)


def in_use_elsewhere(path: Path, wait_seconds: float = 1.0) -> bool:
    """True while another connection holds the file open (a window, a command, an import under way):
    an exclusive lock cannot be had within `wait_seconds`. In WAL mode every open connection keeps a
    shared lock, idle or not. A file that is missing or cannot be read is not "in use"."""
    if not path.is_file():
        return False
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=wait_seconds,
                                isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        probe.execute("PRAGMA locking_mode=EXCLUSIVE")
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.Error as error:
        return is_busy(error)
    finally:
        probe.close()
    return False


class Hold(Enum):
    HELD = "held"  # this process has the file alone, unchanged since it was first looked at
    IN_USE = "in_use"  # another connection has it open
    WRITTEN = "written"  # another program committed since it was first looked at


class FileNote:
    """What a ledger file held when first looked at, to ask later whether anyone committed since
    (`PRAGMA data_version` on this connection of its own; read-only unless `writable`)."""

    def __init__(self, path: Path, writable: bool = False) -> None:
        self._conn: sqlite3.Connection | None = None
        self._version = 0
        if not path.is_file():
            return
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={'rw' if writable else 'ro'}", uri=True,
                                   timeout=1.0, isolation_level=None)
        except sqlite3.Error:
            return
        try:
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._conn = conn
        except sqlite3.Error:  # a damaged file: nothing to watch it by (and nobody can write to it)
            conn.close()

    def written(self) -> bool:
        """True when another connection has committed to the file since it was first looked at."""
        if self._conn is None:
            return False
        try:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0]) != self._version
        except sqlite3.Error as error:
            return is_busy(error)  # held by a writer right now: it is writing

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class ReplaceGuard(FileNote):
    """The ledger file, watched from before a restore copies it until the backup replaces it.

    `in_use_elsewhere` is asked once, before the copies: a command started after that (a script's import,
    `case add`) wrote into the file the copies had already been made of, was told it was saved, and the
    restore then replaced the file — its work was in neither the restored ledger nor the 恢复前 copy. This
    connection notes the file's `data_version` first; `take()` then takes the file alone and says whether
    anyone committed meanwhile. Held, the file stays locked until `close()`, after the replace: a program
    opening it meanwhile waits, then finds it replaced (`LedgerConnection.replaced`) instead of writing
    into the old one.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, writable=True)

    def take(self) -> Hold:
        """Take the file alone (waiting the connection's second); out of WAL mode, so that closing this
        connection after the replace never touches the new file's -wal by its name."""
        conn = self._conn
        if conn is None:
            return Hold.HELD
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")  # the lock stays: exclusive locking mode keeps it until close
            if int(conn.execute("PRAGMA data_version").fetchone()[0]) != self._version:
                return Hold.WRITTEN
        except sqlite3.Error as error:
            if is_busy(error):
                return Hold.IN_USE
            return Hold.HELD  # a damaged file (what a restore is most often for): nobody can write to it
        with contextlib.suppress(sqlite3.Error):  # damaged beyond its header: left as it is
            conn.execute("PRAGMA journal_mode=DELETE")
        return Hold.HELD


def has_sqlite_header(path: Path) -> bool:
    try:
        with ledger_bytes(path) as handle:  # the open ledger too (the complete check): SQLite's locks kept
            return handle.read(16) == SQLITE_HEADER
    except OSError:
        return False


def check_integrity(path: Path, budget_seconds: float | None = OPEN_CHECK_SECONDS) -> IntegrityReport:
    """`PRAGMA quick_check` of the file (read-only), stopped after `budget_seconds` (None: no limit).

    quick_check reads every page of every table and index and checks the b-trees, but not that each
    index matches its table (what `integrity_check` adds at many times the cost).
    """
    started = time.perf_counter()
    if not has_sqlite_header(path):
        return IntegrityReport(CheckOutcome.DAMAGED, ("文件头不是 SQLite 数据库",), 0.0)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as error:
        return _from_error(error, started)
    # The b-tree walk is one VM instruction (no progress handler runs inside it on SQLite < 3.43), but it
    # looks at the interrupt flag page by page: a timer thread sets it when the budget is spent.
    timer = None
    if budget_seconds is not None:
        timer = threading.Timer(max(0.0, budget_seconds - (time.perf_counter() - started)), conn.interrupt)
        timer.daemon = True
        timer.start()
    try:
        rows = conn.execute("PRAGMA quick_check(20)").fetchall()
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            return IntegrityReport(CheckOutcome.UNFINISHED, (), time.perf_counter() - started)
        return _from_error(error, started)
    except sqlite3.Error as error:
        return _from_error(error, started)
    finally:
        if timer is not None:
            timer.cancel()
        conn.close()
    problems = tuple(str(row[0]) for row in rows if row and row[0] != "ok")
    outcome = CheckOutcome.DAMAGED if problems else CheckOutcome.HEALTHY
    return IntegrityReport(outcome, problems, time.perf_counter() - started)


def _from_error(error: sqlite3.Error, started: float) -> IntegrityReport:
    if not is_damage(error):
        # Another process holds the file, or the check could not read it here (a read-only folder where
        # SQLite cannot make its -shm, a full disk, no permission): not a verdict on the file. Called damaged,
        # a healthy ledger was refused and the user sent to restore an older backup over it.
        return IntegrityReport(CheckOutcome.UNFINISHED, (), time.perf_counter() - started)
    return IntegrityReport(CheckOutcome.DAMAGED, (str(error),), time.perf_counter() - started)


def copy_online(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's online backup API (the source may be in use meanwhile).

    Written to a temporary name beside the target and renamed at the end, so that a copy cut short
    (power loss, a full disk) never looks like a backup. SQLite's failures to write the copy (its disk
    full, read-only, failing) are raised as `OSError` naming the copy: read as a failure of the ledger's
    own file, they sent the user to free space on the wrong disk ("磁盘已满，无法写入数据库 ledger.sqlite3").
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        _create_private(partial)
        dest = sqlite3.connect(partial)
        try:
            # All pages in one step: one read snapshot (WAL readers do not block the app's writers), so a
            # write meanwhile never restarts the copy.
            src.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        except sqlite3.Error as error:
            failure = _write_failure(error, target)
            if failure is None:
                raise
            raise failure from error
        finally:
            dest.close()
    except BaseException:
        # With the copy its journal: a disk that filled up mid-copy kept "….partial-journal" in the backup folder.
        for leftover in ("", "-journal", "-wal", "-shm"):
            partial.with_name(partial.name + leftover).unlink(missing_ok=True)
        raise
    finally:
        src.close()
    os.replace(partial, target)


# What SQLite says when it cannot write a file, as the system's error numbers.
_WRITE_ERRORS = (("SQLITE_FULL", errno.ENOSPC), ("SQLITE_READONLY", errno.EROFS), ("SQLITE_CANTOPEN", errno.EACCES),
                 ("SQLITE_IOERR", errno.EIO))


def _write_failure(error: sqlite3.Error, target: Path) -> OSError | None:
    """The OSError for a copy SQLite could not write (None: another failure, such as a damaged source)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    for prefix, number in _WRITE_ERRORS:
        if name.startswith(prefix):
            return OSError(number, str(error), str(target))
    return None


def _create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 before SQLite opens it (SQLite keeps an existing mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))


@dataclass(frozen=True, slots=True)
class LedgerCounts:
    cases: int
    orders: int


def other_programs_tables(path: Path) -> list[str]:
    """The tables of a SQLite file without a ledger's schema version (another program's file); empty for
    a ledger, an empty file, or one that cannot be read (opening it says why)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return []
    try:
        names = [str(row[0]) for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite~_%' ESCAPE '~'")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [] if "alembic_version" in names else names


def count_rows(path: Path) -> LedgerCounts | None:
    """Cases and orders in a ledger file (a backup), or None when the file cannot be read as one."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return LedgerCounts(int(cases), int(orders))


def ledger_revision(path: Path) -> str | None:
    """The schema revision a ledger file (a backup) was last written at, or None when it has none or cannot be read."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else str(row[0])


# Which ledger a file is, kept inside it (the settings table) so that its backups are told from those of
# another ledger with the same file name (`--db D:/店铺2/ledger.sqlite3` beside the default one) and
# follow it when the data folder moves to a new computer.
LEDGER_ID_KEY = "ledger_id"


def ledger_id(path: Path) -> str | None:
    """The ledger's identity as written in it, or None (none yet, or the file cannot be read as a ledger)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (LEDGER_ID_KEY,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def ensure_ledger_id(path: Path) -> str | None:
    """The ledger's identity, written into it first when it has none (None: it could not be written, e.g.
    a read-only file or one another program holds for long; its backups are then told by name alone)."""
    found = ledger_id(path)
    if found is not None:
        return found
    try:
        # A LedgerConnection: the window that asks for it (the daily backup) knows this commit is its own.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=5, factory=LedgerConnection)
    except sqlite3.Error:
        return None
    try:
        with conn:
            conn.execute("INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (LEDGER_ID_KEY, uuid.uuid4().hex))
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return ledger_id(path)


def make_private(path: Path) -> None:
    """User-only access on POSIX: 0700 for a folder, 0600 for a file. On Windows the files live in the
    user's profile, whose ACL already keeps other users out; chmod there only sets read-only bits."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            return  # `--db /dev/null` made /dev/null root's alone: never touch a device, a pipe or a socket
        wanted = 0o700 if stat.S_ISDIR(mode) else 0o600
        if stat.S_IMODE(mode) & 0o077:
            path.chmod(wanted)
    except OSError:
        pass  # a file on a filesystem without modes (FAT, some network shares)


def make_ledger_private(db_path: Path) -> None:
    """The ledger with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = db_path.with_name(db_path.name + suffix)
        if candidate.exists():
            make_private(candidate)
