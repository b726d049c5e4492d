"""The column-wise check (io/column_batches) stores exactly what the row-by-row check stores.

Every file is imported twice, into two ledgers: once as the app does (batches checked column-wise,
falling back to rows when a batch needs it) and once with the column path switched off. The orders,
their items, the counts and every row error must be the same.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from order_files import (
    DOUYIN_HEADER,
    PDD_HEADER,
    SAMPLES,
    copy_sample,
    douyin_row,
    pdd_row,
    write_csv,
    write_xlsx,
)

from desktop_app.io import column_batches
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import load_profiles
from desktop_app.io.import_results import ImportResult
from desktop_app.io.order_rows import split_column, split_values
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


def both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paths: list[Path],
              expect_columns: bool = True) -> ImportResult:
    """Import `paths` both ways and compare; returns the column-wise result."""
    used: list[bool] = []
    for method in ("records", "grouped"):
        real = getattr(column_batches.ColumnBatches, method)

        def watched(self: column_batches.ColumnBatches, batch: object,
                    real: Callable[..., object] = real) -> object:
            try:
                converted = real(self, batch)
            except column_batches.NeedsRows:
                used.append(False)
                raise
            used.append(True)
            return converted

        monkeypatch.setattr(column_batches.ColumnBatches, method, watched)
    fast = _import(tmp_path / "columns.sqlite3", paths)
    monkeypatch.setattr(column_batches, "ENABLED", False)
    slow = _import(tmp_path / "rows.sqlite3", paths)
    assert _summary(fast[0]) == _summary(slow[0])
    assert fast[1] == slow[1]
    assert fast[2] == slow[2]
    if expect_columns:
        assert any(used), "the column path never ran"
    return fast[0]


@pytest.mark.parametrize("sample", ["pdd_orders.csv", "taobao_ExportOrderList.csv", "tmall_orders.xlsx",
                                    "jd_orders.csv", "douyin_orders.xlsx"])
def test_every_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: str) -> None:
    paths = copy_sample(tmp_path, sample)
    result = both_ways(tmp_path, monkeypatch, paths)
    assert result.inserted == 40


def test_taobao_list_with_its_detail_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    both_ways(tmp_path, monkeypatch, paths)


def test_a_detail_file_with_a_bad_item_rejects_that_order_the_same_way(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    [listing, detail] = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    text = detail.read_bytes().decode("gb18030").splitlines()
    cells = text[3].split(",")
    cells[3] = "两件"  # 购买数量 that is not a number
    text[3] = ",".join(cells)
    detail.write_bytes("\r\n".join(text).encode("gb18030"))
    result = both_ways(tmp_path, monkeypatch, [listing, detail], expect_columns=False)
    assert result.rejected >= 1


def test_nasty_pinduoduo_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of row the row path treats specially, each in a batch of otherwise clean rows."""
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
    rows[900][1] = '="261101-000000000000900"'  # decorated number
    rows[1000][0] = ""  # no product title: the order has no item
    rows[2100] = rows[2100][:5]  # a short row
    rows[4500] = pdd_row("261101-000000000000007", status="已签收")  # the same order again, in a clean batch
    rows.append(["合计", "", "", "100.00"] + [""] * (len(PDD_HEADER) - 4))
    path = write_csv(tmp_path / "pdd.csv", rows)
    result = both_ways(tmp_path, monkeypatch, [path])
    assert result.rejected >= 3


def test_clean_batches_take_the_column_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [PDD_HEADER, *(pdd_row(f"261101-{n:015d}") for n in range(50))]
    path = write_xlsx(tmp_path / "pdd.xlsx", {"订单": rows})
    result = both_ways(tmp_path, monkeypatch, [path])
    assert result.inserted == 50 and not result.files[0].errors


def test_pinduoduo_without_a_full_address_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The address is joined from 省/市/区/街道 (profile order_parts) on both paths."""
    rows = [PDD_HEADER, *(pdd_row(f"261101-{n:015d}") for n in range(30))]
    rows[3][PDD_HEADER.index("区")] = ""
    path = write_csv(tmp_path / "pdd.csv", rows)
    both_ways(tmp_path, monkeypatch, [path])
    assert (SAMPLES / "pdd_orders.csv").exists()


def test_a_detail_file_with_blank_and_total_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [listing, detail] = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    lines = detail.read_bytes().decode("gb18030").splitlines()
    width = lines[0].count(",")
    lines[10:10] = ["," * width]  # a blank line among the items
    lines.append("合计" + "," * width)
    detail.write_bytes("\r\n".join(lines).encode("gb18030"))
    result = both_ways(tmp_path, monkeypatch, [listing, detail])
    assert not result.rejected


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


def test_douyin_orders_across_batches_with_rows_that_need_the_row_path(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _douyin_rows(3600, seed=9)  # ≈ 7,200 rows: four batches of 2,000
    for last in (1999, 5999):  # orders cut by the batches' edges
        rows[last + 1][0], rows[last + 1][1] = rows[last][0], f"{rows[last][0]}-{last}"
    rows[1999][4] = "两件"  # a bad quantity on the last row of batch 1 (its order goes on in batch 2)
    rows[3000] = [None] * len(DOUYIN_HEADER)  # a blank line in batch 2
    rows[3500][1] = 6.92345678901235e18  # a sub-order number Excel rounded, batch 2
    # batch 3 is clean (its first order began in batch 2, read row by row); batch 4 ends with 合计 and goes
    # row by row, continuing the order batch 3 left open.
    rows.append(["合计"] + [None] * (len(DOUYIN_HEADER) - 1))
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *rows]})
    result = both_ways(tmp_path, monkeypatch, [path])
    assert result.rejected >= 2


def test_douyin_orders_that_are_not_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _douyin_rows(1500, seed=4)
    rows.insert(2500, rows[10])  # an order's row again, two thousand rows later: read again by order
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *rows]})
    both_ways(tmp_path, monkeypatch, [path], expect_columns=True)


def test_a_clean_douyin_file_takes_the_column_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "douyin.xlsx", {"Sheet1": [DOUYIN_HEADER, *_douyin_rows(1200, seed=2)]})
    result = both_ways(tmp_path, monkeypatch, [path])
    assert result.inserted == 1200 and not result.files[0].errors


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
