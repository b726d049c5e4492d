"""The 统计 figures as an xlsx: one sheet per table, numbers as numbers (money and rates with two places,
shares as percentages: a rate written as text sorted 100.00 before 33.33 in Excel), and nothing a product
title or shop name holds can become a formula (see `xlsx_cells`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.io.workbook_files import save_whole
from desktop_app.io.xlsx_cells import header_cells, set_widths, text_cell

_MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True, slots=True)
class Share:
    """A share of 1 (0.90), shown as a percentage (90%)."""

    value: Decimal


Cell = str | int | Decimal | Share | None


@dataclass(frozen=True, slots=True)
class FigureSheet:
    """A sheet: its title (31 characters at most), column headers and rows. Decimal cells are money, or a
    rate per 100 (two places either way); Share cells percentages."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _cell(sheet: WriteOnlyWorksheet, value: Cell) -> WriteOnlyCell | str | int | None:
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = _MONEY_FORMAT
        return cell
    if isinstance(value, Share):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = "0%"
        return cell
    if isinstance(value, str):
        return text_cell(sheet, value) if value else None
    return value


def write_figures_xlsx(sheets: Sequence[FigureSheet], path: Path | str) -> None:
    target = Path(path)
    workbook = Workbook(write_only=True)
    for figure in sheets:
        sheet = workbook.create_sheet(figure.title[:31])
        set_widths(sheet, [max(12.0, min(40.0, 2.2 * len(h) + 4)) for h in figure.headers])
        sheet.append(header_cells(sheet, list(figure.headers)))
        for row in figure.rows:
            sheet.append([_cell(sheet, value) for value in row])
    save_whole(workbook, target)  # never half a workbook under the user's name
