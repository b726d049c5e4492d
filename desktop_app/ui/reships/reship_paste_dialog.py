"""粘贴运单号: tracking numbers pasted from Excel (order number and tracking number, two columns), checked
as you type — which line will be entered, which is already shipped, which matches no reship — then entered
in one go."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.carriers import carrier_names
from desktop_app.services.reship_paste import BulkShipReport, LineOutcome, bulk_ship, check_bulk_ship
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import DONE, OVERDUE, SECONDARY
from desktop_app.ui.widgets.table_menu import explain

# Couriers a Chinese shop uses most; the box stays editable for any other.
CHECK_DELAY_MS = 200
RESULT_COLUMN = 4


# The status colours (ui/widgets/status_colours.py), so that each reads on the light and the dark theme;
# a line to be entered in the palette's link colour, a problem in overdue red.
_OUTCOME_COLOURS = {LineOutcome.SHIPPED: DONE, LineOutcome.ALREADY: SECONDARY, LineOutcome.HEADER: SECONDARY}


class PasteDialog(QDialog):
    """Paste two columns from Excel (订单号, 运单号[, 快递公司]); check as you paste, then ship in one go."""

    shipped = Signal(int)  # how many were shipped

    def __init__(self, context: AppContext, carrier: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._generation = 0
        self.report: BulkShipReport | None = None
        self.busy = False
        self.setWindowTitle(self.tr("批量录入补发运单号"))
        resize_within_screen(self, 760, 520)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("从 Excel 复制两列粘贴到下面：订单号、运单号；第三列可写快递公司。"
                                        "也可以用逗号分隔。")))
        self.text = QPlainTextEdit()
        self.text.setObjectName("paste_text")
        self.text.setPlaceholderText("4145384019161461003\tSF1234567890\n261111-755306313554903\tYT9876543210\t圆通")
        layout.addWidget(self.text, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("没有第三列时的快递公司")))
        self.carrier = QComboBox()
        self.carrier.setObjectName("carrier")
        self.carrier.setEditable(True)
        self.carrier.addItems(carrier_names())
        self.carrier.setCurrentText(carrier or "")
        self.carrier.setToolTip(self.tr("运单号以快递公司的字母开头时（SF…顺丰、YT…圆通）按运单号的快递公司录入"))
        row.addWidget(self.carrier)
        row.addStretch(1)
        layout.addLayout(row)
        # The carrier each line will be entered with, in view before 录入 (the list's carrier or the number's).
        self.results = QTableWidget(0, 6)
        self.results.setObjectName("paste_results")
        self.results.setHorizontalHeaderLabels(
            [self.tr("行"), self.tr("订单号"), self.tr("运单号"), self.tr("快递公司"), self.tr("结果"),
             self.tr("说明")])
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.results, 3)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        layout.addWidget(self.summary)
        self.buttons = add_ok_cancel(self, layout, self.apply)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("录入"))
        explain(self.ok_button, False, self._nothing_ready())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.text.textChanged.connect(self._timer.start)
        self.carrier.currentTextChanged.connect(lambda _t: self._timer.start())

    def check(self) -> None:
        """Match the pasted lines (read only) and show what would happen to each."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text, carrier = self.text.toPlainText(), self.carrier.currentText()

        def done(report: BulkShipReport) -> None:
            if generation == self._generation and not (self.report is not None and self.report.applied):
                self._show(report)

        self._context.look_up(lambda session: check_bulk_ship(session, text, carrier), done, self._failed)

    def apply(self) -> None:
        if self.report is not None and self.report.applied:
            self.accept()
            return
        text, carrier = self.text.toPlainText(), self.carrier.currentText()
        self._generation += 1  # a check still under way must not overwrite the result
        self.busy = True
        self.ok_button.setEnabled(False)
        self._context.write(lambda db: bulk_ship(db, text, carrier), self._applied, self._failed, origin=self)

    def _applied(self, report: BulkShipReport) -> None:
        self.busy = False
        self._show(report)
        self.text.setReadOnly(True)
        self.carrier.setEnabled(False)
        self.ok_button.setText(self.tr("关闭"))
        self.ok_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        self.shipped.emit(report.shipped)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.summary.setText(describe_error(error))
        explain(self.ok_button, self.report is not None and self.report.ready > 0, self._nothing_ready())

    def _nothing_ready(self) -> str:
        return self.tr("先粘贴两列：订单号和运单号（每行一条）；没有可录入的行时不能录入")

    def outcome_text(self, outcome: LineOutcome) -> str:
        texts = {
            LineOutcome.READY: self.tr("可录入"),
            LineOutcome.SHIPPED: self.tr("已录入"),
            LineOutcome.ALREADY: self.tr("已录入过，跳过"),
            LineOutcome.HEADER: self.tr("表头，跳过"),
            LineOutcome.INVALID: self.tr("格式错误"),
            LineOutcome.NOT_FOUND: self.tr("未找到"),
            LineOutcome.NOT_AGREED: self.tr("尚未同意补发"),
            LineOutcome.AMBIGUOUS: self.tr("有多张待补发售后单"),
            LineOutcome.CONFLICT: self.tr("已发出（另一运单号）"),
            LineOutcome.DUPLICATE: self.tr("重复"),
        }
        return texts[outcome]

    def _show(self, report: BulkShipReport) -> None:
        self.report = report
        self.results.setRowCount(len(report.lines))
        for r, line in enumerate(report.lines):
            cells = [str(line.line), line.order_no or line.text, line.tracking or "",
                     (line.carrier or "") if line.tracking else "", self.outcome_text(line.outcome),
                     labels.message(line.message)]
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c == RESULT_COLUMN:
                    colour = (self.palette().color(QPalette.ColorRole.Link) if line.outcome is LineOutcome.READY
                              else _OUTCOME_COLOURS.get(line.outcome, OVERDUE))
                    item.setForeground(QBrush(colour))
                self.results.setItem(r, c, item)
        problems = len(report.problems)
        if report.applied:
            self.summary.setText(self.tr("已录入 %1 条，有问题 %2 条（未录入）。").replace(
                "%1", str(report.shipped)).replace("%2", str(problems)))
        else:
            self.summary.setText(self.tr("可录入 %1 条，有问题 %2 条。有问题的行不会录入。").replace(
                "%1", str(report.ready)).replace("%2", str(problems)))
            self.ok_button.setText(self.tr("录入 %1 条").replace("%1", str(report.ready)))
            explain(self.ok_button, report.ready > 0, self._nothing_ready())
