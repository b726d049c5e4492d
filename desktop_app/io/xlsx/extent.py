"""How far a worksheet's cells really reach, checked before python-calamine allocates for them.

Calamine holds a sheet (or a piece of one) as one rectangle from its first to its last cell, about
32 bytes a cell, whatever lies between: a 3 KB file with one cell at XFD1048576 asks for 512 GiB and
the process aborts; one cell in row 1,048,576 under a 40-column header takes 1.4 GB. So the cell
positions a sheet's XML gives (`r="XFD1048576"` on cells, `r="1048576"` on rows) are scanned first,
and a rectangle over `MAX_SHEET_CELLS` is refused with the cell that makes it so.

The `<dimension ref=…>` a sheet declares is not trusted (it may lie or be missing): calamine 0.9 sizes
the rectangle from the cells alone (tests/unit/test_xlsx_extent.py checks that a lying dimension
stays harmless).

Scanning every position of a 100,000-row 抖店 sheet (112 MB of XML) with `re` costs 4.6 s of CPU,
about the import itself, so positions are found and decoded with numpy over the raw bytes: 0.9 s of
CPU measured on the shared 2-core machine, mostly in numpy calls that let the GIL go, so on the
piecewise reader's helper threads it overlaps the rows being checked. A sheet that spells an
attribute with spaces around `=` is scanned with `re` instead.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from defusedxml import ElementTree

from desktop_app.core import messages as msg
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx.members import sheet_member
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP, Inflater

# 10 million cells: ~320 MB in calamine, so an import stays under 500 MB. A 100,000-row export of
# 40 columns is 4 million (and is read in pieces of ~2,000 rows anyway).
MAX_SHEET_CELLS = 10_000_000
MAX_ROWS = 1_048_576  # Excel's own limits; a position beyond them is no real cell
MAX_COLUMNS = 16_384

_POSITION = re.compile(rb"""(?<=[\s])r\s*=\s*["']([^"']{0,16})["']""")
_WELL_FORMED = re.compile(rb"([A-Za-z]{0,3})([0-9]{1,7})")
# A whole sheet is scanned in steps of this much XML, each step carrying the last bytes of the one before.
_STEP_BYTES = 8 * 1024 * 1024
_CARRIED_BYTES = 32
_WINDOW = 12  # bytes looked at after r=": up to 3 letters, 7 digits, the closing quote and one more


@dataclass(frozen=True)
class Extent:
    """The rectangle a sheet's (or a piece's) cell positions span, 1-based, and its farthest position."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int
    farthest: str  # the position (as written) with the largest row or column, for the message

    @property
    def cells(self) -> int:
        return (self.last_row - self.first_row + 1) * (self.last_column - self.first_column + 1)

    def join(self, other: Extent | None) -> Extent:
        if other is None:
            return self
        mine = _reach(self.last_row, self.last_column)
        farthest = self.farthest if mine >= _reach(other.last_row, other.last_column) else other.farthest
        return Extent(min(self.first_row, other.first_row), max(self.last_row, other.last_row),
                      min(self.first_column, other.first_column), max(self.last_column, other.last_column), farthest)


class BadPosition(ValueError):
    """A cell position that is no cell of a worksheet (`r="ABCD1"`, `r="A0"`, `r="&#88;1"` ...)."""

    def __init__(self, written: str) -> None:
        super().__init__(written)
        self.written = written


def _reach(row: int, column: int) -> float:
    """How far a position lies towards Excel's last row and column (the farthest is named)."""
    return row / MAX_ROWS + column / MAX_COLUMNS


def column_letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def scan_positions(data: bytes | memoryview, limit: int | None = None, used_only: bool = False) -> Extent | None:
    """The extent of the cell and row positions in a stretch of worksheet XML (None: it has none);
    `limit`: only positions whose attribute starts before it (the rest is the next stretch's);
    `used_only`: only the positions that place something (`_used`: twice the time, so looked at only
    when the quick extent is too large).

    Row positions count as rows of column A's width: a row element places the cells without a position
    of their own. Raises BadPosition for a position that is not one.
    """
    limit = len(data) if limit is None else limit
    array = np.frombuffer(data, dtype=np.uint8)
    if len(array) < 4:
        return None
    equals = np.flatnonzero(array[2:-1] == 0x3D) + 2  # every '=' with two bytes before it and one after
    if _odd_spelling(array, equals):
        return _scan_with_re(data, limit)
    return _scan_with_numpy(array, equals, limit, used_only)


