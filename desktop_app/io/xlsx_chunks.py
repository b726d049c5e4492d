"""Reading a large .xlsx sheet in pieces, so its rows can be used while the rest is still being parsed.

python-calamine parses a whole sheet before handing out its first row (seconds for 100,000 rows,
with the GIL released). Here the sheet's XML is inflated and cut between `<row>` elements;
consecutive pieces become the sheets of an .xlsx (the package's shared strings, styles
and workbook properties copied, so cells come out exactly as from the whole sheet) which calamine
parses one piece at a time on a helper thread, while the caller works through the rows of the
pieces before.

What it costs decided the sizes (bench/bench_xlsx_chunks.py). Opening a workbook parses its shared
strings (~0.15 s for 20 MB). The first workbook is in memory and small (up to `first_workbook_bytes`,
with only the shared strings up to the highest index its pieces use: strings are numbered in order of
first use, so that is a prefix; a wrong guess makes calamine report a missing index and the workbook
is rebuilt with all of them). Its first piece (the header search reads it several times) is kept; the
helper thread starts only when a reader goes past that piece and takes over the rest of the first
workbook, while a second helper writes the rest of the sheet as the pieces of a temporary .xlsx
(`_SpillFile`), which calamine opens once and reads a piece at a time. Where no temporary file can be
written, the rest goes into in-memory workbooks of up to `workbook_bytes` instead (each copied by
calamine and parsing the shared strings again: 0.2-0.4 s apiece for a 100,000-row 抖店 sheet).

Calamine places rows by their `r` attribute, so a piece always starts with a row that has one.
Anything this reader does not expect makes `chunked_table` return None: the sheet is read whole.
No import of spreadsheet_readers, which is where these tables are made.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import queue
import re
import struct
import tempfile
import threading
import time
import weakref
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import python_calamine
from defusedxml import ElementTree

from desktop_app.io.import_errors import OrderFileRefused

Cell = object
_T = TypeVar("_T")
Part = bytes | memoryview

# Below this much sheet XML (~13,000 Douyin rows, a second of parsing) reading whole is fine.
MIN_SHEET_BYTES = 16 * 1024 * 1024
# The first piece: ~850 Douyin rows, plenty for the header search and the mapping preview.
FIRST_CHUNK_BYTES = 1024 * 1024
# Later pieces: each costs one GIL round trip on the helper (below), the reader's last one is not
# overlapped by anything; 4 MB measured best (2 and 8 MB slower).
CHUNK_BYTES = 4 * 1024 * 1024
# One in-memory workbook (pieces and shared strings) when there is no spill file: calamine copies it
# into a buffer that doubles as it grows, so just under a power of two.
WORKBOOK_BYTES = 64 * 1024 * 1024 - 256 * 1024
# The first workbook's pieces: small, so the first rows come quickly (~0.25 s); its ~20,000 Douyin
# rows keep the reader busy while the rest of the sheet is written to the spill file.
FIRST_WORKBOOK_BYTES = 24 * 1024 * 1024
# Parsed pieces waiting for the reader, in bytes of XML: covers the opening of the next workbook.
PARSED_AHEAD_BYTES = 16 * 1024 * 1024
PARSED_AHEAD_PIECES = 8
# Rows a reader may take before the helper thread starts (find_header looks at 10, the preview at 20).
LAZY_START_ROWS = 32
# The worksheet's opening part (sheetPr, dimension, sheetViews, cols ...) must end within this.
MAX_PREFIX_BYTES = 4 * 1024 * 1024
_READ_BYTES = 1024 * 1024
# Shared-string indexes are sampled from the end of each piece; the bound gets this much slack.
_SAMPLE_BYTES = 64 * 1024
_INDEX_SLACK = 1024

_RELATIONSHIPS_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHARED_STRINGS = "xl/sharedStrings.xml"  # where calamine looks for them
# Parts calamine does not read for cell values; everything else is copied into each workbook.
_SKIPPED_PREFIXES = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/", "xl/drawings/",
                     "xl/media/", "xl/charts/", "xl/embeddings/", "xl/pivotCache/", "xl/pivotTables/",
                     "xl/printerSettings/", "xl/externalLinks/", "xl/tables/", "xl/queryTables/",
                     "xl/activeX/", "xl/ctrlProps/", "docProps/", "customXml/")
_SKIPPED_NAMES = ("xl/vbaProject.bin", "xl/calcChain.xml", _WORKBOOK, _WORKBOOK_RELS)

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_WORKSHEET_START = re.compile(rb"<(" + _NAME + rb")worksheet[\s>]")
_SHEETDATA_START = re.compile(rb"<(" + _NAME + rb")sheetData(?:\s[^>]*)?(/?)>")
_DIMENSION = re.compile(rb"<(" + _NAME + rb")dimension\b[^>]*?(?:/>|>\s*</\1dimension\s*>)")
_R_ATTRIBUTE = re.compile(rb"\sr\s*=\s*[\"']")
_SHEETS = re.compile(rb"<(" + _NAME + rb")sheets(?:\s[^>]*)?(?:/>|>.*?</\1sheets\s*>)", re.DOTALL)
_RELATIONSHIPS_END = re.compile(rb"</" + _NAME + rb"Relationships\s*>\s*$")
_SST_START = re.compile(rb"<(" + _NAME + rb")sst[\s>]")
_SHARED_INDEX = re.compile(rb"""\st\s*=\s*["']s["'][^>]*>\s*<""" + _NAME + rb"""v>\s*(\d+)\s*<""")


def _damaged(path: Path, name: str, exc: BaseException) -> OrderFileRefused:
    # Same wording as CalamineSpreadsheet.table(), where the whole-sheet parse reports these.
    if _is_panic(exc):
        return OrderFileRefused(path, f"工作表“{name}”无法读取，文件已损坏")
    return OrderFileRefused(path, f"工作表“{name}”无法读取，文件可能已损坏或不完整（{exc}）")


def _is_panic(exc: BaseException) -> bool:
    # A Rust panic surfaces as pyo3's PanicException, a BaseException.
    return type(exc).__name__ == "PanicException"


# What a damaged package or sheet raises while being read.
_READ_ERRORS: tuple[type[BaseException], ...] = (python_calamine.CalamineError, zipfile.BadZipFile, zlib.error,
                                                 EOFError, OSError, ValueError, NotImplementedError)


def _is_read_error(exc: BaseException) -> bool:
    return isinstance(exc, _READ_ERRORS) or _is_panic(exc)


# --- the package ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _SheetXml:
    """How to stream one worksheet member and rebuild pieces of it."""

    path: Path
    member: str
    info: zipfile.ZipInfo  # the member's entry in the zip directory, read once
    data_start: int  # offset just after the <sheetData> start tag
    prefix: bytes  # the worksheet up to and including <sheetData>, without <dimension>
    closing: bytes  # </sheetData></worksheet>, with the file's namespace prefixes
    row_start: re.Pattern[bytes]
    row_end: bytes
    data_end: bytes  # </sheetData>
    copied: tuple[str, ...]  # members copied into every in-memory workbook
    workbook_xml: tuple[bytes, bytes]  # workbook.xml before and after its <sheets> element
    sheets_prefix: bytes
    workbook_rels: tuple[bytes, bytes]  # the relationships before and after their end tag

    @property
    def size(self) -> int:
        """Uncompressed bytes of the member."""
        return self.info.file_size


class _SharedStrings:
    """xl/sharedStrings.xml, cut after its first n strings on demand."""

    def __init__(self, data: bytes, crc: int) -> None:
        self.data = data
        self.crc = crc
        start = _SST_START.search(data)
        if start is None:
            raise ValueError("no <sst> element")
        prefix = start.group(1)
        self._closing = b"</%ssst>" % prefix
        self._opening = (b"<%ssi>" % prefix, b"<%ssi " % prefix, b"<%ssi/>" % prefix)
        self._item = re.compile(b"<" + re.escape(prefix) + rb"si[ />]")
        item_end = b"</%ssi>" % prefix
        # Counts per block of about 256 KB, the blocks ending after an </si>: no <si> straddles two.
        self._block_starts: list[int] = []
        self._before: list[int] = []  # strings in the blocks before each block
        position = data.find(self._opening[0])
        position = start.end() if position < 0 else position
        counted = 0
        while True:
            end = data.find(item_end, position + 256 * 1024)
            end = len(data) if end < 0 else end + len(item_end)
            self._block_starts.append(position)
            self._before.append(counted)
            counted += sum(data.count(token, position, end) for token in self._opening)
            if end >= len(data):
                break
            position = end
        self.count = counted

    def _offset(self, index: int) -> int:
        """Where string `index` (0-based) starts."""
        block = bisect.bisect_right(self._before, index) - 1
        end = self._block_starts[block + 1] if block + 1 < len(self._block_starts) else len(self.data)
        found = next(itertools.islice(self._item.finditer(self.data, self._block_starts[block], end),
                                      index - self._before[block], None), None)
        if found is None:
            raise ValueError("shared string not found")
        return found.start()

    def first(self, count: int) -> tuple[list[Part], int, int]:
        """The member holding the first `count` strings: its parts, CRC-32 and size."""
        if count >= self.count:
            return [self.data], self.crc, len(self.data)
        head = memoryview(self.data)[:self._offset(count)]
        parts: list[Part] = [head, self._closing]
        return parts, _crc32(parts), len(head) + len(self._closing)


@dataclass
class _Package:
    """What every in-memory workbook copies, read once per table."""

    members: list[tuple[str, bytes, int]]  # name, data, CRC-32
    shared: _SharedStrings | None

    @classmethod
    def read(cls, xml: _SheetXml, archive: zipfile.ZipFile) -> _Package:
        members: list[tuple[str, bytes, int]] = []
        shared = None
        for name in xml.copied:
            data = archive.read(name)  # checks the CRC-32 the zip's directory states
            crc = archive.getinfo(name).CRC
            if name == _SHARED_STRINGS:
                try:
                    shared = _SharedStrings(data, crc)
                    continue
                except ValueError:  # not what calamine expects either: copied as it is
                    pass
            members.append((name, data, crc))
        return cls(members, shared)


class _ZipWriter:
    """Writes a ZIP_STORED archive member by member through `write` (no member's data copied), the
    central directory last (`finish`)."""

    def __init__(self, write: Callable[[Part], object]) -> None:
        self._write = write
        self._central: list[bytes] = []
        self._offset = 0

    def add(self, name: str, parts: Sequence[Part], crc: int | None = None, size: int | None = None) -> None:
        """One member; CRC-32 and size None: computed here."""
        if crc is None or size is None:
            crc = _crc32(parts)
            size = sum(len(part) for part in parts)
        encoded = name.encode("utf-8")
        if self._offset + size + len(encoded) + 30 >= 1 << 32:  # would need ZIP64
            raise OverflowError("in-memory workbook over 4 GB")
        flags = 0 if encoded.isascii() else 0x800
        # version 2.0, no compression, timestamp 1980-01-01 00:00
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0x21, crc, size, size, len(encoded), 0)
        self._central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, 0, 0x21, crc, size,
                                         size, len(encoded), 0, 0, 0, 0, 0, self._offset) + encoded)
        for part in (local, encoded, *parts):
            self._write(part)
        self._offset += len(local) + len(encoded) + size

    def finish(self) -> None:
        directory = b"".join(self._central)
        count = len(self._central)
        self._write(directory)
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), self._offset, 0))


