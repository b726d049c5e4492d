"""Hostile and odd files, round 7 (session 27): what round 6 left, and new ways a real or damaged file was
read wrong, refused without saying where, or ate the machine."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from desktop_app.io import spreadsheet_readers, xlsx
from desktop_app.store.database import Database
from tests.unit.hostile_xlsx import shared_sheet_xml, write_workbook
from tests.unit.order_files import PDD_HEADER, count_rows, pdd_row, run_import


def _read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet_readers, "chunked_table", partial(
        xlsx.chunked_table, first_chunk_bytes=2_000, chunk_bytes=2_000, workbook_bytes=90_000,
        first_workbook_bytes=4_000, min_sheet_bytes=0))
    monkeypatch.setattr(spreadsheet_readers, "worksheet_names_if_large",
                        partial(xlsx.worksheet_names_if_large, min_sheet_bytes=0))


def _pdd_sheet(path: Path, raw: dict[str, str]) -> Path:
    """A 拼多多 export of 30 orders as Excel writes it (text as shared strings), cells of `raw` replaced."""
    rows = [PDD_HEADER, *(pdd_row(f"261101-1032830302768{i:02d}") for i in range(30))]
    rows = [[float(v) if v in ("79.00", "0.00") else v for v in row] for row in rows]
    shared: list[str] = []
    return write_workbook(path, {"Sheet1": shared_sheet_xml(rows, shared, raw)}, shared)


@pytest.mark.parametrize("in_pieces", [False, True])
@pytest.mark.parametrize(("raw", "said"), [
    # an ERP writing the amount as it shows it into a number cell: calamine's "Parse float error"
    ({"D5": '<c r="D5" t="n"><v>79,00</v></c>'},
     "工作表“Sheet1”第 5 行 D 列的单元格标为数字，写的却是“79,00”，不是数字"),
    # a shared string past the file's strings: calamine's "Cell string index not found in shared strings table"
    ({"H7": '<c r="H7" t="s"><v>99999</v></c>'},
     "工作表“Sheet1”第 7 行 H 列的单元格引用文件里的第 99999 号文字，文件却只有"),
    # an index that is no number: read silently as the first string, the header 商品, as the 收货人
    ({"H7": '<c r="H7" t="s"><v>x</v></c>'}, "工作表“Sheet1”第 7 行 H 列的单元格引用文件里的文字，编号却是“x”"),
    ({"H30": '<c r="H30" t="s"><v>1.0</v></c>'}, "第 30 行 H 列的单元格引用文件里的文字，编号却是“1.0”"),
    ({"H9": '<c r="H9" t="s"><v>-1</v></c>'}, "第 9 行 H 列的单元格引用文件里的文字，编号却是“-1”"),
])
def test_a_damaged_cell_is_refused_naming_its_row_and_column(
        raw: dict[str, str], said: str, in_pieces: bool, tmp_path: Path, db: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if in_pieces:
        _read_in_pieces(monkeypatch)
    [result] = run_import(db, _pdd_sheet(tmp_path / "拼多多订单.xlsx", raw)).files
    assert result.refused is not None and said in result.refused
    assert "error" not in result.refused and count_rows(db) == 0


def test_the_same_sheet_without_damage_imports(tmp_path: Path, db: Database) -> None:
    [result] = run_import(db, _pdd_sheet(tmp_path / "拼多多订单.xlsx", {})).files
    assert result.refused is None and result.inserted == 30 and result.errors == ()
