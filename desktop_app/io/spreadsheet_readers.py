"""Reading order exports as rows of cells: .xlsx/.xls/.ods through python-calamine, .csv/.txt with the csv module.

The file's content decides how it is read, not its extension (platforms hand out CSV files named
.xls, and web pages of a <table>: io/html_tables). Anything that cannot be an order spreadsheet is refused
before a parser sees it: empty files, pictures and PDFs, XML spreadsheets, password-protected workbooks and
zip bombs (checked on the declared uncompressed sizes, since neither reader stops a bomb on its own — FACTS.md).

Rows come out as `(row_number, cells)` where `row_number` is what the spreadsheet program shows
(1-based, counting any title line above the header).
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from desktop_app.core import import_refusals as refusals
from desktop_app.core import messages as msg
from desktop_app.core.errors import system_error_text
from desktop_app.core.event_notes import note
from desktop_app.io.csv_checks import (
    signature,
)
from desktop_app.io.csv_tables import CsvSpreadsheet, detect_encoding
from desktop_app.io.damage_words import damage_in_words
from desktop_app.io.excel_cells import UncalculatedFormula
from desktop_app.io.html_tables import is_spreadsheet_xml, open_html
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.merged_cells import MergedCells
from desktop_app.io.nul_bytes import text_with_stray_nuls, utf16_without_bom
from desktop_app.io.spreadsheet_files import locked_workbook
from desktop_app.io.spreadsheet_types import Cell, Spreadsheet, Table
from desktop_app.io.xls_errors import xls_error_cells, xls_uses_1904_dates
from desktop_app.io.xlsx import cells_to_mend, check_sheet, chunked_table, worksheet_names_if_large
from desktop_app.io.xlsx.bad_cells import unreadable_cell
from desktop_app.io.xlsx.shared_indexes import refuse_odd_index
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP

# An order export of 100,000 rows x 40 columns unpacks to ~150 MB of XML; a gigabyte is no order list.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# Sheet XML compresses about 10:1; a member far beyond that and large is a bomb, not a spreadsheet.
MAX_MEMBER_RATIO = 200
RATIO_CHECK_FROM_BYTES = 32 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000
# A workbook's shared strings are parsed whole before any row (by calamine, and by the piecewise reader): 200 MB of
# them (8 million short strings, a 45 MB file under the bomb ratio) took 529 MB and 13 s to import one order
# (measured); 1 GB would take ~2.5 GB. A 100,000-row 抖店 export holds ~20 MB of them.
MAX_SHARED_STRINGS_BYTES = 128 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"PK\x05\x06", "空的压缩包"),
)
OTHER_FORMAT_NAMES = tuple(what for _, what in _OTHER_FORMATS)  # said in a refusal (translated in the window)
# UTF-16LE names of the streams an encrypted OOXML package keeps inside its OLE container.
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
# A web page or XML saved as .xls/.csv (platforms' "Excel" downloads, Excel's 网页 and XML 2003 formats): what
# its first tag is. <style> and a comment come first in some, which read as "no header found" before.
_WEB_PAGE = re.compile(rb"<\s*(?:(?:html|head|body|meta|title|style|table|thead|tbody|tr|td|div|!doctype|\?xml)\b|!--)",
                       re.IGNORECASE)


def _utf16_web_page(head: bytes) -> bool:
    """A page saved as Unicode (UTF-16 with its byte order mark): its first tag, decoded."""
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    text = head[:512].decode("utf-16", "ignore").lstrip("\ufeff").lstrip()
    return _WEB_PAGE.match(text.encode("utf-8", "ignore")) is not None


# Large .xlsx sheets are read in pieces (io/xlsx) so checking rows overlaps parsing the rest;
# the tests compare both ways.
READ_LARGE_SHEETS_IN_PIECES = True

def refuse(path: Path, reason: str) -> OrderFileRefused:
    return OrderFileRefused(path, reason)


# --- workbooks (python-calamine) ------------------------------------------------------------------

@dataclass
class CalamineTable:
    name: str
    sheet: python_calamine.CalamineSheet
    path: Path
    # Formula cells saved without their result, (row, column) 1-based: handed out as such, not as blanks.
    formulas: dict[tuple[int, int], UncalculatedFormula] = field(default_factory=dict)
    # Long integers a program wrote exactly (io/xlsx/long_numbers), (row, column) 1-based: their digits, not
    # the float calamine made of them.
    numbers: dict[tuple[int, int], str] = field(default_factory=dict)
    _done: int = 0
    _total: int = 0

    @property
    def row_count(self) -> int | None:
        return self.sheet.height

    @property
    def first_column(self) -> int:
        # calamine trims empty columns on the left; a row as wide as the used range starts at its start.
        sheet = self.sheet
        if not sheet.height or sheet.start is None or not sheet.start[1]:
            return 0
        first = next(iter(sheet.iter_rows()), None)
        return int(sheet.start[1]) if first is not None and len(first) == sheet.width else 0

    def fraction_read(self) -> float | None:
        total = self._total or self.sheet.height
        return min(1.0, self._done / total) if total else None

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        sheet = self.sheet
        start = sheet.start[0] if sheet.height and sheet.start is not None else 0
        self._done = 0
        try:
            iterator = iter(sheet.iter_rows())
            top = next(iterator, None)
            if top is None:
                return
            # Row numbers must be what Excel shows. When the used range starts below row 1, some
            # python-calamine versions begin at the range (its first row has a value) and others
            # at row 1 (blank up to the range, seen with 0.9): a blank first row tells which.
            absolute = start > 0 and not any(c is not None and c != "" for c in top)
            first = 1 if absolute else start + 1
            self._total = sheet.height + (start if absolute else 0)
            self._done = 1
            merged = MergedCells.of(sheet)
            if merged is not None or self.formulas or self.numbers:
                left = int(sheet.start[1]) if sheet.height and sheet.start is not None else 0
                by_row: dict[int, list[tuple[int, UncalculatedFormula | str]]] = {}
                for (number, column), formula in self.formulas.items():
                    by_row.setdefault(number, []).append((column - 1 - left, formula))
                for (number, column), digits in self.numbers.items():
                    by_row.setdefault(number, []).append((column - 1 - left, digits))

                def mended(number: int, cells: Sequence[Cell]) -> Sequence[Cell]:
                    if merged is not None:
                        cells = merged.filled(number, cells)
                    found = by_row.get(number)
                    if found:
                        cells = list(cells)
                        for position, value in found:
                            if not 0 <= position < len(cells):
                                continue
                            if isinstance(value, str) and isinstance(cells[position], float):
                                cells[position] = value  # the digits the float lost
                            elif not isinstance(value, str) and cells[position] in (None, ""):
                                cells[position] = value
                    return cells

                yield first, mended(first, top)
                for index, row in enumerate(iterator, start=1):
                    self._done = index + 1
                    yield first + index, mended(first + index, row)
                return
            yield first, top
            for index, row in enumerate(iterator, start=1):
                self._done = index + 1
                yield first + index, row
        except python_calamine.CalamineError as exc:
            raise refuse(self.path, msg.say(msg.SHEET_DAMAGED, self.name, damage_in_words(exc))) from None


@dataclass
class CalamineSpreadsheet:
    path: Path
    _workbook: python_calamine.CalamineWorkbook | None
    kind: str
    # An .xlsx with a sheet large enough to be read in pieces is opened by calamine only if a sheet
    # has to be read whole (see io.xlsx.worksheet_names_if_large); its sheet names are these.
    _names: list[str] | None = None
    # Loading a sheet parses all of it (seconds for 100,000 rows): load each sheet once.
    _tables: dict[str, Table] = field(default_factory=dict)
    date1904: bool = False  # its workbookPr says date1904 (Spreadsheet.date1904)

    @property
    def workbook(self) -> python_calamine.CalamineWorkbook:
        if self._workbook is None:
            self._workbook = _calamine_workbook(self.path, self.kind)
        return self._workbook

    def sheet_names(self) -> list[str]:
        if self._names is not None:
            return list(self._names)
        return visible_first(self.workbook.sheets_metadata)

    def table(self, name: str) -> Table:
        cached = self._tables.get(name)
        if cached is not None:
            return cached
        if self.kind == "xlsx" and READ_LARGE_SHEETS_IN_PIECES:
            # A large sheet is handed out piece by piece while the rest is parsed (io/xlsx).
            pieces = chunked_table(self.path, name)
            if pieces is not None:
                self._tables[name] = pieces
                return pieces
        return self.whole_table(name)

    def whole_table(self, name: str) -> Table:
        cached = self._tables.get(name)
        if isinstance(cached, CalamineTable):
            return cached
        if self.kind == "xlsx":
            check_sheet(self.path, name)  # calamine allocates for the cells' whole rectangle
        try:
            sheet = self.workbook.get_sheet_by_name(name)
        except python_calamine.PasswordError:
            raise refuse(self.path, _PASSWORD) from None
        except python_calamine.CalamineError as exc:
            found = unreadable_cell(self.path, name) if self.kind == "xlsx" else None
            raise refuse(self.path, found or msg.say(msg.SHEET_UNREADABLE, name, damage_in_words(exc))) from None
        except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException (a BaseException)
            if not type(exc).__name__ == "PanicException":
                raise
            raise refuse(self.path, msg.say(msg.SHEET_BROKEN, name)) from None
        formulas, numbers, odd = cells_to_mend(self.path, name) if self.kind == "xlsx" else ({}, {}, {})
        if odd:
            raise refuse_odd_index(self.path, name, odd)
        if self.kind == "xls":
            formulas = xls_error_cells(self.path, name)  # calamine reads an .xls error cell as blank
        loaded = self._tables[name] = CalamineTable(name, sheet, self.path, formulas, numbers)
        return loaded

    def release(self, name: str) -> None:
        """Free a sheet's memory once it has been read."""
        self._tables.pop(name, None)

    def close(self) -> None:
        self._tables.clear()
        if self._workbook is not None:
            self._workbook.close()


