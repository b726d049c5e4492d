"""The window's tabs: 售后单 first, the others once it is usable (issue 15).

The Cases table is the first screen; the six other tabs are not on it. So, once the ledger is open,
the GUI thread builds the Cases tab alone (the others are placeholders with their titles) and its
first page is read. After that page is shown, the other tabs' code is imported on the runner's
preparing thread and each tab replaces its placeholder in an event-loop turn of its own (all six
built at once froze the window for 190 ms under load). A tab asked for before its turn
(`window.orders_tab`, its placeholder clicked, a case opened from the notifier ...) is built at once.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QTabWidget

from desktop_app.ui.context import AppContext
from desktop_app.ui.window.main_menu import Menus, add_tab_actions
from desktop_app.ui.window.startup import load_modules
from desktop_app.ui.window.window_host import WindowHost
from desktop_app.ui.window.window_state import restore_splitters, restore_tab

if TYPE_CHECKING:
    from desktop_app.ui.base_tab import BaseTab
    from desktop_app.ui.calendar.calendar_tab import CalendarTab
    from desktop_app.ui.cases.cases_tab import CasesTab
    from desktop_app.ui.claims.claims_tab import ClaimsTab
    from desktop_app.ui.dashboard.dashboard_tab import DashboardTab
    from desktop_app.ui.orders.orders_tab import OrdersTab
    from desktop_app.ui.reships.reship_tab import ReshipTab
    from desktop_app.ui.returns.returns_tab import ReturnsTab

# The tabs after 售后单, in the order they are shown, with the module each one's code is in.
LATER_TABS = (
    ("reship", "desktop_app.ui.reships.reship_tab"),
    ("returns", "desktop_app.ui.returns.returns_tab"),
    ("claims", "desktop_app.ui.claims.claims_tab"),
    ("calendar", "desktop_app.ui.calendar.calendar_tab"),
    ("orders", "desktop_app.ui.orders.orders_tab"),
    ("dashboard", "desktop_app.ui.dashboard.dashboard_tab"),
)


class WindowTabs(WindowHost):
    """Mixed into `MainWindow` (a QMainWindow): `self` is the window."""

    context: AppContext
    settings: QSettings
    tabs: QTabWidget
    menus: Menus
    cases_tab: CasesTab
    _later: dict[str, BaseTab]

    # What it uses of MainWindow and the other mixins is declared in window_host.

    # --- the first screen ----------------------------------------------------------------------
    def _build_first_tab(self) -> None:
        """The Cases tab, and a placeholder with its title for each of the others: the tab bar (and
        视图's Ctrl+1 … Ctrl+7) is complete from the start; a placeholder chosen before its tab was
        built builds it at once."""
        from desktop_app.ui.cases.cases_tab import CasesTab

        # Its detail panes come once the ledger is open (`_build_panes`): their code imports SQLAlchemy,
        # and the table shows its first page before that (store/first_page).
        self.cases_tab = CasesTab(self.context, panes=False)
        self.tabs.addTab(self.cases_tab, self.tr("售后单"))
        self.cases_tab.message.connect(self.show_message)
        self.cases_tab.new_case_requested.connect(self.new_case)
        self.cases_tab.import_requested.connect(self.choose_import)
        titles = self._later_titles()
        self._swapping = False
        for name, _module in LATER_TABS:
            placeholder = QLabel(self.tr("正在加载……"))
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.tabs.addTab(placeholder, titles[name])
        self.tabs.currentChanged.connect(self._tab_chosen)
        self.setCentralWidget(self.tabs)
        if self.focusWidget() is None:
            # The window opened on a label that takes no focus: the keyboard went nowhere (typing, Enter,
            # Tab) until a click. The search takes it: type, Enter opens the first case found. (Not the list:
            # a list given the keyboard makes its first row current, and the pane would show a case unasked.)
            self.cases_tab.search.setFocus()
        add_tab_actions(self.menus, self.tabs)
        restore_tab(self.cases_tab, self.settings)
        self._first_size = self.size()

    def _build_panes(self) -> None:
        """The Cases tab's detail pane and neighbours, and what hangs on them (undo, 新建理赔)."""
        from desktop_app.ui.cases.case_undo import CaseUndo

        self.cases_tab.build_panes()
        assert self.cases_tab.detail is not None
        self.cases_tab.detail.claim_requested.connect(lambda case_id: self.new_claim(case_id=case_id))
        self.case_undo = CaseUndo(self.menus.undo, self.tabs, self.cases_tab, self.cases_tab.detail, self.context,
                                  self.cases_tab.table.selectionModel())
        self.cases_tab.bulk_done.connect(self.case_undo.offer_batch)

    def _later_titles(self) -> dict[str, str]:
        return {"reship": self.tr("补发队列"), "returns": self.tr("退货入库"), "claims": self.tr("快递理赔"),
                "calendar": self.tr("时效日历"), "orders": self.tr("订单"), "dashboard": self.tr("统计")}

    def _tab_chosen(self, index: int) -> None:
        if not self._swapping and 0 < index <= len(LATER_TABS):
            self._later_tab(LATER_TABS[index - 1][0])

    # --- the other tabs ------------------------------------------------------------------------
    def _build_later_tabs(self) -> None:
        """The other tabs, one per event-loop turn, their code imported off the GUI thread first.
        Counted in the runner's `busy` until the last is built."""
        names = [name for name, _module in LATER_TABS]

        def step(_loaded: object = None) -> None:
            while names and names[0] in self._later:  # built already (asked for before its turn)
                names.pop(0)
            if not names:
                # Start-up is over: what it made (modules, widgets: ~145,000 objects) lives as long as
                # the process. Frozen (once), Python's full collections no longer walk it each time:
                # one took 100–180 ms and could land inside a search keystroke; now a few ms.
                if not gc.get_freeze_count():
                    gc.freeze()
                self.dashboard_tab.warm_up()  # what 统计's first read paid beyond a later one, paid now
                return
            self._build_tab(names.pop(0))
            self.context.runner.prepare(lambda: None, step)  # the next one in a turn of its own

        self.context.runner.prepare(lambda: load_modules(module for _name, module in LATER_TABS), step)

    def build_all_tabs(self) -> None:
        """Every tab now (one was asked for before its turn)."""
        for name, _module in LATER_TABS:
            if name not in self._later:
                self._build_tab(name)

    def _build_tab(self, name: str) -> None:
        builders = {"reship": self._add_reship, "returns": self._add_returns, "claims": self._add_claims,
                    "calendar": self._add_calendar, "orders": self._add_orders, "dashboard": self._add_dashboard}
        for earlier, _module in LATER_TABS:  # the order of the tabs never changes
            if earlier == name:
                break
            if earlier not in self._later:
                self._build_tab(earlier)
        tab = builders[name]()
        self._later[name] = tab
        index = 1 + [n for n, _m in LATER_TABS].index(name)
        chosen = self.tabs.currentIndex() == index
        placeholder = self.tabs.widget(index)
        self._swapping = True  # the placeholder's swap is not a choice of tab
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, self._later_titles()[name])
        if chosen:
            self.tabs.setCurrentIndex(index)
        self._swapping = False
        if placeholder is not None:
            placeholder.deleteLater()
        tab.message.connect(self.show_message)
        restore_tab(tab, self.settings)
        if self.context.db is not None:  # built after the ledger opened: it did not hear of it
            tab.on_database(self.context.db)
        if len(self._later) == len(LATER_TABS):
            self._all_tabs_built()

    def _all_tabs_built(self) -> None:
        from desktop_app.ui.window.tab_titles import TabTitles

        layout = self.layout()
        if layout is not None:
            layout.activate()  # the later tabs' minimum sizes apply now
        if self.size() != self._first_size:
            if not restore_tab(self.cases_tab, self.settings):
                # A later tab needs a wider window (the reship tab's buttons ~1150 px) and the window grew:
                # the Cases tab's panes are set (as saved, or as on a first run) for the width it has now,
                # as if it had been built with the others.
                self.cases_tab.reset_panes()
        else:  # its detail panes were built after the tab: their sizes as saved, now all is laid out
            restore_splitters(self.cases_tab, self.settings)
        self.tab_titles = TabTitles(self.tabs, self.context, {
            "cases": self.cases_tab, "returns": self.returns_tab, "calendar": self.calendar_tab,
            "orders": self.orders_tab}, self.returns_tab.days.value)

    def _later_tab(self, name: str) -> BaseTab:
        if name not in self._later:
            self._build_tab(name)
        return self._later[name]

    def _add_reship(self) -> BaseTab:
        from desktop_app.ui.reships.reship_tab import ReshipTab

        tab = ReshipTab(self.context)
        tab.open_case.connect(self.show_case)
        tab.count_changed.connect(self._reship_count)
        return tab

    def _add_returns(self) -> BaseTab:
        from desktop_app.ui.returns.returns_tab import ReturnsTab

        tab = ReturnsTab(self.context)
        tab.open_case.connect(self.show_case)
        return tab

    def _add_claims(self) -> BaseTab:
        from desktop_app.ui.claims.claims_tab import ClaimsTab

        tab = ClaimsTab(self.context)
        tab.open_case.connect(self.show_case)
        tab.count_changed.connect(lambda n: self._count_in_title(tab, self.tr("快递理赔"), n))
        tab.statement_requested.connect(self.open_statements_for_claims)
        return tab

    def _add_calendar(self) -> BaseTab:
        from desktop_app.ui.calendar.calendar_tab import CalendarTab

        tab = CalendarTab(self.context)
        tab.open_case.connect(self.show_case)
        return tab

    def _add_orders(self) -> BaseTab:
        from desktop_app.ui.orders.orders_tab import OrdersTab

        tab = OrdersTab(self.context)
        tab.new_claim_for_order.connect(lambda order: self.new_claim(order=order))
        tab.statement_for_order.connect(self.open_statement_for_order)
        tab.new_case_for_order.connect(self.new_case_for_order)
        return tab

    def _add_dashboard(self) -> BaseTab:
        from desktop_app.ui.dashboard.dashboard_tab import DashboardTab

        tab = DashboardTab(self.context)
        tab.cases_requested.connect(self.show_cases_of_report)
        return tab

    @property
    def reship_tab(self) -> ReshipTab:
        return self._later_tab("reship")  # type: ignore[return-value]

    @property
    def returns_tab(self) -> ReturnsTab:
        return self._later_tab("returns")  # type: ignore[return-value]

    @property
    def claims_tab(self) -> ClaimsTab:
        return self._later_tab("claims")  # type: ignore[return-value]

    @property
    def calendar_tab(self) -> CalendarTab:
        return self._later_tab("calendar")  # type: ignore[return-value]

    @property
    def orders_tab(self) -> OrdersTab:
        return self._later_tab("orders")  # type: ignore[return-value]

    @property
    def dashboard_tab(self) -> DashboardTab:
        return self._later_tab("dashboard")  # type: ignore[return-value]
