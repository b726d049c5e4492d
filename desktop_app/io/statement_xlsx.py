"""The goods value statement as an xlsx laid out for printing: one sheet per statement.

Same content and order as the printed page (printing/statement_render.py): a merged title, bordered
label/value grids, the item table, totals in figures and in 大写, the declaration and the signature
lines. Each sheet prints on A4 portrait, fitted to one page wide, within its print area. Text the
buyer or the shop typed can never become a formula (see `xlsx_cells`). The seal image is not placed
in the workbook (openpyxl needs Pillow for images): a workbook is printed and stamped by hand.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core.errors import UserError, system_error_text
from desktop_app.core.money import format_yuan
from desktop_app.core.statement import GoodsValueStatement
from desktop_app.io.workbook_files import save_whole
from desktop_app.io.xlsx_cells import could_be_formula, open_elsewhere_hint

# Columns A–F: 序号/labels, 商品名称/values, 规格, 数量/labels, 单价/values, 金额.
WIDTHS = (11.0, 30.0, 16.0, 11.0, 12.0, 14.0)
LAST_COLUMN = "F"
MONEY_FORMAT = '"¥"#,##0.00'
FONT_NAME = "微软雅黑"  # Excel substitutes an installed Chinese font when this one is missing
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", start_color="EEEEEE", end_color="EEEEEE")
_LINE_POINTS = 15.0  # row height per line of 10.5 pt text
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_ALIGNMENTS = ("left", "center", "right")


def _named_styles() -> list[NamedStyle]:
    """The statement's cell styles, registered once per workbook.

    A cell takes a named style by name; setting font, border and fill one by one makes openpyxl
    hash and look up each style object per cell (a 500-sheet batch took 29 s that way, 3 s so).
    """
    body = Font(name=FONT_NAME, size=10.5)
    bold = Font(name=FONT_NAME, size=10.5, bold=True)
    styles = [
        NamedStyle("statement-title", font=Font(name=FONT_NAME, size=20, bold=True),
                   alignment=Alignment(horizontal="center", vertical="center")),
        NamedStyle("statement-small", font=Font(name=FONT_NAME, size=9, color="555555"),
                   alignment=Alignment(horizontal="right")),
        NamedStyle("statement-text", font=body, alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("statement-section", font=Font(name=FONT_NAME, size=11.5, bold=True),
                   alignment=Alignment(vertical="center")),
    ]
    for align in _ALIGNMENTS:
        alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        styles += [
            NamedStyle(f"statement-label-{align}", font=bold, border=_BORDER, fill=_LABEL_FILL, alignment=alignment),
            NamedStyle(f"statement-value-{align}", font=body, border=_BORDER, alignment=alignment),
            NamedStyle(f"statement-money-{align}", font=body, border=_BORDER, alignment=alignment,
                       number_format=MONEY_FORMAT),
            NamedStyle(f"statement-number-{align}", font=body, border=_BORDER, alignment=alignment,
                       number_format="0"),
        ]
    return styles


def _display_width(text: str) -> int:
    """Excel column units a text needs: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines_needed(text: str, width_units: float) -> int:
    usable = max(width_units - 1.5, 1.0)
    return max(1, sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n")))


class _Sheet:
    """Writes rows top to bottom on one worksheet."""

    def __init__(self, sheet: Worksheet) -> None:
        self.ws = sheet
        self.row = 1

    def _put(self, column: int, value: str | Decimal | int, style: str) -> Cell:
        cell = self.ws.cell(self.row, column)
        cell.value = value
        cell.style = style
        if isinstance(value, str) and could_be_formula(value):
            cell.data_type = "s"  # openpyxl would write "=…" as a formula
            cell.quotePrefix = True  # and Excel would evaluate "=+-@…" once the cell is edited
        return cell

    def _merge(self, first: int, last: int, style: str | None = None) -> None:
        """Merge columns first..last of the current row; the other cells carry `style` (borders).

        The range is added without openpyxl's `merge_cells`, which rebuilds border objects for
        every merged cell (most of the time a batch took); the cells already have their borders.
        """
        if last <= first:
            return
        if style is not None:
            for column in range(first + 1, last + 1):
                self.ws.cell(self.row, column).style = style
        self.ws.merged_cells.add(MergedCellRange(
            self.ws, f"{get_column_letter(first)}{self.row}:{get_column_letter(last)}{self.row}"))

    def _width(self, first: int, last: int) -> float:
        return sum(WIDTHS[first - 1:last])

    def title(self, text: str, reference: str) -> None:
        self._put(1, text, "statement-title")
        self._merge(1, 6)
        self.ws.row_dimensions[self.row].height = 34
        self.row += 1
        if reference:
            self._put(1, reference, "statement-small")
            self._merge(1, 6)
            self.row += 1

    def paragraph(self, text: str, style: str = "statement-text") -> None:
        self._put(1, text, style)
        self._merge(1, 6)
        lines = _lines_needed(text, self._width(1, 6))
        self.ws.row_dimensions[self.row].height = max(_LINE_POINTS * lines + 3, 18)
        self.row += 1

    def spacer(self, points: float) -> None:
        self.ws.row_dimensions[self.row].height = points
        self.row += 1

    def section(self, text: str) -> None:
        self.spacer(8)  # a thin row before each section, as the page has a gap
        self.paragraph(text, "statement-section")

    def grid_row(self, cells: Sequence[tuple[str | Decimal | int, int, int, bool, str]]) -> None:
        """One bordered row: (value, first column, last column, is label, horizontal alignment)."""
        lines = 1
        for value, first, last, label, align in cells:
            if label:
                style = f"statement-label-{align}"
            elif isinstance(value, Decimal):
                style = f"statement-money-{align}"
            elif isinstance(value, int):
                style = f"statement-number-{align}"
            else:
                style = f"statement-value-{align}"
            self._put(first, value, style)
            if isinstance(value, str):
                lines = max(lines, _lines_needed(value, self._width(first, last)))
            self._merge(first, last, style)
        self.ws.row_dimensions[self.row].height = max(_LINE_POINTS * lines + 7, 22)
        self.row += 1

    def pair_rows(self, rows: Sequence[Sequence[str]]) -> None:
        """Label/value grid rows: [label, value, label, value] or [label, value] spanning the width."""
        for row in rows:
            if len(row) == 4:
                self.grid_row([(row[0], 1, 1, True, "left"), (row[1], 2, 3, False, "left"),
                               (row[2], 4, 4, True, "left"), (row[3], 5, 6, False, "left")])
            else:
                self.grid_row([(row[0], 1, 1, True, "left"), (row[1], 2, 6, False, "left")])


def _yuan(fen: int | None) -> Decimal | str:
    return Decimal(fen) / 100 if fen is not None else ""


def write_statement_sheet(sheet: Worksheet, s: GoodsValueStatement) -> None:
    """Lay one statement out on `sheet`, with its print setup."""
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    w = _Sheet(sheet)
    w.title(s.title, s.reference)
    happened = f"在运输途中发生{s.incident}" if s.incident else "在运输途中发生异常"
    w.paragraph(f"致 {s.carrier or '________'}（网点/理赔部门）：")
    w.paragraph(f"\u3000\u3000本店在{s.platform}平台售出的下列货物交由贵司承运，{happened}。"
                "现将货物价值说明如下，请予核实并办理理赔。")

    w.section("一、寄件方（商家）")
    w.pair_rows([["店铺名称", s.shop_name, "联系人", s.shop_contact],
                 ["联系电话", s.shop_phone, "地址", s.shop_address]])
    w.section("二、快件信息")
    w.pair_rows([["销售平台", s.platform, "订单号", s.order_no],
                 ["快递公司", s.carrier, "运单号", s.tracking_no],
                 ["发货日期", s.ship_date_text, "异常类型", s.incident],
                 ["情况说明", s.description]])
    w.section("三、收件人（买家下单时填写的信息）")
    w.pair_rows([["收件人", s.recipient_name, "联系电话", s.recipient_phone],
                 ["收货地址", s.recipient_address]])

    w.section("四、货物明细")
    w.grid_row([("序号", 1, 1, True, "center"), ("商品名称", 2, 2, True, "left"), ("规格", 3, 3, True, "left"),
                ("数量", 4, 4, True, "center"), ("单价（元）", 5, 5, True, "right"),
                ("金额（元）", 6, 6, True, "right")])
    for index, line in enumerate(s.lines, start=1):
        w.grid_row([(index, 1, 1, False, "center"), (line.name, 2, 2, False, "left"),
                    (line.spec, 3, 3, False, "left"), (line.quantity, 4, 4, False, "center"),
                    (_yuan(line.unit_price_fen), 5, 5, False, "right"), (_yuan(line.total_fen), 6, 6, False, "right")])
    w.grid_row([("合计", 1, 3, True, "center"), (sum(line.quantity for line in s.lines), 4, 4, False, "center"),
                ("", 5, 5, True, "right"), (_yuan(s.total_fen), 6, 6, False, "right")])
    w.grid_row([("货物价值合计（大写）", 1, 3, True, "left"), (f"人民币{s.total_words}", 4, 6, False, "left")])

    w.section("五、申请赔偿")
    w.grid_row([("申请赔偿金额", 1, 1, True, "left"), (_yuan(s.claimed_fen), 2, 3, False, "left"),
                ("大写", 4, 4, True, "left"), (f"人民币{s.claimed_words}", 5, 6, False, "left")])
    if s.declared_fen is not None:
        w.pair_rows([["保价金额", f"¥{format_yuan(s.declared_fen)}"]])
    w.pair_rows([["赔款收款账户", s.payout_account]])

    w.section("六、价值依据")
    for basis in s.value_basis:
        w.paragraph(f"· {basis}")
    w.section("七、声明")
    w.paragraph("\u3000\u3000" + s.declaration)
    w.spacer(24)
    w.paragraph(f"经办人（签字）：________________\u3000\u3000\u3000\u3000声明单位（盖章）：{s.shop_name}")
    w.paragraph(f"联系电话：{s.shop_phone}")
    w.paragraph(f"日期：{s.issued_text}")

    last = w.row - 1
    sheet.print_area = f"A1:{LAST_COLUMN}{last}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = sheet.ORIENTATION_PORTRAIT
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as it needs (one, unless the item list is very long)
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.55, bottom=0.5, header=0.3, footer=0.3)
    sheet.sheet_view.showGridLines = False


def sheet_name(index: int, s: GoodsValueStatement, used: set[str]) -> str:
    """A unique sheet name (≤ 31 characters, none of []:*?/\\): 1-<order no>."""
    base = _SHEET_NAME_BAD.sub("_", f"{index}-{s.order_no or s.tracking_no or '货值说明'}")[:31]
    name, n = base, 2
    while name in used:
        suffix = f"~{n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_statements_xlsx(statements: Sequence[GoodsValueStatement], path: Path | str) -> int:
    """One workbook, one sheet per statement; returns the number of sheets.

    Saved to a temporary file beside the target and moved into place.
    """
    if not statements:
        raise UserError("没有要保存的货值说明")
    target = Path(path)
    workbook = Workbook()
    for style in _named_styles():
        workbook.add_named_style(style)
    default = workbook.active
    used: set[str] = set()
    for index, statement in enumerate(statements, start=1):
        sheet = workbook.create_sheet(sheet_name(index, statement, used))
        write_statement_sheet(sheet, statement)
    if default is not None:
        workbook.remove(default)
    try:
        save_whole(workbook, target)
    except OSError as exc:
        raise UserError(f"无法保存 {target}：{system_error_text(exc)}{open_elsewhere_hint(exc)}") from None
    return len(statements)
