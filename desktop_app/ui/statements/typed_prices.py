"""单价 for goods that have none, typed in the statement dialog.

A claim or order whose goods carry no price (an export without unit prices, a claim opened before the
order was imported) cannot be stated. The window said so and told the shop to run
`statement … --unit-price 59.00` on a command line; now it asks for the prices under the preview,
one per item, used for this statement only (never stored), as the command's option is.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop_app.core.errors import UserError
from desktop_app.core.money import parse_yuan, yuan_to_fen
from desktop_app.ui import labels
from desktop_app.ui.widgets.status_colours import tint

TypedPrices = tuple[tuple[str, int], ...]


class TypedPricesBox(QWidget):
    """One 单价 field per unpriced item and 按这些单价生成; `prices_given` with (title, fen) pairs."""

    prices_given = Signal(object)  # TypedPrices

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("typed_prices")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.intro = QLabel(self.tr("这些商品没有单价：填写单价（元）后生成。只用于这份货值说明，不保存。"))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.problem = QLabel()
        self.problem.setObjectName("typed_prices_problem")
        self.problem.setWordWrap(True)
        tint(self.problem, "overdue")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.use_button = QPushButton(self.tr("按这些单价生成"))
        self.use_button.setObjectName("use_typed_prices")
        self.use_button.clicked.connect(self._use)
        layout.addWidget(self.use_button)
        self.fields: dict[str, QLineEdit] = {}
        self.hide()

    def ask(self, titles: Sequence[str]) -> None:
        """Show one field per title (in order, each once)."""
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields = {}
        for title in dict.fromkeys(titles):
            field = QLineEdit()
            field.setPlaceholderText(self.tr("元，例如 59.00"))
            field.returnPressed.connect(self._use)
            self.form.addRow(title, field)
            self.fields[title] = field
        self.problem.hide()
        self.show()
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def _use(self) -> None:
        prices: list[tuple[str, int]] = []
        try:
            for title, field in self.fields.items():
                text = field.text().strip()
                if not text:
                    raise UserError(self.tr("请填写“%1”的单价").replace("%1", title))
                fen = yuan_to_fen(parse_yuan(text, self.tr("“%1”的单价").replace("%1", title)))
                if fen <= 0:
                    raise UserError(self.tr("“%1”的单价须大于 0").replace("%1", title))
                prices.append((title, fen))
        except UserError as error:
            self.problem.setText(labels.message(error))
            self.problem.show()
            return
        self.prices_given.emit(tuple(prices))
