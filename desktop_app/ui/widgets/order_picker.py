"""Pick an imported order in a dialog (new case, new claim): a search box that searches as you type
(debounced, off the GUI thread, only the answer to the latest text is shown) over a list of matches.
Enter in the box picks the first match (once it is found), as Enter in the Cases search opens the first case."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.core.money import format_yuan
from desktop_app.core.privacy import mask_phone
from desktop_app.store.case_queries import find_orders
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.context import AppContext

SEARCH_DELAY_MS = 150
RESULT_LIMIT = 30
_ROW_ROLE = Qt.ItemDataRole.UserRole


class OrderSearch(QObject):
    found = Signal(list)  # list[OrderRow] for the current text
    cleared = Signal()  # the box was emptied

    def __init__(self, context: AppContext, box: QLineEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._box = box
        self._generation = 0
        self._answered = 0  # the generation whose answer was last shown
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
            self._answered = generation
            self.cleared.emit()
            return

        def done(rows: list[OrderRow]) -> None:
            if generation == self._generation:
                self._answered = generation
                self.found.emit(rows)

        self._context.look_up(lambda session: find_orders(session, query, limit=RESULT_LIMIT), done)

    @property
    def pending(self) -> bool:
        """The list does not answer the box's text yet (typed within the delay, or read in the background)."""
        return self._timer.isActive() or self._answered != self._generation

    def run_now(self) -> None:
        if self._timer.isActive():
            self.run()


def order_line(row: OrderRow, full_phone: bool = False) -> str:
    """One match as the list shows it: platform, number, receiver, phone (masked as in every list unless
    设置 shows them in full), parcel, amount paid."""
    phone = row.phone if full_phone else (mask_phone(row.phone) if row.phone else None)
    return "  ".join(filter(None, [
        labels.platform(row.platform), row.order_no, row.receiver, phone, row.carrier, row.tracking_no,
        f"￥{format_yuan(row.paid_fen)}" if row.paid_fen is not None else None,
    ]))


class OrderPicker(QWidget):
    """`search` and `results` stay reachable for the dialogs (and the tests that type into them)."""

    chosen = Signal(object)  # the OrderRow picked in the list
    found = Signal(list)  # list[OrderRow] now shown (possibly empty)
    cleared = Signal()  # the search box was emptied

    def __init__(self, context: AppContext, *, search_name: str, results_name: str, results_height: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName(search_name)
        self.search.setPlaceholderText(self.tr("搜索已导入的订单：订单号、收货人、手机（可输后四位）、物流单号"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.results = QListWidget()
        self.results.setObjectName(results_name)
        self.results.setMaximumHeight(results_height)
        layout.addWidget(self.results)
        self._order_search = OrderSearch(context, self.search, self)
        self._order_search.found.connect(self._show)
        self._order_search.cleared.connect(self._clear)
        self.results.currentItemChanged.connect(self._picked)
        self._pick_first = False  # Enter was pressed before the matches came
        self.search.textEdited.connect(self._typed)
        self.search.installEventFilter(self)

    def _typed(self, _text: str) -> None:
        self._pick_first = False  # typing on after Enter: a new search, not the one Enter was for

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the search box picks the first match. It pressed the dialog's default button (保存), which
        said 请先选择订单 with the order listed right under the box."""
        if (watched is self.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            if self._order_search.pending:
                self._pick_first = True
                self._order_search.run_now()
            else:
                self._choose_first()
            return True
        return super().eventFilter(watched, event)

    def _choose_first(self) -> None:
        self._pick_first = False
        if self.results.count():
            self.results.setCurrentRow(0)
            self.results.setFocus()  # the arrows move to another match from here

    def _clear(self) -> None:
        self.results.clear()
        self.cleared.emit()

    def _show(self, rows: list[OrderRow]) -> None:
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(order_line(row, self._context.show_full_phones))
            item.setData(_ROW_ROLE, row)
            self.results.addItem(item)
        self.found.emit(rows)
        if self._pick_first:
            self._choose_first()

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.chosen.emit(item.data(_ROW_ROLE))
