"""What the window's mixins (`WindowOpening`, `WindowTabs`, `WindowJobs`, `WindowImports`, `WindowDialogs`) use of
`MainWindow` and of each other, declared for mypy only: at run time `WindowHost` is `object`, so the
mixins stay plain classes (their `tr` contexts and `MainWindow`'s method order are unchanged) and no
stub here can hide a real method."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

    from desktop_app.store.case_queries import CaseFilter
    from desktop_app.store.database import Database
    from desktop_app.store.rows import OrderRow
    from desktop_app.ui.cases.cases_tab import CasesTab
    from desktop_app.ui.cases.new_case_dialog import NewCaseDialog
    from desktop_app.ui.orders.orders_tab import OrdersTab
    from desktop_app.ui.statements.statement_dialog import StatementDialog

    class WindowHost(QMainWindow):
        tabs: QTabWidget
        cases_tab: CasesTab

        @property
        def cases_tab_built(self) -> bool: ...

        @property
        def orders_tab(self) -> OrdersTab: ...

        def show_message(self, text: str) -> None: ...

        def show_case(self, case_id: int) -> None: ...

        def show_calendar(self) -> None: ...

        def show_cases_of_report(self, selection: CaseFilter, description: str) -> None: ...

        def new_case(self) -> NewCaseDialog | None: ...

        def new_case_for_order(self, order: OrderRow) -> NewCaseDialog | None: ...

        def new_claim(self, order: OrderRow | None = None, case_id: int | None = None) -> None: ...

        def choose_import(self) -> None: ...

        def open_statements_for_claims(self, claim_ids: list[int]) -> StatementDialog | None: ...

        def open_statement_for_order(self, order: OrderRow) -> StatementDialog | None: ...

        def _count_in_title(self, tab: QWidget, title: str, count: int) -> None: ...

        def _reship_count(self, waiting: int) -> None: ...

        def _set_enabled(self, enabled: bool) -> None: ...

        def _build_first_tab(self) -> None: ...

        def _build_panes(self) -> None: ...

        def _build_later_tabs(self) -> None: ...

        def _database_opened(self, db: Database) -> None: ...

        def _database_failed(self, error: Exception) -> None: ...
else:
    WindowHost = object
