"""The goods value statement drawn with QPainter: one renderer for the printer, the preview and PDF.

`render_statements` paints one statement per page onto any A4 `QPagedPaintDevice` (a `QPrinter`
from `QPrintPreviewDialog`, a `QPdfWriter`); `statement_image` paints the same page onto an image for
the dialog's thumbnail. Text is drawn as text in the shipped Chinese font (printing/fonts.py), so a PDF
embeds the font and `pdftotext` reads the statement back.

The page is a bordered form, like the paper forms courier branches hand out: label cells shaded,
empty cells left blank for handwriting. It always fits one page: a long item list first shrinks the
type (down to 70 %), then folds the last items into one line 其余 N 项商品 with their total.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QCoreApplication, QLineF, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
)

from desktop_app.core.errors import UserError
from desktop_app.core.money import format_yuan
from desktop_app.core.statement import GoodsValueStatement, StatementLine
from desktop_app.printing.fonts import document_family, register_fonts
from desktop_app.printing.seal_image import load_seal

A4_MARGINS_MM = QMarginsF(16, 14, 16, 12)
PDF_RESOLUTION = 300  # dpi: text and lines are vectors anyway; this sets the seal image's sampling
_SCALES = (1.0, 0.92, 0.85, 0.78, 0.7)
_LABEL_FILL = QColor("#eeeeee")
_GREY = QColor("#555555")

Align = Qt.AlignmentFlag


_application: QGuiApplication | None = None


def ensure_gui_application() -> None:
    """Drawing text needs a QGuiApplication; the command line has none until it prints a PDF."""
    global _application
    if QCoreApplication.instance() is None:
        _application = QGuiApplication([sys.argv[0] if sys.argv else "desktop_app"])
    register_fonts()


def a4_layout() -> QPageLayout:
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, A4_MARGINS_MM,
                       QPageLayout.Unit.Millimeter)


def prepare_a4(device: QPagedPaintDevice) -> None:
    """Portrait A4 with the statement's margins (the print dialog may still change the paper)."""
    device.setPageLayout(a4_layout())


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    label: bool = False  # a shaded caption cell
    span: int = 1
    align: Qt.AlignmentFlag = Align.AlignLeft


