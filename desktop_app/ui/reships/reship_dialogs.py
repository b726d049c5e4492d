"""The reship queue's dialogs: agree / refuse / out of stock, enter a tracking number, edit the items,
record a chat promise (paste many: ui/reships/reship_paste_dialog.py). All are opened with `open()`; the tab
does the writing while they stay open (ui/widgets/writing_dialog.py)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.carriers import carrier_names, guess_carrier
from desktop_app.core.clock import Moment
from desktop_app.core.errors import UserError
from desktop_app.core.reship_states import MAX_QUANTITY, ReshipItemRow, clean_items
from desktop_app.core.tracking_numbers import clean_carrier, clean_tracking
from desktop_app.core.vocabulary import REASONS_BY_KIND, CaseKind, CaseReason, Platform
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.ui import labels
from desktop_app.ui.widgets.china_time import china_time_edit, time_confirmed
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.writing_dialog import WritingDialog


def case_title(row: ReshipRow) -> str:
    return f"#{row.case_id} {labels.platform(row.platform)} {row.order_no} {row.receiver or ''}".rstrip()


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    tint(label, "overdue")
    label.setWordWrap(True)
    label.hide()
    return label


class DecisionDialog(WritingDialog):
    """Confirm 同意补发 / 拒绝 / 缺货改退款, showing what the platform's rules say will follow."""

    def __init__(self, title: str, row: ReshipRow, explanation: Sequence[str], ok_text: str,
                 note_required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._note_required = note_required
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(case_title(row)))
        self.explanation = QLabel()
        self.explanation.setObjectName("explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setText("".join(f"<p>{escape(line)}</p>" for line in explanation))
        self.explanation.setVisible(bool(explanation))
        layout.addWidget(self.explanation)
        form = QFormLayout()
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        self.note.setPlaceholderText(self.tr("请写明原因") if note_required else self.tr("说明（可选）"))
        form.addRow(self.tr("备注"), self.note)
        self.at = china_time_edit()
        self.at.setObjectName("at")
        form.addRow(self.tr("时间"), self.at)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.buttons = add_ok_cancel(self, layout, self._accept)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)

    def note_text(self) -> str:
        return self.note.toPlainText().strip()

    def _accept(self) -> None:
        if self._note_required and not self.note_text():
            self.error.setText(self.tr("请填写原因。"))
            self.error.show()
            return
        if time_confirmed(self, self.at):
            self.accept()


class ShipDialog(WritingDialog):
    """Enter the carrier and tracking number of one reship (补发已发出)."""

    def __init__(self, row: ReshipRow, carrier: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("录入补发运单号"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(case_title(row)))
        form = QFormLayout()
        self.carrier = QComboBox()
        self.carrier.setObjectName("carrier")
        self.carrier.setEditable(True)
        self.carrier.addItems(carrier_names())
        self.carrier.setCurrentText(carrier or "")
        form.addRow(self.tr("快递公司"), self.carrier)
        self.tracking = QLineEdit()
        self.tracking.setObjectName("tracking")
        self.tracking.setPlaceholderText(self.tr("运单号（扫码枪可直接扫入）"))
        form.addRow(self.tr("运单号"), self.tracking)
        self.at = china_time_edit()
        self.at.setObjectName("at")
        form.addRow(self.tr("发货时间"), self.at)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        form.addRow(self.tr("备注"), self.note)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = add_ok_cancel(self, layout, self._accept)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("已发出"))
        self.tracking.setFocus()
        self.values: tuple[str, str, Moment | None, str] | None = None
        # A scanned number names its carrier (YT… 圆通速递, SF… 顺丰速运): fill it in unless one was chosen.
        self._last_guess = ""
        self.tracking.textChanged.connect(self._guess_carrier)

    def _guess_carrier(self, text: str) -> None:
        if self.carrier.currentText().strip() not in ("", self._last_guess):
            return  # the user's own choice stays
        self._last_guess = guess_carrier(text) or ""
        self.carrier.setCurrentText(self._last_guess)

    def _accept(self) -> None:
        try:
            carrier = clean_carrier(self.carrier.currentText())
            if carrier is None:
                raise UserError(self.tr("请填写快递公司"))
            tracking = clean_tracking(self.tracking.text())
        except UserError as error:
            self.error.setText(labels.message(error))
            self.error.show()
            return
        if time_confirmed(self, self.at):
            self.values = (carrier, tracking, self.at.moment(), self.note.text().strip())
            self.accept()


