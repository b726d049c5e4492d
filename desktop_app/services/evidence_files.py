"""Evidence files (photos, weighing records, chat screenshots, PDFs) as claims and cases keep them:
copied into `<files home>/evidence/…`, named so that no copy overwrites another, and removed again
when the write that would have listed them fails (no orphan copies of buyers' pictures).

The files home is the data folder for a ledger file. For a team ledger on a server it is a cache
folder per server (`<data folder>/team-files/<server>/`): the seat that adds a file also stores its
bytes in the ledger (`store/shared_files`), and `local_file` writes another seat's file into the
cache the first time it is shown, opened or printed.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound, UserError, system_error_text
from desktop_app.paths import data_dir
from desktop_app.store.shared_files import (
    drop_file,
    file_content,
    files_are_shared,
    keep_file,
    kept_among,
    ledger_files_key,
)

EVIDENCE_FOLDER = "evidence"
TEAM_FILES_FOLDER = "team-files"
# A team ledger carries the bytes to every seat; a 200 MB screen recording would stall them all.
MAX_SHARED_BYTES = 50 * 1024 * 1024
# On a ledger file: a phone's unboxing video of several minutes fits; a 4 GB screen recording or a disk image given
# by mistake would fill the data folder (and the copy of `evidence/` a move to a new computer takes along).
MAX_EVIDENCE_BYTES = 500 * 1024 * 1024


def files_home(session: Session) -> Path:
    """Where this ledger's evidence files and seals are on this computer."""
    key = ledger_files_key(session)
    home = data_dir() if key is None else data_dir() / TEAM_FILES_FOLDER / key
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    return home


def _inside(home: Path, stored_path: str) -> Path | None:
    """The file's place under `home`; None for a stored path that points elsewhere (a hand-edited or
    hostile row must not make us read or write outside the files home)."""
    path = (home / Path(stored_path)).resolve()
    return path if path.is_relative_to(home.resolve()) else None


def local_file(session: Session, stored_path: str) -> Path:
    """The file on this computer; on a team ledger another seat's file is fetched into the cache first.
    The path may not exist (a file deleted by hand, or a row from before files were shared)."""
    home = files_home(session)
    path = _inside(home, stored_path)
    try:
        present = path is not None and path.is_file()
    except (OSError, ValueError):  # a name the system refuses (a hand-edited row: too long)
        path = None
    if path is None:
        # Elsewhere, or a name refused: a file that is not there, under a name every caller can look up in turn.
        return home / "missing" / Path(stored_path).name[-100:]
    if not present and files_are_shared(session):
        content = file_content(session, stored_path)
        if content is not None:
            write_whole(path, content)
    return path


def claims_with_files(session: Session, paths: dict[int, list[str]]) -> set[int]:
    """Of these claims (id: their evidence files' stored paths), those with a file this computer has or
    (a team ledger) the ledger keeps for it: without fetching, one look per file until one is found."""
    home = files_home(session)
    kept = kept_among(session, [p for claim_paths in paths.values() for p in claim_paths]) \
        if files_are_shared(session) else set()
    found = set()
    for claim_id, claim_paths in paths.items():
        for stored_path in claim_paths:
            path = _inside(home, stored_path)
            if stored_path in kept or (path is not None and _is_file(path)):
                found.add(claim_id)
                break
    return found