def _zip(members: Sequence[tuple[str, Sequence[Part], int | None, int | None]]) -> list[Part]:
    """A ZIP_STORED archive as a list of parts, without copying the members' data.

    Members are (name, parts, CRC-32, size); None: computed here.
    """
    out: list[Part] = []
    writer = _ZipWriter(out.append)
    for member in members:
        writer.add(*member)
    writer.finish()
    return out


class _PartsReader:
    """A read-only binary file over a list of parts, for CalamineWorkbook.from_filelike.

    from_filelike reads it once from start to end (python-calamine 0.9) and copies it, so each part
    is let go once read: the pieces are not held twice while calamine copies its buffer again.
    """

    def __init__(self, parts: list[Part]) -> None:
        self._parts = parts
        self._starts: list[int] = []
        total = 0
        for part in parts:
            self._starts.append(total)
            total += len(part)
        self._size = total
        self._position = 0
        self._released = 0  # parts before this index are let go

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._position, self._size)[whence]
        self._position = max(0, base + offset)
        return self._position

    def read(self, size: int = -1) -> bytes:
        end = self._size if size is None or size < 0 else min(self._size, self._position + size)
        index = max(0, bisect.bisect_right(self._starts, self._position) - 1)
        if index < self._released and self._position < end:
            raise OSError("in-memory workbook read twice")
        chunks: list[Part] = []
        position = self._position
        while position < end:
            part, start = self._parts[index], self._starts[index]
            chunks.append(memoryview(part)[position - start:min(len(part), end - start)])
            position = start + len(part)
            index += 1
        self._position = end
        data = b"".join(chunks)
        del chunks
        while self._released < len(self._parts) and (self._starts[self._released]
                                                      + len(self._parts[self._released]) <= end):
            self._parts[self._released] = b""
            self._released += 1
        return data


