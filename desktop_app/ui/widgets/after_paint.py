"""Run something once a widget has painted (issue 15: start-up work that must not share the GUI
thread's first paint of the rows).

Code imported on another thread holds Python's lock in turns of up to 5 ms, and a table's paint asks
the model for every cell in Python, so a paint beside such an import took 2–5× as long (measured: a
30 ms repaint of 25 rows took 60–200 ms beside a busy thread). Work that imports a lot (opening the
ledger, the import code, the start-up jobs) therefore starts after the rows the user waits for are on
screen; `wait_ms` bounds the wait when no paint comes (a window started minimised, a hidden page).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _AfterPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], object], wait_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], object] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(wait_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._fire)  # the paint runs right after this filter returns
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return
        self._widget.removeEventFilter(self)
        self.deleteLater()
        callback()


def after_paint(widget: QWidget, callback: Callable[[], object], wait_ms: int = 300) -> None:
    """Call `callback` once, on the GUI thread, after `widget`'s next paint (or after `wait_ms`)."""
    _AfterPaint(widget, callback, wait_ms)
