"""Right-click menus on the tables, and disabled buttons that say why."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.widgets.table_menu import row_menu
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path, visible_case_ids  # noqa: F401  (fixtures)


def test_a_case_row_menu_opens_it_and_copies_its_order_number(qtbot: QtBot, window: MainWindow,
                                                               case_ids: list[int]) -> None:  # noqa: F811
    tab = window.cases_tab
    window.refresh()
    qtbot.waitUntil(lambda: len(visible_case_ids(window)) == 2, timeout=5000)
    index = tab.model.index(1, 0)
    row = index.data(ROW_ROLE)
    menu = row_menu(tab.table, index, actions=[("打开", lambda r: tab.detail.show_case(r.id))])
    assert menu is not None
    entries = {a.text(): a for a in menu.actions() if a.text()}
    # A case row has no tracking number: no 复制运单号 greyed out on every case (the old menu had one).
    assert list(entries) == ["打开", "复制订单号"]
    entries["复制订单号"].trigger()
    assert QApplication.clipboard().text() == row.order_no
    entries["打开"].trigger()
    qtbot.waitUntil(lambda: tab.detail.case_id == row.id, timeout=5000)
    assert row_menu(tab.table, tab.model.index(99, 0)) is None  # below the rows: no menu


def test_an_order_row_menu_offers_the_tab_buttons_and_copies_tracking(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.orders_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
    assert not tab.new_case_button.isEnabled() and tab.new_case_button.toolTip() == "先在列表中选择一个订单"
    index = next(tab.model.index(r, 0) for r in range(3) if tab.model.index(r, 0).data(ROW_ROLE).tracking_no)
    menu = row_menu(tab.table, index, [tab.new_case_button, tab.new_claim_button, tab.statement_button])
    assert menu is not None
    wait_idle(qtbot, window)
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert entries["为此订单新建售后单"].isEnabled()  # the row was selected first, as the buttons need
    entries["复制运单号"].trigger()
    assert QApplication.clipboard().text() == index.data(ROW_ROLE).tracking_no
    # An order not shipped yet: 复制运单号 greyed out says why (it said its own name, as Qt does for an
    # action without a tooltip of its own).
    bare = next(tab.model.index(r, 0) for r in range(3) if not tab.model.index(r, 0).data(ROW_ROLE).tracking_no)
    menu = row_menu(tab.table, bare)
    assert menu is not None and menu.toolTipsVisible()
    entry = next(a for a in menu.actions() if a.text() == "复制运单号")
    assert not entry.isEnabled() and entry.toolTip() == "这一行没有运单号"


def test_disabled_reship_buttons_say_why(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.reship_tab
    window.tabs.setCurrentWidget(tab)
    wait_idle(qtbot, window)
    assert not tab.ship_button.isEnabled() and tab.ship_button.toolTip() == "先在列表中选择一条补发"
    assert not tab.print_button.isEnabled() and "订单尚未导入" in tab.print_button.toolTip()
