"""The 确定/取消 row every dialog ends with."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLayout


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
