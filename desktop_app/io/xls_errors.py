"""The Excel error values (#N/A, #REF!, #DIV/0! …) in a sheet of an old .xls workbook (BIFF8, Excel 97-2003).

python-calamine reads an error cell of an .xls as an empty one: a VLOOKUP that failed in 支付时间 or 实付金额 was
stored as a blank, where the .xlsx and .csv imports report the row (io/xlsx/formulas.py, cell_values). This finds
them in the file itself: the compound file's Workbook stream, its sheet by name (BOUNDSHEET), and in that sheet
the BOOLERR cells holding an error and the FORMULA cells whose saved result is one.

Anything this cannot read (a damaged container, an Excel 95 workbook) gives no cells: calamine reports a broken
file, and a file it reads keeps the values it gave before.

The same walk reads the workbook's date system (its DATEMODE record): calamine counts a date cell from 1904 by
it, but a plain number in a date column is the cleaner's to convert (io/cell_values), as for an .xlsx.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

from desktop_app.io.excel_cells import UncalculatedFormula

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
# Reading the whole file is the simple way through its sectors; an .xls holds at most 65,536 rows (a real one of
# that size is ≈ 30 MB), so a larger file is no order list worth checking cell by cell.
MAX_XLS_BYTES = 256 * 1024 * 1024
_BOF, _EOF, _BOUNDSHEET, _BOOLERR, _FORMULA, _DATEMODE = 0x0809, 0x000A, 0x0085, 0x0205, 0x0006, 0x0022
_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
           0x2A: "#N/A", 0x2B: "#GETTING_DATA"}

Cells = dict[tuple[int, int], UncalculatedFormula]
# Bytes that may be an error cell: a BOOLERR record (length 8) with fError set, or a FORMULA record whose saved
# result is an error (type 2 and 0xFFFF in its value). Not finding any anywhere after the sheet's start means none.
_CANDIDATE = re.compile(rb"\x05\x02\x08\x00.{7}\x01|\x06\x00.{8}\x02.{5}\xff\xff", re.DOTALL)


class _Unreadable(Exception):
    """The container or stream is not as BIFF8 writes it."""


def xls_error_cells(path: Path, sheet: str) -> Cells:
    """The error cells of the sheet `sheet`, by (row, column) 1-based, as UncalculatedFormula with their error."""
    try:
        if path.stat().st_size > MAX_XLS_BYTES:
            return {}
        stream = _workbook_stream(path.read_bytes())
        offset = _sheet_offsets(stream).get(sheet)
        return {} if offset is None else _errors_in_sheet(stream, offset)
    except (_Unreadable, OSError, struct.error, IndexError, UnicodeDecodeError):
        return {}


def xls_uses_1904_dates(path: Path) -> bool:
    """Whether the .xls counts its dates from 1904-01-01 (Excel for Mac's 1904 date system): DATEMODE 1 among the
    workbook globals' records."""
    try:
        if path.stat().st_size > MAX_XLS_BYTES:
            return False
        stream = _workbook_stream(path.read_bytes())
        if struct.unpack_from("<H", stream, 0)[0] != _BOF:
            return False
        return any(kind == _DATEMODE and length >= 2 and struct.unpack_from("<H", stream, at)[0] == 1
                   for kind, at, length in _records(stream, 0))
    except (_Unreadable, OSError, struct.error, IndexError):
        return False


def _workbook_stream(data: bytes) -> bytes:
    if not data.startswith(_OLE_MAGIC) or len(data) < 512:
        raise _Unreadable
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_sector = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if sector not in (512, 4096) or mini_sector != 64:
        raise _Unreadable
    sectors = (len(data) - sector) // sector

    def read_sector(number: int) -> bytes:
        if not 0 <= number < sectors:
            raise _Unreadable
        start = (number + 1) * sector
        return data[start:start + sector]

    # The FAT's own sectors: 109 listed in the header, the rest in the DIFAT chain.
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, difat_count = struct.unpack_from("<II", data, 0x44)
    for _ in range(min(difat_count, sectors)):
        if difat in (_END_OF_CHAIN, _FREE):
            break
        block = struct.unpack(f"<{sector // 4}I", read_sector(difat))
        fat_sectors.extend(block[:-1])
        difat = block[-1]
    fat: list[int] = []
    for number in fat_sectors:
        if number in (_END_OF_CHAIN, _FREE):
            continue
        fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(number)))

    def chain(first: int, table: list[int]) -> list[int]:
        found: list[int] = []
        number = first
        while number != _END_OF_CHAIN:
            if not 0 <= number < len(table) or len(found) > len(table):  # out of the table, or a loop
                raise _Unreadable
            found.append(number)
            number = table[number]
        return found

    directory = b"".join(read_sector(n) for n in chain(struct.unpack_from("<I", data, 0x30)[0], fat))
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    root = entries[0]
    for entry in entries:
        name_bytes = struct.unpack_from("<H", entry, 64)[0]
        name = entry[:max(name_bytes - 2, 0)].decode("utf-16-le", errors="replace")
        if entry[66] != 2 or name != "Workbook":  # a stream; "Book" is Excel 95's (BIFF5), not read here
            continue
        first, size = struct.unpack_from("<II", entry, 116)
        if size >= struct.unpack_from("<I", data, 0x38)[0]:
            return b"".join(read_sector(n) for n in chain(first, fat))[:size]
        # A small stream lives in the mini stream (the root entry's), in 64-byte pieces.
        mini_fat_first, mini_fat_count = struct.unpack_from("<II", data, 0x3C)
        mini_fat: list[int] = []
        for number in chain(mini_fat_first, fat)[:mini_fat_count]:
            mini_fat.extend(struct.unpack(f"<{sector // 4}I", read_sector(number)))
        mini_stream = b"".join(read_sector(n) for n in chain(struct.unpack_from("<I", root, 116)[0], fat))
        return b"".join(mini_stream[n * 64:(n + 1) * 64] for n in chain(first, mini_fat))[:size]
    raise _Unreadable


