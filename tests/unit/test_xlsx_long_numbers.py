"""19-digit ids a program (not Excel) wrote exactly into number cells: `<v>6999026815672311793</v>` is the
id, `<v>6999026815672310000</v>` and `<v>6.9990268156723098E+18</v>` are what Excel leaves of one
(io/xlsx/long_numbers.py). The whole-sheet reader and the piecewise one agree."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from aftersales_files import DY_HEADER
from hostile_xlsx import MAIN_NS, column_letters, write_workbook
from test_case_import import cli

from desktop_app.io.spreadsheet_readers import open_spreadsheet
from desktop_app.io.xlsx import chunked_table

EXACT = ("7372672778163366295", "6999026815672311793", "6999026815672311757")


def cell(position: str, value: object) -> str:
    """A number cell written as the text given (a program's digits), or an inline string."""
    if isinstance(value, str) and value.startswith("#"):
        return f'<c r="{position}"><v>{value[1:]}</v></c>'
    if isinstance(value, str) and value.startswith("n#"):
        return f'<c r="{position}" s="0" t="n"><v>{value[2:]}</v></c>'
    return f'<c r="{position}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def douyin_sheet(path: Path, ids: list[tuple[str, str, str]]) -> Path:
    """A 抖店 售后单 export whose three id columns are number cells with the digits given."""
    rows = [DY_HEADER]
    for number, (case_no, order_no, item_no) in enumerate(ids):
        rows.append([case_no, order_no, item_no, "保温杯", "白", "1", "仅退款", "待商家处理", "其他",
                     f"2026-12-01 09:{number:02d}:00", "9.90", "", "", "小王", ""])
    data = "".join(f'<row r="{r}">' + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, 1)
                                               if v != "") + "</row>" for r, row in enumerate(rows, 1))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{data}</sheetData>'
           "</worksheet>")
    return write_workbook(path, {"售后单": xml})


def test_exact_19_digit_number_cells_import_as_their_digits(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                            ledger_target: str) -> None:
    path = douyin_sheet(tmp_path / "erp.xlsx", [tuple(f"#{v}" for v in EXACT),  # type: ignore[list-item]
                                                 ("n#7372672778163366296", "n#6999026815672311794", "")])
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"], entry["rejected"]) == ("douyin", 2, 0), entry
    code, out, err = cli(capsys, "case", "list", "--json", "--db", ledger_target)
    rows = {row["platform_case"]: row["order"] for row in json.loads(out)}
    assert rows == {"7372672778163366295": "6999026815672311793", "7372672778163366296": "6999026815672311794"}


@pytest.mark.parametrize("written", ["6999026815672310000", "6.9990268156723098E+18", "6.999026815672312e+18"])
def test_what_excel_leaves_of_a_long_id_is_still_refused(written: str, capsys: pytest.CaptureFixture[str],
                                                         tmp_path: Path, ledger_target: str) -> None:
    path = douyin_sheet(tmp_path / "rounded.xlsx", [("#7372672778163366295", f"#{written}", ""),
                                                    ("#7372672778163366296", "6999026815672311794", "")])
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 1, err
    [entry] = json.loads(out)["files"]
    assert entry["inserted"] == 1
    [error] = entry["errors"]
    assert (error["row"], error["column"]) == (2, "订单号") and "15 位" in error["message"], error


@pytest.mark.parametrize("sizes", [{"first_chunk_bytes": 1, "chunk_bytes": 1, "workbook_bytes": 1},
                                   {"first_chunk_bytes": 600, "chunk_bytes": 900, "workbook_bytes": 4000,
                                    "spill": False}], ids=["one-row-pieces", "in-memory"])
def test_the_piecewise_reader_gives_the_digits_as_the_whole_sheet_reader_does(tmp_path: Path,
                                                                             sizes: dict[str, int]) -> None:
    ids = [(f"#73726727781633662{n:02d}", f"#69990268156723117{n:02d}", f"n#6999026815672310{n:03d}")
           for n in range(40)]
    path = douyin_sheet(tmp_path / "big.xlsx", ids)  # type: ignore[arg-type]
    spreadsheet = open_spreadsheet(path)
    try:
        whole = [(number, list(cells)[:3]) for number, cells in spreadsheet.whole_table("售后单").rows()]
    finally:
        spreadsheet.close()
    table = chunked_table(path, "售后单", min_sheet_bytes=0, **sizes)  # type: ignore[arg-type]
    assert table is not None
    pieces = [(number, list(cells)[:3]) for number, cells in table.rows()]
    assert pieces == whole
    assert whole[1] == (2, ["7372672778163366200", "6999026815672311700", 6.99902681567231e18])  # Excel's zeros
    assert whole[2] == (3, ["7372672778163366201", "6999026815672311701", "6999026815672310001"])
