"""Backups of the ledger: taken, kept with rotation, listed, checked and restored.

    back_up(db_path)                      # now, into the backup folder; returns the file written
    daily_backup(db_path)                 # at start-up: at most one automatic backup a day
    list_backups(db_path)                 # newest first, with the migration copies beside the ledger
    newest_good_backup(db_path)           # what to offer when the ledger is damaged
    restore_backup(db_path, backup)       # the current file is backed up first

Copies go through SQLite's online backup API (consistent while the ledger is in use). They live in
the backup folder: `<data folder>/backups` unless the user chose another (a cloud-synced folder is
the common choice), remembered in `<data folder>/backups.json` — a file, not the ledger, so that a
damaged ledger never hides where its backups are. Automatic backups keep 7 daily and 4 weekly copies;
copies the user asked for (`backup`, before a restore) are never deleted by the rotation.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.paths import data_dir
from desktop_app.store.ledger_files import (
    CheckOutcome,
    Hold,
    LedgerCounts,
    ReplaceGuard,
    check_integrity,
    copy_online,
    count_rows,
    ensure_ledger_id,
    in_use_elsewhere,
    ledger_id,
    ledger_revision,
    make_ledger_private,
    make_private,
)
from desktop_app.store.revisions import KNOWN_REVISIONS

SETTINGS_FILE = "backups.json"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
# Kinds of backup, in the file name: automatic ones are rotated, the others are kept.
AUTO_KINDS = ("daily", "import")
KINDS = {"daily": "每日自动", "import": "导入前", "manual": "手动", "restore": "恢复前", "migration": "升级前"}
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<kind>[a-z]+\d*)\.sqlite3$")
_MIGRATION_COPY = re.compile(r"\.bak-(?P<revision>.+)-(?P<stamp>\d{8}-\d{6})$")
_STAMP = "%Y%m%d-%H%M%S"
# A backup offered in place of a damaged ledger is checked in full, but a huge one not for ever.
_GOOD_BACKUP_CHECK_SECONDS = 20.0
_STALE_PARTIAL_SECONDS = 3600
_SAFETY_CHECK_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class BackupFile:
    path: Path
    taken_at: datetime
    kind: str  # a key of KINDS

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


# --- where -------------------------------------------------------------------------------------

def _settings_path() -> Path:
    return data_dir() / SETTINGS_FILE


def default_backup_folder() -> Path:
    return data_dir() / "backups"


def backup_folder() -> Path:
    """The folder the user chose, or `<data folder>/backups`. An unreadable setting falls back."""
    try:
        # utf-8-sig: saved again by Windows' Notepad (a byte order mark), the cloud folder was dropped for the default
        saved = json.loads(_settings_path().read_text(encoding="utf-8-sig")).get("folder")
    except (OSError, ValueError, AttributeError):
        saved = None
    return Path(saved).expanduser() if isinstance(saved, str) and saved.strip() else default_backup_folder()


def set_backup_folder(folder: Path | None) -> Path:
    """Remember the backup folder (None: back to the default); returns the folder now in use."""
    if folder is not None:
        folder = Path(folder).expanduser().resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(msg.say(msg.BACKUP_FOLDER_UNUSABLE, str(folder), system_error_text(error))) from None
    path = _settings_path()
    path.write_text(json.dumps({"folder": str(folder) if folder else None}, ensure_ascii=False), encoding="utf-8")
    make_private(path)
    return backup_folder()


def _prepared(folder: Path) -> Path:
    """The folder, created user-only when it is new (a folder the user already has keeps its mode)."""
    if folder.is_dir():
        return folder
    try:
        folder.mkdir(mode=0o700, parents=True)
    except OSError as error:
        raise UserError(msg.say(msg.BACKUP_FOLDER_UNMADE, str(folder), system_error_text(error))) from None
    make_private(folder)
    return folder


# --- taking --------------------------------------------------------------------------------------

def back_up(db_path: Path, folder: Path | None = None, kind: str = "manual",
            now: datetime | None = None) -> Path:
    """Copy the ledger into `folder` (default: the backup folder) as `<stem>-<time>-<kind>.sqlite3`."""
    source = Path(db_path).expanduser().resolve()
    if not source.is_file() or source.stat().st_size == 0:
        raise UserError(msg.say(msg.NOTHING_TO_BACK_UP, str(source)))
    target_folder = _prepared(Path(folder).expanduser().resolve() if folder else backup_folder())
    ensure_ledger_id(source)  # the copy carries it: `list_backups` tells it from another ledger's of this name
    when = now or datetime.now()
    stamp = when.strftime(_STAMP)
    target = target_folder / f"{source.stem}-{stamp}-{kind}.sqlite3"
    suffix = 1
    while target.exists():  # two backups in one second
        suffix += 1
        target = target_folder / f"{source.stem}-{stamp}-{kind}{suffix}.sqlite3"
    try:
        copy_online(source, target)
    except OSError as error:
        raise UserError(msg.say(msg.BACKUP_UNWRITTEN, str(target), system_error_text(error))) from None
    make_private(target)
    return target


def daily_backup(db_path: Path, now: datetime | None = None) -> Path | None:
    """The automatic backup at start-up: none when one was taken today already; then the rotation."""
    when = now or datetime.now()
    source = Path(db_path).expanduser().resolve()
    if not source.is_file() or source.stat().st_size == 0:
        return None
    ensure_ledger_id(source)  # so that another ledger of this name backed up today does not count
    if any(b.kind in AUTO_KINDS and b.taken_at.date() == when.date() for b in list_backups(source)):
        return None
    written = back_up(source, kind="daily", now=when)
    rotate(source, now=when)
    return written


def rotate(db_path: Path, now: datetime | None = None) -> list[Path]:
    """Delete automatic backups beyond the newest of each of the last 7 days that have one and the
    newest of each of the 4 weeks before those; returns the files deleted."""
    automatic = [b for b in list_backups(db_path) if b.kind in AUTO_KINDS and b.path.parent == backup_folder()]
    return rotate_automatic(automatic, now)


def rotate_automatic(automatic: list[BackupFile], now: datetime | None = None) -> list[Path]:
    """`rotate` over these automatic backups of one ledger (newest first), also the team ledger's dumps."""
    keep: set[Path] = set()
    days: dict[object, BackupFile] = {}
    for backup in automatic:  # newest first: the first seen of a day is its newest
        days.setdefault(backup.taken_at.date(), backup)
    daily = list(days.values())[:KEEP_DAILY]
    keep.update(b.path for b in daily)
    oldest_daily = min((b.taken_at for b in daily), default=now or datetime.now())
    weeks: dict[object, BackupFile] = {}
    for backup in automatic:
        if backup.taken_at < oldest_daily:
            weeks.setdefault(backup.taken_at.isocalendar()[:2], backup)
    keep.update(b.path for b in list(weeks.values())[:KEEP_WEEKLY])
    removed = []
    for partial in backup_folder().glob("*.partial") if backup_folder().is_dir() else ():
        if partial.stat().st_mtime < (now or datetime.now()).timestamp() - _STALE_PARTIAL_SECONDS:
            partial.unlink(missing_ok=True)  # a copy cut short by a crash or a kill
            removed.append(partial)
    for backup in automatic:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


