"""Where things live: the user's data folder (platformdirs) and the shipped resources."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import platformdirs

from desktop_app import APP_NAME

DB_FILENAME = "ledger.sqlite3"


def data_dir() -> Path:
    """The user's data folder; `AFTERSALES_LEDGER_HOME` redirects it (tests, portable installs)."""
    override = os.environ.get("AFTERSALES_LEDGER_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)  # buyers' data: the owner's eyes only
    return path


TEMP_DIRNAME = "tmp"
# Where a process's liveness cannot be asked (Windows), a temporary file is a leftover after this long.
_LEFTOVER_SECONDS = 3600


def temp_dir() -> Path:
    """The app's own folder for temporary files, inside the data folder and readable by the user only
    (0700 on POSIX): a large sheet's spill file holds buyers' names, phones and addresses."""
    path = data_dir() / TEMP_DIRNAME
    path.mkdir(mode=0o700, exist_ok=True)
    if os.name == "posix" and path.stat().st_mode & 0o777 != 0o700:
        path.chmod(0o700)  # a folder made by an older version, or by hand
    return path


def temp_file(prefix: str, suffix: str) -> tuple[int, Path]:
    """A new temporary file in `temp_dir()` (0600, an open OS handle and its path), named after this
    process so that a later start can tell a leftover from a file still in use."""
    handle, name = tempfile.mkstemp(prefix=f"{os.getpid()}-{prefix}", suffix=suffix, dir=temp_dir())
    return handle, Path(name)


def remove_leftover_temp_files() -> int:
    """Delete the temporary files of processes that are gone (an import killed half-way, a power cut);
    run at every start. Returns how many were deleted."""
    folder = data_dir() / TEMP_DIRNAME
    removed = 0
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            owner = entry.name.split("-", 1)[0]
            if owner.isdigit() and _still_in_use(int(owner), entry):
                continue
            with contextlib.suppress(OSError):  # gone meanwhile, or open in another process (Windows)
                entry.unlink()
                removed += 1
    return removed


def _still_in_use(pid: int, entry: Path) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill would end the process there; a file in use cannot be deleted anyway
        return entry.stat().st_mtime > time.time() - _LEFTOVER_SECONDS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def resources_dir() -> Path:
    """`resources/` beside the package in a source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
