"""The cell python-calamine stumbled on when it refuses a sheet, named by sheet, row and column.

A shared-string index past the file's strings, and a cell typed as a number (`t="n"`) holding no number
(`<v>79,00</v>`, an ERP writing the amount as it shows it): calamine refuses the whole sheet in English
("Cell string index not found in shared strings table", "Parse float error"; likewise a true/false or error
cell holding neither, a type no spreadsheet writes) without the cell. Looked for only then: the sheet's XML is
read once more. (An index that is no number at all calamine reads silently
as the first string: io/xlsx/shared_indexes finds those before.)

A cell without a type holding text (`<c r="D5"><v>79,00</v></c>`) is read as that text by calamine and
refused by the column's own check, naming row and column: nothing to do here.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.event_notes import NoteTemplate
from desktop_app.io.excel_cells import EXCEL_ERROR_VALUES
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx.formulas import scan_sheet
from desktop_app.io.xlsx.members import SHARED_STRINGS, SharedStrings, damaged
from desktop_app.io.xlsx.shared_indexes import column_number
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP

_CELL = re.compile(rb"""<((?:\w+:)?c)(\s[^>]*?)?(?<!/)>(.*?)</\1>""", re.DOTALL)
_TYPE = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_POSITION = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")
_VALUE = re.compile(rb"""<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>""")
# What Rust's f64 parser (calamine's) accepts.
_FLOAT = re.compile(rb"[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)", re.IGNORECASE)


_PACKAGE_ERRORS: tuple[type[Exception], ...] = (*DAMAGED_ZIP, KeyError, ValueError)
_KNOWN_TYPES = (b"n", b"s", b"str", b"inlineStr", b"b", b"e", b"d")
_BOOLEANS = (b"0", b"1", b"true", b"false")
_ERRORS = tuple(value.encode() for value in EXCEL_ERROR_VALUES)


def _why(kind: bytes, written: bytes | None, count: int) -> tuple[NoteTemplate, *tuple[str, ...]] | None:
    """What is wrong with a cell of type `kind` holding `written` (None: no <v>) for calamine, as a message
    template and its values after the sheet, row and column; None when nothing is."""
    text = (written or b"").decode("utf-8", "replace")[:40]
    if kind not in _KNOWN_TYPES:
        return msg.CELL_TYPE_UNKNOWN, kind.decode("utf-8", "replace")[:20], text
    if written is None:
        return None
    if kind == b"n" and _FLOAT.fullmatch(written.strip() or b"x") is None:
        return msg.NUMBER_CELL_UNREADABLE, text
    if kind == b"s" and not written.isdigit():
        return msg.SHARED_INDEX_ODD, text
    if kind == b"s" and int(written) >= count:
        return msg.SHARED_TEXT_MISSING, text, str(count)
    if (kind == b"b" and written.strip().lower() not in _BOOLEANS) or (kind == b"e" and written.strip() not in _ERRORS):
        return msg.CELL_TYPE_UNKNOWN, kind.decode(), text
    return None


def unreadable_cell(path: Path, sheet: str) -> str | None:
    """Why calamine could not read the sheet `sheet`, naming the first cell it stumbled on: a number cell
    holding no number, a shared-string index the file has no string for, a true/false or error cell holding
    neither, a type no spreadsheet writes; None if there is none."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(SHARED_STRINGS) if SHARED_STRINGS in archive.namelist() else b""
        count = SharedStrings(data, 0).count if data else 0
    except _PACKAGE_ERRORS:  # calamine's own words then
        return None

    def bad_cells(piece: bytes) -> dict[tuple[int, int], object]:
        found: dict[tuple[int, int], object] = {}
        for match in _CELL.finditer(piece):
            attributes = match.group(2) or b""
            position = _POSITION.search(attributes)
            if position is None:
                continue
            kind = _TYPE.search(attributes)
            value = _VALUE.search(match.group(3))
            if kind is None:
                continue  # calamine reads a value without a type as a number or, failing that, as text
            why = _why(kind.group(1), value.group(1) if value else None, count)
            if why is not None:
                letters, row = position.group(1, 2)
                found[(int(row), column_number(letters))] = msg.say(why[0], sheet, row.decode(),
                                                                    letters.decode().upper(), *why[1:])
        return found

    [cells] = scan_sheet(path, sheet, [bad_cells])
    return cells[min(cells)] if cells else None  # type: ignore[return-value]


def sheet_refused(path: Path, sheet: str, exc: BaseException) -> OrderFileRefused:
    """The refusal of a sheet calamine could not read: the cell it stumbled on when one is found."""
    found = unreadable_cell(path, sheet)
    return OrderFileRefused(path, found) if found else damaged(path, sheet, exc)