class _Canvas:
    """Lays the statement out top to bottom in device pixels; draws only when `draw` is set.

    Measuring and drawing share this code, so the size that decides the scale is the size drawn.
    """

    def __init__(self, painter: QPainter, page: QRectF, family: str, scale: float, draw: bool,
                 images: dict[str, QImage]) -> None:
        self.p = painter
        self.page = page
        self.family = family
        self.scale = scale
        self.draw = draw
        self.images = images
        self.y = page.top()
        self.mm = painter.device().logicalDpiY() / 25.4

    # --- basics ---------------------------------------------------------------------------------
    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(self.family)
        font.setPointSizeF(points * self.scale)
        font.setBold(bold)
        return font

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font, self.p.device())

    def text_height(self, font: QFont, width: float, text: str) -> float:
        flags = int(Align.AlignLeft | Align.AlignTop) | int(Qt.TextFlag.TextWordWrap)
        rect = self.metrics(font).boundingRect(QRectF(0, 0, max(width, 1.0), 1e7), flags, text or " ")
        return rect.height()

    def gap(self, mm: float) -> None:
        self.y += mm * self.mm * self.scale

    def paragraph(self, text: str, points: float, *, bold: bool = False, align: Qt.AlignmentFlag = Align.AlignLeft,
                  indent_mm: float = 0, colour: QColor | None = None) -> None:
        font = self.font(points, bold)
        left = self.page.left() + indent_mm * self.mm
        width = self.page.width() - indent_mm * self.mm
        height = self.text_height(font, width, text)
        if self.draw:
            self.p.setFont(font)
            self.p.setPen(colour or Qt.GlobalColor.black)
            self.p.drawText(QRectF(left, self.y, width, height),
                            int(align | Align.AlignTop) | int(Qt.TextFlag.TextWordWrap), text)
        self.y += height

    def section(self, title: str) -> None:
        self.gap(4.0)
        self.paragraph(title, 11.5, bold=True)
        self.gap(1.5)

    # --- the bordered grid ----------------------------------------------------------------------
    def grid(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float], points: float = 10.5,
             min_height_mm: float = 8.0) -> None:
        """Rows of cells over columns whose `widths` are fractions of the page width."""
        total = self.page.width()
        edges = [self.page.left()]
        for w in widths:
            edges.append(edges[-1] + w * total)
        edges[-1] = self.page.right()
        pad_x, pad_y = 1.6 * self.mm * self.scale, 1.2 * self.mm * self.scale
        font = self.font(points)
        bold = self.font(points, bold=True)
        pen = QPen(Qt.GlobalColor.black)
        pen.setWidthF(0.25 * self.mm)
        for row in rows:
            placed: list[tuple[Cell, float, float]] = []
            column = 0
            for cell in row:
                placed.append((cell, edges[column], edges[column + cell.span]))
                column += cell.span
            height = max(
                [min_height_mm * self.mm * self.scale]
                + [self.text_height(bold if c.label else font, right - left - 2 * pad_x, c.text) + 2 * pad_y
                   for c, left, right in placed]
            )
            if self.draw:
                for cell, left, right in placed:
                    box = QRectF(left, self.y, right - left, height)
                    if cell.label:
                        self.p.fillRect(box, _LABEL_FILL)
                    self.p.setPen(pen)
                    self.p.drawRect(box)
                    if cell.text:
                        self.p.setFont(bold if cell.label else font)
                        self.p.setPen(Qt.GlobalColor.black)
                        inner = box.adjusted(pad_x, pad_y, -pad_x, -pad_y)
                        flags = int(cell.align | Align.AlignVCenter) | int(Qt.TextFlag.TextWordWrap)
                        self.p.drawText(inner, flags, cell.text)
            self.y += height

    # --- the signature and seal area ------------------------------------------------------------
    def signatures(self, s: GoodsValueStatement) -> None:
        font = self.font(10.5)
        line_height = self.metrics(font).height() * 1.9
        half = self.page.width() / 2
        left = self.page.left()
        right = left + half + 4 * self.mm
        top = self.y
        lines_left = ["经办人（签字）：", f"联系电话：{s.shop_phone}", ""]
        lines_right = [f"声明单位（盖章）：{s.shop_name}", "", f"日期：{s.issued_text}"]
        if self.draw:
            self.p.setFont(font)
            self.p.setPen(Qt.GlobalColor.black)
            for index, text in enumerate(lines_left):
                self.p.drawText(QRectF(left, top + index * line_height, half, line_height),
                                int(Align.AlignLeft | Align.AlignVCenter), text)
            for index, text in enumerate(lines_right):
                self.p.drawText(QRectF(right, top + index * line_height, half - 4 * self.mm, line_height),
                                int(Align.AlignLeft | Align.AlignVCenter), text)
            # a line to sign on after 经办人（签字）：
            sign_x = left + self.metrics(font).horizontalAdvance("经办人（签字）：")
            pen = QPen(Qt.GlobalColor.black)
            pen.setWidthF(0.2 * self.mm)
            self.p.setPen(pen)
            base = top + line_height * 0.8
            self.p.drawLine(QLineF(sign_x, base, left + half - 8 * self.mm, base))
            self._seal(s, QRectF(right, top, half - 4 * self.mm, 3 * line_height))
        self.y = top + 3 * line_height

    def _seal(self, s: GoodsValueStatement, area: QRectF) -> None:
        if not s.seal_image:
            return
        image = self.images.get(s.seal_image)
        if image is None:
            image = load_seal(s.seal_image)
            self.images[s.seal_image] = image  # one QImage per file: the PDF embeds it once
        if image.isNull():
            return
        side = min(40 * self.mm * self.scale, area.height() * 1.1)
        size = QSizeF(image.width(), image.height()).scaled(QSizeF(side, side), Qt.AspectRatioMode.KeepAspectRatio)
        # A seal is stamped over the issuer's name, as on paper.
        centre_x = area.left() + area.width() * 0.62
        target = QRectF(centre_x - size.width() / 2, area.center().y() - size.height() / 2,
                        size.width(), size.height())
        self.p.save()
        self.p.setOpacity(0.85)
        self.p.drawImage(target, image)
        self.p.restore()


