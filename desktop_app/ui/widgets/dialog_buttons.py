"""The 确定/取消 row every dialog ends with, and the OK of a dialog that records something."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout, QMessageBox, QWidget

from desktop_app.core.errors import UserError
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext

if TYPE_CHECKING:
    from desktop_app.store.database import Database  # SQLAlchemy: dialogs may be built before it

T = TypeVar("T")
R = TypeVar("R")


def add_ok_cancel(dialog: QDialog, layout: QLayout, on_ok: Callable[[], object],
                  ok_text: str | None = None) -> QDialogButtonBox:
    """Add the OK/Cancel row at the bottom of `layout`: OK runs `on_ok` (which accepts when the input
    is good) and says what it does when `ok_text` is given; Cancel rejects the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    if ok_text is not None:
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return buttons


def submit_write(dialog: QDialog, buttons: QWidget, context: AppContext, collect: Callable[[], T],
                 write: Callable[[Database, T], R], done: Callable[[R], None],
                 handled: Callable[[Exception], bool] | None = None) -> None:
    """The OK of a dialog that records something: `collect` the form (a UserError is shown over the
    dialog, which stays open), run `write` on the worker with the buttons off, then `done` with its
    result and close; a failed write gives the buttons back and says why over the dialog, unless
    `handled` takes the error (a question asked instead, say)."""
    try:
        value = collect()
    except UserError as error:
        QMessageBox.warning(dialog, dialog.windowTitle(), labels.message(error))
        return
    buttons.setEnabled(False)

    def finished(result: R) -> None:
        done(result)
        dialog.accept()

    def failed(error: Exception) -> None:
        buttons.setEnabled(True)
        if handled is not None and handled(error):
            return
        QMessageBox.warning(dialog, dialog.windowTitle(), describe_error(error))

    context.write(lambda db: write(db, value), finished, failed, origin=dialog)