def _odd_spelling(a: np.ndarray, equals: np.ndarray) -> bool:
    """Whitespace beside an '=' (`r = "A1"`, valid XML this scan does not follow): `re` reads it instead."""
    around = np.concatenate((a[equals - 1], a[equals + 1]))
    return bool(((around == 0x20) | (around == 0x09) | (around == 0x0A) | (around == 0x0D)).any())


def _scan_with_re(data: bytes | memoryview, limit: int) -> Extent | None:
    found: Extent | None = None
    for match in _POSITION.finditer(bytes(data)):
        if match.start() - 1 < limit:
            found = _extent_of(match.group(1)).join(found)
    return found


def _extent_of(written: bytes) -> Extent:
    text = written.decode("ascii", "replace")
    parts = _WELL_FORMED.fullmatch(written)
    if parts is None:
        raise BadPosition(text)
    letters, digits = parts.group(1).upper(), int(parts.group(2))
    column = 0
    for letter in letters:
        column = column * 26 + letter - 64
    column = max(column, 1)
    if not 1 <= digits <= MAX_ROWS or column > MAX_COLUMNS:
        raise BadPosition(text)
    return Extent(digits, digits, column, column, text)


def _scan_with_numpy(a: np.ndarray, equals: np.ndarray, limit: int, used_only: bool) -> Extent | None:
    # r=" or r=' after whitespace: found from the '=' signs, each test on what is left
    hits = equals - 2  # offsets of the whitespace before r=
    hits = hits[hits < limit]
    hits = hits[a[hits + 1] == 0x72]
    quote = a[hits + 3]
    hits = hits[(quote == 0x22) | (quote == 0x27)]
    space = a[hits]
    hits = hits[(space == 0x20) | (space == 0x09) | (space == 0x0A) | (space == 0x0D)]
    if not len(hits):
        return None
    starts = hits + 4  # the value's first byte
    if int(starts[-1]) + _WINDOW > len(a):  # a position near the end: read past it as blanks
        a = np.concatenate((a, np.zeros(_WINDOW, dtype=np.uint8)))
    count = len(hits)
    letters = np.zeros(count, dtype=np.int32)
    in_letters = np.ones(count, dtype=bool)
    in_digits = np.zeros(count, dtype=bool)
    closed = np.zeros(count, dtype=bool)
    digits = np.zeros(count, dtype=np.int32)
    row = np.zeros(count, dtype=np.int32)  # at most 7 digits are read into it: no overflow
    column = np.zeros(count, dtype=np.int32)
    for offset in range(_WINDOW):  # a small state machine per position: letters, digits, the quote
        reading = in_letters | in_digits
        if offset and not reading.any():
            break  # every value has ended (most after 6-8 bytes)
        byte = a[starts + offset].astype(np.int32)
        upper = byte & 0xDF
        is_letter = in_letters & (upper >= 0x41) & (upper <= 0x5A) & (letters < 4)
        column = np.where(is_letter, column * 26 + upper - 0x40, column)
        letters += is_letter
        is_digit = reading & ~is_letter & (byte >= 0x30) & (byte <= 0x39) & (digits < 8)
        row = np.where(is_digit, row * 10 + byte - 0x30, row)
        digits += is_digit
        closed |= reading & ~is_letter & ~is_digit & ((byte == 0x22) | (byte == 0x27))
        in_digits = is_digit
        in_letters = is_letter
    column = np.maximum(column, 1)
    bad = (~closed | (letters > 3) | (digits == 0) | (digits > 7) | (row < 1) | (row > MAX_ROWS)
           | (column > MAX_COLUMNS))
    if bad.any():
        start = int(starts[int(np.flatnonzero(bad)[0])])
        raw = bytes(a[start:start + _WINDOW])
        raise BadPosition(re.split(rb"[\"'<>\s]", raw, maxsplit=1)[0].decode("ascii", "replace"))
    if used_only:
        used = _used(a, starts, letters > 0, limit)
        if not used.any():
            return None
        starts, letters, digits, row, column = starts[used], letters[used], digits[used], row[used], column[used]
    # a cell's own position names it better than its row's (same reach)
    farthest = int(np.argmax(row / MAX_ROWS + column / MAX_COLUMNS + (letters > 0) * 1e-9))
    start = int(starts[farthest])
    written = bytes(a[start:start + int(letters[farthest] + digits[farthest])])
    return Extent(int(row.min()), int(row.max()), int(column.min()), int(column.max()), written.decode("ascii"))


