"""Item rows that would be stored wrong: a hand-made sheet that lists an order's further items on the rows
under it, order number blank, mapped through 导入其他表格 as one row per order (refused whole, never an
order stored without an item); a 商家编码 that Excel rounded (the row named, the code never stored)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.io.import_profiles import Layout
from desktop_app.store.models import Order, OrderItem
from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_column_mapping_dialog import open_mapping
from tests.ui.test_import_dialog import SAMPLES


def items_under_their_order(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["订单号", "收货人", "手机", "实付金额", "商品名称", "数量"])
    sheet.append(["A1001", "张三", "13800000001", 30, "杯子", 1])
    sheet.append([None, None, None, None, "盘子", 2])  # A1001's second item
    sheet.append(["A1002", "李四", "13800000002", 20, "碗", 1])
    workbook.save(path)
    return path


def test_an_item_under_its_order_refuses_the_sheet(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_mapping(qtbot, window, items_under_their_order(tmp_path / "手工台账.xlsx"))
    assert dialog.chosen_layout() is Layout.ORDER_ROWS and dialog.save_button.isEnabled()
    dialog.save_and_import()
    qtbot.waitUntil(lambda: any(d.import_result is not None for d in window.findChildren(ImportDialog)),
                    timeout=30000)
    wait_idle(qtbot, window)
    summary = next(d for d in window.findChildren(ImportDialog) if d.import_result is not None)
    assert summary.import_result is not None and len(summary.import_result.refused) == 1
    explanation = summary.table.item(0, 6).text()
    assert "第 3 行" in explanation and "一行一个商品" in explanation, explanation
    assert window.context.db is not None
    with window.context.db.reading() as session:
        assert session.scalar(select(func.count(Order.id))) == 0  # not A1001 with its 杯子 alone
    summary.accept()


def test_a_product_code_excel_rounded_is_named_not_stored(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """The JD export opened in Excel and saved again: a 13-digit 货号 became 6.90123E+12."""
    lines = (SAMPLES / "jd_orders.csv").read_text(encoding="gb18030").splitlines()
    assert ",SKU-7AV3TG," in lines[1]
    lines[1] = lines[1].replace(",SKU-7AV3TG,", ",6.90123E+12,")
    path = tmp_path / "jd_orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    summary = window.import_files([path])
    assert summary is not None
    qtbot.waitUntil(lambda: summary.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    [file] = summary.import_result.files if summary.import_result else []
    assert file.rejected >= 1 and file.inserted > 0, file.errors
    assert [summary.errors.item(0, c).text() for c in (1, 2)] == ["2", "货号"]  # type: ignore[union-attr]
    assert "科学计数法" in summary.errors.item(0, 3).text()  # type: ignore[union-attr]
    assert window.context.db is not None
    with window.context.db.reading() as session:
        assert session.scalar(select(func.count(OrderItem.id)).where(OrderItem.sku_code == "6.90123E+12")) == 0
    summary.accept()
