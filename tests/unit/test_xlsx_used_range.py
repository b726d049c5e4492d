"""A workbook whose used range reaches row 1,048,576 with 10 rows of data: cells formatted but empty
(`<c r="K1048576" s="1"/>`) hold nothing, calamine leaves them out of the sheet, and the extent check
(io/xlsx/extent) no longer refuses the file for them. A cell with a value out there still is refused."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from aftersales_files import FIXTURES
from hostile_xlsx import MAIN_NS, write_workbook
from openpyxl.styles import Font
from test_case_import import cli

from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.io.xlsx import chunked_table


def formatted_to_the_last_row(path: Path) -> Path:
    """The 拼多多 sample's header and first 10 requests, and row 1,048,576 formatted (bold) but empty."""
    rows = list(csv.reader(io.StringIO((FIXTURES / "pdd_aftersales.csv").read_text(encoding="utf-8-sig"))))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "售后"
    for row in rows[:11]:
        sheet.append([cell.strip() for cell in row])
    for column in range(1, 12):
        sheet.cell(row=1_048_576, column=column).font = Font(bold=True)
    book.save(path)
    return path


def test_a_used_range_to_the_last_row_over_10_rows_imports_the_10(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path, ledger_target: str) -> None:
    path = formatted_to_the_last_row(tmp_path / "售后.xlsx")
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["rejected"]) == ("pdd", 10, 0)


def test_the_piecewise_reader_takes_it_too(tmp_path: Path) -> None:
    path = formatted_to_the_last_row(tmp_path / "售后.xlsx")
    table = chunked_table(path, "售后", min_sheet_bytes=0, first_chunk_bytes=10**6)
    assert table is not None
    rows = [number for number, cells in table.rows() if any(c not in (None, "") for c in cells)]
    assert rows == list(range(1, 12))


def _sheet(tmp_path: Path, far: str) -> Path:
    data = f'<row r="1"><c r="A1" t="inlineStr"><is><t>订单号</t></is></c></row><row r="1048576">{far}</row>'
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{data}</sheetData>'
           "</worksheet>")
    return write_workbook(tmp_path / "far.xlsx", {"S": xml})


def test_an_empty_cell_at_xfd1048576_is_read_and_a_value_there_refused(tmp_path: Path) -> None:
    path = _sheet(tmp_path, '<c r="XFD1048576" s="1"/>')
    spreadsheet = open_spreadsheet(path)
    try:
        assert [number for number, _ in spreadsheet.whole_table("S").rows()] == [1]
    finally:
        spreadsheet.close()
    path = _sheet(tmp_path, '<c r="XFD1048576"><v>1</v></c>')
    spreadsheet = open_spreadsheet(path)
    try:
        with pytest.raises(OrderFileRefused, match="XFD1048576"):
            spreadsheet.whole_table("S")
    finally:
        spreadsheet.close()
