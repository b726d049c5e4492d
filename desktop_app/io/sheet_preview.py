"""The first rows of a sheet as text, for the column mapping dialog (`preview_sheet`): which row is the
header, which columns there are, and what the values under the header suggest about the file (one row
per order or item rows, a Pinduoduo export or another). Read on the dialog's worker thread."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_profiles import case_profiles
from desktop_app.io.column_suggestions import known_headers
from desktop_app.io.import_profiles import Layout, normalize_header
from desktop_app.io.spreadsheet_readers import Spreadsheet, open_spreadsheet

PREVIEW_ROWS = 20
# The importer looks for the header within the first rows (sheet_header.HEADER_SEARCH_ROWS): a header
# chosen further down could never be found again.
HEADER_ROWS_SEARCHED = 10
MAX_CELL_TEXT = 200


@dataclass(frozen=True, slots=True)
class SheetColumn:
    """One column under the chosen header row."""

    index: int  # position in the row's cells
    letter: str  # as Excel shows it (A, B, ... AA)
    header: str  # the header cell's text, "" when the cell is blank


@dataclass(frozen=True, slots=True)
class SheetPreview:
    """The first rows of one sheet as text, and what the dialog proposes for it."""

    path: Path
    sheet_names: tuple[str, ...]
    sheet: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (spreadsheet row number, cell texts)
    headers: tuple[tuple[str, ...], ...]  # each row's cells as header text (for matching by name)
    first_column: int  # 0-based sheet column of the first cell
    header_row: int | None  # the guessed header's row number
    width: int

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(number for number, _ in self.rows)

    def columns(self, header_row: int) -> tuple[SheetColumn, ...]:
        """The columns as seen from a header row (every column, also those with a blank header)."""
        cells = next((h for (number, _), h in zip(self.rows, self.headers, strict=True) if number == header_row), ())
        return tuple(SheetColumn(i, column_letter(self.first_column + i), cells[i] if i < len(cells) else "")
                     for i in range(self.width))

    def values_below(self, header_row: int, column: int) -> list[str]:
        return [cells[column] for number, cells in self.rows if number > header_row and column < len(cells)]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell as the spreadsheet program shows it, roughly: 12.0 → 12, a date without 00:00:00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d") if value.time() == time() else value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ").strip()
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT] + "…"


def _header_text(value: object) -> str:
    # The same text `sheet_header.header_index` normalises: what a profile's alias must spell.
    return "" if value is None else str(value).strip().lstrip("\ufeff")


def _is_label(text: str) -> bool:
    """Header-like text: not empty and not a number or a date."""
    if not text:
        return False
    stripped = text.replace(",", "").replace("-", "").replace(":", "").replace(".", "").replace(" ", "")
    return not stripped.isdigit()


def guess_header_row(rows: Sequence[tuple[int, Sequence[str]]],
                     known: set[str] | None = None) -> int | None:
    """The first row (of the first HEADER_ROWS_SEARCHED) that looks like a header.

    Two known header names (any profile's alias) settle it; otherwise the first row with several
    text cells — at least half as many as the widest row — so a title line above is skipped.
    """
    searched = rows[:HEADER_ROWS_SEARCHED]
    if known:
        for number, cells in searched:
            if sum(1 for c in cells if normalize_header(c) in known) >= 2:
                return number
    widest = max((sum(1 for c in cells if c) for _, cells in searched), default=0)
    needed = max(2, (widest + 1) // 2)
    for number, cells in searched:
        if sum(1 for c in cells if _is_label(c)) >= needed:
            return number
    return None


def _read_rows(spreadsheet: Spreadsheet, sheet: str, limit: int) -> tuple[list[tuple[int, list[object]]], int]:
    table = spreadsheet.table(sheet)
    rows: list[tuple[int, list[object]]] = []
    iterator: Iterator[tuple[int, Sequence[object]]] = table.rows()
    try:
        for number, cells in iterator:
            rows.append((number, list(cells)))
            if len(rows) >= limit:
                break
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # a CSV reader holds its file open until closed
    return rows, table.first_column


def preview_sheet(path: Path | str, sheet: str | None = None, limit: int = PREVIEW_ROWS) -> SheetPreview:
    """Read the first rows of a sheet (the first one unless named) for the mapping dialog.

    Raises OrderFileRefused (a UserError) for a file that cannot be read as a spreadsheet.
    """
    path = Path(path)
    spreadsheet = open_spreadsheet(path)
    try:
        names = tuple(spreadsheet.sheet_names())
        chosen = sheet if sheet is not None else _first_filled_sheet(spreadsheet, names)
        if chosen not in names:
            raise UserError(f"文件“{path.name}”里没有名为“{chosen}”的工作表")
        raw, first_column = _read_rows(spreadsheet, chosen, limit)
    finally:
        spreadsheet.close()
    # Trailing blank cells are noise; the width is that of the widest row with content.
    width = max((_filled_width(cells) for _, cells in raw), default=0)
    rows = tuple((number, tuple(cell_text(c) for c in cells[:width])) for number, cells in raw)
    headers = tuple(tuple(_header_text(c) for c in cells[:width]) for _, cells in raw)
    header_row = guess_header_row([(n, h) for (n, _), h in zip(rows, headers, strict=True)], known_headers())
    return SheetPreview(path, names, chosen, rows, headers, first_column, header_row, width)


def _filled_width(cells: Sequence[object]) -> int:
    for position in range(len(cells) - 1, -1, -1):
        if cell_text(cells[position]):
            return position + 1
    return 0


def _first_filled_sheet(spreadsheet: Spreadsheet, names: Sequence[str]) -> str:
    """The first sheet with anything in it (workbooks often start with an empty or a notes sheet)."""
    for name in names:
        rows, _ = _read_rows(spreadsheet, name, HEADER_ROWS_SEARCHED)
        if any(_filled_width(cells) >= 2 for _, cells in rows):
            return name
    return names[0]


def guess_layout(preview: SheetPreview, header_row: int, order_no_column: int | None) -> Layout:
    """Item rows when an order number repeats under the header, else one row per order."""
    if order_no_column is None:
        return Layout.ORDER_ROWS
    values = [v for v in preview.values_below(header_row, order_no_column) if v]
    return Layout.ITEM_ROWS if len(set(values)) < len(values) else Layout.ORDER_ROWS


def guess_platform(preview: SheetPreview, header_row: int, order_no_column: int | None) -> Platform:
    """The one platform whose order numbers look like every number of the column (each platform's
    `order_no_shape`, resources/aftersales: 拼多多 261101-103283030276851, 京东 9–14 digits); numbers that
    several platforms write alike (淘宝/天猫 and 抖店: 19 digits) do not tell."""
    if order_no_column is None:
        return Platform.OTHER
    values = [v for v in preview.values_below(header_row, order_no_column) if v]
    fitting = {profile.platform for profile in case_profiles() if profile.order_no_shape is not None
               and values and all(profile.order_no_shape.match(v) for v in values)}
    return fitting.pop() if len(fitting) == 1 else Platform.OTHER
