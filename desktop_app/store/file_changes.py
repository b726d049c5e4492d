"""Another program's changes to a ledger file: a command-line import, `case act` in a terminal, a script.

A SQLite file has no change notices (a team ledger's are in change_notices.py). What it has is
`PRAGMA data_version`: on one connection, a number that moves whenever any other connection has
committed. The window keeps one such connection, read-only, and looks at it every second (microseconds,
never waiting for a writer). This process's own commits move it too: each one (`LedgerConnection`)
takes the watch's lock around its COMMIT and reads the number again right after, so the number the
watch knows already counts them, and a move it then sees is another program's — even one that came
between two of ours. Who did it and to which cases is read off the audit trail written since.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from desktop_app.core.op_changes import SHOP_SUBJECT


@dataclass(frozen=True, slots=True)
class AuditMark:
    """One entry of the audit trail: who, and the case it belongs to (None: an order's or the shop's);
    `settings`: an entry of the shop's own data (its profile, policies, cost prices: 设置)."""

    id: int
    author: str
    case_id: int | None
    settings: bool = False


class CommitWatch:
    """The commits other programs make to one ledger file, told apart from this process's own."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None
        self._version = 0
        self._audit = 0
        self._theirs = False  # another program committed before one of ours, not yet told
        self._ours: list[tuple[int, int]] = []  # audit ids (after, up to) our commits wrote meanwhile

    def start(self) -> None:
        """Open the watching connection (short busy wait: a restore's check or a checkpoint is waited
        out at the next look) and take what the file holds now as known."""
        with self._lock:
            if self._probe is None:
                self._probe = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2,
                                              isolation_level=None, check_same_thread=False)
            self._known(self._probe)
            _WATCHING[_key(self.path)] = self  # every LedgerConnection of this process to it counts as ours

    def stop(self) -> None:
        """Close the watching connection (a restore wants the file to itself)."""
        with self._lock:
            if _WATCHING.get(_key(self.path)) is self:
                del _WATCHING[_key(self.path)]
            if self._probe is not None:
                self._probe.close()
                self._probe = None

    def _known(self, probe: sqlite3.Connection) -> None:
        self._version, self._audit = self._now(probe)
        self._theirs = False
        self._ours.clear()

    @staticmethod
    def _now(probe: sqlite3.Connection) -> tuple[int, int]:
        version = int(probe.execute("PRAGMA data_version").fetchone()[0])
        return version, int(probe.execute("SELECT coalesce(max(id), 0) FROM audit_events").fetchone()[0])

    def own_commit(self, commit: Any) -> None:
        """Run one of this process's COMMITs so that the watch counts it as ours (nobody watching: a
        command, a window not yet started, only an uncontended lock). A commit of another program
        before ours (ours held the write lock since its start: nobody commits in between) is kept."""
        with self._lock:
            probe = self._probe
            if probe is None:
                commit()
                return
            try:
                version, audit = self._now(probe)
            except sqlite3.Error:
                version, audit = -1, self._audit  # unknown: the next look reads the trail again
            commit()
            try:
                self._theirs = self._theirs or version != self._version
                self._version, after = self._now(probe)
            except sqlite3.Error:
                return
            if not self._theirs:
                self._audit = after
            elif after > audit:
                self._ours.append((audit, after))  # our entries, among theirs not yet told

    def look(self, limit: int = 500) -> list[AuditMark] | None:
        """None when nobody else has committed since the last look; else the audit trail they wrote
        (at most `limit` entries; empty for an order import, which writes none)."""
        with self._lock:
            if self._probe is None:
                return None
            now = int(self._probe.execute("PRAGMA data_version").fetchone()[0])
            if now == self._version and not self._theirs:
                return None
            rows = self._probe.execute(
                "SELECT id, author, case_id, subject = ? FROM audit_events WHERE id > ? ORDER BY id LIMIT ?",
                (SHOP_SUBJECT, self._audit, limit)).fetchall()
            marks = [AuditMark(int(i), author or "", case_id, bool(shop)) for i, author, case_id, shop in rows
                     if not any(low < i <= high for low, high in self._ours)]
            self._version = now
            self._audit = max([self._audit, *(int(r[0]) for r in rows)])
            self._theirs = False
            self._ours.clear()
            return marks


# The files this process watches (a window's ledger), by their real path: commits through any of this
# process's connections to one (the engine's, the ledger id's) are its own.
_WATCHING: dict[str, CommitWatch] = {}


class LedgerConnection(sqlite3.Connection):
    """The app's connection to a ledger file: its commits are counted by the file's `CommitWatch` when one
    is watching it, and it knows which file it opened (a restore may replace the one at its path
    meanwhile: `replaced`). `database` is a path or a `file:` URI."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        text = str(database)
        self._path = unquote(urlsplit(text).path) if text.startswith("file:") else text
        self._key = _key(self._path)
        self._file: tuple[int, int] | None = _identity(self._path)

    @property
    def path(self) -> str:
        return str(self._path)

    def replaced(self) -> bool:
        """True when the path now names another file than the one this connection opened (a restore
        replaced it): what it would write went into the old one, which nobody will read again."""
        return self._file is not None and _identity(self._path) != self._file

    def commit(self) -> None:
        watch = _WATCHING.get(self._key)
        if watch is None:
            super().commit()
        else:
            watch.own_commit(super().commit)

    def __exit__(self, kind: object, error: object, trace: object) -> Literal[False]:
        """`with conn:` as sqlite3's, but committing through `commit` above: sqlite3's own commits in C, past
        it, and a window watching the file took that commit (the ledger id of the first daily backup) for
        another program's."""
        if kind is None:
            self.commit()
        else:
            self.rollback()
        return False


def _key(path: Any) -> str:
    return os.path.realpath(path)


def _identity(path: Any) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return found.st_dev, found.st_ino
