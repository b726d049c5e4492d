"""Search-as-you-type for an order in a dialog (new case, new claim): debounced, off the GUI thread,
and only the answer to the latest text is shown."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit
from sqlalchemy.orm import Session

from desktop_app.store.case_queries import find_orders
from desktop_app.store.rows import OrderRow
from desktop_app.ui.context import AppContext

SEARCH_DELAY_MS = 150
RESULT_LIMIT = 30


class OrderSearch(QObject):
    found = Signal(list)  # list[OrderRow] for the current text
    cleared = Signal()  # the box was emptied

    def __init__(self, context: AppContext, box: QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._box = box
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run)
        box.textChanged.connect(lambda _text: self._timer.start())

    def run(self) -> None:
        query = self._box.text().strip()
        self._generation += 1
        generation = self._generation
        if not query:
            self.cleared.emit()
            return

        def work(session: Session) -> list[OrderRow]:
            return find_orders(session, query, limit=RESULT_LIMIT)

        def done(rows: list[OrderRow]) -> None:
            if generation == self._generation:
                self.found.emit(rows)

        self._context.look_up(work, done)
