"""Every disabled button says why in its tooltip: on every tab of a fresh window (nothing selected),
on a ledger with data, and in the toolbar before the ledger is open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.ui.app import create_window
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path  # noqa: F401  (fixtures)


def silent_disabled(root: QWidget) -> list[str]:
    """Visible, disabled buttons without a tooltip (by object name or text)."""
    found = []
    for button in root.findChildren(QAbstractButton):
        if isinstance(button, QToolButton) and not button.text():
            continue  # scroll arrows, tab-bar buttons: Qt's own
        if button.isVisibleTo(root) and not button.isEnabled() and not button.toolTip().strip():
            found.append(button.objectName() or button.text())
    return found


def test_every_tab_explains_its_disabled_buttons(qtbot: QtBot, window: MainWindow,
                                                 case_ids: list[int]) -> None:  # noqa: F811
    window.refresh()
    wait_idle(qtbot, window)
    silent = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        wait_idle(qtbot, window)
        found = silent_disabled(window.tabs.widget(index))
        if found:
            silent[window.tabs.tabText(index)] = found
    assert silent == {}


def test_the_toolbar_says_it_waits_for_the_ledger(qtbot: QtBot, tmp_path: Path) -> None:
    window = create_window(tmp_path / "ledger.sqlite3")
    qtbot.addWidget(window)
    assert not window.import_action.isEnabled()
    assert "数据库打开后可用" in window.import_action.toolTip()
    window.open_database()
    qtbot.waitUntil(lambda: window.context.db is not None, timeout=10000)
    wait_idle(qtbot, window)
    assert window.import_action.isEnabled() and "数据库" not in window.import_action.toolTip()
    assert window.import_other_action.toolTip().startswith("供应商的表格")
    window.runner.shutdown()


def test_the_day_dialogs_explain_their_disabled_buttons(qtbot: QtBot, window: MainWindow,
                                                       case_ids: list[int]) -> None:  # noqa: F811
    # Found walking a 双11 day: 只知道日期 in 新建售后单 (greyed until 已签收), 录入 in 批量粘贴运单号 (until the
    # pasted lines hold one ready to ship) and 移除 in 店铺信息 (no seal yet) said nothing.
    wait_idle(qtbot, window)
    dialogs = {"新建售后单": window.new_case(), "批量粘贴运单号": window.reship_tab.paste_many(),
               "店铺信息": window.open_shop_profile()}
    wait_idle(qtbot, window)
    silent = {}
    for name, dialog in dialogs.items():
        assert dialog is not None, name
        found = silent_disabled(dialog)
        if found:
            silent[name] = found
    assert silent == {}
    for dialog in dialogs.values():
        assert dialog is not None
        dialog.reject()
