"""Editing one claim through its dialogs, from the claim pane: the follow-up date, the claim's details,
the courier's ticket, the links to cases and reships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from desktop_app.core.op_changes import OpChanges
from desktop_app.services import claims as claim_service
from desktop_app.services.claim_details import set_claim_ticket
from desktop_app.store.database import Database
from desktop_app.ui.claims.claim_dialogs import EditClaimDialog, FollowUpDialog, LinkDialog
from desktop_app.ui.claims.claim_ticket_dialog import ClaimTicketDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop_app.store.claim_rows import ClaimDetail
    from desktop_app.ui.context import AppContext

    class _Pane(QWidget):
        """What the mixin uses of `ClaimDetailPane`, for mypy only: at run time the mixin is a plain class."""

        _detail: ClaimDetail | None
        _context: AppContext

        def _failed(self, error: Exception) -> None: ...
else:
    _Pane = object


class ClaimEdits(_Pane):
    """Mixed into `ClaimDetailPane` (a QWidget): what it uses of the pane is declared in `_Pane`. Its texts
    translate under this class's name: PySide's `tr` looks up every class of the object's type."""

    def change_follow_up(self) -> FollowUpDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = FollowUpDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_follow_up_dialog")
        claim_id = d.id

        def save() -> None:
            # Read on the GUI thread: the write runs on the worker, and the dialog deletes itself on close.
            when, note = dialog.value(), dialog.note.text()
            self._context.write(lambda db: claim_service.set_follow_up(db, claim_id, when, note),
                                on_failure=self._failed, origin=self)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def edit_claim(self) -> EditClaimDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = EditClaimDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_edit_dialog")
        claim_id, version = d.id, d.version

        def save() -> None:
            edit = dialog.edit
            if edit is not None:
                self._context.write(lambda db: claim_service.edit_claim(db, claim_id, edit, version),
                                    on_failure=self._failed, origin=self)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def edit_ticket(self) -> ClaimTicketDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = ClaimTicketDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_ticket_dialog")
        claim_id, version = d.id, d.version

        def save() -> None:
            ticket = dialog.ticket()
            self._context.write(lambda db: set_claim_ticket(db, claim_id, ticket, expected_version=version),
                                on_failure=self._failed, origin=self)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def link_claim(self) -> LinkDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = LinkDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_link_dialog")
        claim_id, old_reship_case = d.id, d.reship_case_id

        def save() -> None:
            case_id, reship_case = dialog.case_id(), dialog.reship_case_id()

            def work(db: Database) -> OpChanges:
                changes = claim_service.link_case(db, claim_id, case_id)
                if reship_case != old_reship_case:
                    if reship_case is None:
                        changes |= claim_service.link_reship(db, claim_id, None).changes
                    else:
                        changes |= claim_service.link_reship_case(db, claim_id, reship_case).changes
                return changes

            self._context.write(work, on_failure=self._failed, origin=self)

        dialog.accepted.connect(save)
        dialog.open()
        return dialog
