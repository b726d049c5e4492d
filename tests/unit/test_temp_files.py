"""Temporary files (a large sheet's spill file holds buyers' names, phones and addresses) live in the
app's own data folder, readable by the user only, and what a killed process left is gone at the next
start — not a day later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.paths import remove_leftover_temp_files, temp_dir, temp_file

ROOT = Path(__file__).resolve().parents[2]


def gone_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_are_in_the_data_folder_for_the_user_only(data_home: Path) -> None:
    handle, path = temp_file("sheet-", ".xlsx")
    os.close(handle)
    assert path.parent == temp_dir() == data_home / "tmp"
    assert path.name.startswith(f"{os.getpid()}-sheet-")
    if os.name == "posix":
        assert temp_dir().stat().st_mode & 0o777 == 0o700
        assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_folder_open_to_others_is_closed(data_home: Path) -> None:
    (data_home / "tmp").mkdir(parents=True, mode=0o755)
    (data_home / "tmp").chmod(0o755)
    assert temp_dir().stat().st_mode & 0o777 == 0o700


def test_leftovers_of_gone_processes_are_removed_and_files_in_use_kept(data_home: Path) -> None:
    folder = temp_dir()
    leftover = folder / f"{gone_pid()}-sheet-abc.xlsx"
    unnamed = folder / "sheet-xyz.xlsx"  # no owner in its name: nobody's
    mine = folder / f"{os.getpid()}-sheet-def.xlsx"
    running = folder / f"{os.getppid()}-sheet-ghi.xlsx"  # a process that is still there
    for path in (leftover, unnamed, mine, running):
        path.write_bytes(b"buyer data")
    assert remove_leftover_temp_files() == 2
    assert not leftover.exists() and not unnamed.exists()
    assert mine.exists() and running.exists()


def test_nothing_to_clean_in_a_fresh_data_folder(data_home: Path) -> None:
    assert remove_leftover_temp_files() == 0


def test_every_start_removes_the_leftovers(tmp_path: Path, data_home: Path) -> None:
    leftover = temp_dir() / f"{gone_pid()}-sheet-abc.xlsx"
    leftover.write_bytes(b"buyer data")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(data_home)}
    done = subprocess.run([sys.executable, "-m", "desktop_app", "import-profiles", "--json"], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
