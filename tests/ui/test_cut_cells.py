"""A cell cut short (…) tells its whole text in its tooltip, and no column title is cut: at 1366 px and
in English the lists' columns are narrower than their texts (下一个时限 "平台已超时自动处理：处理…",
"Refund …", a header "yer / recipie")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTranslator
from PySide6.QtGui import QHelpEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
)
from pytestqt.qtbot import QtBot

from desktop_app.ui.base_tab import data_table
from desktop_app.ui.calendar.deadline_list import DeadlineList
from desktop_app.ui.widgets.full_text_tips import title_width
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window

# The offscreen platform cannot raise the tooltip's window; it is shown all the same.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

LONG = "平台已超时自动处理：处理仅退款申请（5天）（时长为估计）"


def tooltip_over(qtbot: QtBot, view: QAbstractItemView, row: int, column: int) -> str:
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=3000)
    model = view.model()
    rect = view.visualRect(model.index(row, column))
    local = rect.center()
    event = QHelpEvent(QEvent.Type.ToolTip, local, view.viewport().mapToGlobal(local))
    QApplication.sendEvent(view.viewport(), event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def model_of(*texts: str, tip: str | None = None) -> QStandardItemModel:
    model = QStandardItemModel(len(texts), 2)
    model.setHorizontalHeaderLabels(["时限", "金额"])
    for row, text in enumerate(texts):
        item = QStandardItem(text)
        if tip:
            item.setToolTip(tip)
        model.setItem(row, 0, item)
        model.setItem(row, 1, QStandardItem("9.90"))
    return model


def test_a_cut_cell_shows_its_whole_text(qtbot: QtBot) -> None:
    view = data_table("cut_table", model_of(LONG, "剩 2 天"), (90, 60))
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    assert tooltip_over(qtbot, view, 0, 0) == LONG  # cut: the whole text
    assert tooltip_over(qtbot, view, 1, 0) == ""  # fits: nothing to tell
    view.setColumnWidth(0, 380)
    assert tooltip_over(qtbot, view, 0, 0) == ""  # widened by the user: it fits now


def test_the_models_own_tooltip_follows_the_whole_text(qtbot: QtBot) -> None:
    view = data_table("cut_table", model_of(LONG, tip="2026-12-05 10:00 到期"), (90, 60))
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    assert tooltip_over(qtbot, view, 0, 0) == f"{LONG}\n2026-12-05 10:00 到期"
    view.setColumnWidth(0, 380)
    assert tooltip_over(qtbot, view, 0, 0) == "2026-12-05 10:00 到期"  # not cut: the model's tooltip alone


def test_the_calendars_lists_tell_a_cut_deadline_name(qtbot: QtBot) -> None:
    tree = DeadlineList("overdue_list")
    qtbot.addWidget(tree)
    tree.resize(500, 200)
    tree.show()
    qtbot.waitExposed(tree)
    tree.addTopLevelItem(QTreeWidgetItem(["2026-11-13 02:08", "已逾期 20 天", "#82", "6995252287830982897",
                                          "抖店", LONG, "超时每单赔付买家3元"]))
    tree.scrollToItem(tree.topLevelItem(0))
    assert isinstance(tree, QTreeWidget)
    tree.setColumnWidth(5, 80)
    tree.horizontalScrollBar().setValue(tree.horizontalScrollBar().maximum())
    assert tooltip_over(qtbot, tree, 0, 5) == LONG


@pytest.fixture
def english_window(qtbot: QtBot, tmp_path: Path, english: QTranslator) -> Iterator[MainWindow]:
    yield from opened_window(qtbot, tmp_path / "en.sqlite3")


def test_no_column_title_is_cut_in_english(qtbot: QtBot, english_window: MainWindow) -> None:
    win = english_window
    tabs = [win.cases_tab, win.reship_tab, win.returns_tab, win.claims_tab, win.calendar_tab, win.orders_tab]
    cut = []
    for tab in tabs:
        for header in tab.findChildren(QHeaderView):
            if header.orientation() != Qt.Orientation.Horizontal or not header.parent().objectName():
                continue
            model = header.model()
            for column in range(model.columnCount()):
                title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if not isinstance(title, str) or header.isSectionHidden(column):
                    continue
                if header.stretchLastSection() and column == model.columnCount() - 1:
                    continue  # the last one takes what is left
                if header.sectionSize(column) < title_width(header, title):
                    cut.append((header.parent().objectName(), title, header.sectionSize(column)))
    assert not cut, cut
    assert isinstance(win.cases_tab.table, QTableView)


def test_a_point_far_from_any_cell_shows_nothing(qtbot: QtBot) -> None:
    view = data_table("cut_table", model_of(LONG), (90, 60))
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    QToolTip.hideText()
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=3000)
    empty = QPoint(300, 150)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, empty, view.viewport().mapToGlobal(empty)))
    assert not QToolTip.isVisible()
