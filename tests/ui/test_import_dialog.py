"""Importing order exports through the window: drop files, see progress and the summary, orders show."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from desktop_app.services.search_index import waiting
from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cut_cells import tooltip_over

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


def drop_files(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(QPoint(200, 200)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    # Qt delivers Drop only during a real drag; hand the event to the window's handler directly.
    window.dropEvent(event)


def test_drop_two_exports_and_see_the_orders(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    files = [SAMPLES / "pdd_orders.csv", SAMPLES / "douyin_orders.xlsx"]
    drop_files(window, files)
    dialog = window.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    result = dialog.import_result
    assert result is not None and not result.refused and result.inserted > 0
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 2).text() == str(result.files[0].inserted)
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() == result.inserted, timeout=5000)
    dialog.accept()
    # The window indexes the new orders for search in the background, chunk by chunk.
    assert window.context.db is not None
    qtbot.waitUntil(lambda: not window._indexing and waiting(window.context.db) == 0, timeout=10000)


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen tooltip
def test_a_bad_file_is_refused_and_the_report_can_be_saved(qtbot: QtBot, window: MainWindow,
                                                            tmp_path: Path) -> None:
    bad = tmp_path / "订单.xlsx"
    bad.write_text("这不是表格", encoding="utf-8")
    good = tmp_path / "pdd_orders.csv"
    shutil.copy(SAMPLES / "pdd_orders.csv", good)
    dialog = window.import_files([bad, good])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert dialog.import_result is not None and len(dialog.import_result.refused) == 1
    # The heading said "导入完成。" and counted the good file's rows alone, as if nothing had gone wrong.
    assert dialog.heading.text().startswith("导入完成，其中 1 个文件没有导入（原因见下表）。\n订单：新增 40，")
    assert dialog.report_button.isVisible()
    explanation = dialog.table.item(0, 6).text()
    assert explanation and "订单.xlsx" in dialog.table.item(0, 0).text()
    # A file's name cut (…) in a narrow column says itself whole (a platform's export names run long).
    dialog.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    dialog.table.setColumnWidth(0, 30)
    assert tooltip_over(qtbot, dialog.table, 0, 0) == "订单.xlsx"
    report = dialog.save_report(tmp_path / "报告.xlsx")
    assert report is not None and report.exists()
    dialog.accept()


def test_empty_state_import_button_opens_the_file_chooser(qtbot: QtBot, window: MainWindow,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    chosen: list[bool] = []
    monkeypatch.setattr("desktop_app.ui.window.window_imports.QFileDialog.getOpenFileNames",
                        lambda *a, **k: (chosen.append(True), ([], ""))[1])
    qtbot.waitUntil(lambda: window.cases_tab.is_showing_empty_state(), timeout=5000)
    qtbot.mouseClick(window.cases_tab.empty.import_button, Qt.MouseButton.LeftButton)
    assert chosen == [True]


def test_export_what_the_orders_tab_shows(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    dialog = window.import_files([SAMPLES / "pdd_orders.csv"])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    dialog.accept()
    wait_idle(qtbot, window)
    tab = window.orders_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() > 2, timeout=5000)
    first = tab.model.row_object(0)
    assert first is not None
    tab.search.setText(first.order_no)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    out = tmp_path / "导出.xlsx"
    tab.export_to(out)
    wait_idle(qtbot, window)
    qtbot.waitUntil(out.exists, timeout=5000)
    sheet = load_workbook(out, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("平台", "店铺", "订单号")
    assert [r[2] for r in rows[1:]] == [first.order_no]


def test_hostile_files_through_the_window_are_refused_with_row_and_column(qtbot: QtBot, window: MainWindow,
                                                                          tmp_path: Path) -> None:
    """What a tester tries (session 16): a JD export with one item row's order number cleared, and a
    Pinduoduo export with a NUL byte in a receiver cell; a good file beside them still imports."""
    jd_lines = (SAMPLES / "jd_orders.csv").read_bytes().decode("gbk").split("\r\n")
    assert jd_lines[2].startswith(jd_lines[1].split(",")[0] + ",")  # an order with several item rows
    jd_lines[2] = jd_lines[2][jd_lines[2].index(","):]  # its second row loses the order number
    jd = tmp_path / "jd_orders.csv"
    jd.write_bytes("\r\n".join(jd_lines).encode("gbk"))
    pdd_text = (SAMPLES / "pdd_orders.csv").read_bytes().decode("utf-8-sig")
    nul = tmp_path / "pdd_orders_nul.csv"
    nul.write_bytes(pdd_text.replace("廖华雨", "廖\x00华雨", 1).encode("utf-8-sig"))
    good = tmp_path / "douyin_orders.xlsx"
    shutil.copy(SAMPLES / "douyin_orders.xlsx", good)
    dialog = window.import_files([jd, nul, good])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    result = dialog.import_result
    assert result is not None and len(result.refused) == 2 and result.inserted == 40
    shown = {dialog.table.item(row, 0).text(): dialog.table.item(row, 6).text() for row in range(3)}
    assert "第 3 行“订单号”列" in shown["jd_orders.csv"] and "整个文件都没有导入" in shown["jd_orders.csv"]
    assert "第 3 行第 16 列" in shown["pdd_orders_nul.csv"] and "空字符" in shown["pdd_orders_nul.csv"]
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() == 40, timeout=5000)
    dialog.accept()


def test_session_22_hostile_files_through_the_window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """A UTF-16 export without its byte order mark (was refused as binary) and a workbook with #N/A and
    #REF! cells (were stored as blanks): the first imports, the second's two rows are named by row, column
    and cell in the summary."""
    hostile = SAMPLES.parent / "hostile"
    utf16 = tmp_path / "pdd_unicode.csv"
    utf16.write_bytes((SAMPLES / "pdd_orders.csv").read_bytes().decode("utf-8-sig").encode("utf-16-le"))
    errors = tmp_path / "error_values.xlsx"
    shutil.copy(hostile / "error_values.xlsx", errors)
    dialog = window.import_files([utf16, errors])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    result = dialog.import_result
    assert result is not None and not result.refused and result.inserted == 41, result
    shown = "\n".join(dialog.errors.item(row, column).text() for row in range(dialog.errors.rowCount())
                      for column in range(dialog.errors.columnCount()) if dialog.errors.item(row, column))
    assert "#N/A" in shown and "N3" in shown and "#REF!" in shown and "F4" in shown, shown
    dialog.accept()


def test_the_summary_names_an_order_number_excel_may_have_rounded(qtbot: QtBot, window: MainWindow,
                                                                   tmp_path: Path) -> None:
    """A long order number ending in the zeros Excel leaves (2091714521178500000) went in as a real one,
    silently: the summary now names its file, row and column and what to do."""
    source = (SAMPLES / "taobao_ExportOrderList.csv").read_bytes().decode("gb18030").split("\n")
    number = source[1].split(",")[0].strip('"=')
    source[1] = source[1].replace(source[1].split(",")[0], number[:15] + "0" * (len(number) - 15), 1)
    path = tmp_path / "ExportOrderList.csv"
    path.write_bytes("\n".join(source).encode("gb18030"))
    dialog = window.import_files([path])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    told = dialog.warnings.text()
    assert dialog.warnings.isVisible()
    assert f"ExportOrderList.csv：第 2 行“订单编号”列：“{number[:15]}" in told and "设为“文本”" in told
    dialog.accept()


def test_a_refused_files_reason_is_shown_whole_in_the_summary(qtbot: QtBot, window: MainWindow,
                                                               tmp_path: Path) -> None:
    # A reason runs past the dialog's width (what is wrong, where, and what to do about it): the cell cut it at
    # the width with "…", and the advice at its end was behind a tooltip. It wraps within its row now.
    bad = tmp_path / "订单.xlsx"  # a 合计 typed at the sheet's last row: refused, with what to do about it
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["订单号", "收货人", "手机", "商品", "数量", "实付金额", "备注", "快递公司", "快递单号", "发货时间"])
    sheet.cell(row=1_048_576, column=1, value="合计")
    book.save(bad)
    dialog = window.import_files([bad])
    assert dialog is not None
    dialog.show()
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    reason = dialog.table.item(0, 6).text()
    width = dialog.table.columnWidth(6)
    metrics = dialog.table.fontMetrics()
    assert metrics.horizontalAdvance(reason) > 2 * width  # a reason of three lines and more at the column's width
    needed = metrics.boundingRect(QRect(0, 0, width - 8, 100_000), Qt.TextFlag.TextWordWrap, reason).height()
    assert dialog.table.rowHeight(0) >= needed
    assert dialog.table.viewport().height() >= dialog.table.rowHeight(0)
    dialog.accept()
