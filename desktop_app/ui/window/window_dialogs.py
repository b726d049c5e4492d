"""The dialogs the window opens from its toolbar and its tabs: new case, goods value statements, shop
details, rule packs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop_app.ui.context import AppContext
from desktop_app.ui.window.window_host import WindowHost

if TYPE_CHECKING:
    # Loaded with the tabs, once the database is open (ui/window/startup.py), not with the window.
    from desktop_app.services.statements import StatementRequest
    from desktop_app.store.rows import OrderRow
    from desktop_app.ui.cases.new_case_dialog import NewCaseDialog
    from desktop_app.ui.statements.shop_profile_dialog import ShopProfileDialog
    from desktop_app.ui.statements.statement_dialog import StatementDialog


class WindowDialogs(WindowHost):
    """Mixed into `MainWindow` (a QMainWindow): what it uses of the window is declared here. Its texts
    translate under this class's name: PySide's `tr` looks up every class of the object's type."""

    context: AppContext

    def new_case(self) -> NewCaseDialog | None:
        return self._open_new_case(None)

    def new_case_for_order(self, order: OrderRow) -> NewCaseDialog | None:
        return self._open_new_case(order)

    def _open_new_case(self, order: OrderRow | None) -> NewCaseDialog | None:
        if self.context.db is None:
            return None
        from desktop_app.ui.cases.new_case_dialog import NewCaseDialog

        dialog = NewCaseDialog(self.context, order, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._case_created)
        dialog.open()
        return dialog

    def open_statements_for_claims(self, claim_ids: list[int]) -> StatementDialog | None:
        from desktop_app.services.statements import StatementRequest

        return self._open_statements(StatementRequest(claim_ids=tuple(claim_ids)))

    def open_statement_for_order(self, order: OrderRow) -> StatementDialog | None:
        from desktop_app.services.statements import StatementRequest

        return self._open_statements(StatementRequest(order_ids=(order.id,)))

    def _open_statements(self, request: StatementRequest) -> StatementDialog | None:
        if self.context.db is None:
            return None
        from desktop_app.ui.statements.statement_dialog import StatementDialog

        dialog = StatementDialog(self.context, request, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda path: self.show_message(self.tr("已保存到 %1").replace("%1", path)))
        dialog.open()
        return dialog

    def open_shop_profile(self) -> ShopProfileDialog | None:
        if self.context.db is None:
            return None
        from desktop_app.ui.statements.shop_profile_dialog import ShopProfileDialog

        dialog = ShopProfileDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_rules(self) -> None:
        if self.context.db is None:
            return
        from desktop_app.services.recompute_aside import keep_ready_for, stop_keeping_ready
        from desktop_app.ui.rules.rules_dialog import RulesDialog

        dialog = RulesDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A save recomputes the cases it changed, many of them in a second process: one is started now.
        keep_ready_for(self.context.db)
        dialog.finished.connect(lambda _result: stop_keeping_ready())
        dialog.open()

    def _case_created(self, case_id: int) -> None:
        self.show_case(case_id)
        self.show_message(self.tr("已新建售后单 #%1").replace("%1", str(case_id)))