def _money(fen: int | None) -> str:
    return format_yuan(fen) if fen is not None else ""


def _layout(c: _Canvas, s: GoodsValueStatement, numbered: int | None = None) -> None:
    """Lay out the page; only the first `numbered` item lines get a number (the rest is a summary)."""
    numbered = len(s.lines) if numbered is None else numbered
    c.paragraph(s.title, 22, bold=True, align=Align.AlignHCenter)
    if s.reference:
        c.paragraph(s.reference, 9, align=Align.AlignRight, colour=_GREY)
    else:
        c.gap(2)
    c.gap(1.5)
    to = s.carrier or "________"
    happened = f"在运输途中发生{s.incident}" if s.incident else "在运输途中发生异常"
    c.paragraph(f"致 {to}（网点/理赔部门）：", 10.5)
    # 首行缩进 two full-width spaces, as a Chinese letter paragraph starts.
    c.paragraph(f"\u3000\u3000本店在{s.platform}平台售出的下列货物交由贵司承运，{happened}。"
                "现将货物价值说明如下，请予核实并办理理赔。", 10.5)

    four = (0.15, 0.35, 0.15, 0.35)
    c.section("一、寄件方（商家）")
    c.grid([
        [Cell("店铺名称", True), Cell(s.shop_name), Cell("联系人", True), Cell(s.shop_contact)],
        [Cell("联系电话", True), Cell(s.shop_phone), Cell("地址", True), Cell(s.shop_address)],
    ], four)

    c.section("二、快件信息")
    c.grid([
        [Cell("销售平台", True), Cell(s.platform), Cell("订单号", True), Cell(s.order_no)],
        [Cell("快递公司", True), Cell(s.carrier), Cell("运单号", True), Cell(s.tracking_no)],
        [Cell("发货日期", True), Cell(s.ship_date_text), Cell("异常类型", True), Cell(s.incident)],
        [Cell("情况说明", True), Cell(s.description, span=3)],
    ], four)

    c.section("三、收件人（买家下单时填写的信息）")
    c.grid([
        [Cell("收件人", True), Cell(s.recipient_name), Cell("联系电话", True), Cell(s.recipient_phone)],
        [Cell("收货地址", True), Cell(s.recipient_address, span=3)],
    ], four)

    c.section("四、货物明细")
    items = (0.07, 0.36, 0.2, 0.08, 0.14, 0.15)
    rows: list[list[Cell]] = [[
        Cell("序号", True, align=Align.AlignHCenter), Cell("商品名称", True), Cell("规格", True),
        Cell("数量", True, align=Align.AlignHCenter), Cell("单价（元）", True, align=Align.AlignRight),
        Cell("金额（元）", True, align=Align.AlignRight),
    ]]
    for index, line in enumerate(s.lines, start=1):
        rows.append([
            Cell(str(index) if index <= numbered else "", align=Align.AlignHCenter), Cell(line.name), Cell(line.spec),
            Cell(str(line.quantity), align=Align.AlignHCenter),
            Cell(_money(line.unit_price_fen), align=Align.AlignRight),
            Cell(_money(line.total_fen), align=Align.AlignRight),
        ])
    quantity = sum(line.quantity for line in s.lines)
    rows.append([
        Cell("合计", True, span=3, align=Align.AlignHCenter), Cell(str(quantity), align=Align.AlignHCenter),
        Cell("", True), Cell(s.total_figures, align=Align.AlignRight),
    ])
    rows.append([Cell("货物价值合计（大写）", True, span=3), Cell(f"人民币{s.total_words}", span=3)])
    c.grid(rows, items, points=10, min_height_mm=7.0)

    c.section("五、申请赔偿")
    claim_rows = [[Cell("申请赔偿金额", True), Cell(s.claimed_figures),
                   Cell("大写", True), Cell(f"人民币{s.claimed_words}")]]
    if s.declared_fen is not None:
        claim_rows.append([Cell("保价金额", True), Cell(f"¥{format_yuan(s.declared_fen)}", span=3)])
    claim_rows.append([Cell("赔款收款账户", True), Cell(s.payout_account, span=3)])
    c.grid(claim_rows, four)

    c.section("六、价值依据")
    for basis in s.value_basis:
        c.paragraph(f"· {basis}", 10, indent_mm=2)

    c.section("七、声明")
    c.paragraph("\u3000\u3000" + s.declaration, 10.5)
    c.gap(8)
    c.signatures(s)


