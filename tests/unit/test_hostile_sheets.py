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
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from desktop_app.io import spreadsheet_readers, xlsx
from desktop_app.io.import_results import FileImportResult
from desktop_app.io.xlsx.formulas import error_cells
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database, open_database
from tests.unit.order_files import (
    DOUYIN_HEADER,
    PDD_HEADER,
    count_rows,
    douyin_row,
    pdd_row,
    rows_of,
    run_import,
    write_csv,
    write_xlsx,
)

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


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_header_of_two_rows_keeps_the_columns_under_its_group(suffix: str, tmp_path: Path, db: Database) -> None:
    # 收货信息 over the receiver's five columns, the other headers merged down over both rows (or blank
    # under them, saved as csv): the workbook's orders were stored without receiver, phone or address,
    # the csv refused for a row 2 without 主订单编号.
    first, last = DOUYIN_HEADER.index("收件人"), DOUYIN_HEADER.index("详细地址")
    upper = [h if not first <= j <= last else ("收货信息" if j == first else None) for j, h in enumerate(DOUYIN_HEADER)]
    lower = [h if first <= j <= last else None for j, h in enumerate(DOUYIN_HEADER)]
    data = [douyin_row("6900000000000000001", "69000000000000000011"),
            douyin_row("6900000000000000002", "69000000000000000021", "马克杯", receiver="江梓")]
    path = tmp_path / f"抖店订单{suffix}"
    if suffix == ".csv":
        write_csv(path, [["" if c is None else str(c) for c in row] for row in [upper, lower, *data]])
    else:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in [upper, lower, *data]:
            sheet.append(row)
        for j, name in enumerate(lower):
            if name is None:
                sheet.merge_cells(f"{get_column_letter(j + 1)}1:{get_column_letter(j + 1)}2")
        sheet.merge_cells(f"{get_column_letter(first + 1)}1:{get_column_letter(last + 1)}1")
        book.save(path)
    [result] = run_import(db, path).files
    assert (result.refused, result.inserted, result.rejected) == (None, 2, 0), result.refused or result.errors
    assert rows_of(db, "select order_no, receiver, phone, address from orders order by order_no") == [
        ("6900000000000000001", "袁静", "19568493191", "河南省 郑州市 二七区 科技园南路891号1幢764室"),
        ("6900000000000000002", "江梓", "19568493191", "河南省 郑州市 二七区 科技园南路891号1幢764室")]


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


def test_excel_error_values_are_reported_not_imported_as_blank(tmp_path: Path) -> None:
    # calamine reads #N/A and #REF! as empty cells: the orders were stored without 支付时间 and 实付金额.
    result, ledger = _import(tmp_path, "error_values.xlsx")
    assert (result.inserted, result.rejected) == (1, 2)
    first, second = sorted(result.errors, key=lambda e: e.row)
    assert (first.row, first.column) == (3, "支付时间")
    assert "#N/A" in first.message and "N3" in first.message and "VLOOKUP(B3,付款!A:B,2,0)" in first.message
    assert (second.row, second.column) == (4, "用户实付金额(元)")
    assert "#REF!" in second.message and "F4" in second.message
    assert list(_items_per_order(ledger)) == ["261101-000000000000001"]


def test_excel_error_values_saved_as_csv_text_are_reported_not_stored(tmp_path: Path) -> None:
    result, ledger = _import(tmp_path, "error_values_as_text.csv")
    assert [(e.row, e.column) for e in result.errors] == [(2, "快递单号"), (3, "收货人")]
    assert "是 Excel 的错误值 #N/A" in result.errors[0].message
    assert list(_items_per_order(ledger)) == ["261101-000000000000003"]  # "#3 绿茶" is a spec, not an error


def test_an_error_value_does_not_erase_what_an_earlier_import_stored(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    good = write_xlsx(tmp_path / "good.xlsx", {"Sheet1": [PDD_HEADER, pdd_row()]})
    broken = tmp_path / "broken.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [PDD_HEADER, pdd_row()]:
        sheet.append(row)
    paid_at = sheet.cell(2, PDD_HEADER.index("支付时间") + 1)
    paid_at.value, paid_at.data_type = "#N/A", "e"
    book.save(broken)
    db = open_database(ledger)
    try:
        assert run_import(db, good).files[0].inserted == 1
        before = rows_of(db, "select order_no, paid_at, paid_fen from orders")
        [result] = run_import(db, broken).files
        assert (result.updated, result.rejected) == (0, 1)
        assert rows_of(db, "select order_no, paid_at, paid_fen from orders") == before
    finally:
        db.close()


def test_excel_error_values_in_a_sheet_read_in_pieces_refuse_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = _read_in_pieces(monkeypatch)
    result, ledger = _import(tmp_path, "error_values.xlsx")
    assert pieces and all(pieces)
    assert result.refused is not None and "#N/A" in result.refused and "N3" in result.refused
    assert _items_per_order(ledger) == {}


def test_a_repeated_column_that_says_something_else_is_pointed_out(tmp_path: Path, db: Database) -> None:
    # Two 用户实付金额(元) columns (two exports pasted side by side): the first was read, the other ignored
    # without a word.
    paid = PDD_HEADER.index("用户实付金额(元)")
    rows = [[*PDD_HEADER, "用户实付金额(元)"], [*pdd_row(), "79.00"],
            [*pdd_row("261101-000000000000002"), "5.00"]]
    [result] = run_import(db, write_csv(tmp_path / "pdd.csv", rows)).files
    assert (result.inserted, result.rejected) == (2, 0)
    [warning] = result.warnings
    assert f"表头“用户实付金额(元)”有 2 列（第 {paid + 1}、{len(PDD_HEADER) + 1} 列），第 3 行它们的内容不同" in warning
    assert f"（“79.00”和“5.00”）：导入的是第 {paid + 1} 列" in warning
    assert rows_of(db, "select paid_fen from orders order by order_no") == [(7900,), (7900,)]
    # The same column twice with the same values (the hostile corpus's duplicate_headers.csv) says nothing.
    same = run_import(db, HOSTILE / "duplicate_headers.csv").files[0]
    assert same.warnings == () and same.rejected == 0


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


def test_error_cells_in_sheet_xml() -> None:
    xml = (b'<row r="1"><c r="A1" t="e"/><c r="B1"><v>5</v></c><c r="C1" s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
           b'<x:c r="D1" t="e"><x:v>#N/A</x:v></x:c><c r="E1" t="s"><v>0</v></c></row>')
    found = error_cells(xml)
    # A self-closed error cell holds nothing (and must not take B1's value); prefixed tags count.
    assert {(k, v.where, v.formula, v.error) for k, v in found.items()} == {
        ((1, 3), "C1", "1/0", "#DIV/0!"), ((1, 4), "D1", "", "#N/A")}