# --- cutting the sheet ----------------------------------------------------------------------------
#
# The helper thread needs the GIL back after every call that released it, and while the reader runs
# Python that takes up to the switch interval (5 ms): some hundred such calls per sheet doubled the
# helper's time (measured). So the member is inflated in a few large calls, pieces are views into
# that buffer, and checksums are computed in slices too small for zlib to release the GIL.

class _Inflater:
    """A stored or deflated zip member as a stream, read in large steps."""

    def __init__(self, path: Path, info: zipfile.ZipInfo) -> None:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            # (chunked_table reads such members whole; this is the last line of defence)
            raise zipfile.BadZipFile(f"unsupported compression {info.compress_type} or encryption")
        self._file = path.open("rb")
        try:
            self._file.seek(info.header_offset)
            header = self._file.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("bad local file header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            self._file.seek(info.header_offset + 30 + name_length + extra_length)
        except BaseException:
            self._file.close()
            raise
        self._left = info.compress_size  # compressed bytes not read yet
        self._inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self._pending = b""  # compressed bytes read but not inflated yet

    def read(self, size: int) -> bytes:
        """Up to `size` bytes, fewer only at the end of the member."""
        out: list[bytes] = []
        have = 0
        while have < size:
            if self._inflate is None:
                data = self._file.read(min(size - have, self._left))
                self._left -= len(data)
            else:
                if not self._pending and self._left:
                    # about a fifth of what is wanted: sheet XML deflates 5-10 times
                    self._pending = self._file.read(min(self._left, max((size - have) // 5, 1 << 20)))
                    self._left -= len(self._pending)
                if not self._pending:
                    data = self._inflate.flush() if not self._inflate.eof else b""
                else:
                    data = self._inflate.decompress(self._pending, size - have)
                    self._pending = self._inflate.unconsumed_tail
            if not data:
                break
            out.append(data)
            have += len(data)
        return out[0] if len(out) == 1 else b"".join(out)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> _Inflater:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CRC_STEP = 5 * 1024  # CPython's zlib.crc32 keeps the GIL up to this many bytes


def _crc32(parts: Sequence[Part], *, keep_gil: bool = True) -> int:
    """keep_gil False: one call a part, zlib lets the GIL go (for a thread that may wait for it)."""
    crc = 0
    for part in parts:
        if not keep_gil:
            crc = zlib.crc32(part, crc)
            continue
        view = memoryview(part)
        for start in range(0, len(view), _CRC_STEP):
            crc = zlib.crc32(view[start:start + _CRC_STEP], crc)
    return crc


class _Cutter:
    """Reads the worksheet member from `start` on and cuts it before rows that carry an `r` attribute.

    Pieces are views into the buffer read last, which they keep alive until they are let go.
    """

    def __init__(self, xml: _SheetXml, stream: _Inflater, start: int) -> None:
        self._xml = xml
        self._stream = stream
        self._buffer = b""
        self._end = 0  # the buffer's data ends here (at </sheetData> once finished)
        self._position = 0  # where the next piece starts in the buffer
        self.offset = start  # member offset of the next piece
        self.finished = False  # the buffer runs up to </sheetData>, nothing more to read
        while start > 0:  # a restart further on: inflate up to there
            skipped = stream.read(min(start, 16 * _READ_BYTES))
            if not skipped:
                raise EOFError("工作表内容提前结束")
            start -= len(skipped)

    def fill(self, wanted: int) -> None:
        """Read until `wanted` bytes are buffered past the next piece's start, or </sheetData> is."""
        have = self._end - self._position
        if self.finished or have >= wanted:
            return
        tag = self._xml.data_end
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
        if self._xml.row_start.match(data, start) is None:
            return False
        return _R_ATTRIBUTE.search(data, start, close) is not None

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

    def next(self, target: int) -> tuple[memoryview, int, int] | None:
        """The next piece of about `target` bytes of whole rows, with its member offsets; None at the end."""
        self.fill(target + _READ_BYTES)
        base = self._position
        if self._end - base <= 4096 and not self._buffer[base:self._end].strip():
            return None
        end_tag = self._xml.row_end
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
                    self.fill(self._end - self._position + _READ_BYTES)
                    position -= base
                    base = self._position
                    position += base
                    continue
                if allowed:
                    cut = found + len(end_tag)
                position = found + len(end_tag)
        if cut < 0:
            cut = self._end
        piece = memoryview(self._buffer)[base:cut]
        self._position = cut
        start = self.offset
        self.offset += cut - base
        return piece, start, self.offset


def _highest_shared_index(pieces: Sequence[tuple[Part, int, int]]) -> int | None:
    """The highest shared-string index used near the end of each piece; None if none is."""
    found = [int(m) for piece, _, _ in pieces
             for m in _SHARED_INDEX.findall(piece, max(0, len(piece) - _SAMPLE_BYTES))]
    return max(found) if found else None


# --- in-memory workbooks --------------------------------------------------------------------------

@dataclass
class _Piece:
    """A parsed piece: `sheet` holds rows from sheet row `sheet.start[0] + 1` on."""

    sheet: python_calamine.CalamineSheet | None  # None: no cell with a value
    start: int  # member offsets of the piece's XML
    end: int


def _workbook_members(xml: _SheetXml, count: int,
                      package: _Package) -> list[tuple[str, Sequence[Part], int | None, int | None]]:
    """workbook.xml and its relationships for `count` pieces, sheets p0, p1 ... (`_piece_member`), and
    the package's members copied as they are (the shared strings are the caller's)."""
    sheets = b"".join(b'<%ssheet xmlns:r="%s" name="p%d" sheetId="%d" r:id="rIdAftersalesPiece%d"/>'
                      % (xml.sheets_prefix, _RELATIONSHIPS_NS, index, index + 1, index) for index in range(count))
    relationships = b"".join(b'<Relationship xmlns="%s" Id="rIdAftersalesPiece%d" Type="%s/worksheet" '
                             b'Target="/%s"/>' % (_PACKAGE_RELS_NS, index, _RELATIONSHIPS_NS,
                                                  _piece_member(index).encode()) for index in range(count))
    before, after = xml.workbook_xml
    return [
        (_WORKBOOK, [before, b"<%ssheets>" % xml.sheets_prefix, sheets, b"</%ssheets>" % xml.sheets_prefix, after],
         None, None),
        (_WORKBOOK_RELS, [xml.workbook_rels[0], relationships, xml.workbook_rels[1]], None, None),
        *[(name, [data], crc, len(data)) for name, data, crc in package.members],
    ]


def _piece_member(index: int) -> str:
    return f"xl/worksheets/aftersales_piece{index}.xml"


class _Workbook:
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
    def in_memory(cls, xml: _SheetXml, package: _Package, pieces: list[tuple[Part, int, int]],
                  all_strings: bool) -> _Workbook:
        """Takes the pieces over: `pieces` is emptied, so they are freed as calamine reads them."""
        spans = [(start, end) for _, start, end in pieces]
        members = _workbook_members(xml, len(pieces), package)
        truncated = False
        if package.shared is not None:
            highest = None if all_strings else _highest_shared_index(pieces)
            wanted = package.shared.count if highest is None else highest + 1 + _INDEX_SLACK
            parts, crc, size = package.shared.first(wanted)
            truncated = wanted < package.shared.count
            members.append((_SHARED_STRINGS, parts, crc, size))
        members += [(_piece_member(index), [xml.prefix, piece, xml.closing], None, None)
                    for index, (piece, _, _) in enumerate(pieces)]
        reader = _PartsReader(_zip(members))
        members.clear()
        pieces.clear()
        return cls(python_calamine.CalamineWorkbook.from_filelike(reader), spans, truncated=truncated)

    def remaining(self) -> int:
        return len(self.spans) - self._next if self._workbook is not None else 0

    def parse_next(self) -> _Piece:
        assert self._workbook is not None
        index = self._next
        self._next += 1
        sheet = self._workbook.get_sheet_by_name(f"p{index}")
        if not self.remaining():
            self.close()
        return _Piece(sheet if sheet.height else None, *self.spans[index])

    def next_start(self) -> int:
        return self.spans[self._next][0] if self._next < len(self.spans) else self.end

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
            if self._on_close is not None:
                self._on_close()


class _TruncatedStrings(Exception):
    """A piece used a shared string beyond the ones its workbook got: rebuild with all of them."""

    def __init__(self, start: int) -> None:
        super().__init__(start)
        self.start = start


def _parse_next(workbook: _Workbook) -> _Piece:
    start = workbook.next_start()
    try:
        return workbook.parse_next()
    except BaseException as exc:
        if workbook.truncated and _is_read_error(exc):
            workbook.close()
            raise _TruncatedStrings(start) from exc
        raise


# --- the rest of the sheet on disk ----------------------------------------------------------------

# Inflated per step while writing the spill file: few, large calls (see _Inflater).
SPILL_STEP_BYTES = 16 * 1024 * 1024


_SPILL_PREFIX = "aftersales-sheet-"
# A spill file this old was left by an import that never finished (the app killed, the power cut).
_STALE_SPILL_SECONDS = 24 * 3600


def _remove_stale_spills(directory: Path, before: float) -> None:
    with contextlib.suppress(OSError):
        for old in directory.glob(f"{_SPILL_PREFIX}*.xlsx"):
            with contextlib.suppress(OSError):  # gone meanwhile, or still open (Windows)
                if old.stat().st_mtime < before:
                    old.unlink()


class _SpillFailed(Exception):
    """The spill file could not be written (no temporary directory, disk full ...): in memory instead."""


class _SpillFile:
    """The rest of the sheet as the sheets of a temporary .xlsx (stored members), written a piece at a
    time and opened with calamine once complete; deleted when its workbook closes.

    Why not more in-memory workbooks: each is copied into calamine's buffer and parses the shared
    strings again (0.2-0.4 s apiece, three of them for a 100,000-row 抖店 sheet, measured). From a file
    calamine parses them once and reads a sheet only when asked for it, and the pieces' pages are the
    system's file cache rather than this process's memory.
    """

    def __init__(self, xml: _SheetXml, chunk_bytes: int, handle: int, path: Path) -> None:
        self._xml = xml
        self._chunk_bytes = chunk_bytes
        self.path = path
        self._file = os.fdopen(handle, "wb")
        self._zip = _ZipWriter(self._file.write)
        self.spans: list[tuple[int, int]] = []

    @classmethod
    def create(cls, xml: _SheetXml, chunk_bytes: int) -> _SpillFile | None:
        try:
            handle, name = tempfile.mkstemp(prefix=_SPILL_PREFIX, suffix=".xlsx")
        except OSError:
            return None
        path = Path(name)
        _remove_stale_spills(path.parent, time.time() - _STALE_SPILL_SECONDS)
        return cls(xml, chunk_bytes, handle, path)

    def step(self, cutter: _Cutter) -> bool:
        """Write the next piece; False once the sheet is all written."""
        if not cutter.finished and cutter.buffered() < self._chunk_bytes + _READ_BYTES:
            cutter.fill(SPILL_STEP_BYTES)
        piece = cutter.next(self._chunk_bytes)
        if piece is None:
            return False
        data, start, end = piece
        parts = [self._xml.prefix, data, self._xml.closing]
        crc = _crc32(parts, keep_gil=False)
        try:
            self._zip.add(_piece_member(len(self.spans)), parts, crc, sum(len(part) for part in parts))
        except (OSError, OverflowError) as exc:
            raise _SpillFailed from exc
        self.spans.append((start, end))
        return True

    def open(self, package: _Package) -> _Workbook | None:
        """The pieces written as a workbook (None: there were none); closing it deletes the file."""
        if not self.spans:
            return None
        members = _workbook_members(self._xml, len(self.spans), package)
        if package.shared is not None:
            members.append((_SHARED_STRINGS, [package.shared.data], package.shared.crc, len(package.shared.data)))
        try:
            for member in members:
                self._zip.add(*member)
            self._zip.finish()
            self._file.close()
        except (OSError, OverflowError) as exc:
            raise _SpillFailed from exc
        workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
        return _Workbook(workbook, self.spans, truncated=False, on_close=self.discard)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()


_END = object()


class _Producer:
    """The helper thread: cuts, builds and parses pieces, handing them over through a bounded queue."""

    def __init__(self, table: ChunkedXlsxTable, start: int, spare: _Workbook | None) -> None:
        self._table = table
        self._start = start
        self._spare = spare
        self._stop = threading.Event()
        ahead = min(PARSED_AHEAD_PIECES, max(2, PARSED_AHEAD_BYTES // max(table.chunk_bytes, 1)))
        self.queue: queue.Queue[object] = queue.Queue(maxsize=ahead)
        self.thread = threading.Thread(target=self._run, name="xlsx-chunks", daemon=True)
        self.thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _hand_over(self, workbook: _Workbook) -> bool:
        try:
            while workbook.remaining():
                if self._stop.is_set() or not self._put(_parse_next(workbook)):
                    return False
            return True
        finally:
            workbook.close()

    def _run(self) -> None:
        table = self._table
        spare, self._spare = self._spare, None
        try:
            start = self._start
            while True:  # restarted from a piece whose workbook lacked shared strings
                try:
                    self._produce(start, spare)
                    break
                except _TruncatedStrings as retry:
                    spare = None  # (closed by _hand_over)
                    table.all_strings = True
                    start = retry.start
            self._put(_END)
        except BaseException as exc:  # handed to the reader, which raises it as a refusal
            self._put(exc)
        finally:
            if spare is not None:
                spare.close()

    def _produce(self, start: int, spare: _Workbook | None) -> None:
        """Hands over the rest of the sheet: the spare workbook's pieces, then those from its end on."""
        table = self._table
        xml = table._xml
        begin = spare.end if spare is not None else start
        package = table.package()
        spill = _SpillFile.create(xml, table.chunk_bytes) if table.spill else None
        if spill is not None:
            try:
                workbook = self._spill_rest(spill, package, begin, spare)
            except _SpillFailed:  # written in memory after all; the spare has been handed over
                spill.discard()
                spare = None
            except BaseException:
                spill.discard()
                raise
            else:
                if workbook is None:
                    spill.discard()
                else:
                    self._hand_over(workbook)  # closing it deletes the file
                return
        if spare is not None and not self._hand_over(spare):
            return
        with _Inflater(xml.path, xml.info) as stream:
            cutter = _Cutter(xml, stream, begin)
            while not self._stop.is_set():
                pieces = _cut_workbook(cutter, table, package, table.chunk_bytes)
                if not pieces or self._stop.is_set():
                    return
                if not self._hand_over(_Workbook.in_memory(xml, package, pieces, table.all_strings)):
                    return

    def _spill_rest(self, spill: _SpillFile, package: _Package, begin: int,
                    spare: _Workbook | None) -> _Workbook | None:
        """Writes the sheet from `begin` on into `spill` and opens it; the spare's pieces are handed over
        meanwhile, the writing done by a second helper thread (its calls mostly release the GIL: inflating,
        writing). None: stopped, or nothing was left. _SpillFailed: the file could not be written (the
        spare was handed over all the same)."""
        xml = self._table._xml
        halt = threading.Event()
        failure: BaseException | None = None

        def write() -> None:
            nonlocal failure
            try:
                with _Inflater(xml.path, xml.info) as stream:
                    cutter = _Cutter(xml, stream, begin)
                    while not halt.is_set() and not self._stop.is_set() and spill.step(cutter):
                        pass
            except BaseException as exc:  # raised on the producer's thread below
                failure = exc

        writer = threading.Thread(target=write, name="xlsx-spill", daemon=True)
        writer.start()
        try:
            if spare is not None and not self._hand_over(spare):
                return None
        except BaseException:
            halt.set()
            raise
        finally:
            writer.join()
        if self._stop.is_set():
            return None
        if failure is not None:
            raise failure
        return spill.open(package)

    def close(self) -> None:
        """Stop the thread and drop what it parsed; waits for at most one calamine call to finish."""
        self._stop.set()
        while self.thread.is_alive():
            with contextlib.suppress(queue.Empty):  # unblock a waiting put
                while True:
                    self.queue.get_nowait()
            self.thread.join(timeout=0.05)
        with contextlib.suppress(queue.Empty):
            while True:
                self.queue.get_nowait()


def _cut_workbook(cutter: _Cutter, table: ChunkedXlsxTable, package: _Package, first_bytes: int,
                  limit: float | None = None) -> list[tuple[Part, int, int]]:
    """The pieces for the next workbook: the sheet data left, spread evenly over as few workbooks as fit
    (this one at most `limit` bytes)."""
    fixed = sum(len(data) for _, data, _ in package.members)
    fixed += len(package.shared.data) if package.shared is not None else 0
    room = max(table.workbook_bytes - fixed, 4 * table.chunk_bytes)
    left = max(table._xml.size - cutter.offset, 1)
    budget = left / -(-left // room)  # ceil: this many workbooks hold the rest
    if limit is not None:
        budget = min(budget, limit)
    cutter.fill(int(budget) + _READ_BYTES)  # the whole workbook in one go: few GIL round trips
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


def _in_background(work: Callable[[], _T], name: str) -> Callable[[], _T]:
    """Runs `work` on a thread of its own; the function returned waits for its result (or raises what
    it raised)."""
    outcome: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # raised where the result is asked for
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def result() -> _T:
        thread.join()
        done, value = outcome[0]
        if not done:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    return result


# --- the table ------------------------------------------------------------------------------------

@dataclass
class _Head:
    """The first piece's rows, kept for the next reader (first rows are read several times)."""

    rows: list[tuple[int, tuple[Cell, ...]]]
    width: int
    end: int  # member offset where the first piece ends
    last: bool  # the first piece is the whole sheet


@dataclass
class ChunkedXlsxTable:
    """One worksheet of a large .xlsx, parsed piece by piece (the `Table` protocol of spreadsheet_readers).

    Rows are absolute: cell i is sheet column i (`first_column` is 0), each row at least as wide as the
    widest row of the first piece (padded with None). Blank rows between rows with values come out as
    rows of None (the whole-sheet reader gives them as rows of '').
    """

    name: str
    _xml: _SheetXml
    first_chunk_bytes: int = FIRST_CHUNK_BYTES
    chunk_bytes: int = CHUNK_BYTES
    workbook_bytes: int = WORKBOOK_BYTES
    first_workbook_bytes: int = FIRST_WORKBOOK_BYTES
    # The sheet after the first workbook is written to a temporary file (`_SpillFile`) unless False.
    spill: bool = True
    # Set once a workbook lacked a shared string its pieces used: from then on they get all of them.
    all_strings: bool = False
    _package: _Package | None = None
    _head: _Head | None = None
    # The rest of the first in-memory workbook: the first reader going past the first piece takes it.
    _spare: _Workbook | None = None
    _progress: tuple[int, int, int, int] = (0, 0, 0, 0)  # piece start, piece end, its rows, rows done
    _started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def path(self) -> Path:
        return self._xml.path

    @property
    def row_count(self) -> int | None:
        return None

    @property
    def first_column(self) -> int:
        return 0

    def fraction_read(self) -> float | None:
        if not self._started:
            return None
        start, end, count, done = self._progress
        position = start + (end - start) * done / count if count else start
        return min(1.0, position / self._xml.size)

    def package(self) -> _Package:
        # Kept (about the size of the shared strings): every workbook copies it. Read through a zip
        # handle of its own: it may be read on a thread beside one inflating the sheet.
        with self._lock:
            if self._package is None:
                with zipfile.ZipFile(self._xml.path) as archive:
                    self._package = _Package.read(self._xml, archive)
            return self._package

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        self._started = True
        self._progress = (0, 0, 0, 0)
        head = self._head or self._read_head()
        yield from self._rows(head)

    def _read_head(self) -> _Head:
        try:
            while True:
                try:
                    return self._try_head()
                except _TruncatedStrings:
                    self.all_strings = True
        except BaseException as exc:
            if not _is_read_error(exc):
                raise
            raise _damaged(self._xml.path, self.name, exc) from None

    def _try_head(self) -> _Head:
        xml = self._xml
        with _Inflater(xml.path, xml.info) as stream:
            # The shared strings are inflated on a helper thread while this one inflates the sheet's
            # first workbook (both release the GIL): the first rows come ~0.1 s sooner (measured).
            package = _in_background(self.package, "xlsx-package")
            cutter = _Cutter(xml, stream, xml.data_start)
            cutter.fill(self.first_workbook_bytes + _READ_BYTES)
            pieces = _cut_workbook(cutter, self, package(), self.first_chunk_bytes, self.first_workbook_bytes)
            complete = not cutter.has_more()
        package = package()
        workbook = _Workbook.in_memory(xml, package, pieces, self.all_strings) if pieces else None
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        width = 0
        end = xml.data_start
        if workbook is not None:
            first = _parse_next(workbook)
            end = first.end
            if first.sheet is not None:
                top, left = first.sheet.start or (0, 0)
                width = left + first.sheet.width
                pad = (None,) * left
                rows = [(top + 1 + index, pad + tuple(cells)) for index, cells in enumerate(first.sheet.to_python())]
            if workbook.remaining():
                _keep_spare(self, workbook)
                complete = False
        self._head = _Head(rows, width, end, complete)
        return self._head

    def _rows(self, head: _Head) -> Iterator[tuple[int, Sequence[Cell]]]:
        width = head.width
        blank = (None,) * width
        previous = 0  # the last row number handed out: blank rows between pieces are filled in
        count = len(head.rows)
        producer: _Producer | None = None
        try:
            for index, (number, cells) in enumerate(head.rows):
                if index == LAZY_START_ROWS and not head.last:
                    producer = self._start_producer(head)
                while previous + 1 < number:
                    previous += 1
                    yield previous, list(blank)
                row = list(cells)
                if len(row) < width:
                    row.extend(blank[len(row):])
                self._progress = (self._xml.data_start, head.end, count, index + 1)
                previous = number
                yield number, row
            if head.last:
                return
            if producer is None:
                producer = self._start_producer(head)
            while True:
                item = producer.queue.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    if _is_read_error(item):
                        raise _damaged(self._xml.path, self.name, item) from None
                    raise item
                assert isinstance(item, _Piece)
                span = (item.start, item.end)
                if item.sheet is None:  # only rows without values
                    self._progress = (*span, 1, 1)
                    continue
                top, left = item.sheet.start or (0, 0)
                number = top + 1
                while previous + 1 < number:
                    previous += 1
                    yield previous, list(blank)
                # The whole piece at once: `iter_rows` hands the GIL back between rows, and with the
                # parsing thread busy each row then waited for it (10 s instead of 0.6 s, measured).
                converted = item.sheet.to_python()
                item = None  # free the parsed piece before its rows are used
                count = len(converted)
                for index, row in enumerate(converted):
                    if left:
                        row[:0] = (None,) * left
                    if len(row) < width:
                        row.extend(blank[len(row):])
                    self._progress = (*span, count, index + 1)
                    yield number, row
                    number += 1
                previous = number - 1
        finally:
            if producer is not None:
                producer.close()

    def _start_producer(self, head: _Head) -> _Producer:
        with _SPARE_LOCK:
            spare, self._spare = self._spare, None
        return _Producer(self, head.end, spare)


# The importer looks at the first rows of every sheet before reading one through: only the latest
# table keeps the rest of its first workbook (~100 MB for a large sheet).
_SPARE_LOCK = threading.Lock()
_spare_owner: weakref.ref[ChunkedXlsxTable] | None = None


def _keep_spare(table: ChunkedXlsxTable, workbook: _Workbook) -> None:
    global _spare_owner
    with _SPARE_LOCK:
        previous = _spare_owner() if _spare_owner is not None else None
        if previous is not None and previous is not table and previous._spare is not None:
            previous._spare.close()
            previous._spare = None
        if table._spare is not None:
            table._spare.close()
        table._spare = workbook
        _spare_owner = weakref.ref(table)


# --- deciding whether to read in pieces -----------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def worksheet_names_if_large(path: Path | str, min_sheet_bytes: int = MIN_SHEET_BYTES) -> list[str] | None:
    """The names of the worksheets of an .xlsx in workbook order when one of them is large enough to
    be read in pieces, else None (also for anything unexpected).

    Opening such a workbook with python-calamine parses its shared strings (0.2 s and 34 MB for a
    100,000-row export, measured) which reading in pieces does not use: the caller can open it later,
    only if a sheet has to be read whole after all.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _WORKBOOK not in names or _WORKBOOK_RELS not in names:
                return None
            sheets: list[str] = []
            large = False
            for element in ElementTree.fromstring(archive.read(_WORKBOOK)).iter():
                if _local(element.tag) != "sheet":
                    continue
                name = element.get("name")
                member = _sheet_member(archive, name) if name else None
                if name is None or member is None or not member.startswith("xl/worksheets/") or member not in names:
                    return None  # a chart sheet, a dangling entry: let calamine list the sheets
                sheets.append(name)
                large = large or archive.getinfo(member).file_size >= min_sheet_bytes
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
        return None
    except Exception as exc:  # defusedxml refusing entities or a DTD: calamine decides
        if type(exc).__module__.startswith("defusedxml"):
            return None
        raise
    return sheets if large and sheets else None


def _sheet_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The worksheet member of the sheet called `name`, resolved as calamine does."""
    workbook = ElementTree.fromstring(archive.read(_WORKBOOK))
    relationship = None
    for element in workbook.iter():
        if _local(element.tag) == "sheet" and element.get("name") == name:
            relationship = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            break
    if relationship is None:
        return None
    rels = ElementTree.fromstring(archive.read(_WORKBOOK_RELS))
    for element in rels.iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == relationship:
            target = element.get("Target") or ""
            if target.startswith("/xl/"):
                return target[1:]
            return target if target.startswith("xl/") else f"xl/{target}"
    return None


def _read_prefix(archive: zipfile.ZipFile, member: str) -> tuple[bytes, int, bytes] | None:
    """The member up to the end of the <sheetData> start tag, that offset, and some of what follows."""
    with archive.open(member) as stream:
        data = b""
        while len(data) < MAX_PREFIX_BYTES:
            piece = stream.read(256 * 1024)
            if not piece:
                break
            data += piece
            match = _SHEETDATA_START.search(data)
            if match is not None and len(data) >= match.end() + 64 * 1024:
                break
        match = _SHEETDATA_START.search(data)
        if match is None or match.group(2):  # none, or an empty <sheetData/>
            return None
        return data[:match.end()], match.end(), data[match.end():]


def chunked_table(path: Path | str, name: str, *, first_chunk_bytes: int = FIRST_CHUNK_BYTES,
                  chunk_bytes: int = CHUNK_BYTES, workbook_bytes: int = WORKBOOK_BYTES,
                  first_workbook_bytes: int = FIRST_WORKBOOK_BYTES,
                  min_sheet_bytes: int = MIN_SHEET_BYTES, spill: bool = True) -> ChunkedXlsxTable | None:
    """The sheet `name` of the .xlsx at `path` read in pieces, or None when it is better read whole.

    None for a sheet under `min_sheet_bytes` of XML, a file that is no plain .xlsx/.xlsm (xlsb, xls,
    ods, csv ...) and any worksheet layout this reader does not expect. Errors reading the package
    are left to the whole-sheet reader, which reports them. Call it after the workbook opened with
    python-calamine (open_spreadsheet has refused encrypted files and zip bombs by then).
    """
    path = Path(path)
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if _WORKBOOK not in names or _WORKBOOK_RELS not in names:
                return None
            member = _sheet_member(archive, name)
            if member is None or member not in names:
                return None
            info = archive.getinfo(member)
            if (info.file_size < max(min_sheet_bytes, 1) or info.flag_bits & 0x1
                    or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
                return None
            found = _read_prefix(archive, member)
            if found is None:
                return None
            head, data_start, after = found
            root = _WORKSHEET_START.search(head)
            sheet_data = _SHEETDATA_START.search(head)
            if root is None or sheet_data is None:
                return None
            data_prefix = sheet_data.group(1)
            row_start = re.compile(rb"<" + re.escape(data_prefix) + rb"row[\s>/]")
            first = after.lstrip(b" \t\r\n")
            close = first.find(b">")
            if row_start.match(first) is None or close < 0 or _R_ATTRIBUTE.search(first, 0, close) is None:
                return None  # empty sheet data, or rows calamine numbers by counting
            workbook_xml = archive.read(_WORKBOOK)
            sheets = _SHEETS.search(workbook_xml)
            rels = archive.read(_WORKBOOK_RELS)
            rels_end = _RELATIONSHIPS_END.search(rels)
            if sheets is None or rels_end is None:
                return None
            copied = tuple(n for n in archive.namelist() if not n.endswith("/")
                           and not n.startswith(_SKIPPED_PREFIXES) and n not in _SKIPPED_NAMES)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, NotImplementedError,
            ElementTree.ParseError):
        return None
    except Exception as exc:  # defusedxml refusing entities or a DTD: the whole-sheet reader decides
        if type(exc).__module__.startswith("defusedxml"):
            return None
        raise
    sheets_prefix = sheets.group(1)
    xml = _SheetXml(
        path=path, member=member, info=info, data_start=data_start,
        prefix=_DIMENSION.sub(b"", head), closing=b"</%ssheetData></%sworksheet>" % (data_prefix, root.group(1)),
        row_start=row_start, row_end=b"</%srow>" % data_prefix, data_end=b"</%ssheetData>" % data_prefix,
        copied=copied, workbook_xml=(workbook_xml[:sheets.start()], workbook_xml[sheets.end():]),
        sheets_prefix=sheets_prefix, workbook_rels=(rels[:rels_end.start()], rels[rels_end.start():]),
    )
    return ChunkedXlsxTable(name, xml, first_chunk_bytes=first_chunk_bytes, chunk_bytes=chunk_bytes,
                            workbook_bytes=workbook_bytes, first_workbook_bytes=first_workbook_bytes, spill=spill)