def _fold(s: GoodsValueStatement, keep: int) -> GoodsValueStatement:
    """The statement with its items after the first `keep` folded into one summary line."""
    rest = s.lines[keep:]
    summary = StatementLine(f"其余 {len(rest)} 项商品（明细见平台订单）", "", sum(r.quantity for r in rest), None,
                            sum(r.total_fen for r in rest))
    return replace(s, lines=(*s.lines[:keep], summary))


def _fits(painter: QPainter, page: QRectF, family: str, s: GoodsValueStatement, scale: float,
          images: dict[str, QImage], numbered: int | None = None) -> bool:
    canvas = _Canvas(painter, page, family, scale, draw=False, images=images)
    _layout(canvas, s, numbered)
    return canvas.y <= page.bottom()


def paint_statement(painter: QPainter, page: QRectF, statement: GoodsValueStatement,
                    family: str | None = None, images: dict[str, QImage] | None = None) -> None:
    """Paint one statement into `page` (device pixels of the painter's device)."""
    family = family or document_family()
    images = {} if images is None else images
    chosen, numbered = statement, len(statement.lines)
    scale = next((sc for sc in _SCALES if _fits(painter, page, family, chosen, sc, images)), None)
    if scale is None:
        scale = _SCALES[-1]
        # Fold items until it fits at the smallest type; the first line always stays itself.
        low, high = 1, len(statement.lines) - 1
        numbered = 1
        while low <= high:
            middle = (low + high) // 2
            if _fits(painter, page, family, _fold(statement, middle), scale, images, middle):
                numbered, low = middle, middle + 1
            else:
                high = middle - 1
        chosen = _fold(statement, numbered)
    _layout(_Canvas(painter, page, family, scale, draw=True, images=images), chosen, numbered)


def page_rect(device: QPagedPaintDevice) -> QRectF:
    """The printable area in device pixels, relative to the painter's origin (the margins' corner)."""
    rect = device.pageLayout().paintRectPixels(device.logicalDpiY())
    return QRectF(0, 0, rect.width(), rect.height())


def render_statements(device: QPagedPaintDevice, statements: Sequence[GoodsValueStatement],
                      progress: Callable[[int], None] | None = None) -> int:
    """Paint the statements onto `device`, one per page; returns the number of pages."""
    if not statements:
        return 0
    family = document_family()
    images: dict[str, QImage] = {}
    painter = QPainter()
    if not painter.begin(device):  # the file cannot be created, or the printer refused
        raise UserError("无法开始绘制：文件无法写入或打印机不可用")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        page = page_rect(device)
        for index, statement in enumerate(statements):
            if index:
                device.newPage()
            paint_statement(painter, page, statement, family, images)
            if progress is not None:
                progress(index + 1)
    finally:
        painter.end()
    return len(statements)


def statement_image(statement: GoodsValueStatement, dpi: int = 96) -> QImage:
    """The page as an image (white A4 with the margins), for on-screen thumbnails."""
    size = QPageSize(QPageSize.PageSizeId.A4).sizePixels(dpi)
    image = QImage(size.width(), size.height(), QImage.Format.Format_ARGB32_Premultiplied)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        rect = a4_layout().paintRectPixels(dpi)
        painter.translate(rect.left(), rect.top())
        paint_statement(painter, QRectF(0, 0, rect.width(), rect.height()), statement)
    finally:
        painter.end()
    return image
