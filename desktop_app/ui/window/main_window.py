"""The main window: title 售后台账, a toolbar, the tabs and a status bar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from desktop_app.services import team
from desktop_app.services.second_process import stop_second_processes
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.background import BackgroundRunner, describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.settings.ledger_care import LedgerCare
from desktop_app.ui.settings.settings_dialog import SettingsDialog, full_phones
from desktop_app.ui.team.team_changes import TeamChanges
from desktop_app.ui.team.team_mode import TeamMode
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.window.app_icon import app_icon
from desktop_app.ui.window.error_dialog import ErrorDialog
from desktop_app.ui.window.main_menu import build_menus
from desktop_app.ui.window.startup import (
    IMPORT_MODULES,
    JOB_MODULES,
    PANE_MODULES,
    load_modules,
)
from desktop_app.ui.window.window_dialogs import WindowDialogs
from desktop_app.ui.window.window_imports import WindowImports
from desktop_app.ui.window.window_jobs import WindowJobs
from desktop_app.ui.window.window_opening import WindowOpening, remember_order
from desktop_app.ui.window.window_state import restore_window, save_tab, save_window
from desktop_app.ui.window.window_tabs import WindowTabs

if TYPE_CHECKING:
    from collections.abc import Callable

    # The tabs pull in SQLAlchemy: they are imported once the database is open, so the window
    # paints first (FACTS.md: importing the ORM before showing costs ~0.3 s, Alembic more).
    from desktop_app.store.case_queries import CaseFilter
    from desktop_app.store.database import Database
    from desktop_app.store.rows import OrderRow
    from desktop_app.ui.base_tab import BaseTab
    from desktop_app.ui.imports.import_dialog import ImportDialog

log = logging.getLogger(__name__)


class MainWindow(WindowOpening, WindowTabs, WindowJobs, WindowImports, WindowDialogs, TeamMode, QMainWindow):
    """The window: toolbar, tabs, status bar, opening the ledger. Its import commands live in
    ui/window/window_imports.py, the dialogs it opens in ui/window/window_dialogs.py, its tabs in
    ui/window/window_tabs.py, the background jobs started once the ledger is open in
    ui/window/window_jobs.py, team mode in ui/team/team_mode.py."""

    def __init__(self, target: Path | LedgerLocation, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.location = target if isinstance(target, LedgerLocation) else LedgerLocation(path=target)
        self.db_path = self.location.path  # None on a team server
        self.settings = settings
        self.setWindowTitle(self.tr("售后台账"))
        self.setWindowIcon(app_icon())
        self.runner = BackgroundRunner(self)
        self.context = AppContext(self.runner, self)
        self.context.show_full_phones = full_phones(settings)
        self._files_to_import: list[Path] = []  # given on the command line ("open with")
        self._import_code_ready = False  # until the preparing thread loaded it (after the first page)
        self._imports_waiting: list[tuple[list[Path], str | None]] = []
        self._import_dialogs: list[ImportDialog] = []
        self._later: dict[str, BaseTab] = {}  # the tabs after 售后单, once built (ui/window/window_tabs.py)
        self._opening = False  # the ledger is being opened: commands wait for it (`_when_open`)
        self._open_on_paint = False  # `open_when_painted`
        self._after_open: list[Callable[[], object]] = []
        self._pane_code_ready = False  # the Cases tab's detail panes' code is imported (ui/window/startup.py)
        self._early_page = None  # the Cases table's first page read before the paint (`open_when_painted`)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.loading = QLabel(self.tr("正在打开数据库……"))
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(self.loading, "secondary", "font-size:14pt")
        self.setCentralWidget(self.loading)

        toolbar = QToolBar(self.tr("工具栏"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.new_case_action = self._action(toolbar, self.tr("新建售后单"), QKeySequence.StandardKey.New,
                                            self.new_case)
        self.import_action = self._action(toolbar, self.tr("导入"), QKeySequence("Ctrl+I"), self.choose_import)
        # Sheets no platform profile knows: map their columns once, recognised from then on.
        self.import_other_action = self._action(toolbar, self.tr("导入其他表格…"), QKeySequence(),
                                                self.choose_import_other)
        self.import_other_action.setToolTip(self.tr("供应商的表格、自己的旧台账等：预览后指定各列的含义，保存为方案再导入"))
        self.mappings_action = QAction(self.tr("已保存的列对应方案…"), self)
        self.mappings_action.triggered.connect(self._when_open(self.open_saved_mappings))
        other_menu = QMenu(self)
        other_menu.addAction(self.import_other_action)
        other_menu.addAction(self.mappings_action)
        other_button = toolbar.widgetForAction(self.import_other_action)
        if isinstance(other_button, QToolButton):
            other_button.setMenu(other_menu)
            other_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        toolbar.addSeparator()
        self.refresh_action = self._action(toolbar, self.tr("刷新"), QKeySequence.StandardKey.Refresh,
                                           self.refresh)
        self.rules_action = self._action(toolbar, self.tr("时效规则"), QKeySequence(), self.open_rules)
        self.shop_action = self._action(toolbar, self.tr("店铺信息"), QKeySequence(), self.open_shop_profile)
        self.settings_action = self._action(toolbar, self.tr("设置"), QKeySequence.StandardKey.Preferences,
                                            self.open_settings, needs_ledger=False)
        self.team_action = QAction(self.tr("连接团队数据库…"), self)
        self.team_action.setObjectName("team_database")
        self.team_action.triggered.connect(lambda _checked=False: self.open_team_database())
        # Backups: the daily copy, the offer of one when the file is damaged, 恢复备份.
        self.care = LedgerCare(self.location, self.runner, self)
        self.care.message.connect(self.show_message)
        self.care.reopen_requested.connect(self.open_database)
        self.care.closing.connect(self._ledger_closing)
        self.backups_action = self._action(toolbar, self.tr("备份与恢复"), QKeySequence(), self.care.open_backups,
                                           needs_ledger=False)
        # Team mode: other seats' changes reload the tabs by themselves and say who made them.
        self.team_changes = TeamChanges(self.runner, self)
        self.team_changes.message.connect(self.show_message)
        self.team_changes.rules_changed.connect(self._rules_changed_elsewhere)
        self.team_changes.case_clicked.connect(self.show_case)
        self.find_action = QAction(self.tr("搜索"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.focus_search)
        self.addAction(self.find_action)
        self.menus = build_menus(self, self)

        self.busy_label = QLabel()
        self.db_label = QLabel(self.location.display())
        tint(self.db_label, "secondary")
        self.statusBar().addWidget(self.busy_label, 1)
        self.statusBar().addPermanentWidget(self.team_changes.label)
        self.statusBar().addPermanentWidget(self.db_label)
        self.runner.busy_changed.connect(lambda busy: self.busy_label.setText(self.tr("正在处理……") if busy else ""))
        self.runner.failed.connect(self.show_error)
        self._set_enabled(False)
        self.setAcceptDrops(True)  # drop order exports anywhere on the window
        restore_window(self, settings)  # first run: fits the screen (1366×768 laptops included)

    def _action(self, toolbar: QToolBar, text: str, shortcut: QKeySequence.StandardKey | QKeySequence,
                slot: Callable[[], object], needs_ledger: bool = True) -> QAction:
        action = QAction(text, self)
        action.setShortcut(shortcut)
        action.triggered.connect(self._when_open(slot) if needs_ledger else slot)
        toolbar.addAction(action)
        return action

    @property
    def cases_tab_built(self) -> bool:
        return self.tabs.count() > 0

    def all_tabs(self) -> list[BaseTab]:
        from desktop_app.ui.base_tab import BaseTab

        return [w for i in range(self.tabs.count()) if isinstance(w := self.tabs.widget(i), BaseTab)]

    def _set_enabled(self, enabled: bool) -> None:
        """The commands that need the ledger; while it is not open their tooltips say so."""
        for action in (self.new_case_action, self.import_action, self.import_other_action, self.mappings_action,
                       self.refresh_action, self.rules_action, self.shop_action):
            usual = action.property("usual_tip")
            if usual is None:
                usual = action.toolTip()
                action.setProperty("usual_tip", usual)
            action.setEnabled(enabled)
            action.setToolTip(usual if enabled else self.tr("数据库打开后可用（%1）").replace("%1", str(self.db_path)))

    # --- database ----------------------------------------------------------------------------
    def _database_opened(self, db: Database) -> None:
        self._opening = False
        self.team_changes.watch(db)  # a team ledger: other seats' changes arrive by themselves
        if db.is_server and not team.seat_is_chosen():
            QTimer.singleShot(0, self.ask_seat_name)
        elif db.is_server:
            QTimer.singleShot(0, self.check_seat_name)  # after `context` has the ledger (below)
        if db.is_server:
            QTimer.singleShot(0, self.check_clock)
        if self.cases_tab_built and self.cases_tab.detail is not None:
            # Reopened after a restore: the tabs stay, their data reloads.
            self.care.opened(db)
            self.context.set_database(db)
            self._set_enabled(True)
            self.refresh()
            return
        if not self.cases_tab_built:
            self._build_first_tab()  # 售后单 alone: the other tabs come once its first page is shown
        self.runner.changed.connect(self._orders_changed)
        # The start-up jobs and the other tabs wait for the Cases table's first page: they would
        # otherwise take the CPU (and Python's lock) from it — a first deadline recompute of a million
        # cases runs for minutes.
        self.cases_tab.model.loaded.connect(self._first_page_shown)
        self.cases_tab.model.load_failed.connect(self._first_page_shown)
        self.context.set_database(db)  # the Cases tab's count and first page: on the reading thread
        if self._pane_code_ready:  # else once their code is here (`_pane_code_loaded`)
            self._build_panes()  # (after the table's read is asked for: it runs meanwhile)
        if self.cases_tab.model.kept_first_page:  # shown before the ledger opened, and still current
            self._first_page_shown()
        self._set_enabled(True)
        message = self.tr("已打开 %1").replace("%1", db.display_name())
        if db.backup_path is not None:
            message += self.tr("（升级前已备份到 %1）").replace("%1", str(db.backup_path))
        self.statusBar().showMessage(message, 8000)
        if self._files_to_import:
            self.import_files(self._files_to_import)
            self._files_to_import = []
        waiting, self._after_open = self._after_open, []
        for command in waiting:  # chosen while the ledger was opening
            command()

    def _first_page_shown(self, *first_load: object) -> None:
        """Once, after the Cases table's first page on the open ledger: the detail panes' and the
        start-up jobs' code is imported off the GUI thread, then they start and the other tabs are built."""
        self.cases_tab.model.loaded.disconnect(self._first_page_shown)
        self.cases_tab.model.load_failed.disconnect(self._first_page_shown)
        # After those rows are painted (the imports would share Python's lock with that paint), one
        # after the other on the preparing thread: the detail panes' code, the import code (导入 is on
        # the first screen, and on an empty ledger the one thing to do: the dialog then opens without
        # importing openpyxl on the GUI thread), then the start-up jobs' code, then the other tabs'.
        def prepare() -> None:
            if not self._pane_code_ready:  # the Cases tab's detail panes first: they are on screen
                self.runner.prepare(lambda: load_modules(PANE_MODULES), self._pane_code_loaded)
            self.runner.prepare(lambda: load_modules(IMPORT_MODULES), self._import_code_loaded)
            self.runner.prepare(lambda: load_modules(JOB_MODULES), self._start_jobs)

        if first_load:  # read now: wait for its paint
            self.after_rows_painted(prepare)
        else:  # the early first page, painted before the ledger opened
            prepare()

    def _database_failed(self, error: Exception) -> None:
        self._opening = False
        self._after_open = []
        self._set_enabled(False)
        if self.cases_tab_built and self.context.db is None:  # no rows of a ledger that did not open
            self.cases_tab.model.set_database(None)
        self.statusBar().showMessage(self.tr("数据库未能打开"))
        if self.care.open_failed(error):
            return
        QMessageBox.critical(self, self.tr("无法打开数据库"), describe_error(error))

    # --- commands ------------------------------------------------------------------------------
    def _count_in_title(self, tab: QWidget, title: str, count: int) -> None:
        """补发队列（3）: a tab's title with the number of things waiting in it."""
        text = self.tr("%1（%2）").replace("%1", title).replace("%2", f"{count:,}")  # English: "Claims (3)"
        self.tabs.setTabText(self.tabs.indexOf(tab), text if count else title)

    def _reship_count(self, waiting: int) -> None:
        text = self.tr("补发队列（%1）").replace("%1", str(waiting)) if waiting else self.tr("补发队列")
        self.tabs.setTabText(self.tabs.indexOf(self.reship_tab), text)

    def show_calendar(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()
        self.tabs.setCurrentWidget(self.calendar_tab)

    def new_claim(self, order: OrderRow | None = None, case_id: int | None = None) -> None:
        self.tabs.setCurrentWidget(self.claims_tab)
        self.claims_tab.new_claim(order=order, case_id=case_id)

    def show_cases_of_report(self, selection: CaseFilter, description: str) -> None:
        """The cases behind a figure of the 统计 tab, listed in the Cases tab."""
        self.tabs.setCurrentWidget(self.cases_tab)
        self.cases_tab.show_report_selection(selection, description)

    def show_case(self, case_id: int) -> None:
        self.tabs.setCurrentWidget(self.cases_tab)
        self.cases_tab.select_case(case_id)

    def show_cases(self, case_ids: frozenset[int], description: str) -> None:
        self.tabs.setCurrentWidget(self.cases_tab)
        self.cases_tab.show_only(case_ids, description)

    def refresh(self) -> None:
        for tab in self.all_tabs():
            tab.refresh()

    def focus_search(self) -> None:
        """Ctrl+F: the search or filter box of the tab shown; a tab with no list to search (统计) sends it to
        the 售后单 tab's search, and the status bar says so."""
        tab = self.tabs.currentWidget()
        if tab in self.all_tabs() and tab.focus_search():
            return
        self.tabs.setCurrentWidget(self.cases_tab)
        self.cases_tab.focus_search()
        self.show_message(self.tr("“%1”没有可搜索的列表：已转到“售后单”的搜索框").replace(
            "%1", self.tabs.tabText(self.tabs.indexOf(tab)) if tab is not None else ""))

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._settings_changed)
        dialog.team_requested.connect(self.open_team_database)
        dialog.open()

    def _settings_changed(self) -> None:
        self.context.show_full_phones = full_phones(self.settings)
        orders = self._later.get("orders") if self.tabs.count() else None
        if orders is not None:  # not built yet: it shows the setting when it is
            orders.model.layoutChanged.emit()  # type: ignore[attr-defined]

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text: str) -> ErrorDialog:
        dialog = ErrorDialog(self.tr("操作未完成"), text, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _ledger_closing(self) -> None:
        self.team_changes.stop()
        self.context.db = None
        self._set_enabled(False)

    def bring_to_front(self) -> None:
        """Another start on this ledger asked for this window."""
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.imports_let_close():
            event.ignore()
            return
        self.team_changes.stop()
        self.care.shutdown()
        notifier = getattr(self, "notifier", None)
        if notifier is not None:
            notifier.stop()
        clock = getattr(self, "next_due_clock", None)
        if clock is not None:
            clock.stop()
        save_window(self, self.settings)
        for tab in self.all_tabs():
            save_tab(tab, self.settings)
        if self.cases_tab_built:
            remember_order(self.settings, self.cases_tab.model.order)
        self.settings.sync()
        stop_second_processes()  # a start-up recompute in a second process: the next start does it again
        self.runner.shutdown()  # let a running write finish: never half a transaction
        if self.context.db is not None:
            self.context.db.close()
        super().closeEvent(event)
