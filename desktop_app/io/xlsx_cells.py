"""Cells for the workbooks we write: text that Excel can never run as a formula, a styled header.

openpyxl writes a string starting with "=" as a formula; we force the text type. Excel may still
evaluate text starting with = + - @ (or their full-width forms, which an input method can turn into
the ASCII ones) when the user edits the cell, so such cells also get the quotePrefix style: the
value stays exactly as it was, shown without a visible apostrophe, and is text for good.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.core.clock import as_china
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.io.workbook_files import save_whole

FORMULA_TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r", "\n")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="305496", end_color="305496")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_BORDER = Border(bottom=Side(style="thin", color="1F3864"))
MONEY_FORMAT = "#,##0.00"


def could_be_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell | str:
    """A text cell that stays text; plain strings need no cell object (cheaper in write-only mode)."""
    if not could_be_formula(text):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def optional_text_cell(sheet: WriteOnlyWorksheet, value: str | None) -> WriteOnlyCell | str | None:
    """`text_cell`, or an empty cell for no text."""
    return text_cell(sheet, value) if value else None


def time_cell(sheet: WriteOnlyWorksheet, value: datetime | None, number_format: str) -> WriteOnlyCell | None:
    """A time as the China wall-clock time the shop works in (Excel has no time zones)."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=as_china(value).replace(tzinfo=None))
    cell.number_format = number_format
    return cell


def money_cell(sheet: WriteOnlyWorksheet, fen: int | None) -> WriteOnlyCell | None:
    """Yuan as an exact number Excel can add up (never a float from fen / 100)."""
    if fen is None:
        return None
    cell = WriteOnlyCell(sheet, value=Decimal(fen) / 100)
    cell.number_format = MONEY_FORMAT
    return cell


def header_cells(sheet: WriteOnlyWorksheet, titles: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.data_type = "s"
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cell.border = HEADER_BORDER
        cells.append(cell)
    return cells


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def set_widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """Column widths must be set before the first row in write-only mode."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[column_letter(index)].width = width


def write_list_sheet(path: Path | str, title: str, columns: Sequence[str], widths: Sequence[float], freeze: str,
                     rows: Callable[[WriteOnlyWorksheet], Iterable[list[Any]]]) -> int:
    """A one-sheet list workbook (the order, case and reship exports): header, frozen panes, the rows
    `rows(sheet)` yields, a filter over them; written next to `path` and renamed, so a crash never leaves
    half a workbook under the user's name. Returns how many rows were written."""
    target = Path(path)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    set_widths(sheet, widths)
    sheet.freeze_panes = freeze
    sheet.append(header_cells(sheet, list(columns)))
    count = 0
    try:
        for row in rows(sheet):
            sheet.append(row)
            count += 1
    except BaseException:
        # Finish the half-written sheet stream so it is not left to the garbage collector.
        with contextlib.suppress(Exception):
            sheet.close()
        raise
    sheet.auto_filter.ref = f"A1:{column_letter(len(columns) - 1)}{count + 1}"
    try:
        save_whole(workbook, target)
    except OSError as exc:
        # A folder the user may not write to, a full disk, the file open in Excel (Windows): the user's to fix.
        raise UserError(f"无法写入 {target}：{system_error_text(exc)}{open_elsewhere_hint(exc)}") from None
    return count


def open_elsewhere_hint(error: OSError) -> str:
    """The hint about Excel, where it can be the cause (not on a full or read-only disk)."""
    full_or_broken = (errno.ENOSPC, errno.EROFS, errno.EFBIG, errno.EIO)
    return "" if error.errno in full_or_broken else "（文件是否正在 Excel 中打开？）"
