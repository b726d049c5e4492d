"""Moving a shop's ledger from its SQLite file to the team's PostgreSQL server (`migrate-to`).

The file is left exactly as it was: the copy is read from a snapshot of it (SQLite's online backup,
upgraded to this version's schema if it is older). The server's database must be empty; everything
is written in one transaction and the row counts of every table are compared before it commits, so
the server ends up with the whole ledger or nothing. The shop's edited rule packs, working-day
adjustments and holiday schedule (this computer's data folder) go along into the server's `rule_files`:
there every seat computes with them.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.paths import data_dir, temp_file
from desktop_app.services.evidence_files import MAX_SHARED_BYTES
from desktop_app.services.shop_profile import SETTING_KEY
from desktop_app.services.shop_rules import local_rule_texts
from desktop_app.store.database import open_database
from desktop_app.store.import_turns import take_import_turn
from desktop_app.store.ledger_copy import Progress, copy_rows, row_counts
from desktop_app.store.ledger_errors import server_user_error
from desktop_app.store.ledger_files import FileNote, copy_online, has_sqlite_header
from desktop_app.store.locations import LedgerLocation
from desktop_app.store.rule_files import keep_rule_files
from desktop_app.store.setting_rows import forget_seats
from desktop_app.store.shared_files import evidence_paths, keep_file_from, setting_values

# What the summary names, in the order a shop owner thinks of them.
TABLE_LABELS = {
    "orders": "订单", "order_items": "订单商品", "cases": "售后单", "audit_events": "时间线记录",
    "reships": "补发", "carrier_claims": "快递理赔", "deadlines": "时限", "case_evidence": "售后凭证",
    "claim_evidence": "理赔凭证",
}


@dataclass(frozen=True)
class MoveResult:
    source: Path
    target: str  # the server, password hidden
    counts: dict[str, int]  # rows per table, equal on both sides
    files: int = 0  # evidence files and seal images now kept on the server for every seat
    missing_files: tuple[str, ...] = ()  # listed in the ledger but not in this computer's data folder
    rule_files: tuple[str, ...] = ()  # the shop's edited rules and holiday schedule, now the team's


def move_ledger(source: Path, target: LedgerLocation, seat: str = "",
                progress: Progress | None = None) -> MoveResult:
    """Copy the ledger file `source` into the empty database at `target`."""
    source = source.expanduser().resolve()
    if not source.is_file() or not has_sqlite_header(source):
        raise UserError(msg.say(msg.NO_LEDGER_TO_MOVE, str(source)))
    # The rules the file's deadlines were computed with go along: on the server every seat uses them.
    rules = local_rule_texts()
    if target.path is not None and target.path.expanduser().resolve() == source:
        raise UserError("迁移的目标就是源文件本身")
    handle, snapshot = temp_file("move-", ".sqlite3")
    os.close(handle)
    # A window or a command writing to the file while it is copied: what it saved is not in the snapshot,
    # and the shop then works on the server without it. Asked again just before the server commits.
    note = FileNote(source)
    try:
        copy_online(source, snapshot)
        origin = open_database(snapshot, check_seconds=None)
        try:
            with _named_after(target):
                destination = open_database(target, seat=seat)
            try:
                with _named_after(target), origin.engine.connect() as reading, destination.engine.begin() as writing:
                    # Two moves into one database at once (two computers, a button pressed twice) both found
                    # it empty and the second failed on the first one's keys ("内部错误（IntegrityError）"):
                    # the second now waits and is told it has data. An import by a seat waits too.
                    take_import_turn(writing)
                    forget_seats(writing)  # a seat that opened the empty database took its name: not data
                    already = {name: n for name, n in row_counts(writing).items() if n}
                    if already:
                        raise UserError(msg.say(msg.MOVE_TARGET_NOT_EMPTY, target.display(), _describe(already)))
                    expected = row_counts(reading)
                    files = _files_to_share(reading)  # one over the team's cap stops the move before it starts
                    copy_rows(reading, writing, progress)
                    arrived = row_counts(writing)
                    if arrived != expected:
                        raise UserError(msg.say(msg.MOVE_COUNTS_DIFFER, _differences(expected, arrived)))
                    shared = _share_files(writing, files)
                    keep_rule_files(writing, rules, seat)
                    if note.written():
                        raise UserError(msg.say(msg.MOVE_SOURCE_WRITTEN, str(source)))
            finally:
                destination.close()
        finally:
            origin.close()
    finally:
        note.close()
        for leftover in (snapshot, snapshot.with_name(snapshot.name + "-wal"),
                         snapshot.with_name(snapshot.name + "-shm")):
            leftover.unlink(missing_ok=True)
    return MoveResult(source, target.display(), expected, shared, tuple(files.missing), tuple(rules))


@contextlib.contextmanager
def _named_after(target: LedgerLocation) -> Iterator[None]:
    """The server failing (unreachable, a wrong password, stopped mid-copy) is said with its address:
    the CLI's top level named the file of `--db` ("无法登录团队数据库 ledger.sqlite3")."""
    try:
        yield
    except Exception as exc:
        known = server_user_error(exc, target)
        if known is None:
            raise
        raise known from exc


@dataclass(frozen=True)
class _FilesToShare:
    found: list[tuple[str, Path]]  # stored path, the file in this computer's data folder
    missing: list[str]  # listed in the ledger, not in the data folder


def _files_to_share(reading: Connection) -> _FilesToShare:
    """The evidence files and seals of the file ledger (in this computer's data folder) that go into the
    server, so that every seat can show and print them; one over the cap a team ledger keeps for a file
    (evidence_files.MAX_SHARED_BYTES) is refused here, naming it, before anything is written."""
    paths = evidence_paths(reading)
    for value in setting_values(reading, SETTING_KEY):
        with contextlib.suppress(json.JSONDecodeError, AttributeError, TypeError):
            seal = json.loads(value).get("seal_image")
            if seal:
                paths.append(str(seal))
    home = data_dir().resolve()
    found: list[tuple[str, Path]] = []
    missing: list[str] = []
    over: list[tuple[Path, int]] = []
    for stored in dict.fromkeys(paths):
        path = (home / stored).resolve()
        if not path.is_relative_to(home) or not path.is_file():
            missing.append(stored)
            continue
        if (size := path.stat().st_size) > MAX_SHARED_BYTES:
            over.append((path, size))
        found.append((stored, path))
    if over:
        path, size = max(over, key=lambda pair: pair[1])
        megabytes = 1024 * 1024
        raise UserError(msg.say(msg.MOVE_FILE_TOO_BIG, -(-size // megabytes), str(path),
                                MAX_SHARED_BYTES // megabytes, len(over)))
    return _FilesToShare(found, missing)


def _share_files(writing: Connection, files: _FilesToShare) -> int:
    """The files into the server, each streamed (store/shared_files.keep_file_from); returns how many."""
    for stored, path in files.found:
        keep_file_from(writing, stored, path)
    return len(files.found)


def _describe(counts: dict[str, int]) -> str:
    named = [msg.say(msg.TABLE_COUNT, TABLE_LABELS[t], n) for t, n in counts.items() if t in TABLE_LABELS]
    return msg.listed(named) or msg.listed([msg.say(msg.TABLE_ROWS, t, n) for t, n in counts.items()])


def _differences(expected: dict[str, int], arrived: dict[str, int]) -> str:
    return msg.listed([msg.say(msg.TABLE_SHORT, t, n, arrived.get(t, 0)) for t, n in expected.items()
                       if arrived.get(t) != n])
