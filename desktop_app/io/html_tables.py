"""A web page saved as .xls read as a spreadsheet: Taobao/Tmall's older back-office exports and some ERPs hand out
an HTML <table> named .xls, which Excel opens as a sheet. Each <table> is one sheet (表格1, 表格2 … in document
order); its <tr> rows are numbered from 1 as Excel shows a page of one table.

Every cell is text exactly as the page writes it (entities decoded, <br> a line break, runs of spaces one space):
a 19-digit order number stays its digits, the import's cleaner reads amounts and times from text as in a CSV.
A cell spanning columns or rows (colspan, rowspan) fills each cell it covers, as a merged range of a workbook
is read (io/merged_cells). The page is read with the stdlib's html.parser a megabyte at a time; its encoding
is the byte order mark's, else the text's own when it is UTF-8, else the <meta charset> (GBK/GB2312 read as
GB18030, its superset).
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import system_error_text
from desktop_app.io.csv_checks import ENDS_MID_CHARACTER, Signature, check_unchanged, signature
from desktop_app.io.csv_tables import detect_encoding
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.spreadsheet_types import Cell, Table

_CHUNK = 1024 * 1024
_PIECE = 4096  # characters handed to the parser at a time
MAX_COLUMNS = 16_384  # Excel's last column, XFD
# 100,000 orders x 50 columns is 5 million cells; a page whose rowspans repeat wide cells down thousands of
# empty rows (a few hundred kilobytes) would make a billion and minutes of work: refused at this many.
MAX_CELLS = 20_000_000
# The HTML standard's bounds on a cell's spans.
_MAX_COLSPAN, _MAX_ROWSPAN = 1_000, 65_534
_SPACES = re.compile(r"[ \t\r\n\f]+")
_AROUND_BREAK = re.compile(r" ?\n ?")
_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_GB = {"gb2312", "gbk", "x-gbk", "cp936", "gb18030", "gb_2312-80", "csgb2312", "euc-cn"}
# What the table count looks for: a comment (whose content is no tag) or a table's start.
_TABLE_OR_COMMENT = re.compile(rb"<!--|<table[\s>/]")
_SKIPPED_CONTENT = {"script", "style", "title", "textarea"}


def is_spreadsheet_xml(head: bytes) -> bool:
    """An XML Spreadsheet 2003 (or other XML) rather than an HTML page: not read here."""
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith(b"<?xml") and b"<html" not in start  # an XHTML page has its <html> after <?xml


def html_encoding(path: Path, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    found = _CHARSET.search(head)
    declared = found.group(1).decode("ascii").lower() if found else None
    detected = detect_encoding(path)  # UTF-8 if the text is UTF-8, else GB18030 (or refused)
    if detected == "utf-8" or declared is None:
        return detected  # GBK text practically never decodes as UTF-8, whatever the page says
    if declared in _GB or declared.replace("-", "") == "utf8":
        return "gb18030"  # a page calling itself UTF-8 whose text is not (an ERP writing GBK)
    try:
        return codecs.lookup(declared).name  # big5, shift_jis … as declared
    except LookupError:
        return detected


def count_tables(path: Path, encoding: str) -> int:
    """How many <table> starts the page has outside comments, scanning its bytes (parsing it would take
    seconds for a large export; the tags are ASCII in every encoding but UTF-16, decoded first)."""
    count = 0
    in_comment = False
    carry = b""
    with path.open("rb") as handle:
        if encoding == "utf-16":
            chunks: Iterator[bytes] = iter([handle.read().decode("utf-16", "replace").encode("utf-8")])
        else:
            chunks = iter(lambda: handle.read(_CHUNK), b"")
        for chunk in chunks:
            data = carry + chunk.lower()
            position = 0
            while True:
                if in_comment:
                    end = data.find(b"-->", position)
                    if end < 0:
                        position = max(position, len(data) - 2)
                        break
                    in_comment, position = False, end + 3
                    continue
                found = _TABLE_OR_COMMENT.search(data, position)
                if found is None:
                    position = max(position, len(data) - 6)  # a tag cut by the chunk's end
                    break
                if found.group() == b"<!--":
                    in_comment = True
                else:
                    count += 1
                position = found.end()
            carry = data[position:]
    return count


@dataclass
class _OpenTable:
    index: int
    rows: int = 0
    cells: list[tuple[str, int, int]] | None = None  # the open row's cells: text, colspan, rowspan
    text: list[str] | None = None  # the open cell's text
    spans: tuple[int, int] = (1, 1)
    # Columns a cell of a row above still covers: column → (rows left, value).
    below: dict[int, tuple[int, str]] = field(default_factory=dict)


def _span(attrs: list[tuple[str, str | None]], name: str, most: int) -> int:
    value = next((v for k, v in attrs if k == name), None)
    digits = re.match(r"\s*(\d+)", value or "")
    return min(max(int(digits.group(1)), 1), most) if digits else 1


class _RowParser(HTMLParser):
    """Collects the rows of table number `wanted` (0-based, in the order the tables start) in `ready`."""

    def __init__(self, wanted: int) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.started = 0
        self.stack: list[_OpenTable] = []
        self.ready: list[tuple[int, list[str]]] = []
        self.done = False  # the wanted table has ended
        self.wanted_rows = 0
        self.cells = 0  # in the wanted table's rows so far
        self.skipping = 0  # inside <script>/<style>…: their text is no cell's

    @property
    def _top(self) -> _OpenTable | None:
        return self.stack[-1] if self.stack and self.stack[-1].index == self.wanted else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_CONTENT:
            self.skipping += 1
        elif tag == "table":
            self.stack.append(_OpenTable(self.started))
            self.started += 1
        elif (top := self._top) is not None:
            if tag == "tr":
                self._end_row(top)
                top.cells = []
            elif tag in ("td", "th"):
                self._end_cell(top)
                if top.cells is None:
                    top.cells = []  # a cell without its <tr>
                top.text = []
                top.spans = ((_span(attrs, "colspan", _MAX_COLSPAN), _span(attrs, "rowspan", _MAX_ROWSPAN))
                             if attrs else (1, 1))  # most cells have no attribute: 0.3 s of 5 for 20,000 rows
            elif tag == "br" and top.text is not None:
                top.text.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED_CONTENT:  # <br/>, <td/>
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_CONTENT:
            self.skipping = max(self.skipping - 1, 0)
        elif tag == "table" and self.stack:
            ended = self.stack.pop()
            if ended.index == self.wanted:
                self._end_row(ended)
                self.done = True
        elif tag in ("body", "html"):
            # A table the page leaves open ends with it (a file cut off mid-table has no such end).
            open_table = next((t for t in self.stack if t.index == self.wanted), None)
            if open_table is not None:
                self._end_row(open_table)
                self.done = True
        elif (current := self._top) is not None:
            if tag == "tr":
                self._end_row(current)
            elif tag in ("td", "th"):
                self._end_cell(current)

    def handle_data(self, data: str) -> None:
        top = self._top
        if top is not None and top.text is not None and not self.skipping:
            top.text.append(_SPACES.sub(" ", data))

    def _end_cell(self, top: _OpenTable) -> None:
        if top.text is None or top.cells is None:
            return
        text = _AROUND_BREAK.sub("\n", "".join(top.text)).strip()
        top.cells.append((text, *top.spans))
        top.text = None

    def _end_row(self, top: _OpenTable) -> None:
        self._end_cell(top)
        if top.cells is None:
            return
        top.rows += 1
        self.wanted_rows = top.rows
        width = sum(colspan for _, colspan, _ in top.cells) + len(top.below)  # its own cells, and those from above
        self.cells += width
        if width > MAX_COLUMNS or self.cells > MAX_CELLS:
            raise _TooWide(top.rows, width)
        row: list[str] = []
        below: dict[int, tuple[int, str]] = {}

        def fill_from_above() -> None:
            while len(row) in top.below:
                left, value = top.below[len(row)]
                if left > 1:
                    below[len(row)] = (left - 1, value)
                row.append(value)

        for text, colspan, rowspan in top.cells:
            fill_from_above()
            for _ in range(colspan):
                if rowspan > 1:
                    below[len(row)] = (rowspan - 1, text)
                row.append(text)
        for column in sorted(c for c in top.below if c >= len(row)):  # spans reaching past the row's own cells
            row.extend([""] * (column - len(row)))
            fill_from_above()
        top.below = below
        top.cells = None
        self.ready.append((top.rows, row))


class _TooWide(Exception):
    def __init__(self, row: int, width: int) -> None:
        super().__init__(row, width)
        self.row, self.width = row, width


@dataclass
class HtmlTable:
    path: Path
    encoding: str
    name: str
    index: int
    opened: Signature | None = None
    _read: int = 0
    _size: int = 0

    @property
    def row_count(self) -> int | None:
        return None

    @property
    def first_column(self) -> int:
        return 0

    def fraction_read(self) -> float | None:
        return min(1.0, self._read / self._size) if self._size else None

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        parser = _RowParser(self.index)
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        self._read, self._size = 0, self.path.stat().st_size
        with io.FileIO(self.path, "rb") as raw:
            check_unchanged(self.path, self.opened, signature(os.fstat(raw.fileno())))
            while not parser.done:
                number = parser.wanted_rows + 1
                try:
                    chunk = raw.read(_CHUNK)
                    self._read += len(chunk)
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    template = msg.CUT_OFF_CHARACTER if exc.reason in ENDS_MID_CHARACTER else msg.ENCODING_CHANGED
                    raise OrderFileRefused(self.path, msg.say(template, number)) from None
                except OSError as exc:
                    raise OrderFileRefused(self.path, msg.say(msg.READ_FAILED_AT_ROW, number,
                                                              system_error_text(exc))) from None
                # Fed in small pieces, each one's rows handed out before the next: a row of thousands of cells
                # repeated by rowspan down thousands of short <tr>s stays a few megabytes at a time.
                for start in range(0, len(text), _PIECE):
                    yield from self._fed(parser, text[start:start + _PIECE])
                    if parser.done:
                        break
                if not chunk:
                    yield from self._fed(parser, None)
                    break
            if not parser.done and parser.started > self.index:
                # The file ended inside the table: the rows handed out are refused with it (no half import).
                raise OrderFileRefused(self.path, msg.say(msg.HTML_CUT_OFF, parser.wanted_rows + 1))
            check_unchanged(self.path, self.opened, signature(os.fstat(raw.fileno())))


    def _fed(self, parser: _RowParser, text: str | None) -> Iterator[tuple[int, Sequence[Cell]]]:
        """The rows `text` completes (None: the end of the file)."""
        try:
            if text is None:
                parser.close()
            else:
                parser.feed(text)
        except _TooWide as wide:
            said = (msg.say(msg.HTML_TOO_WIDE, wide.row, wide.width) if wide.width > MAX_COLUMNS
                    else msg.say(msg.HTML_TOO_MANY_CELLS, wide.row, f"{MAX_CELLS:,}"))
            raise OrderFileRefused(self.path, said) from None
        ready, parser.ready = parser.ready, []
        return iter(ready)


@dataclass
class HtmlSpreadsheet:
    path: Path
    encoding: str
    tables: int
    kind: str = "html"
    opened: Signature | None = None
    date1904: bool = False  # dates in a page are text

    def sheet_names(self) -> list[str]:
        return [f"表格{number}" for number in range(1, self.tables + 1)]

    def table(self, name: str) -> Table:
        return HtmlTable(self.path, self.encoding, name, self.sheet_names().index(name), self.opened)

    def whole_table(self, name: str) -> Table:
        return self.table(name)

    def release(self, name: str) -> None:
        """Nothing is cached: each `rows()` reads the file again."""

    def close(self) -> None:
        """Each `rows()` closes the file when it ends or is dropped."""


def open_html(path: Path, head: bytes, opened: Signature) -> HtmlSpreadsheet:
    """The page's tables as sheets, or OrderFileRefused when it has none."""
    encoding = html_encoding(path, head)
    tables = count_tables(path, encoding)
    if not tables:
        raise OrderFileRefused(path, msg.say(msg.HTML_NO_TABLE))
    return HtmlSpreadsheet(path, encoding, tables, opened=opened)
