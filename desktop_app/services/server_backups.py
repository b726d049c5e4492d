"""Backups of a team ledger on PostgreSQL: `pg_dump` into the same backup folder as the file backups.

SQLite's online backup copies a file; a server's database is copied by the server's own tool. This
works where `pg_dump` is installed (the PostgreSQL client tools: on the server itself, or any seat
that installed them); elsewhere the message says so and names the command to run on the server.
The password goes to `pg_dump` in its environment, never on its command line (other users of the
computer can read command lines).
"""

from __future__ import annotations

import atexit
import glob
import logging
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.services.backups import AUTO_KINDS, BackupFile, backup_folder, rotate_automatic
from desktop_app.store.locations import LedgerLocation

log = logging.getLogger(__name__)

ENV_PG_DUMP = "AFTERSALES_PG_DUMP"  # where pg_dump is, if not on PATH
DUMP_TIMEOUT_SECONDS = 3600
_TOOL_FOLDERS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/opt/homebrew/opt/postgresql*/bin",
                 "/Applications/Postgres.app/Contents/Versions/*/bin", r"C:\Program Files\PostgreSQL\*\bin")


def find_pg_dump() -> str | None:
    """`AFTERSALES_PG_DUMP`, `pg_dump` on PATH, or the newest one in the usual install folders."""
    chosen = os.environ.get(ENV_PG_DUMP, "").strip()
    if chosen:
        return chosen if Path(chosen).is_file() else None
    on_path = shutil.which("pg_dump")
    if on_path:
        return on_path
    name = "pg_dump.exe" if os.name == "nt" else "pg_dump"
    found = sorted((Path(folder) / name for pattern in _TOOL_FOLDERS for folder in glob.glob(pattern)),
                   key=lambda p: _version_key(p.parent.parent.name))
    existing = [p for p in found if p.is_file()]
    return str(existing[-1]) if existing else None


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.replace("postgresql@", "").split(".") if part.isdigit())


_DUMP_NAME = re.compile(r"^(?P<database>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>[a-z]+\d*)\.dump$")
_STAMP = "%Y%m%d-%H%M%S"


def daily_server_backup(location: LedgerLocation, now: datetime | None = None) -> Path | None:
    """The team ledger's automatic backup at start-up, as the file ledger has its own: at most one dump
    a day into this computer's backup folder, rotated like the file backups (7 daily, 4 weekly). None
    when one was taken today, or when this computer has no pg_dump (备份与恢复 says how to get it; a
    message at every start of every seat without it would only be noise)."""
    when = now or datetime.now()
    assert location.url is not None
    if find_pg_dump() is None:
        log.info("no pg_dump on this computer: no automatic backup of the team ledger")
        return None
    dumps = server_dumps(str(location.url.database))
    if any(d.kind in AUTO_KINDS and d.taken_at.date() == when.date() for d in dumps):
        return None
    written = dump_server(location, kind="daily", now=when)
    rotate_automatic([d for d in server_dumps(str(location.url.database)) if d.kind in AUTO_KINDS], when)
    return written


def server_dumps(database: str) -> list[BackupFile]:
    """The dumps of this database in the backup folder, newest first."""
    folder = backup_folder()
    found = []
    for path in folder.glob("*.dump") if folder.is_dir() else ():
        match = _DUMP_NAME.match(path.name)
        if match and match["database"] == database:
            found.append(BackupFile(path, datetime.strptime(match["stamp"], _STAMP), match["kind"]))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def dump_server(location: LedgerLocation, folder: Path | None = None, kind: str = "manual",
                now: datetime | None = None) -> Path:
    """Write `<database>-<time>-<kind>.dump` (pg_dump's custom format, for pg_restore) into `folder`
    (default: the backup folder); returns the file."""
    url = location.url
    assert url is not None
    tool = find_pg_dump()
    if tool is None:
        raise UserError(msg.say(msg.NO_PG_DUMP, ENV_PG_DUMP, str(url.database)))
    target_folder = (folder or backup_folder()).expanduser()
    target_folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime(_STAMP)
    target = target_folder / f"{url.database}-{stamp}-{kind}.dump"
    partial = target.with_name(target.name + ".partial")
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    try:
        process = subprocess.Popen([tool, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={plain}"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise UserError(msg.say(msg.PG_DUMP_NOT_RUN, str(exc))) from None
    _running[process] = partial
    try:
        _out, err = process.communicate(timeout=DUMP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        partial.unlink(missing_ok=True)
        raise UserError(msg.say(msg.PG_DUMP_NOT_RUN, str(exc))) from None
    finally:
        _running.pop(process, None)
    if process.returncode != 0:
        partial.unlink(missing_ok=True)
        older = _older_than_server(err)
        if older is not None:
            ours, server = older
            raise UserError(msg.say(msg.PG_DUMP_TOO_OLD, ours, server, server.split(".")[0], ENV_PG_DUMP,
                                    str(url.database)))
        reason = (err.strip().splitlines() or [msg.UNKNOWN_REASON])[-1]
        raise UserError(msg.say(msg.PG_DUMP_FAILED, reason))
    if os.name == "posix":
        partial.chmod(0o600)
    os.replace(partial, target)
    return target


# pg_dump refuses a server of a newer major version ("aborting because of server version mismatch"), naming
# both: "server version: 16.4 (Debian …); pg_dump version: 15.18" (English), "服务器版本: 16.4; pg_dump 版本: 15.18"
# (its Chinese). Its last line alone, said as the reason, was half of it.
_VERSIONS = re.compile(r"(?:server version|服务器版本)\s*[:：]\s*(\d+(?:\.\d+)*)[^;\n]*;\s*"
                       r"pg_dump\s*(?:version|版本)\s*[:：]\s*(\d+(?:\.\d+)*)")


def _older_than_server(stderr: str) -> tuple[str, str] | None:
    """(pg_dump's version, the server's) when pg_dump failed for being older than the server, else None."""
    found = _VERSIONS.search(stderr)
    if found is None:
        return None
    ours, server = found[2], found[1]
    return (ours, server) if _version_key(ours)[:1] < _version_key(server)[:1] else None


# Dumps under way, and their files. pg_dump outlives the app (a window closed during its start-up
# dump): it went on alone and left a full-size `.partial` that no later start counted, so every start
# dumped again. At exit they are stopped and their files removed.
_running: dict[subprocess.Popen[str], Path] = {}


def _stop_running_dumps() -> None:
    for process, partial in list(_running.items()):
        process.kill()
        process.wait(timeout=10)
        partial.unlink(missing_ok=True)


atexit.register(_stop_running_dumps)
