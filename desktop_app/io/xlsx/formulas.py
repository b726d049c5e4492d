"""Formula cells saved without their result, and cells holding an Excel error value.

Excel stores a formula cell with its last computed value (`<c r="D2"><f>B2*C2</f><v>158</v></c>`); files
written by programs (and some exports) often store the formula alone. A reader then sees an empty
cell, and importing it would store a blank where the sheet shows an amount. Such cells are found in
the sheet XML here, so the reader can hand them out as `UncalculatedFormula` (a cell every converter
refuses, naming it) or refuse a sheet read in pieces. A cell whose formula came out as an error
(`<c r="F3" t="e"><f>VLOOKUP(…)</f><v>#N/A</v></c>`, or the error value pasted alone) reads as blank
too: an #N/A in 支付时间 stored an order without its payment time, and on a second import erased the one
it had. It is handed out the same way, with its error value.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from desktop_app.io.excel_cells import UncalculatedFormula
from desktop_app.io.xlsx.long_numbers import exact_long_numbers
from desktop_app.io.xlsx.members import sheet_member
from desktop_app.io.xlsx.shared_indexes import OddCells, odd_shared_indexes
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP, Inflater, Part

# A cell whose content is a formula and nothing else (no <v>, or an empty one).
_UNCALCULATED = re.compile(
    rb"""<(?:\w+:)?c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["'][^>]*>\s*"""
    rb"""<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>\s*|<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*)?"""
    rb"""</(?:\w+:)?c>""")
# A cell typed as an error (t="e"), its opening tag's attributes and what it holds.
# (Not one closed on itself, <c r="A1" t="e"/>: it holds nothing, and the pattern would run on into the next cell.)
_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c(\s[^>]*?\bt\s*=\s*["']e["'][^>/]*)>(.*?)</(?:\w+:)?c>""", re.DOTALL)
_POSITION = re.compile(rb"""\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")
_FORMULA = re.compile(rb"""<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>""")
_VALUE = re.compile(rb"""<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>""")
_STEP_BYTES = 8 * 1024 * 1024
_CARRIED_BYTES = 64 * 1024  # a cell cut by a step's end is read whole in the next one


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def uncalculated_cells(data: Part) -> dict[tuple[int, int], UncalculatedFormula]:
    """(row, column) → the formula, 1-based, of the cells in this sheet XML that hold a formula and no
    result. Cheap when there is no formula at all (the common case): one byte search."""
    raw = bytes(data)
    if b"<f" not in raw and b":f" not in raw:
        return {}
    found: dict[tuple[int, int], UncalculatedFormula] = {}
    for match in _UNCALCULATED.finditer(raw):
        letters, digits, formula = match.group(1, 2, 3)
        where = (letters + digits).decode("ascii")
        text = formula.decode("utf-8", "replace").strip() if formula else ""
        found[(int(digits), _column_number(letters))] = UncalculatedFormula(where, text)
    return found


def error_cells(data: Part) -> dict[tuple[int, int], UncalculatedFormula]:
    """(row, column) → the cell, 1-based, of the cells in this sheet XML holding an Excel error value (#N/A,
    #REF! …), with their formula if any. Cheap when there is none: one byte search."""
    raw = bytes(data)
    if b'"e"' not in raw and b"'e'" not in raw:
        return {}
    found: dict[tuple[int, int], UncalculatedFormula] = {}
    for match in _ERROR_CELL.finditer(raw):
        attributes, content = match.group(1, 2)
        position = _POSITION.search(attributes)
        if position is None:
            continue
        letters, digits = position.group(1, 2)
        formula = _FORMULA.search(content)
        value = _VALUE.search(content)
        error = value.group(1).decode("utf-8", "replace").strip() if value else ""
        found[(int(digits), _column_number(letters))] = UncalculatedFormula(
            (letters + digits).decode("ascii").upper(),
            formula.group(1).decode("utf-8", "replace").strip() if formula else "", error or "#VALUE!")
    return found


def unusable_cells(data: Part) -> dict[tuple[int, int], UncalculatedFormula]:
    """`uncalculated_cells` and `error_cells` of this sheet XML together."""
    raw = bytes(data)  # a piece is a memoryview: copied once for both
    found = uncalculated_cells(raw)
    found.update(error_cells(raw))
    return found


Cells = dict[tuple[int, int], object]


def cells_to_mend(path: Path, sheet: str) -> tuple[dict[tuple[int, int], UncalculatedFormula],
                                                   dict[tuple[int, int], str], OddCells]:
    """The cells of the sheet `sheet` of the .xlsx at `path` a whole-sheet read hands out otherwise than
    calamine does, by (row, column), 1-based: the formulas saved without their result and the error values
    (`unusable_cells`), the exact long integers (io/xlsx/long_numbers.py), and the shared-string cells
    calamine reads as another text (io/xlsx/shared_indexes.py), in one read of its XML."""
    formulas, numbers, odd = scan_sheet(path, sheet, [unusable_cells, exact_long_numbers, odd_shared_indexes])
    return formulas, numbers, odd  # type: ignore[return-value]


def scan_sheet(path: Path, sheet: str,
               finders: Sequence[Callable[[bytes], Mapping[tuple[int, int], object]]]) -> list[Cells]:
    """What each finder finds in the sheet `sheet` of the .xlsx at `path`, its XML read once in steps
    that end at a cell's end (nothing for a package this cannot read: calamine reports those)."""
    found: list[Cells] = [{} for _ in finders]
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_member(archive, sheet)
            if member is None or not member.endswith(".xml"):
                return found
            info = archive.getinfo(member)
    except Exception:
        return found

    def scan(data: bytes) -> None:
        for finder, cells in zip(finders, found, strict=True):
            cells.update(finder(data))

    try:
        with Inflater(path, info) as stream:
            carried = b""
            while True:
                step = stream.read(_STEP_BYTES)
                data = carried + step
                if not step:
                    scan(data)
                    return found
                limit = max(len(data) - _CARRIED_BYTES, 0)
                ends = max(data.rfind(b"</c>", 0, limit), data.rfind(b":c>", 0, limit))  # a cell's end
                cut = data.find(b">", ends) + 1 if ends > 0 else 0
                scan(data[:cut])
                carried = data[cut:]
    except DAMAGED_ZIP:
        return found
