"""Goods value statements (货物价值说明) for the selected claims or an order: preview, print, PDF, Excel.

The statements are read on the worker thread; the page is drawn by printing/statement_render.py for the
thumbnail, the print preview and the PDF alike. The workbook is written on the worker thread (no Qt
there); the PDF is drawn on the GUI thread because Qt's text drawing belongs there.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserError
from desktop_app.core.statement import GoodsValueStatement, StatementIncomplete
from desktop_app.printing.seal_image import printable_seals
from desktop_app.printing.statement_pdf import write_pdf
from desktop_app.printing.statement_render import prepare_a4, render_statements, statement_image
from desktop_app.services.statements import StatementRequest, carriers_of, load_statements, missing_shop_details
from desktop_app.store.database import Database
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.statements.shop_profile_dialog import ShopProfileDialog
from desktop_app.ui.statements.typed_prices import TypedPrices, TypedPricesBox
from desktop_app.ui.widgets.screen_fit import PREVIEW_HEIGHT, PREVIEW_WIDTH, resize_within_screen
from desktop_app.ui.widgets.status_colours import tint
from desktop_app.ui.widgets.table_menu import explain

log = logging.getLogger(__name__)

PREVIEW_DPI = 90  # drawn scaled to the space the dialog has; 90 dpi keeps small print legible
# Below this many pages a PDF is written before anyone would notice; above, show progress.
PROGRESS_FROM = 20


class PageView(QWidget):
    """The whole page, scaled to fit, on a grey desk; or a message when there is no page."""

    def __init__(self, message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self.message = message
        self.setMinimumSize(240, 320)

    def set_image(self, image: QImage) -> None:
        self._image = image
        self.message = ""
        self.update()

    def set_message(self, text: str) -> None:
        self._image = QImage()
        self.message = text
        self.update()

    def image(self) -> QImage:
        return self._image

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#8a8a8a"))
        area = QRectF(self.rect()).adjusted(12, 12, -12, -12)
        if self._image.isNull():
            painter.setPen(QColor("#ffffff"))
            painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap), self.message)
        else:
            size = QSizeF(self._image.size()).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.center().x() - size.width() / 2, area.center().y() - size.height() / 2,
                            size.width(), size.height())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
        painter.end()


class StatementDialog(QDialog):
    """`loaded` fires once the statements are read; `saved` with the path of each file written."""

    loaded = Signal()
    saved = Signal(str)

    def __init__(self, context: AppContext, request: StatementRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._request = request
        self.statements: list[GoodsValueStatement] = []
        self.preview_dialog: QPrintPreviewDialog | None = None
        self._printer: QPrinter | None = None
        self.setWindowTitle(self.tr("货物价值说明"))
        resize_within_screen(self, 820, 720)
        layout = QVBoxLayout(self)

        self.warning = QWidget()
        warning_row = QHBoxLayout(self.warning)
        warning_row.setContentsMargins(0, 0, 0, 0)
        self.warning_text = QLabel()
        self.warning_text.setObjectName("statement_warning")
        self.warning_text.setWordWrap(True)
        tint(self.warning_text, "due_soon")
        profile_button = QPushButton(self.tr("店铺信息…"))
        profile_button.clicked.connect(self.edit_shop_profile)
        warning_row.addWidget(self.warning_text, 1)
        warning_row.addWidget(profile_button)
        self.warning.hide()
        layout.addWidget(self.warning)

        body = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("statement_list")
        self.list.setMinimumWidth(250)
        self.list.currentRowChanged.connect(self._show_page)
        body.addWidget(self.list, 1)
        self.page = PageView(self.tr("正在读取……"))
        self.page.setObjectName("statement_page")
        body.addWidget(self.page, 2)
        layout.addLayout(body, 1)
        self.typed_prices = TypedPricesBox()  # goods without a price: typed for this statement
        self.typed_prices.prices_given.connect(self._use_prices)
        layout.addWidget(self.typed_prices)

        self.status = QLabel()
        self.status.setObjectName("statement_status")
        tint(self.status, "secondary")
        layout.addWidget(self.status)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.preview_button = self.buttons.addButton(self.tr("打印预览"), QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = self.buttons.addButton(self.tr("保存 PDF"), QDialogButtonBox.ButtonRole.ActionRole)
        self.xlsx_button = self.buttons.addButton(self.tr("保存 Excel"), QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.xlsx_button.clicked.connect(self._ask_xlsx)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_ready(False, self.tr("正在读取货值说明……"))
        self.reload()

    # --- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the statements again (after the shop details changed)."""
        request = self._request

        def work(db: Database) -> tuple[list[GoodsValueStatement], list[str], list[str]]:
            statements = load_statements(db, request)
            statements, seals = printable_seals(statements)  # read once here, off the GUI thread
            return statements, missing_shop_details(statements), seals

        self._context.read(work, self._loaded, self._failed)

    def _set_ready(self, ready: bool, why_not: str = "") -> None:
        """The print and save buttons; greyed out, each says why (reading, prices to type, an error)."""
        for button in (self.preview_button, self.pdf_button, self.xlsx_button):
            explain(button, ready, why_not)

    def _loaded(self, result: tuple[list[GoodsValueStatement], list[str], list[str]]) -> None:
        statements, missing, seals = result
        self.statements = statements
        current = max(self.list.currentRow(), 0)
        self.list.clear()
        for s in statements:
            text = "  ".join(filter(None, [s.reference, s.carrier, s.tracking_no]))
            item = QListWidgetItem(f"{text}\n{s.platform} {s.order_no}  {s.claimed_figures}")
            item.setToolTip(s.recipient_name)
            self.list.addItem(item)
        notes = []
        if missing:
            notes.append(self.tr("店铺信息未填写：%1。这些格子会留空，可打印后手写。")
                         .replace("%1", self.tr("、").join(labels.text(name) for name in missing)))
        carriers = carriers_of(statements)
        if len(carriers) > 1:
            notes.append(self.tr("所选理赔属于不同的快递公司（%1），网点通常只受理自己的快件。")
                         .replace("%1", "、".join(carriers)))
        notes.extend(seals)
        self.warning_text.setText("\n".join(notes))
        self.warning.setVisible(bool(notes))
        self.status.setText(self.tr("共 %n 份，每份一页 A4", "", len(statements)))
        self.list.setCurrentRow(min(current, len(statements) - 1))
        self._set_ready(bool(statements), self.tr("没有可生成货值说明的理赔或订单"))
        self.typed_prices.hide()
        self.loaded.emit()

    def _failed(self, error: Exception) -> None:
        self.status.setText(self.tr("无法生成货值说明"))
        if isinstance(error, StatementIncomplete) and error.unpriced:
            # Not the command line's --unit-price: the prices are asked for here.
            self.page.set_message(labels.message(error.problem) + self.tr("或在下方填写单价。"))
            self.typed_prices.ask(error.unpriced)
            self._set_ready(False, self.tr("有商品没有单价：先在下方填写单价，点“按这些单价生成”"))
            return
        self.typed_prices.hide()
        self.page.set_message(describe_error(error))
        self._set_ready(False, self.tr("无法生成货值说明：%1").replace("%1", describe_error(error)))

    def _use_prices(self, prices: TypedPrices) -> None:
        """Read the statements again, the goods without a price valued at the typed ones."""
        typed = dict(self._request.unit_prices)
        typed.update(prices)
        self._request = replace(self._request, unit_prices=tuple(typed.items()))
        self.typed_prices.hide()
        self.page.set_message(self.tr("正在读取……"))
        self._set_ready(False, self.tr("正在读取货值说明……"))
        self.reload()

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self.statements):
            self.page.set_image(statement_image(self.statements[row], PREVIEW_DPI))

    def edit_shop_profile(self) -> ShopProfileDialog:
        """Fill in the shop details without leaving: the statements are read again once saved."""
        dialog = ShopProfileDialog(self._context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _profile: self.reload())
        dialog.open()
        return dialog

    # --- printing --------------------------------------------------------------------------------
    def print_preview(self) -> QPrintPreviewDialog | None:
        """Open the print preview (its print button sends the pages to the system printer)."""
        if not self.statements:
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_a4(printer)
        printer.setDocName(self.statements[0].file_stem if len(self.statements) == 1 else self.tr("货物价值说明"))
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印预览 — 货物价值说明"))
        resize_within_screen(dialog, PREVIEW_WIDTH, PREVIEW_HEIGHT)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        statements = list(self.statements)
        dialog.paintRequested.connect(lambda device: render_statements(device, statements))
        dialog.destroyed.connect(self._preview_closed)
        self._printer = printer  # the dialog paints on it: keep it alive as long as the dialog
        self.preview_dialog = dialog
        dialog.open()
        return dialog

    def _preview_closed(self) -> None:
        self.preview_dialog = None

    # --- saving ----------------------------------------------------------------------------------
    def _default_name(self, suffix: str) -> str:
        if len(self.statements) == 1:
            stem = self.statements[0].file_stem
        else:
            stem = self.tr("货物价值说明-%1份").replace("%1", str(len(self.statements)))
        return str(Path.home() / f"{stem}{suffix}")

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存 PDF"), self._default_name(".pdf"),
                                              self.tr("PDF 文件 (*.pdf)"))
        if path:
            self.save_pdf(Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf"))

    def _ask_xlsx(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存 Excel"), self._default_name(".xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.save_xlsx(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def save_pdf(self, path: Path) -> bool:
        """Write the PDF (one page per statement); True when it was written."""
        progress: QProgressDialog | None = None
        if len(self.statements) >= PROGRESS_FROM:
            progress = QProgressDialog(self.tr("正在生成 PDF……"), "", 0, len(self.statements), self)
            progress.setCancelButton(None)
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(500)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_pdf(self.statements, path, progress.setValue if progress is not None else None)
        except Exception as error:  # a full disk, a locked file: tell the user, keep the dialog
            if not isinstance(error, UserError):
                log.exception("writing the statement PDF failed")
            QMessageBox.warning(self, self.tr("保存 PDF"), describe_error(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
            if progress is not None:
                progress.close()
        self._saved(path)
        return True

    def save_xlsx(self, path: Path) -> None:
        """Write the workbook on the worker thread; `saved` fires when it is there."""
        from desktop_app.io.statement_xlsx import write_statements_xlsx

        statements = list(self.statements)
        self.xlsx_button.setEnabled(False)

        def done(_count: int) -> None:
            self.xlsx_button.setEnabled(True)
            self._saved(path)

        def failed(error: Exception) -> None:
            self.xlsx_button.setEnabled(True)
            QMessageBox.warning(self, self.tr("保存 Excel"), describe_error(error))

        self._context.read(lambda _db: write_statements_xlsx(statements, path), done, failed)

    def _saved(self, path: Path) -> None:
        self.status.setText(self.tr("已保存到 %1").replace("%1", str(path)))
        self.saved.emit(str(path))
