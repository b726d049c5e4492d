"""批量处理补发: the bulk dialog of the Cases tab (ui/cases/bulk_dialog.py) with the reship queue's own choices.

Offered only when valid for every selected reship: 录入运单号 (a number per reship, typed or scanned
into a table, one courier for all or recognised from each number), 缺货改退款; then the case actions
they share (同意补发, 拒绝 …), a note, the responsible party, 打印货值说明; and 打印拣货单 and 导出
Excel for the selection. The summary comes first, a result per reship after; one refused never
stops the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop_app.core.carriers import carrier_names
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.bulk import BulkOutcome, CaseResult, ShipLine, reships_out_of_stock, ship_reships
from desktop_app.services.reship_export import export_reships
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog, BulkWork, SelectedCase
from desktop_app.ui.context import AppContext
from desktop_app.ui.reships.reship_table_model import items_text
from desktop_app.ui.widgets.screen_fit import resize_within_screen

SHIP = "ship_many"
OUT_OF_STOCK = "out_of_stock"
PICKING = "picking"
EXPORT = "export"
TRACKING_COLUMN = 3


def can_pick(row: ReshipRow) -> bool:
    """On a picking list: still to send, with items to pick."""
    return bool(row.items) and row.status in (ReshipStatus.AGREED, ReshipStatus.REQUESTED)


class ReshipBulkDialog(BulkActionDialog):
    picking_requested = Signal()  # the tab prints (previews) the picking list of its selection

    def __init__(self, context: AppContext, rows: Sequence[ReshipRow], carrier: str | None = None,
                 parent: QWidget | None = None) -> None:
        self.rows = list(rows)  # before the base builds the choices from them
        selected = [SelectedCase(r.case_id, CaseKind(r.case_kind), CaseStatus(r.case_status)) for r in rows]
        super().__init__(context, selected, parent)
        self.setWindowTitle(self.tr("批量处理补发（%1 条）").replace("%1", str(len(rows))))
        resize_within_screen(self, 720, 600)
        self.ship_box = QWidget()
        ship_layout = QHBoxLayout(self.ship_box)
        ship_layout.setContentsMargins(0, 0, 0, 0)
        ship_layout.addWidget(QLabel(self.tr("快递公司：")))
        self.carrier = QComboBox()
        self.carrier.setObjectName("bulk_carrier")
        self.carrier.setEditable(True)
        self.carrier.addItems(carrier_names())
        self.carrier.setCurrentText(carrier or "")
        typed = self.carrier.lineEdit()
        if typed is not None:
            typed.setPlaceholderText(self.tr("不填则按运单号识别"))
        ship_layout.addWidget(self.carrier, 1)
        self.extra.addWidget(self.ship_box)
        self.tracking = QTableWidget(len(self.rows), 4)
        self.tracking.setObjectName("bulk_tracking")
        self.tracking.setHorizontalHeaderLabels(
            [self.tr("售后单"), self.tr("订单号 / 收货人"), self.tr("补发商品"), self.tr("运单号（扫入或粘贴）")])
        self.tracking.verticalHeader().setVisible(False)
        header = self.tracking.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TRACKING_COLUMN, QHeaderView.ResizeMode.Interactive)
        self.tracking.setColumnWidth(TRACKING_COLUMN, 190)
        self.tracking.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        for r, row in enumerate(self.rows):
            cells = (f"#{row.case_id}", f"{row.order_no} {row.receiver or ''}".strip(), items_text(row),
                     row.tracking_no or "")
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c != TRACKING_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.tracking.setItem(r, c, item)
        self.extra.addWidget(self.tracking, 1)
        self.body.setStretchFactor(self.extra, 2)  # the table takes the height, not the form

    # --- the hooks -----------------------------------------------------------------------------
    def _choices(self) -> list[tuple[str, object]]:
        rows = self.rows
        own: list[tuple[str, object]] = []
        if rows and all(r.can(CaseAction.SHIP_RESHIP) for r in rows):
            own.append((self.tr("录入运单号（补发已发出）"), SHIP))
        if rows and all(r.can_mark_out_of_stock for r in rows):
            own.append((self.tr("缺货改退款"), OUT_OF_STOCK))
        # 补发已发出 without its tracking number would lose it: only through the table above.
        shared = [c for c in super()._choices() if c[1] != CaseAction.SHIP_RESHIP.value]
        last: list[tuple[str, object]] = [(self.tr("导出 Excel"), EXPORT)]
        if any(can_pick(r) for r in rows):
            last.insert(0, (self.tr("打印拣货单"), PICKING))
        return own + shared + last

    def _preselected(self) -> object:
        """录入运单号 when every selected reship can take one: it writes nothing until numbers are typed."""
        return SHIP if self.rows and all(r.can(CaseAction.SHIP_RESHIP) for r in self.rows) else None

    def _describe(self, key: object) -> str | None:
        count = str(len(self.rows))
        if key is None:
            return self.tr("选择要对这 %1 条补发执行的操作").replace("%1", count)
        if key == SHIP:
            return self.tr("将为 %1 条补发录入运单号（每条一个，状态改为“已补发”）；运单号留空的不录入").replace(
                "%1", count)
        if key == OUT_OF_STOCK:
            return self.tr("%1 条补发将改为“仅退款”（处理中），请与买家协商后在平台上退款").replace("%1", count)
        if key == PICKING:
            picked = sum(1 for r in self.rows if can_pick(r))
            return self.tr("将为 %1 条补发打印拣货单（已发出或没有商品的不在其中）").replace("%1", str(picked))
        if key == EXPORT:
            return self.tr("将把 %1 条补发（收货人、地址、商品、时限、运单号）导出为 Excel").replace("%1", count)
        return super()._describe(key)

    def _uses_note(self, key: object) -> bool:
        return key not in (PICKING, EXPORT) and super()._uses_note(key)

    def preview(self) -> None:
        shipping = self.action.currentData() == SHIP
        self.ship_box.setVisible(shipping)
        self.tracking.setVisible(shipping)
        self.result_list.setVisible(not shipping or bool(self.results))
        super().preview()

    def ship_lines(self) -> list[ShipLine]:
        carrier = self.carrier.currentText().strip() or None
        found = []
        for r, row in enumerate(self.rows):
            item = self.tracking.item(r, TRACKING_COLUMN)
            found.append(ShipLine(row.case_id, carrier, item.text() if item is not None else ""))
        return found

    def _work(self, key: object) -> BulkWork | None:
        note = self.note.toPlainText().strip() or None
        if key == SHIP:
            lines = self.ship_lines()
            if not any(line.tracking.strip() for line in lines):
                self.summary.setText(self.tr("请在表格中填写运单号（可用扫码枪逐条扫入）"))
                return None
            self.tracking.setEnabled(False)
            self.carrier.setEnabled(False)
            return lambda db, done: ship_reships(db, lines, note=note, progress=done)
        if key == OUT_OF_STOCK:
            ids = list(self.case_ids)
            return lambda db, done: reships_out_of_stock(db, ids, note=note, progress=done)
        return super()._work(key)

    def _run_other(self, key: object) -> bool:
        if key == PICKING:
            self.picking_requested.emit()
            self.accept()
            return True
        if key == EXPORT:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出补发"), str(Path.home() / "补发.xlsx"),
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
            if path:
                self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))
            return True
        return super()._run_other(key)

    def _result_text(self, result: CaseResult) -> str:
        if result.ok and self.action.currentData() == SHIP:
            line = next(line for line in self.ship_lines() if line.case_id == result.case_id)
            return self.tr("已补发，运单号 %1").replace("%1", line.tracking.strip())
        return super()._result_text(result)

    def _show_results(self, outcome: BulkOutcome) -> None:
        self.result_list.setVisible(True)
        super()._show_results(outcome)

    # --- export --------------------------------------------------------------------------------
    def export_to(self, path: Path) -> None:
        ids = list(self.case_ids)
        self.run_button.setEnabled(False)

        def done(count: int) -> None:
            exported = [CaseResult(i, True) for i in ids]
            self._list(exported, lambda _r: self.tr("已导出"))
            self.summary.setText(self.tr("已导出 %1 条补发到 %2").replace("%1", str(count)).replace("%2", str(path)))
            self._finish()

        def failed(error: Exception) -> None:
            self.run_button.setEnabled(True)
            self.summary.setText(describe_error(error))

        self.context.read(lambda db: export_reships(db, path, ids), done, failed)