# --- finding -------------------------------------------------------------------------------------

def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupFile]:
    """Backups of this ledger, newest first: in the backup folder and the migration copies beside it.

    A backup in the folder is this ledger's when it has the ledger's name and carries its identity (or none:
    taken before identities were kept). Another ledger of the same name (`--db 店铺2/ledger.sqlite3`) has its
    own: by name alone, one ledger listed the other's backups to restore, skipped its daily backup when the
    other had one that day and rotated the other's copies away. A ledger that cannot be read (damaged) is
    offered every backup of its name."""
    source = Path(db_path).expanduser().resolve()
    own = ledger_id(source)
    found: list[BackupFile] = []
    search = Path(folder) if folder else backup_folder()
    if search.is_dir():
        for path in search.iterdir():
            match = _NAME.match(path.name)
            if match and match["stem"] == source.stem and path.is_file() and _is_of(own, path):
                kind = match["kind"].rstrip("0123456789")
                found.append(BackupFile(path, datetime.strptime(match["stamp"], _STAMP), kind))
    if source.parent.is_dir():
        for path in source.parent.glob(f"{source.name}.bak-*"):
            match = _MIGRATION_COPY.search(path.name)
            if match and path.is_file():
                found.append(BackupFile(path, datetime.strptime(match["stamp"], _STAMP), "migration"))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _is_of(own: str | None, backup: Path) -> bool:
    if own is None:
        return True
    theirs = ledger_id(backup)
    return theirs is None or theirs == own


def backup_counts(backup: BackupFile) -> LedgerCounts | None:
    """Cases and orders in a backup (None: it cannot be read)."""
    return count_rows(backup.path)


