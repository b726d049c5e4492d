"""Checking order rows (io/row_checks) and grouping them into orders (io/order_assembly), end to end:
every kind of row the check treats specially, in batches of otherwise clean rows, orders cut by the
batches' edges, orders scattered over a file, and a sheet read in pieces against the same sheet read whole.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from order_files import (
    DOUYIN_HEADER,
    PDD_HEADER,
    copy_sample,
    douyin_row,
    pdd_row,
    write_csv,
    write_xlsx,
)

from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import load_profiles
from desktop_app.io.import_results import ImportResult
from desktop_app.io.row_checks import split_column, split_values
from desktop_app.services.order_import import import_files
from desktop_app.store.database import open_database

ORDER_COLUMNS = ("order_key, platform, order_no, shop_id, status, buyer_nick, receiver, phone, address, goods_fen, "
                 "postage_fen, paid_fen, item_count, paid_at, shipped_at, signed_at, succeeded_at, carrier, "
                 "tracking_no, buyer_note, seller_note, search_text")
ITEM_COLUMNS = ", ".join(f"i.{c}" for c in ("position", "sub_order_no", "title", "spec", "sku_code", "quantity",
                                             "unit_price_fen", "paid_fen"))


Rows = list[tuple[object, ...]]


def _import(db_path: Path, paths: list[Path]) -> tuple[ImportResult, Rows, Rows]:
    db = open_database(db_path)
    try:
        result = import_files(db, paths)
    finally:
        db.close()
    with sqlite3.connect(db_path) as conn:
        orders = conn.execute(f"select {ORDER_COLUMNS} from orders order by order_key").fetchall()
        items = conn.execute(f"select o.order_key, {ITEM_COLUMNS} from order_items i "
                             "join orders o on o.id = i.order_id order by o.order_key, i.position").fetchall()
    return result, orders, items


def _summary(result: ImportResult) -> list[tuple[object, ...]]:
    return [(f.platform, f.inserted, f.updated, f.unchanged, f.rejected, f.refused,
             [(e.row, e.column, e.message, e.table) for e in f.errors]) for f in result.files]


def _places(result: ImportResult) -> list[tuple[int | None, str | None]]:
    [file] = result.files
    return [(e.row, e.column) for e in file.errors]


@pytest.mark.parametrize("sample", ["pdd_orders.csv", "taobao_ExportOrderList.csv", "tmall_orders.xlsx",
                                    "jd_orders.csv", "douyin_orders.xlsx"])
def test_every_sample(tmp_path: Path, sample: str) -> None:
    result, orders, _ = _import(tmp_path / "ledger.sqlite3", copy_sample(tmp_path, sample))
    assert result.inserted == 40 and not result.rejected and len(orders) == 40


def test_taobao_list_with_its_detail_file(tmp_path: Path) -> None:
    paths = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    result, orders, items = _import(tmp_path / "ledger.sqlite3", paths)
    assert result.inserted == 40 and not result.rejected
    assert {key for key, *_ in items} <= {key for key, *_ in orders} and items


def test_a_detail_file_with_a_bad_item_rejects_that_order(tmp_path: Path) -> None:
    [listing, detail] = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    text = detail.read_bytes().decode("gb18030").splitlines()
    cells = text[3].split(",")
    cells[3] = "两件"  # 购买数量 that is not a number
    text[3] = ",".join(cells)
    detail.write_bytes("\r\n".join(text).encode("gb18030"))
    result, _, _ = _import(tmp_path / "ledger.sqlite3", [listing, detail])
    assert result.rejected >= 1
    [file] = result.files
    assert [(e.row, e.column, e.table) for e in file.errors] == [
        (4, "购买数量", detail.name), (4, None, None)]
    assert "两件" in file.errors[0].message
    assert file.errors[1].message == f"本订单在“{detail.name}”第 4 行的商品有错误，整单未导入"
    assert file.inserted == 39


def test_nasty_pinduoduo_rows(tmp_path: Path) -> None:
    """Every kind of row the check treats specially, each in a batch of otherwise clean rows."""
    rnd = random.Random(5)
    rows: list[list[str]] = [PDD_HEADER]
    # three batches of 2,000 rows, then the 合计 line alone (the csv reader drops the blank line: 6,001 rows)
    for n in range(6001):
        rows.append(pdd_row(f"261101-{n:015d}", goods=f"{rnd.randint(1, 500)}.{rnd.randint(0, 99):02d}",
                            quantity=f"{rnd.randint(1, 3)}\t", receiver=rnd.choice(["梁军桐", "王芳", "李四"])))
    rows[5] = pdd_row("6.92345678901235E+18")  # an id Excel rounded
    rows[200] = [""] * len(PDD_HEADER)  # a blank line
    rows[400][3] = "七十九"  # an amount that is not a number
    rows[600] = pdd_row("261101-000000000000010", paid_at="2026-02-30 10:00:00")  # an impossible date
    rows[800][2] = "-"  # an empty marker
    rows[900][1] = '="261101-000000000000900"'  # decorated number (the same as the next row's, other values)
    rows[1000][0] = ""  # no product title: the order has no item
    rows[2100] = rows[2100][:5]  # a short row
    rows[4500] = pdd_row("261101-000000000000007", status="已签收")  # the same order again, in a clean batch
    rows.append(["合计", "", "", "100.00"] + [""] * (len(PDD_HEADER) - 4))
    path = write_csv(tmp_path / "pdd.csv", rows)
    result, orders, items = _import(tmp_path / "ledger.sqlite3", [path])
    assert result.rejected >= 3
    assert _places(result) == [(6, "订单号"), (401, "商品总价(元)"), (601, "支付时间"), (902, "订单号"),
                               (4501, "订单号")]
    [file] = result.files
    assert "第 901 行已经出现过" in file.errors[3].message and "第 9 行已经出现过" in file.errors[4].message
    assert result.inserted == 5995 == len(orders)
    by_key = {row[0]: row for row in orders}
    assert by_key["pdd:261101-000000000000799"][4] is None  # 订单状态 "-": empty
    assert by_key["pdd:261101-000000000002099"][9] is not None  # the short row: its cells there are stored
    assert "pdd:261101-000000000000999" in by_key
    assert not [item for item in items if item[0] == "pdd:261101-000000000000999"]  # no title: no item
    assert len(items) == 5994


def _douyin_rows(orders: int, seed: int) -> list[list[object]]:
    """Orders of one to three items, so batches of 2,000 rows cut through orders."""
    rnd = random.Random(seed)
    rows: list[list[object]] = []
    for n in range(orders):
        main = f"69{n:017d}"
        logistics = rnd.choice(["顺丰速运,SF2166964304386", "中通快递,7312;圆通速递,YT99", "SF1234567890", "",
                                "极兔速递"])
        for k in range(rnd.randint(1, 3)):
            rows.append(douyin_row(main, f"{main}{k}", rnd.choice(["猫砂", "保温杯 500ml", "纯棉袜子"]),
                                   quantity=float(rnd.randint(1, 3)), price=rnd.choice([9.9, 19.0, 199.0, None]),
                                   logistics=logistics, receiver=rnd.choice(["袁静", "欧阳修远"])))
    return rows


def test_douyin_orders_across_batches_with_bad_rows(tmp_path: Path) -> None:
    rows = _douyin_rows(3600, seed=9)  # ≈ 7,200 rows: four batches of 2,000
    for last in (1999, 5999):  # orders cut by the batches' edges
        rows[last + 1][0], rows[last + 1][1] = rows[last][0], f"{rows[last][0]}-{last}"
    rows[1999][4] = "两件"  # a bad quantity on the last row of batch 1 (its order goes on in batch 2)
    rows[3000] = [None] * len(DOUYIN_HEADER)  # a blank line in batch 2
    rows[3500][1] = 6.92345678901235e18  # a sub-order number Excel rounded, batch 2
    rows.append(["合计"] + [None] * (len(DOUYIN_HEADER) - 1))  # batch 4 ends with 合计
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *rows]})
    result, orders, items = _import(tmp_path / "ledger.sqlite3", [path])
    assert result.rejected >= 2
    assert _places(result) == [(2001, "商品数量"), (2002, None), (3502, "子订单编号"), (3501, None)]
    [file] = result.files
    assert file.errors[1].message == "同一订单（6900000000000001028）的其他行有错误，本订单整单未导入"
    assert result.inserted == 3598 == len(orders)
    stored = {key for key, *_ in orders}
    assert "douyin:6900000000000001028" not in stored and "douyin:6900000000000001774" not in stored
    # the order cut by the edge of batch 3 keeps the row that begins batch 4
    edge_order = rows[5999][0]
    assert sum(1 for key, *_ in items if key == f"douyin:{edge_order}") == sum(
        1 for row in rows if row[0] == edge_order)
    rejected = {"6900000000000001028", "6900000000000001774"}
    assert len(items) == sum(1 for row in rows if row[0] and row[0] != "合计" and row[0] not in rejected)


def test_douyin_orders_that_are_not_together(tmp_path: Path) -> None:
    rows = _douyin_rows(1500, seed=4)
    rows.insert(2500, rows[10])  # an order's row again, two thousand rows later: read again by order
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *rows]})
    result, orders, items = _import(tmp_path / "ledger.sqlite3", [path])
    assert result.inserted == 1500 == len(orders) and not result.rejected
    moved = rows[10][0]
    assert sum(1 for key, *_ in items if key == f"douyin:{moved}") == sum(1 for row in rows if row[0] == moved)
    assert len(items) == len(rows)


def test_a_clean_douyin_file(tmp_path: Path) -> None:
    rows = _douyin_rows(1200, seed=2)
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *rows]})
    result, orders, items = _import(tmp_path / "ledger.sqlite3", [path])
    assert result.inserted == 1200 == len(orders) and not result.files[0].errors
    assert len(items) == len(rows)


@pytest.mark.parametrize("case", ["edges", "not together"])
def test_a_douyin_sheet_read_in_pieces_imports_as_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              case: str) -> None:
    """The importer on io/xlsx (small pieces, so a test-sized sheet is cut many times) stores
    exactly what it stores from the whole sheet — also when orders are scattered and read again."""
    from functools import partial

    from desktop_app.io import spreadsheet_readers, xlsx

    rows = _douyin_rows(1500, seed=5)
    if case == "edges":
        rows[700][4] = "两件"  # a bad quantity mid-file
        rows.append(["合计"] + [None] * (len(DOUYIN_HEADER) - 1))
    else:
        rows.insert(2500, rows[10])  # an order's row again further down: read again by order
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [["抖店订单导出"], DOUYIN_HEADER, *rows]})
    read_in_pieces: list[bool] = []
    real = partial(xlsx.chunked_table, first_chunk_bytes=20_000, chunk_bytes=30_000, workbook_bytes=90_000,
                   first_workbook_bytes=40_000, min_sheet_bytes=0)

    def chunked(*args: object, **kwargs: object) -> object:
        table = real(*args, **kwargs)
        read_in_pieces.append(table is not None)
        return table

    monkeypatch.setattr(spreadsheet_readers, "chunked_table", chunked)
    pieces = _import(tmp_path / "pieces.sqlite3", [path])
    assert read_in_pieces and all(read_in_pieces)
    monkeypatch.setattr(spreadsheet_readers, "READ_LARGE_SHEETS_IN_PIECES", False)
    whole = _import(tmp_path / "whole.sqlite3", [path])
    assert _summary(pieces[0]) == _summary(whole[0])
    assert pieces[1] == whole[1] and pieces[2] == whole[2]
    assert pieces[0].inserted == 1500 - (1 if case == "edges" else 0)


def test_the_logistics_column_splits_as_cell_by_cell() -> None:
    """快递信息 split column-wise (common cells inline) gives what `split_values` gives each cell."""
    profile = next(p for p in load_profiles() if p.id == "douyin")
    split = profile.splits[0]
    cleaner = CellCleaner(profile.cleaning)
    cells = ["顺丰速运,SF2166964304386", " 中通快递 , 7312345678901 ", "圆通速递,YT1;韵达快递,4312", "SF123456",
             "极兔速递", "极兔速递,", ",JT0001", "中通,123,456", None, "韵达,No:4312", "韵达,='4312",
             "韵达,-", "申通,e1", "京东,JD0001;", ";", ",", "中通快递,７３１２"]
    empty_markers = sorted(cleaner.empty)
    cells += [f"中通,{marker}" for marker in empty_markers] + [f"中通,{p}99" for p in cleaner.tracking_prefixes]
    got = split_column(cells, split, cleaner)
    for index, cell in enumerate(cells):
        expected = split_values(cell, split, cleaner)
        assert {name: got[name][index] for name in split.fields} == expected, cell
    for rounded in ("韵达,1E5", "韵达,7.31E+12"):  # a tracking number Excel rounded: the same error
        with pytest.raises(CellError) as by_column:
            split_column(["中通,731", rounded], split, cleaner)
        with pytest.raises(CellError) as by_cell:
            split_values(rounded, split, cleaner)
        assert str(by_column.value) == str(by_cell.value)
