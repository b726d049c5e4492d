"""README's exit codes, as a tester meets them with inputs nobody typed before: a show or find of a record that
is not there is "nothing found" (1), a step on it a user error (2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import run

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "ledger.sqlite3"
    assert run(["case", "add", "--platform", "taobao", "--order", "4145384019161461003", "--kind", "reship",
                "--db", str(path)]) == 0
    assert run(["claim", "add", "--platform", "taobao", "--order", "4145384019161461003", "--incident", "lost",
                "--amount", "20", "--db", str(path)]) == 0
    capsys.readouterr()
    return str(path)


def said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = run(argv)
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# `case show 99999` exited 2 (a user error) where README says "nothing found" is 1; `returns find` said 1.
@pytest.mark.parametrize(("argv", "named"), [
    (["case", "show", "99999"], "#99999"),
    (["case", "show", "99999", "--json"], "#99999"),
    (["claim", "show", "404"], "#404"),
    (["claim", "show", "404", "--json"], "#404"),
    (["deadlines", "--case", "99999"], "99999"),
    (["deadlines", "--case", "99999", "--all", "--json"], "99999"),
    (["returns", "find", "75123456789012"], "75123456789012"),
    (["returns", "find", "75123456789012", "--json"], "75123456789012"),
])
def test_a_show_or_find_of_a_record_not_there_is_nothing_found(argv: list[str], named: str, ledger: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = said([*argv, "--db", ledger], capsys)
    assert (code, out) == (1, ""), (argv, code, out, err)
    assert err.startswith("错误：") and named in err and err.count("\n") == 1, err


@pytest.mark.parametrize("argv", [
    ["case", "act", "99999", "start"],
    ["case", "note", "99999", "已联系买家"],
    ["case", "undo", "99999"],
    ["claim", "act", "404", "close"],
    ["claim", "undo", "404"],
])
def test_a_step_on_a_record_not_there_is_a_user_error(argv: list[str], ledger: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = said([*argv, "--db", ledger], capsys)
    assert (code, out) == (2, "") and err.startswith("错误：找不到"), (argv, code, out, err)


def test_the_real_entry_point_says_nothing_found_without_a_traceback(ledger: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "desktop_app", "case", "show", "99999", "--db", ledger],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stdout) == (1, ""), done
    assert done.stderr == "错误：找不到售后单 #99999\n"
