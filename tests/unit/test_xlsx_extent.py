"""Sheets whose cells claim a size no reader can hold are refused before python-calamine allocates for
them (it would abort the whole process: one cell at XFD1048576 asks for 512 GiB); a dimension that lies
is harmless. Whatever may crash runs in a child process, with its time and peak memory measured."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_xlsx import cells_of, sheet_xml, write_workbook
from order_files import DOUYIN_HEADER, douyin_row

from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx import extent
from desktop_app.io.xlsx.extent import BadPosition, Extent, check_sheet, scan_positions

ROOT = Path(__file__).resolve().parents[2]
MEMORY_BOUND_MB = 500
TIME_BOUND_S = 30  # generous: the machine running the tests is shared; a healthy run takes ~2 s

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="peak memory of a child needs os.wait4 (POSIX)")


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


def run_child(args: list[str], tmp_path: Path, timeout: float = 120) -> Outcome:
    """Run a Python child with the repository on its path; its exit code, output, time and peak memory."""
    peak_path = tmp_path / "child.peak"
    peak_path.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(tmp_path / "home"),
           "QT_QPA_PLATFORM": "offscreen", "PEAK_FILE": str(peak_path)}
    out_path, err_path = tmp_path / "child.out", tmp_path / "child.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.monotonic()
        child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("peak_child.py")), *args],
                                 stdout=out, stderr=err, env=env, cwd=tmp_path)
        watchdog = threading.Timer(timeout, child.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            watchdog.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
    # The child's own peak (tests/unit/peak_child.py); ru_maxrss would include this big test process's.
    peak_kb = int(peak_path.read_text()) if peak_path.exists() else usage.ru_maxrss
    return Outcome(child.returncode, out_path.read_text(), err_path.read_text(), seconds, peak_kb / 1024)


def douyin_cells(orders: int = 2) -> list[tuple[str, object]]:
    rows = [DOUYIN_HEADER] + [douyin_row(f"69{n:017d}", f"69{n:017d}1") for n in range(1, orders + 1)]
    return cells_of(rows)


def import_child(path: Path, tmp_path: Path) -> Outcome:
    return run_child(["-m", "desktop_app", "import-orders", str(path), "--db", str(tmp_path / "ledger.sqlite3")],
                     tmp_path)


def assert_bounded(outcome: Outcome) -> None:
    assert outcome.code != -6 and outcome.code != 134, outcome.stderr  # SIGABRT: calamine's failed allocation
    assert outcome.seconds < TIME_BOUND_S
    assert outcome.peak_mb < MEMORY_BOUND_MB


def test_a_cell_at_the_last_cell_of_excel_is_refused_by_the_import(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "3kb.xlsx", {"订单": sheet_xml([*douyin_cells(), ("XFD1048576", "x")])})
    assert path.stat().st_size < 4096
    outcome = import_child(path, tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2
    assert "3kb.xlsx" in outcome.stderr and "“订单”" in outcome.stderr and "XFD1048576" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_a_cell_in_the_last_row_under_a_wide_header_is_refused(tmp_path: Path) -> None:
    # 18 columns x 1,048,576 rows: 1.4 GB and 8 s in calamine before the check.
    path = write_workbook(tmp_path / "last_row.xlsx", {"订单": sheet_xml([*douyin_cells(), ("A1048576", "x")])})
    outcome = import_child(path, tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2 and "A1048576" in outcome.stderr and "Traceback" not in outcome.stderr


def test_rows_out_of_order_and_a_missing_dimension_do_not_hide_the_far_cell(tmp_path: Path) -> None:
    cells = [("XFD1048576", "x"), *douyin_cells()]  # the far row first, no <dimension>
    path = write_workbook(tmp_path / "first.xlsx", {"说明": sheet_xml([("A1", "备注")]), "订单": sheet_xml(cells)})
    outcome = import_child(path, tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2 and "XFD1048576" in outcome.stderr


def test_a_dimension_that_lies_is_harmless(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "claims_everything.xlsx",
                          {"订单": sheet_xml(douyin_cells(3), dimension="A1:XFD1048576")})
    outcome = import_child(path, tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 0, outcome.stderr
    assert "3" in outcome.stdout


def test_the_column_mapping_preview_refuses_too(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "preview.xlsx", {"Sheet1": sheet_xml([("A1", "单号"), ("XFD1048576", "x")])})
    code = ("from desktop_app.io.sheet_preview import preview_sheet\n"
            "from desktop_app.core.errors import UserError\n"
            f"try:\n    preview_sheet(r'{path}')\nexcept UserError as exc:\n    print(exc)\n    raise SystemExit(2)\n")
    outcome = run_child(["-c", code], tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2 and "XFD1048576" in outcome.stdout and "preview.xlsx" in outcome.stdout


def test_the_piecewise_reader_refuses_a_far_cell_in_a_later_piece(tmp_path: Path) -> None:
    cells = douyin_cells(300)
    # a row of its own between rows 200 and 201, far from the first piece
    cells.insert(next(i for i, (position, _) in enumerate(cells) if position == "A201"), ("XFD1048576", "x"))
    path = write_workbook(tmp_path / "large.xlsx", {"订单": sheet_xml(cells)})
    code = ("from desktop_app.io.xlsx import chunked_table\n"
            "from desktop_app.core.errors import UserError\n"
            f"table = chunked_table(r'{path}', '订单', first_chunk_bytes=600, chunk_bytes=20_000,"
            " workbook_bytes=60_000,"
            " min_sheet_bytes=0)\n"
            "rows = 0\n"
            "try:\n    for _ in table.rows():\n        rows += 1\n"
            "except UserError as exc:\n    print(rows, exc)\n    raise SystemExit(2)\n")
    outcome = run_child(["-c", code], tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2, outcome.stderr
    rows_before, message = outcome.stdout.split(" ", 1)
    assert 0 < int(rows_before) < 200 and "XFD1048576" in message and "“订单”" in message


def test_a_position_that_is_no_cell_is_refused_cleanly(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "odd.xlsx", {"订单": sheet_xml([*douyin_cells(), ("XFE1", "x")])})
    outcome = import_child(path, tmp_path)
    assert_bounded(outcome)
    assert outcome.code == 2 and "XFE1" in outcome.stderr and "Traceback" not in outcome.stderr


# --- the scan itself (no calamine involved: safe in this process) --------------------------------

def test_scan_finds_the_rectangle_of_cells_and_rows() -> None:
    xml = (b'<row r="3"><c r="B3" t="s"><v>1</v></c><c r="AP3"/></row>'
           b"<row r='9'><c r='c9'/></row><row r=\"12\" spans=\"1:2\"></row>")
    assert scan_positions(xml) == Extent(3, 12, 1, 42, "AP3")
    assert scan_positions(b"<row><c><v>1</v></c></row>") is None
    # row positions count as column A (a row places the cells without a position of their own)
    # spaces around '=' are valid XML: read the slow way, same answer
    assert scan_positions(xml.replace(b'r="B3"', b'r = "B3"')) == Extent(3, 12, 1, 42, "AP3")
    assert scan_positions(xml, limit=60) == Extent(3, 3, 1, 42, "AP3")


@pytest.mark.parametrize("written", ["XFE1", "A0", "A1048577", "ABCD1", "A1B", "&#88;FD1", "", "A"])
def test_scan_refuses_what_is_no_cell(written: str) -> None:
    with pytest.raises(BadPosition):
        scan_positions(f'<c r="{written}"><v>1</v></c>'.encode())


def test_scan_over_steps_of_a_member(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cells = [*douyin_cells(40), ("AB77", "x")]
    path = write_workbook(tmp_path / "steps.xlsx", {"订单": sheet_xml(cells)})
    for step in (50, 97, 1000):  # positions straddle the steps
        monkeypatch.setattr(extent, "_STEP_BYTES", step)
        monkeypatch.setattr(extent, "MAX_SHEET_CELLS", 77 * 28 - 1)
        with pytest.raises(OrderFileRefused, match="AB77"):
            check_sheet(path, "订单")
        monkeypatch.setattr(extent, "MAX_SHEET_CELLS", 77 * 28)
        check_sheet(path, "订单")
