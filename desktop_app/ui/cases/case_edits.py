"""Corrections to one case from its detail pane, each in a dialog that stays open until it is saved: 编辑 (reason,
amounts, responsible party, platform case number, request time), 更改类型, 费用. A save refused (another seat
changed the case, the ledger locked, the team server gone) is said in the dialog, with what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services import cases as case_service
from desktop_app.services.case_kind import change_case_kind
from desktop_app.store.case_queries import case_detail
from desktop_app.store.rows import CaseDetail
from desktop_app.ui import labels
from desktop_app.ui.cases.case_dialogs import EditCaseDialog
from desktop_app.ui.cases.case_kind_dialog import ChangeKindDialog
from desktop_app.ui.widgets.writing_dialog import WritingDialog, write_from

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QWidget

    from desktop_app.store.database import Database
    from desktop_app.ui.cases.case_costs_dialog import CaseCostsDialog
    from desktop_app.ui.context import AppContext

    class _Pane(QWidget):
        """What the mixin uses of `CaseDetailPane`, for mypy only: at run time the mixin is a plain class."""

        _detail: CaseDetail | None
        _case_id: int | None
        _context: AppContext
        message: SignalInstance

        def _failed(self, error: Exception) -> None: ...

        def show_case(self, case_id: int | None) -> None: ...
else:
    _Pane = object

T = TypeVar("T")


class CaseEdits(_Pane):
    """Mixed into `CaseDetailPane` (a QWidget): what it uses of the pane is declared in `_Pane`. Its texts
    translate under this class's name: PySide's `tr` looks up every class of the object's type."""

    def edit_case(self) -> EditCaseDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = EditCaseDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("edit_dialog")
        case_id = d.row.id
        dialog.saw_version(d.version)

        def save() -> None:
            edit, version = dialog.edit, self._version_for(dialog)
            if edit is None:
                return
            self._write_kept(dialog, case_id, lambda db: case_service.edit_case(db, case_id, edit,
                                                                              expected_version=version),
                             follow=EditCaseDialog.record_values)

        dialog.send_with(save)
        dialog.open()
        return dialog

    def change_kind(self) -> ChangeKindDialog | None:
        d = self._detail
        if d is None:
            return None
        has_amount = d.refund_fen is not None or d.compensation_fen is not None
        dialog = ChangeKindDialog(d.row.id, CaseKind(d.row.kind), CaseStatus(d.row.status), has_amount, self,
                                  parcel_sent=d.return_shipped)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("kind_dialog")
        case_id = d.row.id
        dialog.saw_version(d.version)

        def save() -> None:
            kind, note, version = dialog.chosen(), dialog.note_text(), self._version_for(dialog)
            self._write_kept(
                dialog, case_id, lambda db: change_case_kind(db, case_id, kind, note=note, expected_version=version),
                lambda step: self.message.emit(
                    self.tr("#%1 已改为“%2”，当前状态：%3").replace("%1", str(case_id)).replace(
                        "%2", labels.label(kind)).replace("%3", labels.status(step.status.value))))

        dialog.send_with(save)
        dialog.open()
        return dialog

    def edit_costs(self) -> CaseCostsDialog | None:
        # Imported when used: the costs dialog reads cost sheets (the spreadsheet readers), not needed at start-up.
        from desktop_app.ui.cases.case_costs_dialog import CaseCostsDialog

        if self._case_id is None:
            return None
        dialog = CaseCostsDialog(self._context, self._case_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    @staticmethod
    def _version_for(dialog: WritingDialog) -> int:
        """The version OK sends against: the case as the dialog showed it, not as the pane behind reloaded it
        meanwhile (an edit sent against the reloaded case wrote the amount it still showed over another seat's new
        one, unsaid; refused, the fields left alone follow the other seat's values: `_write_kept`)."""
        assert dialog.version is not None  # seen as the dialog opened
        return dialog.version

    def _write_kept(self, dialog: WritingDialog, case_id: int, work: Callable[[Database], T],
                    done: Callable[[T], None] | None = None,
                    follow: Callable[[CaseDetail], dict[str, object]] | None = None) -> None:
        """`follow`: the dialog edits the case's fields; after a refusal the ones left alone take their values now."""

        def fresh(d: CaseDetail) -> None:
            dialog.saw_version(d.version)
            if follow is not None and dialog.still_open():
                dialog.follow_record(follow(d))

        def refused(_error: Exception) -> None:  # the case as it is now, behind the dialog and for the next OK
            self.show_case(case_id)
            self._context.look_up(lambda session: case_detail(session, case_id), fresh, lambda _error: None)

        write_from(dialog, self._context, work, origin=self, lost=self._failed, done=done, refused=refused)
