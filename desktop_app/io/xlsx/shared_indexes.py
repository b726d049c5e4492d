"""Shared-string cells whose index is no number (`<c r="H5" t="s"><v>x</v></c>`, also `-1`, `1.0`, empty):
python-calamine reads them silently as the file's first string (a 收货人 became the header text 商品).
Found by a regex whose literal start keeps it to 0.5–0.8 s per 100,000 rows of 40 columns (numpy over the bytes,
as io/xlsx/extent does, took 0.9–1.6 s: bench/README, session 27)."""

from __future__ import annotations

import re
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx.zip_parts import Part

# A shared-string cell's value that is not 1-10 digits, as Excel, WPS, openpyxl and xlsxwriter all write
# the cell (its type the last attribute); the literal start keeps the search fast.
_ODD_INDEX = re.compile(rb't="s"><v>(?![0-9]{1,10}</)([^<]{0,40})')
_POSITION = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")
_POSITION_BEFORE = 64  # bytes before a value that hold its cell's r="…"


def column_number(letters: bytes) -> int:
    return sum((letter - 64) * 26 ** power for power, letter in enumerate(reversed(letters.upper())))


def _position(data: Part, start: int) -> tuple[int, bytes] | None:
    """(row, column letters) of the shared-string cell whose `t="s"` starts at `start`."""
    head = bytes(data[max(0, start - _POSITION_BEFORE):start])
    found = list(_POSITION.finditer(head, max(head.rfind(b"<"), 0)))
    if not found:
        return None
    letters, row = found[-1].group(1, 2)
    return int(row), letters.upper()


# (row, column) 1-based → (column letters, what the cell holds)
OddCells = dict[tuple[int, int], tuple[str, str]]


def odd_shared_indexes(data: Part) -> OddCells:
    """The shared-string cells in this sheet XML whose index is no plain number (calamine reads them as
    the first string)."""
    found: OddCells = {}
    for match in _ODD_INDEX.finditer(data):
        where = _position(data, match.start())
        if where is not None and len(found) < 20:
            row, letters = where
            found[(row, column_number(letters))] = (letters.decode("ascii"),
                                                    match.group(1).decode("utf-8", "replace"))
    return found


def refuse_odd_index(path: Path, sheet: str, odd: OddCells) -> OrderFileRefused:
    """The refusal naming the first of these cells."""
    (row, _), (letters, written) = min(odd.items())
    return OrderFileRefused(path, msg.say(msg.SHARED_INDEX_ODD, sheet, row, letters, written))