_PASSWORD = msg.say(msg.PASSWORD)


def visible_first(sheets: Sequence[python_calamine.SheetMetadata]) -> list[str]:
    """Sheet names in workbook order, the hidden ones last: Excel and WPS open on a visible sheet, and
    a hidden one in front of it (last month's export kept aside, an ERP's template) is not what the
    shop looked at. A hidden sheet is still read when no visible one holds what is looked for."""
    shown = [s.name for s in sheets if s.visible == python_calamine.SheetVisibleEnum.Visible]
    return shown + [s.name for s in sheets if s.visible != python_calamine.SheetVisibleEnum.Visible]


def check_zip_package(path: Path) -> str:
    """Refuse zip bombs, encrypted entries and zips that are no workbook; return 'xlsx' or 'ods'."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, NotImplementedError):  # NotImplementedError: a damaged header's "zip version 6.4"
        raise refuse(path, msg.say(msg.ZIP_BROKEN)) from None
    except (OSError, ValueError, EOFError) as exc:
        raise refuse(path, msg.say(msg.UNREADABLE, str(exc))) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise refuse(path, msg.say(msg.ZIP_TOO_MANY))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise refuse(path, _PASSWORD)
        total += member.file_size
        if (member.file_size > RATIO_CHECK_FROM_BYTES
                and member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1)):
            raise refuse(path, msg.say(msg.ZIP_BOMB))
        if member.file_size > MAX_SHARED_STRINGS_BYTES and member.filename.lower().endswith("sharedstrings.xml"):
            raise refuse(path, msg.say(msg.SHARED_STRINGS_HUGE, -(-member.file_size // (1024 * 1024)),
                                       MAX_SHARED_STRINGS_BYTES // (1024 * 1024)))
    if total > MAX_UNCOMPRESSED_BYTES:
        raise refuse(path, msg.say(msg.ZIP_HUGE))
    names = {m.filename for m in members}
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    raise refuse(path, msg.say(msg.ZIP_NOT_EXCEL))


def _ole_is_encrypted(path: Path) -> bool:
    # The directory of a small OLE file sits near its start; read a bounded amount to look for the
    # encrypted-package stream names.
    with path.open("rb") as handle:
        data = handle.read(8 * 1024 * 1024)  # the streams' names sit near the start
    return any(marker in data for marker in _ENCRYPTED_MARKERS)


def _open_workbook(path: Path, kind: str) -> CalamineSpreadsheet:
    date1904 = (kind == "xlsx" and uses_1904_dates(path)) or (kind == "xls" and xls_uses_1904_dates(path))
    if kind == "xlsx" and READ_LARGE_SHEETS_IN_PIECES:
        names = worksheet_names_if_large(path)
        if names is not None:
            return CalamineSpreadsheet(path, None, kind, names, date1904=date1904)
    return CalamineSpreadsheet(path, _calamine_workbook(path, kind), kind, date1904=date1904)


_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](?:1|true)[\"']")


def uses_1904_dates(path: Path) -> bool:
    """Whether the .xlsx counts its dates from 1904 (its workbookPr, near the start of workbook.xml; the
    package passed check_zip_package). calamine converts date-formatted cells by it itself; a plain number
    a date column holds is the cleaner's to convert (io/cell_values)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/workbook.xml") as member:
            head = member.read(65536)
    except KeyError:
        return False
    except DAMAGED_ZIP:  # the sheet's own reader says what is wrong with the package
        return False
    return _DATE1904.search(head) is not None


