"""A step dialog that stays open, with everything typed in it, until what it records is on the ledger.

A case's or claim's step dialog closed at its OK and the write ran afterwards: when the write failed (another seat
changed the case meanwhile, the team server went away) a message box said why and the reason typed — a rejection's,
a 平台介入's, the ticket number — was gone with the dialog. Here OK sends the write with the buttons off; once it is
recorded the dialog closes, and when it is not the dialog says why above the form, gives the buttons back and keeps
what was typed, to be sent again on the case as it is now (the pane behind reloads it) or cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from desktop_app.core.errors import StaleData, UserError
from desktop_app.ui.background import describe_error
from desktop_app.ui.widgets.status_colours import OVERDUE

if TYPE_CHECKING:
    from desktop_app.store.database import Database  # SQLAlchemy: dialogs may be built before it
    from desktop_app.ui.context import AppContext

T = TypeVar("T")


class WritingDialog(QDialog):
    """`send_with(slot)`: OK emits `submitted` (the form checked) instead of closing; the write's outcome is
    `written()` (closes, accepted) or `not_written(why)`. Without it the dialog closes at OK as any other."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kept = False
        self._sending = False
        self._shown: dict[str, object] = {}
        # The version of the record the next OK is sent against: the one the dialog was opened on, after a refusal
        # the record's as read again then (`saw_version`). A step's dialog keeps to it; an edit's may follow the
        # pane behind (its fields left alone take the other seat's values: `follow_record`).
        self.version: int | None = None
        self.write_problem = QLabel()
        self.write_problem.setObjectName("write_problem")
        self.write_problem.setWordWrap(True)
        self.write_problem.setStyleSheet(f"color:{OVERDUE.name()}")
        self.write_problem.hide()

    # --- a form that edits a record's fields (编辑): after a refusal, what was typed stays and the rest follows ---
    def form_values(self) -> dict[str, object]:
        """The form's fields as `record_values` gives them (an editing dialog overrides both and `put_value`)."""
        return {}

    def put_value(self, key: str, value: object) -> None:
        """Show `value` in the field `key`."""

    def show_record(self, values: dict[str, object]) -> None:
        """Fill the form with the record's fields, as they are when it opens."""
        for key, value in values.items():
            self.put_value(key, value)
        self._shown = dict(values)

    def follow_record(self, values: dict[str, object]) -> None:
        """The record read again after a refusal: a field the user left as shown takes its value now (another
        seat's change is not sent back over it by OK again); a field the user changed keeps what was typed."""
        typed = self.form_values()
        for key, value in values.items():
            if typed.get(key) == self._shown.get(key) and value != self._shown.get(key):
                self.put_value(key, value)
        self._shown = dict(values)

    def send_with(self, slot: Callable[[], None]) -> None:
        """Keep the dialog open until the write `slot` starts is done (its caller answers `written` or
        `not_written`)."""
        self._kept = True
        self.submitted.connect(slot)

    @property
    def sending(self) -> bool:
        return self._sending

    def saw_version(self, version: int) -> None:
        self.version = version if self.version is None else max(self.version, version)

    def still_open(self) -> bool:
        """Whether the write's outcome can still be said here (not cancelled meanwhile: a dialog deleted on close
        is gone)."""
        return shiboken6.isValid(self) and self.isVisible()

    def accept(self) -> None:
        if not self._kept:
            super().accept()
            return
        if self._sending:
            return
        self._sending = True
        self._buttons(False)
        self.submitted.emit()

    def written(self) -> None:
        self._sending = False
        self._kept = False
        super().accept()

    def not_written(self, why: str) -> None:
        """Say why above the form (first use: placed under the dialog's heading) and give OK back."""
        self._sending = False
        layout = self.layout()
        if layout is not None and layout.indexOf(self.write_problem) < 0:
            layout.insertWidget(1, self.write_problem)  # type: ignore[attr-defined]  # every one is a QBoxLayout
        self.write_problem.setText(
            self.tr("未保存：%1\n填写的内容都还在：看过最新状态后可以再点一次，或取消。").replace("%1", why))
        self.write_problem.show()
        self.adjustSize()  # the lines above the form take room: the form below keeps its own
        self._buttons(True)

    def not_written_because(self, error: Exception) -> bool:
        """`not_written` for a write's error. A refusal naming the record's version now (another seat's change:
        `StaleData.version`) is the version OK again is sent against, taken before OK is given back: read again
        afterwards, a quick OK again went out on the old one and was refused a second time, and a change arriving
        between the refusal and that read was taken in unseen. Not for a form that follows the record's fields
        (`follow_record`): its version comes with the fields read again, never alone, lest OK again send the old
        values of the fields left alone. True when the version was taken (nothing to read again)."""
        version = refusal_version(error) if not self._shown else None
        if version is not None:
            self.saw_version(version)
        self.not_written(describe_error(error))
        return version is not None

    def _buttons(self, enabled: bool) -> None:
        for box in self.findChildren(QDialogButtonBox):
            button = box.button(QDialogButtonBox.StandardButton.Ok)
            if button is not None:
                button.setEnabled(enabled)


def refusal_version(error: Exception) -> int | None:
    """The record's version a refusal names (another seat changed it: `StaleData.version`), else None."""
    return error.version if isinstance(error, StaleData) else None


def write_from(dialog: WritingDialog, context: AppContext, work: Callable[[Database], T], *, origin: QObject,
               lost: Callable[[Exception], None], done: Callable[[T], None] | None = None,
               refused: Callable[[Exception], None] | None = None) -> None:
    """Run the write of `dialog`'s OK (from its `send_with` slot): recorded, the dialog closes, then `done`;
    refused, the dialog says why and keeps the form, then `refused(error)` (reload what is behind it, read its
    version again); when the dialog was closed meanwhile, `lost` says it as a write without a dialog would."""

    def succeeded(result: T) -> None:
        if dialog.still_open():
            dialog.written()
        if done is not None:
            done(result)

    def failed(error: Exception) -> None:
        if not dialog.still_open():
            lost(error)
            return
        dialog.not_written_because(error)
        if refused is not None:
            refused(error)

    try:
        context.write(work, succeeded, failed, origin=origin)
    except UserError as error:  # no ledger open (closed behind the dialog): said in it, the form kept
        failed(error)
