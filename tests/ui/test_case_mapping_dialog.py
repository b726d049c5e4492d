"""导入其他表格 for after-sales sheets: the shop's own old 台账 of cases with odd headers is mapped to case
fields in the column mapping dialog (row errors shown in Chinese before saving), saved as an after-sales
profile, imported as cases shown in the Cases tab, and the next file with those headers is recognised."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.ui.imports.column_mapping_dialog import CASES, ColumnMappingDialog
from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.imports.saved_mappings_dialog import SavedMappingsDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle

HEADER = ["登记日期", "网店订单号", "售后ID", "处理方式", "进度", "问题", "退款", "寄回单号", "经手人"]
ROWS = [
    ["2026-11-12 09:30:00", "4145384019161461003", "SH-0001", "退货退款", "待买家退货", "发错货", 59, None, "小王"],
    ["2026-11-12 10:00:00", "4145384019161461004", "SH-0002", "仅退款", "已退款", "七天无理由", 19.9, None, "小李"],
    ["2026-11-13 11:00:00", "4145384019161461005", "SH-0003", "保价", "待处理", "", 10, None, "小李"],
]


def ledger_book(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "售后登记"
    sheet.append(["2026年11月 售后台账（店铺自用）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def finished_import(qtbot: QtBot, window: MainWindow) -> ImportDialog:
    qtbot.waitUntil(lambda: any(d.intake is not None for d in window.findChildren(ImportDialog)), timeout=60000)
    wait_idle(qtbot, window)
    return next(d for d in window.findChildren(ImportDialog) if d.intake is not None)


def test_an_own_ledger_of_cases_is_mapped_saved_imported_and_recognised_next_time(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, data_home: Path) -> None:
    path = ledger_book(tmp_path / "售后台账2026-11.xlsx", ROWS)
    dialog = window.map_columns(path)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    wait_idle(qtbot, window)

    # The sheet has an after-sales number, a type and a status: proposed as 售后单, columns by name.
    assert dialog.header_spin.value() == 2
    assert dialog.target() == CASES and dialog.case_fields.isVisibleTo(dialog)
    assert not dialog.order_fields.isVisibleTo(dialog) and not dialog.layout_combo.isVisibleTo(dialog)
    combos = dialog.case_combos
    assert combos["case_no"].currentText() == "售后ID（C 列）"
    assert combos["order_no"].currentText() == "网店订单号（B 列）"
    assert combos["kind"].currentText() == "处理方式（D 列）"
    assert combos["status"].currentText() == "进度（E 列）"
    assert combos["requested_at"].currentText() == "登记日期（A 列）"
    assert combos["reason"].currentText() == "（不导入）"
    assert dialog.model.headerData(2, Qt.Orientation.Horizontal) == "C\n售后单号"
    # Row errors of the preview, in Chinese, before anything is saved.
    assert dialog.row_errors.isVisible()
    text = dialog.row_errors.text()
    assert "2 行可以导入，1 行有问题" in text and "第 5 行“处理方式”列：无法识别的售后类型“保价”" in text

    # A required field taken away is named; the user's corrections.
    dialog.choose_column("status", None)
    assert not dialog.save_button.isEnabled() and "售后状态" in dialog.problems.text()
    dialog.choose_column("status", "进度")
    dialog.choose_column("reason", "问题")
    dialog.choose_column("amount", "退款")
    dialog.platform_combo.setCurrentIndex(dialog.platform_combo.findData("taobao"))
    dialog.name_edit.setText("售后台账")
    assert dialog.problems.text() == "" and dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    imported = finished_import(qtbot, window)
    intake = imported.intake
    assert intake is not None and intake.cases is not None and intake.orders is None
    [file] = intake.cases.files
    assert (file.platform, file.profile, len(file.inserted), file.rejected) == ("taobao", "售后台账", 2, 1)
    saved = data_home / "aftersales_profiles" / "user-售后台账.toml"
    assert 'reason = ["问题"]' in saved.read_text(encoding="utf-8")
    # The new cases in the Cases tab (a click on 新建售后单 lists exactly them).
    assert window.tabs.currentWidget() is window.cases_tab
    imported.case_table.cellClicked.emit(0, 2)
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10000)
    shown = {tab.model.row_object(r).platform_case_no for r in range(2)}  # type: ignore[union-attr]
    assert shown == {"SH-0001", "SH-0002"}
    imported.accept()
    wait_idle(qtbot, window)

    # Next month's 台账 with the same headers: recognised by the saved profile, no dialog.
    later = ledger_book(tmp_path / "售后台账2026-12.xlsx",
                        [["2026-12-01 09:00:00", "4145384019161461009", "SH-0009", "换货", "待处理", "尺码不合适", 0,
                          None, "小王"]])
    window.import_files([later])
    again = finished_import(qtbot, window)
    assert again.intake is not None and again.intake.cases is not None
    [file] = again.intake.cases.files
    assert (file.profile, len(file.inserted), file.rejected) == ("售后台账", 1, 0)
    assert window.findChild(ColumnMappingDialog) is None or not window.findChild(ColumnMappingDialog).isVisible()
    again.accept()

    # 已保存的列对应方案 lists the after-sales mapping beside the order ones, and deletes it.
    window.mappings_action.trigger()
    listing = window.findChild(SavedMappingsDialog)
    assert listing is not None
    qtbot.waitUntil(lambda: listing.table.rowCount() == 1, timeout=10000)
    assert [listing.table.item(0, c).text() for c in range(3)] == ["售后台账", "淘宝", "一行一个售后单"]
    listing.table.selectRow(0)
    listing.ask_to_delete()
    assert listing.confirmation is not None
    qtbot.mouseClick(listing.confirmation.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listing.table.rowCount() == 0, timeout=10000)
    assert not saved.exists()
    listing.reject()
