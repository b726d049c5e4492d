"""Hostile and odd files, round 6 (session 26): what a shop's own workbook or another program's export
still read wrong without a word."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.core.clock import as_china
from desktop_app.io import spreadsheet_readers, xlsx
from desktop_app.services.case_import import import_cases
from desktop_app.store.database import Database
from desktop_app.store.models import Order
from desktop_app.store.search import search_hits
from tests.unit.aftersales_files import TB_HEADER, tb_row
from tests.unit.aftersales_files import write_csv as write_case_csv
from tests.unit.order_files import PDD_HEADER, copy_sample, count_rows, pdd_row, rows_of, run_import, write_csv


def _pdd_workbook(path: Path, sheets: list[tuple[str, str, list[str]]]) -> Path:
    """Sheets of (title, state, order numbers) in workbook order, each a 拼多多 order export."""
    book = Workbook()
    for index, (title, state, orders) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        sheet.sheet_state = state
        sheet.append(PDD_HEADER)
        for order_no in orders:
            sheet.append(pdd_row(order_no))
    book.active = next(i for i, (_, state, _) in enumerate(sheets) if state == "visible")
    book.save(path)
    return path


@pytest.mark.parametrize("in_pieces", [False, True])
def test_a_hidden_sheet_before_the_one_the_shop_sees_is_not_imported(
        in_pieces: bool, tmp_path: Path, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # Last month's export kept as a hidden sheet in front of this month's (or an ERP's hidden template
    # filled with sample rows): Excel and WPS open on the visible sheet, the import read the hidden one
    # and stored its orders without a word.
    if in_pieces:
        monkeypatch.setattr(spreadsheet_readers, "chunked_table", partial(
            xlsx.chunked_table, first_chunk_bytes=2_000, chunk_bytes=2_000, workbook_bytes=90_000,
            first_workbook_bytes=4_000, min_sheet_bytes=0))
        monkeypatch.setattr(spreadsheet_readers, "worksheet_names_if_large",
                            partial(xlsx.worksheet_names_if_large, min_sheet_bytes=0))
    path = _pdd_workbook(tmp_path / "拼多多订单.xlsx", [
        ("上月", "hidden", ["261001-100000000000001"]),
        ("模板", "veryHidden", ["261001-100000000000002"]),
        ("本月", "visible", ["261111-100000000000003", "261111-100000000000004"]),
    ])
    [result] = run_import(db, path).files
    assert result.refused is None
    assert sorted(str(r[0]) for r in rows_of(db, "select order_no from orders")) == [
        "261111-100000000000003", "261111-100000000000004"]


def test_a_hidden_sheet_is_still_read_when_no_visible_sheet_holds_orders(tmp_path: Path, db: Database) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["这张表是从后台导出的"])
    data = book.create_sheet("数据")
    data.sheet_state = "hidden"
    data.append(PDD_HEADER)
    data.append(pdd_row("261111-100000000000005"))
    path = tmp_path / "只有隐藏表.xlsx"
    book.save(path)
    [result] = run_import(db, path).files
    assert result.refused is None and count_rows(db) == 1


def test_a_mobile_number_typed_in_full_width_digits_is_its_11_digits(tmp_path: Path, db: Database) -> None:
    # A hand-kept sheet typed with the input method in full-width mode: １３８００１３８０００ was stored as
    # written (str.isdigit is true for it), and the search box's 13800138000 never found the order.
    written = ["１３８００１３８０００", "＋８６ １３８－００１３－８０００", "138 0013 8000",
               "０５７１－８８８８８８８８"]
    rows = [PDD_HEADER, *(pdd_row(f"26112{i}-10328303027685{i}", phone=text) for i, text in enumerate(written))]
    [result] = run_import(db, write_csv(tmp_path / "订单.csv", rows)).files
    assert result.errors == () and result.inserted == 4
    with db.reading() as session:
        phones = session.execute(select(Order.phone).order_by(Order.order_no)).scalars().all()
        assert len(search_hits(session, "13800138000").order_ids) == 3
    assert phones == ["13800138000"] * 3 + ["０５７１－８８８８８８８８"]


def test_a_time_excel_shows_with_shang_wu_or_xia_wu_is_read_as_that_time(tmp_path: Path, db: Database) -> None:
    # A sheet opened in Excel or WPS in Chinese and saved as csv keeps a time formatted 上午/下午 h:mm as it shows
    # it (2026/11/11 下午 8:05): every such row was refused as an unreadable time. A 12-hour time is read with its
    # half of the day; one that cannot be (下午 20:05, both halves) stays a row error naming row and column.
    written = ["2026/11/11 下午 8:05", "2026-11-11 下午 8:05:00", "2026/11/11 8:05 PM", "2026年11月11日 下午8时5分",
               "2026/11/11 上午 12:05", "2026/11/11 下午 20:05", "2026/11/11 上午 8:05 PM"]
    rows = [PDD_HEADER, *(pdd_row(f"26111{i}-10328303027685{i}", paid_at=text) for i, text in enumerate(written))]
    [result] = run_import(db, write_csv(tmp_path / "订单.csv", rows)).files
    assert result.inserted == 5 and [(e.row, e.column) for e in result.errors] == [(7, "支付时间"), (8, "支付时间")]
    with db.reading() as session:
        paid = {row[0]: as_china(row[1]).replace(tzinfo=None)
                for row in session.execute(select(Order.order_no, Order.paid_at)) if row[1] is not None}
    assert paid.pop("261114-103283030276854") == datetime(2026, 11, 11, 0, 5)
    assert set(paid.values()) == {datetime(2026, 11, 11, 20, 5)} and len(paid) == 4


def test_a_header_with_a_mark_that_shows_as_nothing_is_the_header_it_shows(tmp_path: Path, db: Database) -> None:
    # 订单\u200b号 (a header retyped from a web page or a chat) and 售后\u00ad类型 showed as 订单号 and 售后类型 in
    # Excel, and the file was refused for a missing 订单号 column.
    orders = [[h.replace("订单号", "订单\u200b号").replace("收货人", "收货\u2060人") for h in PDD_HEADER],
              pdd_row("261111-100000000000006")]
    [result] = run_import(db, write_csv(tmp_path / "订单.csv", orders)).files
    assert result.refused is None and result.inserted == 1
    cases = [[h.replace("订单编号", "订单\u200b编号").replace("退款编号", "\u200e退款编号") for h in TB_HEADER],
             tb_row("261003307666193451", "2879217421809679290")]
    [file] = import_cases(db, [write_case_csv(tmp_path / "退款.csv", cases)], platform="taobao").files
    assert file.refused is None and len(file.inserted) == 1


@pytest.mark.parametrize(("sample", "chosen", "is_of"), [
    ("pdd_orders.csv", "douyin", ("拼多多订单", "pdd")),
    ("tmall_orders.xlsx", "jd", ("淘宝/天猫订单（千牛）", "taobao")),
])
def test_an_order_export_given_another_platform_says_whose_it_is(
        sample: str, chosen: str, is_of: tuple[str, str], tmp_path: Path, db_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # 拼多多's export given --platform douyin was "表头与所选平台的订单导出不符。可选平台的格式：抖店订单", without a
    # word of what the file is; 天猫's 千牛 export given --platform jd was called a 商品明细 file of the classic export.
    [path] = copy_sample(tmp_path, sample)
    assert run(["import-orders", str(path), "--platform", chosen, "--db", str(db_path)]) == 2
    label, platform = is_of
    assert (f"{sample}：这是{label}，不是所选平台的订单导出，文件没有导入："
            f"请改按这个平台导入（命令行 --platform {platform}），或不指定平台由程序识别") in capsys.readouterr().err
    assert run(["import-orders", str(path), "--platform", platform, "--db", str(db_path)]) == 0
