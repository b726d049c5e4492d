"""The reship queue's actions on one reship, each through a dialog that stays open until what it records is on
the ledger (ui/widgets/writing_dialog.py): 同意补发 / 拒绝, 录入运单号, 缺货改退款, 编辑补发商品, 记录承诺补发, and
批量粘贴运单号. A write refused (another seat changed the case, the ledger locked, the server gone) is said in the
dialog with what was typed kept; the queue behind it is read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QDialog, QMessageBox

from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.services import reships as reship_service
from desktop_app.services.cases import OpenedCase, case_version
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.services.reship_rules import Consequences
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.reships.reship_dialogs import DecisionDialog, ItemsDialog, PromiseDialog, ShipDialog
from desktop_app.ui.reships.reship_paste_dialog import PasteDialog
from desktop_app.ui.widgets.writing_dialog import WritingDialog, refusal_version, write_from

if TYPE_CHECKING:
    from desktop_app.store.database import Database
    from desktop_app.ui.base_tab import BaseTab

    DialogT = TypeVar("DialogT", bound=QDialog)

    class _Tab(BaseTab):
        """What the mixin uses of `ReshipTab`, for mypy only: at run time the mixin is a plain class."""

        _consequences: dict[tuple[str, str | None], Consequences]
        _carrier: str | None
        _pending_select: list[int]
        error_box: QMessageBox | None

        def current_row(self) -> ReshipRow | None: ...

        def _open(self, dialog: DialogT) -> DialogT: ...
else:
    _Tab = object

T = TypeVar("T")


class ReshipActions(_Tab):
    """Mixed into `ReshipTab` (a BaseTab): what it uses of the tab is declared in `_Tab`. Its texts translate
    under this class's name: PySide's `tr` looks up every class of the object's type."""

    def _write_kept(self, dialog: WritingDialog, work: Callable[[Database], T], done: Callable[[T], None],
                    select: list[int] | None = None, case_id: int | None = None) -> None:
        """The write of a dialog's OK, the dialog open until it is recorded (ui/widgets/writing_dialog.py); refused,
        the queue behind it is read again, and the case's version for OK again."""
        self._pending_select = list(select or [])

        def refused(error: Exception) -> None:
            self.refresh()
            if case_id is not None and refusal_version(error) is None:  # else taken from the refusal
                self.context.read(lambda db: case_version(db, case_id), dialog.saw_version, lambda _error: None)

        write_from(dialog, self.context, work, origin=self, lost=self._failed, done=done, refused=refused)

    def _said(self, text: str) -> Callable[[object], None]:
        return lambda _result: self.message.emit(text)

    def _failed(self, error: Exception) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("操作未完成"), describe_error(error),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("reship_error")
        self.error_box = box
        box.open()
        self.refresh()

    def _rules_for(self, row: ReshipRow) -> Consequences:
        return self._consequences.get((row.platform, row.reason), Consequences((), ()))

    def agree_selected(self) -> DecisionDialog | None:
        row = self.current_row()
        if row is None:
            return None
        said = self._rules_for(row)
        dialog = DecisionDialog(self.tr("同意补发"), row, [labels.message(t) for t in said.agree], self.tr("同意补发"),
                                note_required=False, parent=self)
        dialog.setObjectName("agree_dialog")
        case_id = row.case_id
        dialog.saw_version(row.case_version)

        def agree() -> None:
            # Read the dialog here, on the GUI thread: it is deleted once closed.
            at, note, version = dialog.at.moment(), dialog.note_text(), dialog.version
            self._write_kept(dialog, lambda db: reship_service.agree(db, case_id, at, note, expected_version=version),
                             self._said(self.tr("#%1 已同意补发").replace("%1", str(case_id))), [case_id], case_id)

        dialog.send_with(agree)
        return self._open(dialog)

    def refuse_selected(self) -> DecisionDialog | None:
        row = self.current_row()
        if row is None:
            return None
        said = self._rules_for(row)
        lines = [labels.text(t) for t in said.refuse] or [
            self.tr("平台规则中没有写明拒绝的后果；买家仍可能申请平台介入，请保留聊天记录等凭证。")]
        dialog = DecisionDialog(self.tr("拒绝补发"), row, lines, self.tr("拒绝"), note_required=True, parent=self)
        dialog.setObjectName("refuse_dialog")
        case_id = row.case_id
        dialog.saw_version(row.case_version)

        def refuse() -> None:
            at, note, version = dialog.at.moment(), dialog.note_text(), dialog.version
            self._write_kept(dialog, lambda db: reship_service.refuse(db, case_id, note, at, expected_version=version),
                             self._said(self.tr("#%1 已拒绝补发").replace("%1", str(case_id))), case_id=case_id)

        dialog.send_with(refuse)
        return self._open(dialog)

    def ship_selected(self) -> ShipDialog | None:
        row = self.current_row()
        if row is None:
            return None
        dialog = ShipDialog(row, self._carrier, self)
        dialog.setObjectName("ship_dialog")
        case_id = row.case_id
        dialog.saw_version(row.case_version)

        def ship() -> None:
            if dialog.values is None:
                return
            (carrier, tracking, at, note), version = dialog.values, dialog.version
            self._carrier = carrier
            self._write_kept(
                dialog,
                lambda db: reship_service.ship(db, case_id, carrier, tracking, at, note, expected_version=version),
                self._said(self.tr("#%1 补发已发出：%2 %3").replace("%1", str(case_id)).replace("%2", carrier).replace(
                    "%3", tracking)), case_id=case_id)

        dialog.send_with(ship)
        return self._open(dialog)

    def paste_many(self) -> PasteDialog | None:
        if self.context.db is None:
            return None
        dialog = PasteDialog(self.context, self._carrier, self)
        dialog.setObjectName("paste_dialog")
        dialog.shipped.connect(lambda n: self.message.emit(self.tr("已批量录入 %1 个运单号").replace("%1", str(n))))
        return self._open(dialog)

    def out_of_stock_selected(self) -> DecisionDialog | None:
        row = self.current_row()
        if row is None:
            return None
        lines = [self.tr("缺货无法补发：这张售后单将改为“仅退款”（处理中），请与买家协商后在平台上退款。")]
        lines += [labels.text(t) for t in self._rules_for(row).refuse]
        dialog = DecisionDialog(self.tr("缺货改退款"), row, lines, self.tr("改为退款"), note_required=False,
                                parent=self)
        dialog.setObjectName("out_of_stock_dialog")
        case_id = row.case_id
        dialog.saw_version(row.case_version)

        def switch() -> None:
            at, note, version = dialog.at.moment(), dialog.note_text(), dialog.version
            self._write_kept(
                dialog, lambda db: reship_service.mark_out_of_stock(db, case_id, note, at, expected_version=version),
                self._said(self.tr("#%1 已改为仅退款，请在平台上退款").replace("%1", str(case_id))), case_id=case_id)

        dialog.send_with(switch)
        return self._open(dialog)

    def edit_items_selected(self) -> ItemsDialog | None:
        row = self.current_row()
        if row is None:
            return None
        dialog = ItemsDialog(row, self)
        dialog.setObjectName("items_dialog")
        case_id = row.case_id
        dialog.saw_version(row.case_version)

        def save() -> None:
            items: list[ReshipItemRow] | None = dialog.items
            version = dialog.version
            if items is not None:
                self._write_kept(
                    dialog, lambda db: reship_service.update_items(db, case_id, items, expected_version=version),
                    self._said(self.tr("#%1 补发商品已保存").replace("%1", str(case_id))), [case_id], case_id)

        dialog.send_with(save)
        return self._open(dialog)

    def record_promise(self) -> PromiseDialog | None:
        if self.context.db is None:
            return None
        dialog = PromiseDialog(self)
        dialog.setObjectName("promise_dialog")

        def save() -> None:
            platform, order_no, reason, at, note = dialog.values()

            def done(opened: OpenedCase) -> None:
                self._pending_select = [opened.case_id]
                self.message.emit(self.tr("已记录承诺补发 #%1").replace("%1", str(opened.case_id)))

            self._write_kept(dialog, lambda db: reship_service.record_promise(db, platform, order_no, at, note or None,
                                                                             reason), done)

        dialog.send_with(save)
        return self._open(dialog)
