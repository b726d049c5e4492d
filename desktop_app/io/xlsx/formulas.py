"""Formula cells saved without their result.

Excel stores a formula cell with its last computed value (`<c r="D2"><f>B2*C2</f><v>158</v></c>`); files
written by programs (and some exports) often store the formula alone. A reader then sees an empty
cell, and importing it would store a blank where the sheet shows an amount. Such cells are found in
the sheet XML here, so the reader can hand them out as `UncalculatedFormula` (a cell every converter
refuses, naming it) or refuse a sheet read in pieces.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from desktop_app.io.cell_values import UncalculatedFormula
from desktop_app.io.xlsx.members import sheet_member
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP, Inflater, Part

# A cell whose content is a formula and nothing else (no <v>, or an empty one).
_UNCALCULATED = re.compile(
    rb"""<(?:\w+:)?c\s[^>]*?\br\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["'][^>]*>\s*"""
    rb"""<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>\s*|<(?:\w+:)?v>\s*</(?:\w+:)?v>\s*)?"""
    rb"""</(?:\w+:)?c>""")
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


def uncalculated_in_sheet(path: Path, sheet: str) -> dict[tuple[int, int], UncalculatedFormula]:
    """`uncalculated_cells` of the sheet `sheet` of the .xlsx at `path` (nothing for a package this
    cannot read: calamine reports those)."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_member(archive, sheet)
            if member is None or not member.endswith(".xml"):
                return {}
            info = archive.getinfo(member)
    except Exception:
        return {}
    found: dict[tuple[int, int], UncalculatedFormula] = {}
    try:
        with Inflater(path, info) as stream:
            carried = b""
            while True:
                step = stream.read(_STEP_BYTES)
                data = carried + step
                if not step:
                    found.update(uncalculated_cells(data))
                    return found
                limit = max(len(data) - _CARRIED_BYTES, 0)
                ends = max(data.rfind(b"</c>", 0, limit), data.rfind(b":c>", 0, limit))  # a cell's end
                cut = data.find(b">", ends) + 1 if ends > 0 else 0
                found.update(uncalculated_cells(data[:cut]))
                carried = data[cut:]
    except DAMAGED_ZIP:
        return found