def _is_file(path: Path) -> bool:
    """Whether the file is there; a name the system refuses (a hand-edited row: too long, a folder that
    cannot be read, a network drive gone) is not, and does not stop the 统计 read."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def write_whole(path: Path, content: bytes) -> None:
    """Write a file the owner alone can read, whole or not at all (another process may be reading
    the same cache: it sees the old state or the new file, never half of it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(content)
    partial.chmod(0o600)
    partial.replace(path)


def forget_file(session: Session, stored_path: str) -> Path | None:
    """Inside the transaction that deletes the row: the ledger's copy goes with it. Returns this
    computer's copy, to delete once the transaction has committed."""
    if files_are_shared(session):
        drop_file(session, stored_path)
    return _inside(files_home(session), stored_path)


def free_name(folder: Path, name: str) -> Path:
    """`name` in `folder`, or name-2, name-3 … when taken."""
    target = folder / name
    stem, suffix = target.stem, target.suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def checked_sources(files: Iterable[Path | str]) -> list[Path]:
    """The files to attach; the whole batch is refused when one is missing, or is no file to keep: a folder, a
    device or pipe (copying /dev/zero or a FIFO never ends), an empty file, one over MAX_EVIDENCE_BYTES."""
    sources = [Path(f) for f in files]
    if not sources:
        raise UserError("请选择要添加的证据文件")
    found: list[tuple[Path, os.stat_result]] = []
    missing: list[str] = []
    for source in sources:
        try:
            found.append((source, source.stat()))
        except FileNotFoundError:
            missing.append(str(source))
        except OSError as exc:  # no permission on its folder, a name too long, a network drive gone
            raise UserError(msg.say(msg.EVIDENCE_UNCOPIED, str(source), _why(exc))) from None
    if missing:
        raise NotFound("找不到文件：" + "、".join(missing))
    for source, found_stat in found:
        if stat.S_ISDIR(found_stat.st_mode):
            raise UserError(msg.say(msg.EVIDENCE_FOLDER_GIVEN, str(source)))
        if not stat.S_ISREG(found_stat.st_mode):
            raise UserError(msg.say(msg.EVIDENCE_NOT_REGULAR, str(source)))
        if found_stat.st_size == 0:
            raise UserError(msg.say(msg.EVIDENCE_EMPTY, str(source)))
        if found_stat.st_size > MAX_EVIDENCE_BYTES:
            raise UserError(msg.say(msg.EVIDENCE_OVER_CAP, found_stat.st_size // (1024 * 1024), str(source),
                                    MAX_EVIDENCE_BYTES // (1024 * 1024)))
    return sources


class EvidenceCopies:
    """The copies made inside one `evidence_copies()` block."""

    def __init__(self) -> None:
        self.made: list[Path] = []

    def copy(self, session: Session, source: Path, folder: str, name: str | None = None) -> str:
        """Copy `source` into `folder` (relative to the files home) inside the caller's transaction;
        returns its stored path. On a team ledger the name carries a random tag, because another
        seat may be adding a file of the same name to the same case at this moment, and the bytes
        are stored in the ledger."""
        home = files_home(session)
        shared = files_are_shared(session)
        target_folder = home / folder
        target_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        wanted = name or source.name
        if shared:
            size = source.stat().st_size
            if size > MAX_SHARED_BYTES:
                raise UserError(msg.say(msg.EVIDENCE_TOO_BIG, size // (1024 * 1024), source.name,
                                        MAX_SHARED_BYTES // (1024 * 1024)))
            wanted = f"{Path(wanted).stem}-{uuid.uuid4().hex[:10]}{Path(wanted).suffix}"
        target = free_name(target_folder, wanted)
        try:
            # The bytes and the times (when a photo was taken), not the source's permission bits: the copy is
            # the owner's alone, like every file the app keeps (a 0644 or 0777 photo stayed so).
            shutil.copyfile(source, target)
            if os.name == "posix":
                target.chmod(0o600)
            _copy_times(source, target)
        except OSError as exc:  # unreadable (a device, a broken USB stick), or the disk is full
            target.unlink(missing_ok=True)  # no half copy left behind
            raise UserError(msg.say(msg.EVIDENCE_UNCOPIED, str(source), _why(exc))) from None
        self.made.append(target)
        stored = target.relative_to(home).as_posix()
        if shared:
            keep_file(session, stored, target.read_bytes())
        return stored


def _copy_times(source: Path, target: Path) -> None:
    found = source.stat()
    os.utime(target, ns=(found.st_atime_ns, found.st_mtime_ns))


def _why(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if isinstance(error, PermissionError):
        return "没有读取或写入的权限"
    return msg.say(msg.READ_WRITE_FAILED, system_error_text(error))


@contextmanager
def evidence_copies() -> Iterator[EvidenceCopies]:
    """Wrap the transaction that lists the copies: if it fails, the copies are deleted again."""
    copies = EvidenceCopies()
    try:
        yield copies
    except BaseException:
        for path in copies.made:
            path.unlink(missing_ok=True)
        raise
