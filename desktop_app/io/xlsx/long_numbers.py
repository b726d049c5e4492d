"""Long integers a program wrote exactly into number cells: `<c r="B2"><v>6999026815672311793</v></c>`.

A number cell is a double: 15 significant digits survive Excel, 17 Python's float, and a 19-digit order
number read as one comes out rounded (6.999026815672312e+18), so the readers refuse every number cell
past 15 digits as an id Excel rounded (io/cell_values.py). Excel writes what it rounded with zeros from
the 16th digit on (6999026815672310000) or in E notation; a program (an ERP, a script) that writes the
integer itself writes every digit, and those digits are the id. Such cells are read as text here —
before the float ever exists — so the id comes through whole; a number whose digits past the 15th are
all zeros stays a number and is refused as before (it may be Excel's rounding: never accepted).

Cheap when there is none (the common case): one search for "v>" and 16 digits.
"""

from __future__ import annotations

import re

from desktop_app.io.rounded_ids import EXCEL_DIGITS, lost_digits
from desktop_app.io.xlsx.zip_parts import Part

_HINT = re.compile(rb"v>\s*\d{16}")
_LONG_CELL = re.compile(rb"""<((?:\w+:)?c)(\s[^>]*?)?>(\s*<(?:\w+:)?v>\s*(\d{16,64})\s*</(?:\w+:)?v>)""")
_TYPE = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_POSITION = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")


def _exact(digits: bytes) -> bool:
    """More digits than a double keeps, and not ending as Excel leaves what it rounded."""
    text = digits.decode("ascii")
    return len(text) > EXCEL_DIGITS and text[0] != "0" and not lost_digits(text)


def _number_cell(attributes: bytes) -> bool:
    found = _TYPE.search(attributes)
    return found is None or found.group(1) == b"n"


def long_numbers_as_text(piece: Part) -> Part:
    """The sheet XML with every exact long integer cell typed as text (`t="str"`, which calamine reads
    as the digits written); the piece itself when it has none."""
    if _HINT.search(piece) is None:
        return piece

    def typed(match: re.Match[bytes]) -> bytes:
        tag, attributes, value, digits = match.group(1, 2, 3, 4)
        attributes = attributes or b""
        if not _number_cell(attributes) or not _exact(digits):
            return match.group(0)
        found = _TYPE.search(attributes)
        if found is None:
            attributes += b' t="str"'
        else:
            attributes = attributes[:found.start()] + b' t="str"' + attributes[found.end():]
        return b"<" + tag + attributes + b">" + value

    return _LONG_CELL.sub(typed, bytes(piece))


def exact_long_numbers(data: Part) -> dict[tuple[int, int], str]:
    """(row, column) → the digits, 1-based, of the exact long integer cells in this sheet XML (the
    whole-sheet reader puts them in place of the floats calamine made of them)."""
    if _HINT.search(data) is None:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _LONG_CELL.finditer(bytes(data)):
        attributes, digits = match.group(2) or b"", match.group(4)
        position = _POSITION.search(attributes)
        if position is None or not _number_cell(attributes) or not _exact(digits):
            continue
        letters, row = position.group(1, 2)
        column = 0
        for letter in letters.upper():
            column = column * 26 + letter - 64
        found[(int(row), column)] = digits.decode("ascii")
    return found