def newest_good_backup(db_path: Path) -> BackupFile | None:
    """The newest backup that passes the integrity check in full."""
    for backup in list_backups(db_path):
        if check_integrity(backup.path, _GOOD_BACKUP_CHECK_SECONDS).outcome is CheckOutcome.HEALTHY:
            return backup
    return None


def damaged_advice(db_path: Path) -> str:
    """What to do about a damaged ledger: the newest good backup by name, or how to find one."""
    good = newest_good_backup(db_path)
    if good is None:
        return msg.say(msg.NO_GOOD_BACKUP, str(backup_folder()))
    return msg.say(msg.NEWEST_GOOD_BACKUP, str(good.path), f"{good.taken_at:%Y-%m-%d %H:%M}", good.kind_label,
                   str(good.path))


# --- restoring -----------------------------------------------------------------------------------

def restore_backup(db_path: Path, backup: Path) -> Path:
    """Replace the ledger with `backup`; the current file is copied first (kind `restore`), returned.

    The ledger must not be open in this process (close its Database first), and is refused while another
    process has it open. The backup is checked before anything is touched; a damaged current file is
    copied byte for byte (with its WAL).
    """
    target = Path(db_path).expanduser().resolve()
    source = Path(backup).expanduser().resolve()
    if not source.is_file():
        raise UserError(msg.say(msg.NO_BACKUP_FILE, str(source)) if not source.exists()
                        else msg.say(msg.NOT_A_FILE, str(source)))
    report = check_integrity(source, None)
    if report.outcome is not CheckOutcome.HEALTHY:
        raise UserError(msg.say(msg.BACKUP_DAMAGED, str(source)))
    if count_rows(source) is None:
        raise UserError(msg.say(msg.NOT_A_BACKUP, str(source)))
    revision = ledger_revision(source)
    if revision is not None and revision not in KNOWN_REVISIONS:
        # A copy another computer's newer version wrote: restored, it replaced the ledger with one this version
        # refuses to open (every command and the window: 由更新版本的售后台账创建).
        raise UserError(msg.say(msg.BACKUP_TOO_NEW, str(source), revision))
    if in_use_elsewhere(target):
        # Replaced under it, a window kept writing into the old file: everything done there since was lost.
        raise UserError(msg.say(msg.RESTORE_IN_USE, str(target)))
    damaged = _damaged(target)
    if not damaged:
        # The 恢复前 copy carries the ledger's identity: written now, before the guard notes the file — written
        # after, it was this restore's own write taken for another program's (a ledger never backed up before).
        ensure_ledger_id(target)
    guard = ReplaceGuard(target)  # a program that starts writing from here on is not lost either
    try:
        safety = _keep_current(target, damaged)
        staged = target.with_name(target.name + ".restoring")
        try:
            copy_online(source, staged)
        except OSError as error:
            raise UserError(f"恢复失败，无法写入 {staged}：{system_error_text(error)}。数据库未被修改"
                            f"（恢复前的副本：{safety}）") from None
        held = guard.take()
        if held is not Hold.HELD:
            staged.unlink(missing_ok=True)
            raise UserError(msg.say(msg.RESTORE_IN_USE, str(target)) if held is Hold.IN_USE
                            else msg.say(msg.RESTORE_WRITTEN_MEANWHILE, str(target), str(safety)))
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staged, target)
    finally:
        guard.close()
    make_ledger_private(target)
    return safety


def _damaged(target: Path) -> bool:
    """Whether the current ledger is damaged (an absent or empty one is not: there is nothing to keep)."""
    if not target.exists() or target.stat().st_size == 0:
        return False
    return check_integrity(target, _SAFETY_CHECK_SECONDS).outcome is CheckOutcome.DAMAGED


def _keep_current(target: Path, damaged: bool) -> Path:
    """The current ledger, kept before it is replaced: a backup, or (damaged) its bytes as they are,
    with the WAL, for whoever tries to repair it."""
    if not target.exists() or target.stat().st_size == 0:
        return target
    if not damaged:
        try:
            return back_up(target, kind="restore")
        except UserError:
            raise
        except Exception:  # a damaged page the bounded check did not reach
            pass
    folder = _prepared(backup_folder())
    copy = folder / f"{target.stem}-{datetime.now().strftime(_STAMP)}-restore.sqlite3"
    shutil.copyfile(target, copy)
    wal = target.with_name(target.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    make_private(copy)
    return copy
