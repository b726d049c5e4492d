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


def _desktop_entry() -> dict[str, str]:
    entry = Path(__file__).resolve().parents[2] / "installer" / "aftersales-ledger.desktop"
    lines = entry.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_the_desktop_entry_opens_the_files_it_is_given_in_the_window(tmp_path: Path) -> None:
    """"Open with" runs the Exec line with %F replaced by the chosen files (absolute paths, one argument
    each, spaces and Chinese kept): the program must take them as files to import, not as a command."""
    entry = _desktop_entry()
    program, *fields = entry["Exec"].split()
    assert program == "AftersalesLedger" and fields == ["%F"]
    chosen = [tmp_path / "拼多多 订单 11月.csv", tmp_path / "ExportOrderList.csv"]
    for path in chosen:
        path.write_text("订单号\n", encoding="utf-8")
    assert wants_window([str(p) for p in chosen])
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        entry["MimeType"].rstrip(";").split(";"))
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
