"""README's exit codes and output paths, as a tester meets them with inputs nobody typed before: a show or find
of a record that is not there is "nothing found" (1), a step on it a user error (2); an output folder that is
not there is refused naming it (2) and never made; the window's terminal gets no INFO lines (Alembic's)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.app_log import setup_logging
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
    (["guide", "99999"], "#99999"),
    (["guide", "99999", "--json"], "#99999"),
    (["reply", "99999", "ask_photos"], "#99999"),
    (["costs", "99999", "--json"], "#99999"),
    (["evidence", "99999"], "#99999"),
    (["evidence", "99999", "--json"], "#99999"),
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
    ["guide", "99999", "--check", "ask_photos"],
    ["costs", "99999", "--postage-out", "3"],
])
def test_a_step_on_a_record_not_there_is_a_user_error(argv: list[str], ledger: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = said([*argv, "--db", ledger], capsys)
    assert (code, out) == (2, "") and err.startswith("错误：找不到"), (argv, code, out, err)


# `export-cases`, `export-orders`, `report --xlsx` and `backup --to` made a mistyped folder silently and wrote into
# it (exit 0); `statement --out` refused it. Every output now does what `--db` does: refused, the path named.
@pytest.mark.parametrize(("argv", "named"), [
    (["export-cases", "{missing}/售后单.xlsx"], "导出文件 售后单.xlsx 所在的文件夹不存在"),
    (["export-orders", "{missing}/订单.xlsx"], "导出文件 订单.xlsx 所在的文件夹不存在"),
    (["report", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", "{missing}/统计.xlsx"],
     "--xlsx 统计.xlsx 所在的文件夹不存在"),
    (["statement", "--case", "1", "--out", "{missing}/货值说明.pdf"], "--out 货值说明.pdf 所在的文件夹不存在"),
    (["backup", "--to", "{missing}"], "--to 所写的文件夹不存在"),
    (["backup", "--to", "{missing}", "--json"], "--to 所写的文件夹不存在"),
])
def test_an_output_folder_that_is_not_there_is_refused_and_not_made(argv: list[str], named: str, ledger: str,
                                                                     tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "没有这个" / "文件夹"
    code, out, err = said([a.format(missing=missing) for a in argv] + ["--db", ledger], capsys)
    assert (code, out) == (2, ""), (argv, code, out, err)
    assert err == f"错误：{named}：{missing}（没有新建它）。请先建好这个文件夹，或改正路径。\n"
    assert not missing.parent.exists()


def test_an_output_folder_that_is_a_file_is_said_so(ledger: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    code, out, err = said(["backup", "--to", str(a_file), "--db", ledger], capsys)
    assert (code, out) == (2, "")
    assert err == f"错误：--to 所写的文件夹不存在：{a_file} 是一个文件，不是文件夹。请改正路径。\n"
    code, out, err = said(["export-cases", str(a_file / "x.xlsx"), "--db", ledger], capsys)
    assert (code, out) == (2, "") and "所在的文件夹不存在" in err and str(a_file) in err


def test_an_output_folder_that_is_there_is_written_into(ledger: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    there = tmp_path / "U盘"
    there.mkdir()
    assert said(["backup", "--to", str(there), "--db", ledger], capsys)[0] == 0
    assert said(["export-cases", str(there / "售后单.xlsx"), "--db", ledger], capsys)[0] == 0
    assert (there / "售后单.xlsx").is_file() and len(list(there.glob("*.sqlite3"))) == 1


def test_the_real_entry_point_says_nothing_found_without_a_traceback(ledger: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "desktop_app", "case", "show", "99999", "--db", ledger],
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=120)
    assert (done.returncode, done.stdout) == (1, ""), done
    assert done.stderr == "错误：找不到售后单 #99999\n"


# The window started with `--db` naming a new file printed every migration's INFO line (Alembic) on the terminal.
def test_the_window_log_keeps_info_lines_off_the_terminal(data_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        log_file = setup_logging(crashes=False)
        logging.getLogger("alembic.runtime.migration").info("Running upgrade 0022_kinds -> 0023_unknown")
        logging.getLogger("desktop_app.ui.window").warning("数据库文件已锁定")
        for handler in root.handlers:
            handler.flush()
        err = capfd.readouterr().err
        assert "Running upgrade" not in err and "数据库文件已锁定" in err
        written = log_file.read_text(encoding="utf-8")
        assert "Running upgrade 0022_kinds" in written and "数据库文件已锁定" in written
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_ledger", False):
                root.removeHandler(handler)
                handler.close()
        root.handlers[:] = before[0]
        root.setLevel(before[1])
