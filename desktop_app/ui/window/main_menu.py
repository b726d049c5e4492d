"""The menu bar: 文件 / 编辑 / 视图 / 帮助, over the window's own actions and standard shortcuts.

Every command of the toolbar is in a menu too (menus are where users look for a shortcut), and the
menus add what a toolbar has no room for: quit, the tabs by number, the data and log folders, 关于.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QTabWidget

from desktop_app.app_log import log_dir
from desktop_app.paths import data_dir
from desktop_app.ui.window.about_dialog import AboutDialog, open_folder


@dataclass(frozen=True)
class Menus:
    file: QMenu
    edit: QMenu
    view: QMenu
    help: QMenu
    undo: QAction  # 编辑 → 撤销 (Ctrl+Z); `ui.case_undo.CaseUndo` keeps it in step with the case shown


class MenuHost(Protocol):
    """What the menus need of the main window."""

    tabs: QTabWidget
    new_case_action: QAction
    import_action: QAction
    import_other_action: QAction
    mappings_action: QAction
    refresh_action: QAction
    rules_action: QAction
    shop_action: QAction
    settings_action: QAction
    team_action: QAction
    find_action: QAction


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainMenu", text)


def _add(menu: QMenu, text: str, slot: Callable[[], object], shortcut: QKeySequence | None = None,
         name: str = "") -> QAction:
    action = menu.addAction(text)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: QMainWindow, host: MenuHost) -> Menus:
    bar = window.menuBar()
    file_menu = bar.addMenu(_tr("文件(&F)"))
    file_menu.setObjectName("menu_file")
    for action in (host.new_case_action, host.import_action, host.import_other_action, host.mappings_action):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(host.team_action)
    _add(file_menu, _tr("打开数据文件夹"), lambda: open_folder(data_dir()), name="open_data_folder")
    _add(file_menu, _tr("打开日志文件夹"), lambda: open_folder(log_dir()), name="open_log_folder")
    file_menu.addSeparator()
    # Windows has no standard Quit key; Ctrl+Q is what users try (⌘Q on macOS).
    _add(file_menu, _tr("退出(&Q)"), window.close, QKeySequence("Ctrl+Q"), name="quit")

    edit_menu = bar.addMenu(_tr("编辑(&E)"))
    edit_menu.setObjectName("menu_edit")
    edit_menu.setToolTipsVisible(True)  # a disabled 撤销 says why
    undo = edit_menu.addAction(_tr("撤销"))
    undo.setObjectName("undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.setEnabled(False)
    undo.setToolTip(_tr("数据库打开后，可撤销正在查看的售后单的最后一步"))
    edit_menu.addSeparator()
    edit_menu.addAction(host.find_action)
    edit_menu.addSeparator()
    for action in (host.rules_action, host.shop_action, host.settings_action):
        edit_menu.addAction(action)

    view_menu = bar.addMenu(_tr("视图(&V)"))
    view_menu.setObjectName("menu_view")
    view_menu.addAction(host.refresh_action)
    view_menu.addSeparator()

    help_menu = bar.addMenu(_tr("帮助(&H)"))
    help_menu.setObjectName("menu_help")

    def about() -> AboutDialog:
        dialog = AboutDialog(window)
        dialog.open()
        return dialog

    _add(help_menu, _tr("关于售后台账"), about, name="about")
    _add(help_menu, _tr("关于 Qt"), QApplication.aboutQt, name="about_qt")
    return Menus(file_menu, edit_menu, view_menu, help_menu, undo)


def add_tab_actions(menus: Menus, tabs: QTabWidget) -> None:
    """视图 → one entry per tab, Ctrl+1 … Ctrl+9 (once the tabs exist, after the database opened)."""
    for index in range(min(tabs.count(), 9)):
        _add(menus.view, tabs.tabText(index), partial(tabs.setCurrentIndex, index),
             QKeySequence(f"Ctrl+{index + 1}"), name=f"show_tab_{index}")
