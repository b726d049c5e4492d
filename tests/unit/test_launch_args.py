"""Which arguments open the window and which run a command."""

from __future__ import annotations

from pathlib import Path

from desktop_app.__main__ import wants_window


def test_no_command_db_qt_options_or_files_open_the_window(tmp_path: Path) -> None:
    export = tmp_path / "ExportOrderList.csv"
    export.write_text("订单编号\n", encoding="utf-8")
    assert wants_window([])
    assert wants_window(["--db", str(tmp_path / "x.sqlite3")])
    assert wants_window(["-platform", "offscreen"])
    assert wants_window([str(export)])  # the desktop's "open with" passes the file alone
    assert wants_window(["--db", str(tmp_path / "x.sqlite3"), str(export)])


def test_commands_and_missing_files_go_to_the_command_line(tmp_path: Path) -> None:
    assert not wants_window(["case", "list"])
    assert not wants_window(["import-orders", str(tmp_path)])
    assert not wants_window([str(tmp_path / "missing.csv")])  # the CLI says what is wrong
    assert not wants_window(["--help"])
