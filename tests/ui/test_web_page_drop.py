"""Web pages saved as .xls dropped on the window (session 25): an order list and a refund list, each an HTML
<table>, imported as their CSV twins are; a login page saved instead of the export is named in the summary."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_import_dialog import drop_files
from tests.unit.aftersales_files import FIXTURES as AFTERSALES
from tests.unit.html_files import csv_as_page
from tests.unit.order_files import SAMPLES


def test_web_pages_dropped_are_imported_and_a_page_without_a_table_is_named(qtbot: QtBot, window: MainWindow,
                                                                            tmp_path: Path) -> None:
    orders = csv_as_page(SAMPLES / "pdd_orders.csv", tmp_path / "拼多多 订单.xls", "gb18030", "gb2312")
    refunds = csv_as_page(AFTERSALES / "tb_refunds.csv", tmp_path / "退款管理.xls", "utf-8", "utf-8")
    login = tmp_path / "ExportOrderList.xls"
    login.write_text("<html><body><form>请登录</form></body></html>", encoding="utf-8")
    drop_files(window, [orders, refunds, login])
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.intake is not None, timeout=60000)
    wait_idle(qtbot, window)
    intake = dialog.intake
    assert intake is not None and intake.orders is not None and intake.cases is not None
    assert [(Path(f.file).name, f.inserted) for f in intake.orders.files if not f.refused] == [("拼多多 订单.xls", 40)]
    assert [(Path(f.file).name, len(f.inserted)) for f in intake.cases.files] == [("退款管理.xls", 20)]
    shown = "\n".join(dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())
                      for column in range(dialog.table.columnCount()) if dialog.table.item(row, column))
    assert "ExportOrderList.xls" in shown and "里面没有表格" in shown, shown
    dialog.accept()
