"""The picking list (拣货单) of the reship queue: what to take from the shelves for the selected reships,
previewed and printed, or saved as PDF."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from desktop_app.core.clock import now
from desktop_app.core.reship_states import ReshipStatus
from desktop_app.services.reship_queue import ReshipRow, total_items
from desktop_app.ui import labels
from desktop_app.ui.reships.reship_bulk import can_pick
from desktop_app.ui.reships.reship_table_model import items_text, status_text
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.widgets.screen_fit import PREVIEW_HEIGHT, PREVIEW_WIDTH, resize_within_screen

DialogT = TypeVar("DialogT", bound=QDialog)

if TYPE_CHECKING:
    from desktop_app.ui.base_tab import BaseTab

    class _Tab(BaseTab):
        """What the mixin uses of `ReshipTab`, for mypy only: at run time the mixin is a plain class."""

        proxy: QSortFilterProxyModel

        def selected_rows(self) -> list[ReshipRow]: ...

        def _open(self, dialog: DialogT) -> DialogT: ...
else:
    _Tab = object


class PickingListPreview(QPrintPreviewDialog):
    """The print preview of a picking list; it keeps its printer and document alive while open."""

    def __init__(self, document: QTextDocument, parent: QWidget | None = None) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        super().__init__(printer, parent)
        self._printer = printer  # the dialog does not own it (and `printer()` is its own method)
        self.document = document
        document.setParent(self)
        self.paintRequested.connect(document.print_)
        # Qt's default (~675×512) showed the A4 page at 38 %, too small to read: as tall as the screen allows.
        resize_within_screen(self, PREVIEW_WIDTH, PREVIEW_HEIGHT)


class ReshipPicking(_Tab):
    """Mixed into `ReshipTab` (a BaseTab): what it uses of the tab is declared in `_Tab`. Its texts translate
    under this class's name: PySide's `tr` looks up every class of the object's type."""

    def picking_rows(self) -> list[ReshipRow]:
        """The selected reships still to send; with nothing selected, every listed one waiting to be sent."""
        selected = self.selected_rows()
        shown = (self.proxy.index(i, 0).data(ROW_ROLE) for i in range(self.proxy.rowCount()))
        rows = selected or [r for r in shown if r is not None and r.status is ReshipStatus.AGREED]
        return [r for r in rows if can_pick(r)]

    def picking_list_html(self, rows: list[ReshipRow], printed_at: datetime | None = None) -> str:
        tr = self.tr
        when = labels.when(printed_at or now())
        parts = [
            "<html><body style='font-size:10pt'>",
            f"<h2>{escape(tr('拣货单（补发）'))}</h2>",
            f"<p>{escape(tr('打印时间：%1，共 %2 个包裹').replace('%1', when).replace('%2', str(len(rows))))}</p>",
            f"<h3>{escape(tr('拣货汇总'))}</h3>",
            "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
            f"<tr><th align='left'>{escape(tr('商品'))}</th><th align='left'>{escape(tr('规格'))}</th>"
            f"<th align='right'>{escape(tr('数量'))}</th></tr>",
        ]
        for item in total_items(rows):
            parts.append(f"<tr><td>{escape(item.title)}</td><td>{escape(item.spec or '')}</td>"
                         f"<td align='right'>{item.quantity}</td></tr>")
        parts.append("</table>")
        parts.append(f"<h3>{escape(tr('逐单明细'))}</h3>")
        parts.append("<table border='1' cellspacing='0' cellpadding='4' width='100%'>")
        headers = (tr("售后单"), tr("订单号"), tr("收货人"), tr("地址"), tr("补发商品"), tr("发货时限"))
        parts.append("<tr>" + "".join(f"<th align='left'>{escape(h)}</th>" for h in headers) + "</tr>")
        # An order number, a phone and a time are never broken across lines (a picker reads and types
        # them: "6995252287830 / 982897" was printed); the address and the goods wrap instead.
        whole = "<td style='white-space:nowrap'>"
        for row in rows:
            receiver = escape(row.receiver or "") + (f"<br>{escape(row.phone)}" if row.phone else "")
            order = f"{escape(labels.platform(row.platform))}<br>{escape(row.order_no)}"
            due = escape(labels.when(row.ship_by) or status_text(row.status))
            wrapped = f"<td>{escape(row.address or '')}</td><td>{escape(items_text(row))}</td>"
            parts.append(f"<tr>{whole}#{row.case_id}</td>{whole}{order}</td>{whole}{receiver}</td>{wrapped}"
                         f"{whole}{due}</td></tr>")
        parts.append("</table></body></html>")
        return "".join(parts)

    def picking_document(self, rows: list[ReshipRow]) -> QTextDocument:
        document = QTextDocument(self)
        document.setHtml(self.picking_list_html(rows))
        return document

    def print_picking_list(self) -> PickingListPreview | None:
        """Preview (and from there print) the picking list of the selected reships."""
        rows = self.picking_rows()
        if not rows:
            return None
        dialog = PickingListPreview(self.picking_document(rows), self)
        dialog.setObjectName("picking_preview")
        dialog.setWindowTitle(self.tr("拣货单预览"))
        return self._open(dialog)

    def choose_pdf_file(self) -> QFileDialog | None:
        if not self.picking_rows():
            return None
        dialog = QFileDialog(self, self.tr("拣货单存为PDF"), str(Path.home() / self.tr("拣货单.pdf")),
                             self.tr("PDF 文件 (*.pdf)"))
        dialog.setObjectName("pdf_file_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda name: self.save_picking_list_pdf(Path(name)))
        return self._open(dialog)

    def save_picking_list_pdf(self, path: Path) -> bool:
        rows = self.picking_rows()
        if not rows:
            return False
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Portrait)
        writer.setResolution(300)
        writer.setTitle(self.tr("拣货单（补发）"))
        document = self.picking_document(rows)
        document.print_(writer)
        del writer  # finishes the file
        self.message.emit(self.tr("拣货单已保存到 %1").replace("%1", str(path)))
        return path.exists()
