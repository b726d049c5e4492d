"""The window started on a ledger file `--db` (or AFTERSALES_LEDGER_DB) names that is not there: refused as the
commands refuse it, with their Chinese message, in a box and on stderr, exit 2, nothing made. It made an empty
ledger and its folders: a mistyped path showed an empty shop, and the mistake stayed on the disk."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The real start of the window (desktop_app.ui.app.run_gui) in a process of its own, its modal box answered
# at once: what it said is printed instead.
START = """
import sys
from PySide6.QtWidgets import QMessageBox

def answered(parent, title, text, *args, **kwargs):
    print("BOX:" + text)
    return QMessageBox.StandardButton.Ok

QMessageBox.critical = answered
from desktop_app.ui.app import run_gui
sys.exit(run_gui(sys.argv[1:]))
"""


def start_window(args: list[str], home: Path, env_db: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AFTERSALES_LEDGER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    env.pop("AFTERSALES_LEDGER_DB", None)
    if env_db is not None:
        env["AFTERSALES_LEDGER_DB"] = env_db
    try:
        return subprocess.run([sys.executable, "-c", START, *args], capture_output=True, text=True,
                              encoding="utf-8", env=env, cwd=ROOT, timeout=60)
    except subprocess.TimeoutExpired:  # killed
        pytest.fail("the window opened on the ledger instead of refusing it")


@pytest.mark.parametrize("how", ["--db", "environment"])
def test_the_window_refuses_a_ledger_file_that_is_not_there(tmp_path: Path, how: str) -> None:
    missing = tmp_path / "店铺2" / "ledger.sqlite3"
    if how == "--db":
        done = start_window(["--db", str(missing)], tmp_path / "home")
    else:
        done = start_window([], tmp_path / "home", env_db=str(missing))
    said = (f"数据库文件不存在：{missing}（没有新建它）。请检查 --db 或环境变量 AFTERSALES_LEDGER_DB 所写的路径；"
            "导入订单或售后单、case add 会在这个路径新建台账。")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert f"错误：{said}" in done.stderr
    assert f"BOX:{said}" in done.stdout
    assert not missing.parent.exists()  # no folder, no file
