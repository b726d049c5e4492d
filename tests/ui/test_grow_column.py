"""On a wide window the key column takes the room the others leave: at 1920 px the Cases tab's 下一个时限
stayed cut at 170 px ("平台已超时自动处理：处…") beside an 更新时间 column stretched over 250 px, half empty."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_window
from desktop_app.ui.base_tab import data_table
from desktop_app.ui.widgets.full_text_tips import title_width
from desktop_app.ui.widgets.grow_column import LEAST_WIDTH, grow_column
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import close_window
from tests.ui.test_cases_tab import case_ids, seeded_path  # noqa: F401  (fixtures)

WIDTHS = (60, 170, 80, 100)  # 编号, 下一个时限, 金额, 更新时间 (the last one stretches)


def table(qtbot: QtBot) -> QTableView:
    model = QStandardItemModel(3, 4)
    model.setHorizontalHeaderLabels(["编号", "下一个时限", "金额", "更新时间"])
    for row in range(3):
        model.setItem(row, 1, QStandardItem("平台已超时自动处理：处理仅退款申请（5天）（时长为估计）"))
    view = data_table("grow_table", model, WIDTHS)
    qtbot.addWidget(view)
    return view


def test_the_key_column_takes_the_room_and_gives_it_back(qtbot: QtBot) -> None:
    view = table(qtbot)
    grow_column(view, 1)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(1) > 170, timeout=3000)
    assert view.columnWidth(1) == view.viewport().width() - 60 - 80 - 100  # the last keeps its own width
    assert view.columnWidth(3) == 100
    view.resize(380, 300)  # narrower than the columns: back to its own width, never less
    qtbot.waitUntil(lambda: view.columnWidth(1) == 170, timeout=3000)



def test_a_narrow_window_keeps_the_key_column_after_it_in_view(qtbot: QtBot) -> None:
    # 下一个时限 kept its 170 px on a narrow window and pushed 金额 past the edge (the English list at 1280 px).
    view = table(qtbot)
    grow_column(view, 1, keep_in_view=2)
    view.resize(260, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60 - 80, timeout=3000)
    assert view.columnViewportPosition(2) + view.columnWidth(2) == view.viewport().width()
    view.resize(180, 300)  # too narrow for anything: never less than its whole title
    least = max(LEAST_WIDTH, title_width(view.horizontalHeader(), "下一个时限"))
    qtbot.waitUntil(lambda: view.columnWidth(1) == least, timeout=3000)
    view.resize(900, 300)  # wide again: the surplus as before
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60 - 80 - 100, timeout=3000)


def test_a_key_column_kept_in_view_itself_ends_at_the_edge(qtbot: QtBot) -> None:
    view = table(qtbot)
    grow_column(view, 1, keep_in_view=1)  # 快递理赔's 下一步, the reship queue's 逾期后果
    view.resize(200, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60, timeout=3000)

def drag_edge(qtbot: QtBot, view: QTableView, column: int, by: int) -> None:
    """The user drags the right edge of a column's title with the mouse."""
    header = view.horizontalHeader()
    edge = QPoint(header.sectionViewportPosition(column) + header.sectionSize(column) - 1, header.height() // 2)
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(header.viewport(), edge + QPoint(by // 2, 0))
    qtbot.mouseMove(header.viewport(), edge + QPoint(by, 0))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=edge + QPoint(by, 0))


def test_a_width_the_user_set_is_kept(qtbot: QtBot) -> None:
    view = table(qtbot)
    grow = grow_column(view, 1)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(1) > 170, timeout=3000)
    grown = view.columnWidth(1)
    drag_edge(qtbot, view, 1, -100)
    assert view.columnWidth(1) < grown and grow.user_sized
    dragged = view.columnWidth(1)
    view.resize(1200, 300)
    qtbot.wait(50)
    assert view.columnWidth(1) == dragged


def test_a_splitter_dragged_beside_the_table_leaves_the_width_to_the_window(qtbot: QtBot) -> None:
    """The mouse is down elsewhere (the splitter between the list and the detail pane, dragged): the room the
    table gets is fitted as before, and the key column does not become the user's."""
    view = table(qtbot)
    grow = grow_column(view, 1)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    view.resize(900, 300)
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60 - 80 - 100, timeout=3000)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not grow.user_sized
    view.resize(1000, 300)
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60 - 80 - 100, timeout=3000)


def test_a_width_restored_from_the_last_run_grows_on_a_wider_window(qtbot: QtBot) -> None:
    """The window's remembered layout put back the width the key column had in the last run's window, and
    it counted as the user's: a window opened wider the next day left 下一个时限 cut beside a half-empty
    更新时间. Only the user's own drag (remembered as such) keeps a width now."""
    view = table(qtbot)
    grow = grow_column(view, 1)
    view.horizontalHeader().resizeSection(1, 130)  # restored from the saved layout
    grow.restored(user_sized=False)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.columnWidth(1) == view.viewport().width() - 60 - 80 - 100, timeout=3000)
    grow.restored(user_sized=True)  # the user had set it: theirs
    view.horizontalHeader().resizeSection(1, 150)
    view.resize(1200, 300)
    qtbot.wait(50)
    assert view.columnWidth(1) == 150


def test_the_next_days_wider_window_gives_the_key_column_the_room(qtbot: QtBot, seeded_path: Path,  # noqa: F811
                                                                 case_ids: list[int]) -> None:  # noqa: F811
    """Day one on a narrow window (a 1366×768 laptop's first run: 下一个时限 lends room so that 金额 stays in view),
    closed; day two maximised on a 1920 px screen: the remembered narrow width stayed for good."""
    first = create_window(seeded_path)
    qtbot.addWidget(first)
    first.resize(1180, 720)
    first.show()
    first.open_database()
    qtbot.waitUntil(lambda: first.context.db is not None and not first.runner.busy, timeout=20000)
    table, model = first.cases_tab.table, first.cases_tab.model
    due = model.column_index("next_due")
    narrow = table.columnWidth(due)
    assert narrow < 170  # lent to 金额
    first.close()
    close_window(first)
    second = create_window(seeded_path)
    qtbot.addWidget(second)
    second.resize(1900, 1000)
    second.show()
    second.open_database()
    qtbot.waitUntil(lambda: second.context.db is not None and not second.runner.busy, timeout=20000)
    try:
        table = second.cases_tab.table
        qtbot.waitUntil(lambda: table.columnWidth(due) > narrow + 100, timeout=5000)
    finally:
        second.close()
        close_window(second)


def test_the_cases_tab_gives_the_room_to_the_next_deadline(qtbot: QtBot, window: MainWindow,
                                                           case_ids: list[int]) -> None:  # noqa: F811
    """In a 1920 px window 下一个时限 grows; 更新时间, last, keeps a whole date and time."""
    window.refresh()
    qtbot.waitUntil(lambda: window.cases_tab.model.rowCount() > 0, timeout=5000)
    window.resize(1900, 1000)
    table, model = window.cases_tab.table, window.cases_tab.model
    due, updated = model.column_index("next_due"), model.column_index("updated")
    qtbot.waitUntil(lambda: table.columnWidth(due) > 170, timeout=5000)
    assert table.columnWidth(updated) >= table.fontMetrics().horizontalAdvance("2026-12-04 02:00") + 8
