"""Editing one claim through its dialogs, from the claim pane: the follow-up date, the claim's details,
the courier's ticket, the links to cases and reships, and taking back its last step (撤销上一步)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.claims import ClaimAction
from desktop_app.core.money import format_yuan
from desktop_app.core.op_changes import OpChanges
from desktop_app.services import claims as claim_service
from desktop_app.services.claim_details import set_claim_ticket
from desktop_app.services.claim_undo import UndoneClaimStep, claim_version, undo_claim_step
from desktop_app.store.claim_rows import ClaimDetail, claim_detail
from desktop_app.store.database import Database
from desktop_app.ui.claims.claim_dialogs import EditClaimDialog, FollowUpDialog, LinkDialog
from desktop_app.ui.claims.claim_ticket_dialog import ClaimTicketDialog
from desktop_app.ui.widgets.writing_dialog import WritingDialog, write_from

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QWidget

    from desktop_app.ui.context import AppContext

    class _Pane(QWidget):
        """What the mixin uses of `ClaimDetailPane`, for mypy only: at run time the mixin is a plain class."""

        _detail: ClaimDetail | None
        _context: AppContext
        message: SignalInstance

        def _failed(self, error: Exception) -> None: ...

        def reload(self) -> None: ...
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
        dialog.saw_version(d.version)

        def save() -> None:
            # Read on the GUI thread: the write runs on the worker, and the dialog deletes itself on close.
            when, note, version = dialog.value(), dialog.note.text(), self._version_for(dialog)
            self._write_kept(dialog, claim_id, lambda db: claim_service.set_follow_up(
                db, claim_id, when, note, expected_version=version))

        dialog.send_with(save)
        dialog.open()
        return dialog

    def edit_claim(self) -> EditClaimDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = EditClaimDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_edit_dialog")
        claim_id = d.id
        dialog.saw_version(d.version)

        def save() -> None:
            edit, version = dialog.edit, self._version_for(dialog)
            if edit is not None:
                self._write_kept(dialog, claim_id,
                                 lambda db: claim_service.edit_claim(db, claim_id, edit, version),
                                 EditClaimDialog.record_values)

        dialog.send_with(save)
        dialog.open()
        return dialog

    @staticmethod
    def _version_for(dialog: WritingDialog) -> int | None:
        """The version OK sends against: the claim as the dialog showed it (at its opening, or as read again after a
        refusal it said), not as the pane behind reloaded it meanwhile: that sent the date, amount or link the form
        still showed over another seat's newer one, unsaid (refused now, the fields left alone follow it)."""
        return dialog.version

    def _write_kept(self, dialog: WritingDialog, claim_id: int, work: Callable[[Database], object],
                    follow: Callable[[ClaimDetail], dict[str, object]] | None = None) -> None:
        """Written while the dialog is open (ui/widgets/writing_dialog.py); refused, the claim as it is now behind
        it, its version for OK again, and (`follow`: the dialog edits the claim's fields) the fields left alone
        take their values now, so that OK again does not send them back over another seat's save."""

        def fresh(d: ClaimDetail) -> None:
            dialog.saw_version(d.version)
            if follow is not None and dialog.still_open():
                dialog.follow_record(follow(d))

        def refused(_error: Exception) -> None:  # the version first, then the pane: one worker, in order
            self._context.look_up(lambda session: claim_detail(session, claim_id), fresh, lambda _error: None)
            self.reload()

        write_from(dialog, self._context, work, origin=self, lost=self._failed, refused=refused)

    def edit_ticket(self) -> ClaimTicketDialog | None:
        d = self._detail
        if d is None:
            return None
        dialog = ClaimTicketDialog(d, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setObjectName("claim_ticket_dialog")
        claim_id = d.id
        dialog.saw_version(d.version)

        def save() -> None:
            # The version the dialog was opened on; after a refusal, the one the refusal named (the claim as the
            # message said it), not the pane's: reloaded since, it may hold a third seat's ticket nobody here saw.
            ticket, version = dialog.ticket(), dialog.version

            def failed(error: Exception) -> None:
                if not dialog.still_open():
                    self._failed(error)
                    return
                if not dialog.not_written_because(error):  # a refusal naming no version: as the claim is now
                    self._context.read(lambda db: claim_version(db, claim_id), dialog.saw_version,
                                       lambda _error: None)
                self.reload()

            self._context.write(lambda db: set_claim_ticket(db, claim_id, ticket, expected_version=version),
                                on_success=lambda _changes: dialog.written() if dialog.still_open() else None,
                                on_failure=failed, origin=self)

        dialog.send_with(save)
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
        dialog.saw_version(d.version)

        def save() -> None:
            case_id, reship_case = dialog.case_id(), dialog.reship_case_id()
            version, shown = self._version_for(dialog), self._detail
            # The link as the pane shows it now (after a refusal, another seat's), else as the dialog opened on.
            before = shown.reship_case_id if shown is not None and shown.id == claim_id else old_reship_case

            def work(db: Database) -> OpChanges:  # both links in one transaction, against the version shown
                return claim_service.link_claim(db, claim_id, case_id, reship_case,
                                                reship_changed=reship_case != before,
                                                expected_version=version)

            self._write_kept(dialog, claim_id, work, LinkDialog.record_values)

        dialog.send_with(save)
        dialog.open()
        return dialog

    def undo_step(self) -> QMessageBox | None:
        """Ask, then take back the claim's last step with the payout it recorded (a payout typed wrong)."""
        d = self._detail
        offer = undo_offer(d) if d is not None else None
        if d is None or offer is None:
            return None
        claim_id, version = d.id, d.version
        title, returned = offer
        text = self.tr("撤销理赔 #%1 的上一步“%2”？").replace("%1", str(claim_id)).replace("%2", title)
        if returned:
            text += self.tr("\n登记的到账 %1 元随之撤回，已到账和统计的金额都会减少。").replace(
                "%1", format_yuan(returned))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("撤销上一步"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("claim_undo_confirm")
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(button: int) -> None:
            if button != QMessageBox.StandardButton.Yes:
                return

            def done(undone: UndoneClaimStep) -> None:
                self.message.emit(self.tr("理赔 #%1 已撤销“%2”，当前状态：%3").replace("%1", str(claim_id))
                                  .replace("%2", undone.title).replace("%3", undone.status.label))

            self._context.write(lambda db: undo_claim_step(db, claim_id, expected_version=version),
                                on_success=done, on_failure=self._failed, origin=self)

        box.finished.connect(answered)
        box.open()
        return box


def undo_offer(d: ClaimDetail) -> tuple[str, int] | None:
    """The step 撤销上一步 would take back (its name) and the payout it recorded (fen), or None: the
    same choice as `services.claim_undo`, read from the claim the pane shows."""
    steps = [e for e in d.events if e.kind == "action" and e.action and e.undone_by is None]
    if not steps or steps[-1].to_state != d.status:
        return None
    step = steps[-1]
    try:
        title = ClaimAction(step.action or "").label
    except ValueError:
        return None
    last = d.payouts[-1] if d.payouts else None
    money = step.action in {ClaimAction.PAY.value, ClaimAction.PAY_PARTIALLY.value, ClaimAction.CLOSE.value}
    return title, last.amount_fen if money and last is not None and last.paid_at == step.at else 0