def _calamine_workbook(path: Path, kind: str) -> python_calamine.CalamineWorkbook:
    suffix = path.suffix.lower()
    natural = {"xlsx": (".xlsx", ".xlsm", ".xlsb"), "xls": (".xls",), "ods": (".ods",)}[kind]
    try:
        if suffix in natural:
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:
            # from_filelike sniffs the content; from_path trusts the extension.
            with path.open("rb") as handle:
                workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        raise refuse(path, _PASSWORD) from None
    except python_calamine.CalamineError as exc:
        raise refuse(path, msg.say(msg.WORKBOOK_BROKEN, damage_in_words(exc))) from None
    except BaseException as exc:
        if not type(exc).__name__ == "PanicException":
            raise
        raise refuse(path, msg.say(msg.WORKBOOK_DAMAGED)) from None
    if not workbook.sheet_names:
        raise refuse(path, msg.say(msg.NO_SHEETS))
    return workbook


def open_spreadsheet(path: Path | str) -> Spreadsheet:
    """Open an order export for reading, or raise OrderFileRefused with the reason in Chinese."""
    path = Path(path)
    try:
        if not path.is_file():
            if path.exists():
                raise refuse(path, msg.say(msg.NOT_A_FILE_AT_ALL))
            path.stat()  # why not: a link looping back on itself was "找不到文件" (is_file and exists say only False)
            raise refuse(path, msg.say(msg.NO_SUCH_FILE))
        with path.open("rb") as handle:
            opened = signature(os.fstat(handle.fileno()))
            head = handle.read(4096)
        size = opened[0]
    except FileNotFoundError:
        raise refuse(path, msg.say(msg.NO_SUCH_FILE)) from None
    except PermissionError:
        raise refuse(path, msg.say(msg.NO_READ_PERMISSION)) from None
    except OSError as exc:
        raise refuse(path, msg.say(msg.UNREADABLE, system_error_text(exc))) from None
    if size == 0 or not head.strip(b" \t\r\n\x00"):
        raise refuse(path, msg.say(msg.EMPTY_FILE))
    if not head.startswith((_ZIP_MAGIC, _OLE_MAGIC)) and (workbook := locked_workbook(path)) is not None:
        raise refuse(path, note(refusals.LOCK_FILE, workbook))
    if head.startswith(_ZIP_MAGIC):
        return _open_workbook(path, check_zip_package(path))
    if head.startswith(_OLE_MAGIC):
        if _ole_is_encrypted(path):
            raise refuse(path, _PASSWORD)
        return _open_workbook(path, "xls")
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise refuse(path, msg.say(msg.OTHER_FORMAT, what))  # the same reader serves cases and product costs
    if _WEB_PAGE.match(head.lstrip(codecs.BOM_UTF8).lstrip()) or _utf16_web_page(head):
        if is_spreadsheet_xml(head):
            raise refuse(path, msg.say(msg.WEB_PAGE))
        return open_html(path, head, opened)  # a web page's <table> named .xls (io/html_tables)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if (utf16 := utf16_without_bom(head)) is not None:
            return CsvSpreadsheet(path, utf16, opened=opened)
        if not text_with_stray_nuls(head):
            raise refuse(path, msg.say(msg.BINARY))
    return CsvSpreadsheet(path, detect_encoding(path), opened=opened)
