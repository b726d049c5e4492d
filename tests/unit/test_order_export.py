"""Order export: exactly the issue's columns, text cells for numbers, no formulas, a usable sheet."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from order_files import PDD_HEADER, copy_sample, pdd_row, run_import, write_csv
from sqlalchemy import text

from desktop_app.core.errors import UserError
from desktop_app.io.order_export import EXPORT_COLUMNS
from desktop_app.io.xlsx_cells import write_list_sheet
from desktop_app.services.order_export import export_orders
from desktop_app.store.database import Database

DANGEROUS = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3+4", "@SUM(A1)", "＝1+1", "＋86 138", "－5", "＠me"]


def _sheet(path: Path) -> Worksheet:
    sheet = load_workbook(path)["订单"]
    assert isinstance(sheet, Worksheet)
    return sheet


def test_columns_and_values(tmp_path: Path, db: Database) -> None:
    order_list, _ = copy_sample(tmp_path, "taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
    run_import(db, order_list)
    out = tmp_path / "orders.xlsx"
    assert export_orders(db, out) == 40
    sheet = _sheet(out)
    header = [c.value for c in sheet[1]]
    assert header == list(EXPORT_COLUMNS) == [
        "平台", "店铺", "订单号", "订单状态", "收货人", "手机", "收货地址", "商品", "商品数量", "实付金额", "付款时间",
        "发货时间", "物流公司", "物流单号"]
    rows = {r[2].value: r for r in sheet.iter_rows(min_row=2)}
    row = rows["4145384019161461003"]
    assert row[2].data_type == "s" and row[5].data_type == "s" and row[13].data_type == "s"
    assert (row[0].value, row[1].value, row[4].value, row[5].value) == (
        "淘宝", "小林家居旗舰店", "秦文红", "19328792174")
    assert row[7].value == "宠物猫砂 豆腐砂 6L*4包（颜色分类：绿茶）×2"
    assert row[8].value == 2 and row[9].data_type == "n" and Decimal(str(row[9].value)) == Decimal("158.00")
    assert row[9].number_format == "#,##0.00"
    assert row[10].value == datetime(2026, 11, 6, 21, 6, 50)  # China wall-clock time
    assert row[13].value == "4793834701746"
    # Newest payment first.
    paid = [r[10].value for r in sheet.iter_rows(min_row=2)]
    assert paid == sorted(paid, reverse=True)


def test_sheet_layout(tmp_path: Path, db: Database) -> None:
    [path] = copy_sample(tmp_path, "pdd_orders.csv")
    run_import(db, path)
    out = tmp_path / "orders.xlsx"
    export_orders(db, out)
    sheet = _sheet(out)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:N41"
    first = sheet["A1"]
    assert first.font.bold and first.fill.fgColor.rgb.endswith("305496")
    assert sheet.column_dimensions["C"].width >= 20 and sheet.column_dimensions["G"].width >= 40


def test_nothing_becomes_a_formula(tmp_path: Path, db: Database) -> None:
    rows = [PDD_HEADER] + [pdd_row(f"261101-{n:015d}", receiver=text, title=text) for n, text in enumerate(DANGEROUS)]
    run_import(db, write_csv(tmp_path / "pdd.csv", rows))
    out = tmp_path / "orders.xlsx"
    export_orders(db, out)
    sheet = _sheet(out)
    receivers = {}
    for row in sheet.iter_rows(min_row=2):
        cell = row[4]
        assert cell.data_type == "s", cell.value
        assert cell.quotePrefix, cell.value  # Excel keeps it text even when the cell is edited
        receivers[cell.value] = row[7]
    assert sorted(receivers) == sorted(DANGEROUS)  # the values themselves are unchanged
    plain = sheet.cell(row=2, column=3)
    assert not plain.quotePrefix  # ordinary text is left alone


def test_platform_filter_and_ids_in_screen_order(tmp_path: Path, db: Database) -> None:
    paths = copy_sample(tmp_path, "pdd_orders.csv", "tmall_orders.xlsx", "jd_orders.csv")
    run_import(db, *paths)
    with db.engine.begin() as conn:
        conn.execute(text("update orders set platform = 'tmall' where order_no = '4923097606167913379'"))
        ids = [r[0] for r in conn.execute(text("select id from orders where platform = 'jd' order by id"))]
    assert export_orders(db, tmp_path / "taobao.xlsx", platform="taobao") == 40  # Taobao includes Tmall
    assert export_orders(db, tmp_path / "tmall.xlsx", platform="tmall") == 1
    assert export_orders(db, tmp_path / "pdd.xlsx", platform="拼多多") == 40
    chosen = ids[5:0:-1]
    assert export_orders(db, tmp_path / "chosen.xlsx", order_ids=chosen) == 5
    with db.engine.connect() as conn:
        numbers = [conn.execute(text("select order_no from orders where id = :i"), {"i": i}).scalar_one()
                   for i in chosen]
    assert [r[2].value for r in _sheet(tmp_path / "chosen.xlsx").iter_rows(min_row=2)] == numbers


def test_bad_targets(tmp_path: Path, db: Database) -> None:
    with pytest.raises(UserError, match=r"\.xlsx"):
        export_orders(db, tmp_path / "orders.csv")
    with pytest.raises(UserError, match="平台"):
        export_orders(db, tmp_path / "orders.xlsx", platform="amazon")
    assert export_orders(db, tmp_path / "empty.xlsx") == 0
    assert [c.value for c in _sheet(tmp_path / "empty.xlsx")[1]] == list(EXPORT_COLUMNS)
    assert not list(tmp_path.glob(".*.partial"))


def test_the_sheet_spools_in_the_apps_own_folder(tmp_path: Path, data_home: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl wrote each sheet's rows (names, phones, addresses) to /tmp/openpyxl.* first, where an export
    killed half-way left them for good; now in <data folder>/tmp (0600, named after the process: the next
    start deletes a killed export's file), and gone once the workbook is saved."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    seen: list[list[Path]] = []

    def rows(_sheet: object) -> Iterator[list[object]]:
        yield ["秦文红", "19328792174", "上海市闵行区中山北路542号"]
        seen.append(sorted((data_home / "tmp").glob("*")) + sorted(system_tmp.glob("*")))  # the export under way
        yield ["王小明", "13812345678", "杭州市西湖区"]

    out = tmp_path / "订单.xlsx"
    assert write_list_sheet(out, "订单", ["收货人", "手机", "地址"], [10, 10, 10], "A2", rows) == 2
    [spooled] = seen
    assert [p.parent for p in spooled] == [data_home / "tmp"] and spooled[0].name.startswith(f"{os.getpid()}-")
    assert list((data_home / "tmp").iterdir()) == [] and list(system_tmp.iterdir()) == []
    assert _sheet(out).cell(2, 2).value == "19328792174"
