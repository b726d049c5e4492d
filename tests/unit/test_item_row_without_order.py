"""A row of a one-row-per-item export whose order number cannot be read (blank, or rounded by Excel into
3.42696E+11) could belong to any order. Storing the other rows used to replace an order's stored items
with a set that lacked that item; now the whole file is refused, naming the row and column, and the
ledger is left as it was."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

from desktop_app.services.order_import import import_files
from desktop_app.store.database import open_database

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def _rows(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((SAMPLES / name).read_bytes().decode("gbk"))))


def _write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("gbk"))
    return path


def _ledger_dump(ledger: Path) -> list[str]:
    conn = sqlite3.connect(ledger)
    try:
        return [line for line in conn.iterdump() if "order_search" not in line]
    finally:
        conn.close()


def _import(ledger: Path, *paths: Path):  # type: ignore[no-untyped-def]
    db = open_database(ledger)
    try:
        return import_files(db, list(paths))
    finally:
        db.close()


def test_an_item_row_without_a_readable_order_number_refuses_the_file(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    _import(ledger, SAMPLES / "jd_orders.csv")
    before = _ledger_dump(ledger)
    rows = _rows("jd_orders.csv")
    assert rows[1][0] == rows[2][0]  # the first order has several item rows
    for bad in ("3.42696E+11", ""):
        damaged = [list(r) for r in rows]
        damaged[2][0] = bad
        [result] = _import(ledger, _write(tmp_path / "jd.csv", damaged)).files
        assert result.refused is not None
        assert "第 3 行“订单号”列" in result.refused and "整个文件都没有导入" in result.refused
        assert _ledger_dump(ledger) == before  # the order kept all its items
    # A 合计 line and a blank line under the items are filler, not rows without an order number.
    padded = [*rows, ["合计", "", "", "5"] + [""] * (len(rows[0]) - 4), [""] * len(rows[0])]
    [result] = _import(ledger, _write(tmp_path / "jd.csv", padded)).files
    assert (result.refused, result.rejected) == (None, 0)
    assert _ledger_dump(ledger)[-5:] == before[-5:]


def test_a_detail_file_row_without_an_order_number_refuses_the_pair(tmp_path: Path) -> None:
    orders = tmp_path / "ExportOrderList202611.csv"
    orders.write_bytes((SAMPLES / "taobao_ExportOrderList.csv").read_bytes())
    details = _rows("taobao_ExportOrderDetailList.csv")
    details[3][0] = ""
    _write(tmp_path / "ExportOrderDetailList202611.csv", details)
    ledger = tmp_path / "ledger.sqlite3"
    result = _import(ledger, orders)
    assert result.files[0].refused is not None and "第 4 行" in result.files[0].refused
    assert "ExportOrderDetailList202611.csv" in result.files[0].refused
    conn = sqlite3.connect(ledger)
    assert conn.execute("select count(*) from order_items").fetchone() == (0,)
    conn.close()