def _used(a: np.ndarray, starts: np.ndarray, cells: np.ndarray, limit: int) -> np.ndarray:
    """Which positions place something calamine keeps. A cell element closed on itself
    (`<c r="K1048576" s="1"/>`: formatted, no value) holds nothing, and calamine leaves it out of the
    sheet's rectangle (a workbook formatted down to row 1,048,576 over 10 rows of data is 10 rows);
    so does a row closed on itself. A row's position places only the cells without one of their own:
    where every cell element of the stretch has its position (what every writer does), rows place
    nothing."""
    ends = np.flatnonzero(a == 0x3E)  # '>'
    after = np.searchsorted(ends, starts)
    closes = np.zeros(len(starts), dtype=bool)
    found = after < len(ends)
    closes[found] = a[ends[after[found]] - 1] == 0x2F  # '/>' ends the element
    if not (~cells).any():
        return ~closes
    # cell elements begin "<c" or "<x:c" followed by a blank, '>' or '/'; their count against the
    # cells' positions tells whether one has none (text like "备注:c 1" counts too: rows kept, the safe side)
    tags = np.flatnonzero(a[1:limit + 1] == 0x63) + 1  # each 'c' with a byte before it
    tags = tags[(a[tags - 1] == 0x3C) | (a[tags - 1] == 0x3A)]
    follow = a[np.minimum(tags + 1, len(a) - 1)]
    tags = tags[(follow == 0x20) | (follow == 0x3E) | (follow == 0x2F) | (follow == 0x09) | (follow == 0x0A)
                | (follow == 0x0D)]
    rows_place = len(tags) > int(cells.sum())
    return ~closes & (cells | rows_place)


def refuse_if_too_large(path: Path, sheet: str, extent: Extent | None) -> None:
    """OrderFileRefused when the rectangle is more than a reader may allocate for: the cell (or row) far out
    named, the rectangle it makes, and how to remove what lies past the data in Excel or WPS."""
    if extent is None or extent.cells <= MAX_SHEET_CELLS:
        return
    start = f"{column_letters(extent.first_column)}{extent.first_row}"
    end = f"{column_letters(extent.last_column)}{extent.last_row}"
    rows = extent.last_row - extent.first_row + 1
    columns = extent.last_column - extent.first_column + 1
    template = msg.SHEET_FAR_ROW if extent.farthest.isdigit() else msg.SHEET_FAR_CELL
    raise OrderFileRefused(path, msg.say(template, sheet, extent.farthest, start, end, f"{rows:,}", f"{columns:,}",
                                         f"{extent.cells:,}", f"{MAX_SHEET_CELLS:,}"))


def refuse_bad_position(path: Path, sheet: str, error: BadPosition) -> OrderFileRefused:
    written = error.written.strip()
    if not written or not written.isprintable():  # bytes of a damaged stream: nothing worth quoting ("")
        return OrderFileRefused(path, msg.say(msg.SHEET_POSITION_UNREADABLE, sheet))
    return OrderFileRefused(path, msg.say(msg.SHEET_BAD_POSITION, sheet, written))


def check_sheet(path: Path, sheet: str) -> None:
    """Refuse the sheet `sheet` of the .xlsx at `path` if its cells span more than a reader may allocate
    for; call it before python-calamine loads the sheet. The member is inflated a step at a time.

    Nothing to check (a binary .xlsb sheet, a package calamine will refuse itself): returns quietly.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_member(archive, sheet)
            if member is None or not member.endswith(".xml"):
                return
            info = archive.getinfo(member)
    except (*DAMAGED_ZIP, KeyError, ValueError, ElementTree.ParseError):
        return
    except Exception as exc:  # defusedxml refusing entities or a DTD: calamine decides
        if type(exc).__module__.startswith("defusedxml"):
            return
        raise
    try:
        try:
            _check_steps(path, sheet, info, used_only=False)
        except OrderFileRefused:
            # Formatted empty cells far down (a used range to row 1,048,576 over 10 rows of data): what
            # holds something may still fit.
            _check_steps(path, sheet, info, used_only=True)
    except BadPosition as exc:
        raise refuse_bad_position(path, sheet, exc) from None
    except DAMAGED_ZIP:
        return  # a damaged member: calamine reports it


def _check_steps(path: Path, sheet: str, info: zipfile.ZipInfo, used_only: bool) -> None:
    found: Extent | None = None
    with Inflater(path, info) as stream:
        carried = b""
        while True:
            step = stream.read(_STEP_BYTES)
            data = carried + step if carried else step
            if not step:
                last = scan_positions(data, used_only=used_only) if data else None
                found = last.join(found) if last is not None else found
                break
            limit = max(len(data) - _CARRIED_BYTES, 0)
            scanned = scan_positions(data, limit, used_only)
            found = scanned.join(found) if scanned is not None else found
            carried = data[limit:]
            refuse_if_too_large(path, sheet, found)
    refuse_if_too_large(path, sheet, found)
