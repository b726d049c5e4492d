"""导入其他表格 in the real window: a refused sheet offers the column mapping, the dialog previews it and
proposes columns, saving imports it with the new mapping, and saved mappings can be deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.io.column_suggestions import MAPPABLE_FIELDS
from desktop_app.io.import_profiles import Layout
from desktop_app.io.user_profiles import ColumnMapping, save_profile
from desktop_app.ui.imports.column_mapping_dialog import ColumnMappingDialog
from desktop_app.ui.imports.import_dialog import ImportDialog
from desktop_app.ui.imports.mapping_fields import FIELD_GROUPS
from desktop_app.ui.imports.mapping_preview import PreviewModel
from desktop_app.ui.imports.saved_mappings_dialog import SavedMappingsDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle

HEADER = ["单号", "客户", "电话", "地址", "品名", "颜色尺码", "件数", "单价", "快递", "快递单号", "发货日期", "对账"]


def supplier_sheet(path: Path) -> Path:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"  # an empty first sheet: the dialog opens on the one with the data
    sheet = workbook.create_sheet("发货明细")
    sheet.append(["杭州某某服饰档口 11月发货明细"])
    sheet.append(HEADER)
    sheet.append(["SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "加绒卫衣", "黑色 XL", 2, 89.5,
                  "中通快递", "78812345678901", "2026-11-03 18:00:00", "已对"])
    sheet.append(["SUP-1001", "张三", "13800000001", "浙江省杭州市西湖区文一西路1号", "运动裤", "灰色 L", 1, 59,
                  "中通快递", "78812345678901", "2026-11-03 18:00:00", "已对"])
    sheet.append(["SUP-1002", "李四", "13900000002", "江苏省南京市鼓楼区中山路2号", "羽绒服", "白色 M", 1, 299,
                  "圆通速递", "YT1234567890123", "2026-11-04 09:30:00", ""])
    workbook.save(path)
    return path


def open_mapping(qtbot: QtBot, window: MainWindow, path: Path) -> ColumnMappingDialog:
    dialog = window.map_columns(path)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    wait_idle(qtbot, window)
    return dialog


def test_a_refused_sheet_is_mapped_saved_and_imported(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                      data_home: Path) -> None:
    path = supplier_sheet(tmp_path / "档口发货表.xlsx")
    summary = window.import_files([path])
    assert summary is not None
    qtbot.waitUntil(lambda: summary.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert summary.import_result is not None and summary.import_result.files[0].unknown_layout
    assert summary.map_button.isVisible()
    qtbot.mouseClick(summary.map_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(ColumnMappingDialog)
    assert dialog is not None and dialog.path == path
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    wait_idle(qtbot, window)
    summary.accept()

    # The preview: the data sheet, the header under the title line, highlighted.
    assert dialog.sheet_combo.currentText() == "发货明细" and dialog.sheet_combo.count() == 2
    assert dialog.header_spin.value() == 2
    model = dialog.model
    assert model.rowCount() == 5 and model.columnCount() == len(HEADER)
    assert model.data(model.index(1, 0)) == "单号"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(2, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "A\n订单号"
    assert model.headerData(2, Qt.Orientation.Vertical) == "3"
    # The proposals: columns by name, item rows (SUP-1001 twice), the name from the file.
    assert dialog.field_combos["order_no"].currentText() == "单号（A 列）"
    assert dialog.field_combos["tracking_no"].currentText() == "快递单号（J 列）"
    assert dialog.field_combos["seller_note"].currentText() == "（不导入）"
    assert dialog.chosen_layout() is Layout.ITEM_ROWS
    assert dialog.name_edit.text() == "档口发货表"
    assert dialog.problems.text() == "" and dialog.save_button.isEnabled()

    # The user's corrections: 对账 is the seller's note; another name; platform stays 其他.
    dialog.choose_column("seller_note", "对账")
    assert model.headerData(11, Qt.Orientation.Horizontal) == "L\n商家备注"
    dialog.name_edit.setText("服饰档口")
    assert dialog.platform_combo.currentData() == "other"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: any(d.import_result is not None for d in window.findChildren(ImportDialog)), timeout=30000)
    wait_idle(qtbot, window)
    imported = next(d for d in window.findChildren(ImportDialog) if d.import_result is not None)
    result = imported.import_result
    assert result is not None and not result.refused
    [file] = result.files
    assert (file.platform, file.profile, file.inserted) == ("other", "服饰档口", 2)
    assert imported.table.item(0, 6).text() == "服饰档口"
    saved = (data_home / "import_profiles" / "user-服饰档口.toml").read_text(encoding="utf-8")
    assert 'seller_note = ["对账"]' in saved and 'sheets = ["发货明细"]' in saved
    tab = window.orders_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    assert {tab.model.row_object(r).order_no for r in range(2)} == {"SUP-1001", "SUP-1002"}
    imported.accept()

    # The next file with these headers is recognised by 导入订单 itself.
    again = window.import_files([path])
    assert again is not None
    qtbot.waitUntil(lambda: again.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert again.import_result is not None and again.import_result.files[0].profile == "服饰档口"
    assert again.import_result.unchanged == 2 and not again.map_button.isVisible()
    again.accept()


def test_choices_are_checked_as_they_change(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = open_mapping(qtbot, window, supplier_sheet(tmp_path / "发货.xlsx"))
    assert dialog.save_button.isEnabled()
    dialog.choose_column("order_no", None)
    assert not dialog.save_button.isEnabled() and "订单号" in dialog.problems.text()
    dialog.choose_column("order_no", "单号")
    dialog.choose_column("title", None)
    assert "商品名称" in dialog.problems.text()  # item rows need the item's name
    dialog.set_layout(Layout.ORDER_ROWS)
    assert dialog.problems.text() == "" and dialog.save_button.isEnabled()
    dialog.choose_column("goods", "单价")
    assert "H 列同时对应了“商品总价”和“单价”" in dialog.problems.text()
    dialog.choose_column("goods", None)
    dialog.name_edit.setText("")
    assert "方案名称" in dialog.problems.text() and not dialog.save_button.isEnabled()
    dialog.name_edit.setText("服饰档口")
    # Choosing the title line as the header offers its (one) column; the order number is gone.
    dialog.header_spin.setValue(1)
    assert dialog.field_combos["order_no"].count() == 1 + len(HEADER)
    assert "订单号" in dialog.problems.text()
    dialog.header_spin.setValue(2)
    assert dialog.field_combos["order_no"].currentText() == "单号（A 列）"
    # Another sheet is read on the worker thread; an empty one cannot be saved.
    dialog.sheet_combo.setCurrentText("说明")
    qtbot.waitUntil(lambda: dialog.preview is not None and dialog.preview.sheet == "说明", timeout=10000)
    wait_idle(qtbot, window)
    assert dialog.model.rowCount() == 0 and not dialog.save_button.isEnabled()
    dialog.reject()


def test_a_sheet_a_platform_profile_knows_says_so(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                  data_home: Path) -> None:
    save_profile(ColumnMapping("服饰档口", "other", Layout.ORDER_ROWS, {"order_no": "单号"}))
    dialog = open_mapping(qtbot, window, supplier_sheet(tmp_path / "发货.xlsx"))
    dialog.name_edit.setText("服饰档口")
    assert "已有名为“服饰档口”的方案" in dialog.notice.text() and not dialog.notice.isHidden()
    dialog.reject()
    pdd = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "pdd_orders.csv"
    known = open_mapping(qtbot, window, pdd)
    assert "拼多多订单" in known.notice.text()
    assert known.platform_combo.currentData() == "pdd" and known.chosen_layout() is Layout.ORDER_ROWS
    known.reject()


def test_an_unreadable_file_is_explained(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "photo.xlsx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    dialog = window.map_columns(bad)
    assert dialog is not None
    qtbot.waitUntil(lambda: "图片" in dialog.problems.text(), timeout=10000)
    assert not dialog.save_button.isEnabled()
    dialog.reject()


def test_toolbar_entry_and_saved_mappings(qtbot: QtBot, window: MainWindow, tmp_path: Path, data_home: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = supplier_sheet(tmp_path / "发货.xlsx")
    monkeypatch.setattr("desktop_app.ui.window.window_imports.QFileDialog.getOpenFileName",
                        lambda *a, **k: (str(path), ""))
    window.import_other_action.trigger()
    dialog = window.findChild(ColumnMappingDialog)
    assert dialog is not None and dialog.path == path
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    wait_idle(qtbot, window)
    dialog.reject()

    save_profile(ColumnMapping("服饰档口", "pdd", Layout.ORDER_ROWS, {"order_no": "单号", "receiver": "客户"}))
    (data_home / "import_profiles" / "坏的.toml").write_text("id = ", encoding="utf-8")
    window.mappings_action.trigger()
    listing = window.findChild(SavedMappingsDialog)
    assert listing is not None
    qtbot.waitUntil(lambda: listing.table.rowCount() == 2, timeout=10000)
    assert listing.keys() == ["user-服饰档口", "坏的.toml"]
    assert [listing.table.item(0, c).text() for c in range(4)] == ["服饰档口", "拼多多", "一行一个订单", "单号、客户"]
    assert "TOML" in listing.table.item(1, 3).text()
    assert not listing.delete_button.isEnabled()
    listing.table.selectRow(0)
    qtbot.mouseClick(listing.delete_button, Qt.MouseButton.LeftButton)
    box = listing.confirmation
    assert box is not None and "服饰档口" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listing.keys() == ["坏的.toml"], timeout=10000)
    assert not (data_home / "import_profiles" / "user-服饰档口.toml").exists()
    listing.table.selectRow(0)
    listing.ask_to_delete()
    assert listing.confirmation is not None
    qtbot.mouseClick(listing.confirmation.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: listing.table.rowCount() == 0, timeout=10000)
    assert listing.empty.isVisible()
    listing.reject()


def test_preview_model_contract(qtmodeltester: ModelTester, window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    dialog = open_mapping(qtbot, window, supplier_sheet(tmp_path / "发货.xlsx"))
    qtmodeltester.check(dialog.model)
    empty = PreviewModel()
    qtmodeltester.check(empty)
    dialog.reject()


def test_every_mappable_field_has_a_box() -> None:
    grouped = [name for _, names in FIELD_GROUPS for name in names]
    assert sorted(grouped) == sorted(f.name for f in MAPPABLE_FIELDS) and len(set(grouped)) == len(grouped)


def test_several_refused_sheets_and_a_broken_mapping_in_the_summary(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                                     data_home: Path) -> None:
    folder = data_home / "import_profiles"
    folder.mkdir(parents=True)
    (folder / "坏的.toml").write_text("id = ", encoding="utf-8")
    first = supplier_sheet(tmp_path / "一号档口.xlsx")
    second = supplier_sheet(tmp_path / "二号档口.xlsx")
    summary = window.import_files([first, second])
    assert summary is not None
    qtbot.waitUntil(lambda: summary.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert summary.warnings.isVisible() and "坏的.toml" in summary.warnings.text()
    menu = summary.map_button.menu()
    assert menu is not None and [a.text() for a in menu.actions()] == ["一号档口.xlsx", "二号档口.xlsx"]
    menu.actions()[1].trigger()
    dialog = window.findChild(ColumnMappingDialog)
    assert dialog is not None and dialog.path == second
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    wait_idle(qtbot, window)
    dialog.reject()
    summary.accept()
