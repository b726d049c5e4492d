"""Sheets that used to lose data silently (issue 14, item 4): merged 主订单编号 cells, one order number on
two rows that disagree, formula cells saved without their result — from the hostile corpus
(tests/fixtures/hostile/make_hostile.py), read whole and read in pieces."""

from __future__ import annotations

import re
import shutil
import sqlite3
import zipfile
from functools import partial
from pathlib import Path

import pytest

from desktop_app.io import spreadsheet_readers, xlsx
from desktop_app.io.import_results import FileImportResult
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database, open_database
from tests.unit.order_files import PDD_HEADER, count_rows, pdd_row, run_import, write_xlsx

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def _import(tmp_path: Path, name: str) -> tuple[FileImportResult, Path]:
    path = tmp_path / name
    shutil.copy(HOSTILE / name, path)
    ledger = tmp_path / "ledger.sqlite3"
    db = open_database(ledger)
    try:
        [result] = import_files(db, [path]).files
    finally:
        db.close()
    return result, ledger


def _items_per_order(ledger: Path) -> dict[str, list[str]]:
    with sqlite3.connect(ledger) as conn:
        rows = conn.execute("select o.order_no, i.title from orders o join order_items i on i.order_id = o.id "
                            "order by o.order_no, i.position").fetchall()
    conn.close()
    found: dict[str, list[str]] = {}
    for order_no, title in rows:
        found.setdefault(order_no, []).append(title)
    return found


def _read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Sheets of any size read by io/xlsx in small pieces; the list records that they were."""
    read_in_pieces: list[bool] = []
    real = partial(xlsx.chunked_table, first_chunk_bytes=2_000, chunk_bytes=2_000, workbook_bytes=90_000,
                   first_workbook_bytes=4_000, min_sheet_bytes=0)

    def chunked(*args: object, **kwargs: object) -> object:
        table = real(*args, **kwargs)  # type: ignore[arg-type]
        read_in_pieces.append(table is not None)
        return table

    monkeypatch.setattr(spreadsheet_readers, "chunked_table", chunked)
    return read_in_pieces


def test_merged_order_numbers_are_filled_down(tmp_path: Path) -> None:
    result, ledger = _import(tmp_path, "merged_order_numbers.xlsx")
    assert (result.inserted, result.rejected, result.errors) == (3, 0, ())
    assert _items_per_order(ledger) == {"6900000000000000001": ["耳机", "手机壳"],
                                        "6900000000000000002": ["马克杯", "袜子", "毛毯"],
                                        "6900000000000000003": ["猫砂"]}
    with sqlite3.connect(ledger) as conn:
        receivers = {r for (r,) in conn.execute("select receiver from orders")}
    conn.close()
    assert receivers == {"袁静"}


def test_merged_order_numbers_in_a_sheet_read_in_pieces_refuse_the_file(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = _read_in_pieces(monkeypatch)
    result, ledger = _import(tmp_path, "merged_order_numbers.xlsx")
    assert pieces and all(pieces)
    assert result.refused is not None and "合并" in result.refused
    assert re.search(r"（如 [AJ][2-4]:[AJ][3-6]）", result.refused)  # one of the merged ranges, named
    assert _items_per_order(ledger) == {}  # nothing of the file stored


def test_a_formula_without_its_result_is_reported_not_imported_as_blank(tmp_path: Path) -> None:
    result, ledger = _import(tmp_path, "formula_without_result.xlsx")
    assert (result.inserted, result.rejected) == (2, 1)
    [error] = result.errors
    assert (error.row, error.column) == (3, "用户实付金额(元)")
    assert "公式" in error.message and "F3" in error.message and "=D3+E3" in error.message
    assert "261101-000000000000002" not in _items_per_order(ledger)


def test_a_formula_without_its_result_in_a_sheet_read_in_pieces_refuses_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = _read_in_pieces(monkeypatch)
    result, ledger = _import(tmp_path, "formula_without_result.xlsx")
    assert pieces and all(pieces)
    assert result.refused is not None and "公式" in result.refused and "F3" in result.refused
    assert _items_per_order(ledger) == {}


def test_one_order_number_on_two_rows_that_disagree_is_reported(tmp_path: Path) -> None:
    result, ledger = _import(tmp_path, "duplicate_order_rows.csv")
    assert (result.inserted, result.rejected) == (2, 1)
    [error] = result.errors
    assert (error.row, error.column) == (4, "订单号")
    assert "第 2 行已经出现过" in error.message
    assert result.file.endswith("duplicate_order_rows.csv")
    with sqlite3.connect(ledger) as conn:
        receivers = dict(conn.execute("select order_no, receiver from orders"))
    conn.close()
    assert receivers["261101-000000000000001"] == "梁军桐"  # the first row kept, not the last


def test_a_nul_escape_in_an_xlsx_cell_is_a_row_error_on_every_ledger(tmp_path: Path, db: Database) -> None:
    # openpyxl will not write a NUL; Excel writes it as _x0000_ in the sheet's XML, which readers decode.
    plain = write_xlsx(tmp_path / "plain.xlsx", {"Sheet1": [
        PDD_HEADER, pdd_row("261101-000000000000001"), pdd_row("261101-000000000000002", receiver="NULHERE")]})
    patched = tmp_path / "pdd.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename).replace(b"NULHERE", "廖_x0000_华".encode()))
    result = run_import(db, patched)  # on PostgreSQL this was an internal error (DataError), nothing stored
    [error] = result.files[0].errors
    assert (error.row, error.column) == (3, "收货人") and "空字符" in error.message
    assert count_rows(db) == 1