class ItemsDialog(WritingDialog):
    """What to send: titles, specs and quantities (a missing sock is one sock)."""

    def __init__(self, row: ReshipRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("补发商品"))
        resize_within_screen(self, 560, 320)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(case_title(row)))
        if row.items_from_order and row.items:
            hint = QLabel(self.tr("默认为订单中的全部商品；只补发缺少的那几件时请修改数量或删除多余的行。"))
            hint.setWordWrap(True)
            tint(hint, "secondary")
            layout.addWidget(hint)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("items_table")
        self.table.setHorizontalHeaderLabels([self.tr("商品"), self.tr("规格"), self.tr("数量")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        for item in row.items:
            self.add_row(item)
        if not row.items:
            self.add_row()
        tools = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加一行"))
        self.add_button.setObjectName("add_item")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button = QPushButton(self.tr("删除选中行"))
        self.remove_button.setObjectName("remove_item")
        self.remove_button.clicked.connect(self.remove_selected)
        tools.addWidget(self.add_button)
        tools.addWidget(self.remove_button)
        tools.addStretch(1)
        layout.addLayout(tools)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = add_ok_cancel(self, layout, self._accept)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.items: list[ReshipItemRow] | None = None

    def add_row(self, item: ReshipItemRow | None = None) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(item.title if item else ""))
        self.table.setItem(r, 1, QTableWidgetItem(item.spec or "" if item else ""))
        quantity = QSpinBox()
        quantity.setRange(1, MAX_QUANTITY)
        quantity.setValue(item.quantity if item else 1)
        self.table.setCellWidget(r, 2, quantity)
        return r

    def quantity_box(self, row: int) -> QSpinBox:
        widget = self.table.cellWidget(row, 2)
        assert isinstance(widget, QSpinBox)
        return widget

    def remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)

    def current_items(self) -> list[ReshipItemRow]:
        found: list[ReshipItemRow] = []
        for r in range(self.table.rowCount()):
            title_item, spec_item = self.table.item(r, 0), self.table.item(r, 1)
            title = title_item.text().strip() if title_item else ""
            spec = spec_item.text().strip() if spec_item else ""
            if not title and not spec:
                continue  # an empty row left over: ignore it
            found.append(ReshipItemRow(title, spec or None, self.quantity_box(r).value()))
        return found

    def _accept(self) -> None:
        try:
            self.items = clean_items(self.current_items())
        except UserError as error:
            self.error.setText(labels.message(error))
            self.error.show()
            return
        self.accept()


class PromiseDialog(WritingDialog):
    """A reship promised in chat (拼多多承诺履约 and the like): platform, order number, done."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("记录承诺补发"))
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("在聊天中答应了买家补发？记下来，补发队列会按平台规则提醒发货时限。")))
        form = QFormLayout()
        self.platform = QComboBox()
        self.platform.setObjectName("platform")
        for p in Platform:
            self.platform.addItem(labels.label(p), p.value)
        self.platform.setCurrentIndex(self.platform.findData(Platform.PDD.value))
        form.addRow(self.tr("平台"), self.platform)
        self.order_no = QLineEdit()
        self.order_no.setObjectName("order_no")
        self.order_no.setPlaceholderText(self.tr("订单号"))
        form.addRow(self.tr("订单号"), self.order_no)
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        for reason in REASONS_BY_KIND[CaseKind.RESHIP]:
            self.reason.addItem(labels.label(reason), reason.value)
        form.addRow(self.tr("原因"), self.reason)
        self.at = china_time_edit()
        self.at.setObjectName("at")
        form.addRow(self.tr("承诺时间"), self.at)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("例如：少发一只袜子"))
        form.addRow(self.tr("说明"), self.note)
        layout.addLayout(form)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = add_ok_cancel(self, layout, self._accept)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("记录"))
        self.order_no.setFocus()

    def values(self) -> tuple[Platform, str, CaseReason, Moment | None, str]:
        return (Platform(self.platform.currentData()), self.order_no.text(), CaseReason(self.reason.currentData()),
                self.at.moment(), self.note.text().strip())

    def _accept(self) -> None:
        if not self.order_no.text().strip():
            self.error.setText(self.tr("请填写订单号"))
            self.error.show()
            return
        if time_confirmed(self, self.at):
            self.accept()