def _records(stream: bytes, start: int) -> list[tuple[int, int, int]]:
    """(type, data offset, data length) of the records of the substream at `start`, to its EOF."""
    found = []
    at = start
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        found.append((kind, at + 4, length))
        at += 4 + length
        if kind == _EOF:
            break
    return found


def _sheet_offsets(stream: bytes) -> dict[str, int]:
    """Each sheet's name → where its substream starts (the workbook globals' BOUNDSHEET records)."""
    if struct.unpack_from("<H", stream, 0)[0] != _BOF:
        raise _Unreadable
    offsets: dict[str, int] = {}
    for kind, at, _length in _records(stream, 0):
        if kind != _BOUNDSHEET:
            continue
        position = struct.unpack_from("<I", stream, at)[0]
        count, wide = stream[at + 6], stream[at + 7] & 0x01
        raw = stream[at + 8:at + 8 + count * (2 if wide else 1)]
        offsets[raw.decode("utf-16-le" if wide else "latin-1")] = position
    return offsets


def _errors_in_sheet(stream: bytes, start: int) -> Cells:
    if struct.unpack_from("<H", stream, start)[0] != _BOF:
        raise _Unreadable
    if _CANDIDATE.search(stream, start) is None:
        return {}  # the usual sheet: walking its records in Python cost more CPU than calamine's whole parse
    cells: Cells = {}
    for kind, at, length in _records(stream, start):
        if kind == _BOOLERR and length >= 8 and stream[at + 7] == 1:
            code = stream[at + 6]
        elif kind == _FORMULA and length >= 14 and stream[at + 12:at + 14] == b"\xff\xff" and stream[at + 6] == 2:
            code = stream[at + 8]  # a formula whose saved result is an error
        else:
            continue
        row, column = struct.unpack_from("<HH", stream, at)
        cells[(row + 1, column + 1)] = UncalculatedFormula(_where(row, column), "", _ERRORS.get(code, "#N/A"))
    return cells


def _where(row: int, column: int) -> str:
    letters = ""
    number = column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
