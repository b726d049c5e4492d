"""Cutting a worksheet's XML into pieces between `<row>` elements, and parsing consecutive pieces as
the sheets of one rebuilt workbook (in memory, or the spill file) with python-calamine.

Calamine places rows by their `r` attribute, so a piece always starts with a row that has one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import python_calamine

from desktop_app.core import messages as msg
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx.extent import BadPosition, refuse_bad_position, refuse_if_too_large, scan_positions
from desktop_app.io.xlsx.formulas import unusable_cells
from desktop_app.io.xlsx.long_numbers import long_numbers_as_text
from desktop_app.io.xlsx.members import (
    R_ATTRIBUTE,
    SHARED_STRINGS,
    WORKBOOK,
    WORKBOOK_RELS,
    XML_NAME,
    Package,
    SheetXml,
    is_read_error,
)
from desktop_app.io.xlsx.shared_indexes import odd_shared_indexes, refuse_odd_index
from desktop_app.io.xlsx.zip_parts import Inflater, Part, PartsReader, zip_parts

READ_BYTES = 1024 * 1024
# Shared-string indexes are sampled from the end of each piece; the bound gets this much slack.
_SAMPLE_BYTES = 64 * 1024
_INDEX_SLACK = 1024
_SHARED_INDEX = re.compile(rb"""\st\s*=\s*["']s["'][^>]*>\s*<""" + XML_NAME + rb"""v>\s*(\d+)\s*<""")
_RELATIONSHIPS_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
# What follows the sheet data (merged cells, page setup …) is read up to this much.
MAX_TAIL_BYTES = 64 * 1024 * 1024
_MERGED = re.compile(rb"""<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*["']"""
                     rb"""\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})["']""")


class PieceSource(Protocol):
    """What cutting and parsing pieces need of the table they are for (ChunkedXlsxTable)."""

    xml: SheetXml
    chunk_bytes: int
    workbook_bytes: int
    spill: bool  # the sheet after the first workbook goes to a spill file unless False
    all_strings: bool  # set once a workbook lacked a shared string: from then on all of them

    def package(self) -> Package: ...


class Cutter:
    """Reads the worksheet member from `start` on and cuts it before rows that carry an `r` attribute.

    Pieces are views into the buffer read last, which they keep alive until they are let go.
    """

    def __init__(self, xml: SheetXml, stream: Inflater, start: int) -> None:
        self.xml = xml
        self._stream = stream
        self._buffer = b""
        self._end = 0  # the buffer's data ends here (at </sheetData> once finished)
        self._position = 0  # where the next piece starts in the buffer
        self.offset = start  # member offset of the next piece
        self.finished = False  # the buffer runs up to </sheetData>, nothing more to read
        while start > 0:  # a restart further on: inflate up to there
            skipped = stream.read(min(start, 16 * READ_BYTES))
            if not skipped:
                raise EOFError("工作表内容提前结束")
            start -= len(skipped)

    def fill(self, wanted: int) -> None:
        """Read until `wanted` bytes are buffered past the next piece's start, or </sheetData> is."""
        have = self._end - self._position
        if self.finished or have >= wanted:
            return
        tag = self.xml.data_end
        keep = self._buffer[self._position:]
        self._buffer = b""  # pieces cut from it may still hold it, this cutter need not
        data = self._stream.read(wanted - have)
        short = len(data) < wanted - have
        if keep:
            data = keep + data
        del keep
        end = data.find(tag, max(0, have - len(tag)))
        if end >= 0:
            self._end = end
            self.finished = True
            refuse_merged_rows(self.xml, data[end:] + self._stream.read(MAX_TAIL_BYTES))
        elif short:
            raise EOFError(f"工作表数据缺少结束标记 {tag.decode()}")
        else:
            self._end = len(data)
        self._buffer = data
        self._position = 0

    def _starts_row(self, position: int) -> bool | None:
        """Whether a piece may start at `position` (a row with an `r` attribute); None: read more first."""
        data = self._buffer
        start = position
        while start < self._end and data[start] in b" \t\r\n":
            start += 1
        close = data.find(b">", start, self._end)
        if close < 0:
            return start >= self._end if self.finished else None
        if self.xml.row_start.match(data, start) is None:
            return False
        return R_ATTRIBUTE.search(data, start, close) is not None

    def buffered(self) -> int:
        """Bytes read and not yet cut off."""
        return self._end - self._position

    def let_go(self) -> None:
        """Keep only what is left after the last piece: the pieces alone hold the buffer now."""
        self._buffer = self._buffer[self._position:self._end]
        self._end -= self._position
        self._position = 0

    def has_more(self) -> bool:
        self.fill(1)
        rest = self._end - self._position
        return rest > 4096 or bool(self._buffer[self._position:self._end].strip())

    def next(self, target: int) -> tuple[Part, int, int] | None:
        """The next piece of about `target` bytes of whole rows, with its member offsets; None at the end."""
        self.fill(target + READ_BYTES)
        base = self._position
        if self._end - base <= 4096 and not self._buffer[base:self._end].strip():
            return None
        end_tag = self.xml.row_end
        cut = -1
        if self._end - base > target:
            limit = base + target
            while cut < 0:  # the last row end before `target` followed by a row with `r`
                found = self._buffer.rfind(end_tag, base, limit)
                if found < 0:
                    break
                if self._starts_row(found + len(end_tag)):
                    cut = found + len(end_tag)
                limit = found
            position = base + target
            while cut < 0:  # a row longer than `target`, or rows without `r`: look further on
                found = self._buffer.find(end_tag, position, self._end)
                if found < 0:
                    if self.finished:
                        break
                    self.fill(2 * (self._end - self._position))
                    position -= base
                    base = self._position
                    position += base
                    continue
                allowed = self._starts_row(found + len(end_tag))
                if allowed is None:
                    self.fill(self._end - self._position + READ_BYTES)
                    position -= base
                    base = self._position
                    position += base
                    continue
                if allowed:
                    cut = found + len(end_tag)
                position = found + len(end_tag)
        if cut < 0:
            cut = self._end
        piece: Part = memoryview(self._buffer)[base:cut]
        check_piece(self.xml, piece)
        piece = long_numbers_as_text(piece)  # a copy only where a program wrote a long id exactly
        self._position = cut
        start = self.offset
        self.offset += cut - base
        return piece, start, self.offset


def check_piece(xml: SheetXml, piece: Part) -> None:
    """Refuse a piece whose cells span more than calamine may allocate for (io/xlsx/extent), or that
    holds a formula saved without its result (io/xlsx/formulas: a whole-sheet read reports such cells
    by row; read in pieces the sheet is refused rather than stored with blanks), or a shared-string cell
    calamine would read as another text (io/xlsx/shared_indexes)."""
    try:
        try:
            refuse_if_too_large(xml.path, xml.sheet, scan_positions(piece))
        except OrderFileRefused:  # formatted empty cells far out: what holds something may still fit
            refuse_if_too_large(xml.path, xml.sheet, scan_positions(piece, used_only=True))
    except BadPosition as exc:
        raise refuse_bad_position(xml.path, xml.sheet, exc) from None
    odd = odd_shared_indexes(piece)
    if odd:
        raise refuse_odd_index(xml.path, xml.sheet, odd)
    unusable = unusable_cells(piece)
    if unusable:
        first = unusable[min(unusable)]
        if first.error:
            raise OrderFileRefused(xml.path, msg.say(msg.SHEET_EXCEL_ERRORS, xml.sheet, first.where, first.error))
        raise OrderFileRefused(xml.path, f"工作表“{xml.sheet}”的单元格 {first.where} 等 {len(unusable)} 处是公式，"
                                         "但文件里没有保存计算结果，不能当作空白导入。"
                                         "请在 Excel 中打开文件、确认数值显示正确后保存，再导入")


def refuse_merged_rows(xml: SheetXml, tail: bytes) -> None:
    """Refuse a sheet read in pieces whose cells are merged over several rows (the `<mergeCells>` after
    its data). The rows have been handed out by then, without the merged values: a whole-sheet read
    fills them (spreadsheet_readers.MergedCells), a piecewise one cannot, and storing orders without
    the items of their unnumbered rows would be silent loss. The import's transaction is rolled back."""
    for match in _MERGED.finditer(tail):
        first, last = int(match.group(2)), int(match.group(4))
        if last != first:
            span = b"%s%s:%s%s" % match.group(1, 2, 3, 4)
            raise OrderFileRefused(xml.path, f"工作表“{xml.sheet}”有跨行合并的单元格（如 {span.decode()}），"
                                             "表格较大时无法按合并单元格补全各行。"
                                             "请在 Excel 中取消合并并把值填到每一行后再导入")


def highest_shared_index(pieces: Sequence[tuple[Part, int, int]]) -> int | None:
    """The highest shared-string index used near the end of each piece; None if none is."""
    found = [int(m) for piece, _, _ in pieces
             for m in _SHARED_INDEX.findall(piece, max(0, len(piece) - _SAMPLE_BYTES))]
    return max(found) if found else None



# --- in-memory workbooks --------------------------------------------------------------------------

@dataclass
class Piece:
    """A parsed piece: `sheet` holds rows from sheet row `sheet.start[0] + 1` on."""

    sheet: python_calamine.CalamineSheet | None  # None: no cell with a value
    start: int  # member offsets of the piece's XML
    end: int


def workbook_members(xml: SheetXml, count: int,
                      package: Package) -> list[tuple[str, Sequence[Part], int | None, int | None]]:
    """workbook.xml and its relationships for `count` pieces, sheets p0, p1 ... (`piece_member`), and
    the package's members copied as they are (the shared strings are the caller's)."""
    sheets = b"".join(b'<%ssheet xmlns:r="%s" name="p%d" sheetId="%d" r:id="rIdAftersalesPiece%d"/>'
                      % (xml.sheets_prefix, _RELATIONSHIPS_NS, index, index + 1, index) for index in range(count))
    relationships = b"".join(b'<Relationship xmlns="%s" Id="rIdAftersalesPiece%d" Type="%s/worksheet" '
                             b'Target="/%s"/>' % (_PACKAGE_RELS_NS, index, _RELATIONSHIPS_NS,
                                                  piece_member(index).encode()) for index in range(count))
    before, after = xml.workbook_xml
    return [
        (WORKBOOK, [before, b"<%ssheets>" % xml.sheets_prefix, sheets, b"</%ssheets>" % xml.sheets_prefix, after],
         None, None),
        (WORKBOOK_RELS, [xml.workbook_rels[0], relationships, xml.workbook_rels[1]], None, None),
        *[(name, [data], crc, len(data)) for name, data, crc in package.members],
    ]


def piece_member(index: int) -> str:
    return f"xl/worksheets/aftersales_piece{index}.xml"


class Workbook:
    """Consecutive pieces as the sheets of one workbook (in memory, or a spill file), parsed one at a time."""

    def __init__(self, workbook: python_calamine.CalamineWorkbook, spans: list[tuple[int, int]], *,
                 truncated: bool, on_close: Callable[[], None] | None = None) -> None:
        self._workbook: python_calamine.CalamineWorkbook | None = workbook
        self.spans = spans
        self.end = spans[-1][1]
        self.truncated = truncated  # lacks shared strings past those its pieces seemed to use
        self._on_close = on_close
        self._next = 0

    @classmethod
    def in_memory(cls, xml: SheetXml, package: Package, pieces: list[tuple[Part, int, int]],
                  all_strings: bool) -> Workbook:
        """Takes the pieces over: `pieces` is emptied, so they are freed as calamine reads them."""
        spans = [(start, end) for _, start, end in pieces]
        members = workbook_members(xml, len(pieces), package)
        truncated = False
        if package.shared is not None:
            highest = None if all_strings else highest_shared_index(pieces)
            wanted = package.shared.count if highest is None else highest + 1 + _INDEX_SLACK
            parts, crc, size = package.shared.first(wanted)
            truncated = wanted < package.shared.count
            members.append((SHARED_STRINGS, parts, crc, size))
        members += [(piece_member(index), [xml.prefix, piece, xml.closing], None, None)
                    for index, (piece, _, _) in enumerate(pieces)]
        reader = PartsReader(zip_parts(members))
        members.clear()
        pieces.clear()
        return cls(python_calamine.CalamineWorkbook.from_filelike(reader), spans, truncated=truncated)

    def remaining(self) -> int:
        return len(self.spans) - self._next if self._workbook is not None else 0

    def parse_next(self) -> Piece:
        assert self._workbook is not None
        index = self._next
        self._next += 1
        sheet = self._workbook.get_sheet_by_name(f"p{index}")
        if not self.remaining():
            self.close()
        return Piece(sheet if sheet.height else None, *self.spans[index])

    def next_start(self) -> int:
        return self.spans[self._next][0] if self._next < len(self.spans) else self.end

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
            if self._on_close is not None:
                self._on_close()


class TruncatedStrings(Exception):
    """A piece used a shared string beyond the ones its workbook got: rebuild with all of them."""

    def __init__(self, start: int) -> None:
        super().__init__(start)
        self.start = start


def parse_next(workbook: Workbook) -> Piece:
    start = workbook.next_start()
    try:
        return workbook.parse_next()
    except BaseException as exc:
        if workbook.truncated and is_read_error(exc):
            workbook.close()
            raise TruncatedStrings(start) from exc
        raise



def cut_workbook(cutter: Cutter, table: PieceSource, package: Package, first_bytes: int,
                  limit: float | None = None) -> list[tuple[Part, int, int]]:
    """The pieces for the next workbook: the sheet data left, spread evenly over as few workbooks as fit
    (this one at most `limit` bytes)."""
    fixed = sum(len(data) for _, data, _ in package.members)
    fixed += len(package.shared.data) if package.shared is not None else 0
    room = max(table.workbook_bytes - fixed, 4 * table.chunk_bytes)
    left = max(table.xml.size - cutter.offset, 1)
    budget = left / -(-left // room)  # ceil: this many workbooks hold the rest
    if limit is not None:
        budget = min(budget, limit)
    cutter.fill(int(budget) + READ_BYTES)  # the whole workbook in one go: few GIL round trips
    pieces: list[tuple[Part, int, int]] = []
    total = 0
    while not pieces or total + table.chunk_bytes / 2 <= budget:  # at least one: none means the end
        piece = cutter.next(first_bytes if not pieces else table.chunk_bytes)
        if piece is None:
            break
        pieces.append(piece)
        total += len(piece[0])
    cutter.let_go()
    return pieces

