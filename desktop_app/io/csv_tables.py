"""A .csv/.txt export read with the csv module (io/spreadsheet_readers opens it as one when its content
says so): the encoding found from its first non-ASCII stretch, the delimiter from its header line, and the
rows checked as they come (io/csv_checks: quotes closed, not cut off, no NUL, unchanged while read)."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import system_error_text
from desktop_app.io.csv_checks import (
    ENDS_MID_CHARACTER,
    Signature,
    check_not_cut_off,
    check_quotes_closed,
    check_unchanged,
    signature,
)
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.nul_bytes import NulWatch, check_no_nul
from desktop_app.io.spreadsheet_types import Cell, Table

_CHUNK = 1024 * 1024
# Bytes in one line of the file: a row of 40 cells, one of them at csv's 131,072-character cell limit, with room
# to spare. A 20 MB line of "a," (no newline) was split into 10 million cells: 738 MB (measured).
MAX_LINE_BYTES = 4 * 1024 * 1024
_LINE_LIMIT = f"{MAX_LINE_BYTES // 1024 // 1024} MB"


class _LineTooLong(Exception):
    """A line of the file past MAX_LINE_BYTES."""


class _LineWatch(NulWatch):
    """The file's bytes, refused (_LineTooLong) as soon as MAX_LINE_BYTES go by without a line break: checked on
    the chunks the text reader takes (two searches a chunk), before the csv module has a line to split."""

    _since_break = 0

    def _watched(self, data: bytes) -> bytes:
        last = max(data.rfind(b"\n"), data.rfind(b"\r"))
        self._since_break = self._since_break + len(data) if last < 0 else len(data) - last - 1
        if self._since_break > MAX_LINE_BYTES:
            raise _LineTooLong
        return data

    def read(self, size: int | None = -1, /) -> bytes:
        return self._watched(super().read(size))

    def read1(self, size: int = -1, /) -> bytes:
        return self._watched(super().read1(size))
_CELL_END_TABS = re.compile(r"\t+(?=,|\r?\n?$)")


def detect_encoding(path: Path) -> str:
    """BOM first; else the first stretch of non-ASCII text decides: strict UTF-8 if it decodes as such
    (GBK text practically never does), else GB18030 (a superset of GBK).

    Only the file up to that stretch is decoded here (a GBK file can start with pages of pure ASCII);
    the reader decodes the rest strictly, so a file that changes encoding later is still refused,
    with the row where it happens. Decoding a 30 MB export twice cost ~0.2 s (measured).
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        read = 0
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                break
            if not chunk.isascii():
                return "utf-8"
        else:
            return "utf-8"  # nothing but ASCII
        handle.seek(0)
        try:
            # Incremental: the prefix may end inside a two- or four-byte character.
            codecs.getincrementaldecoder("gb18030")().decode(handle.read(read))
        except UnicodeDecodeError:
            pass
        else:
            return "gb18030"
    raise OrderFileRefused(path, "无法识别文件的文字编码（支持 UTF-8、GBK、GB18030）")


def _sniff_delimiter(first_line: str) -> str:
    # Some platforms save tab-separated text with a .xls or .csv name; the header line tells. A tab
    # ending a cell before its comma (拼多多's cells, its header's too when a tool writes it so) is part
    # of the cell, not a separator.
    separating = _CELL_END_TABS.sub("", first_line)
    return "\t" if separating.count("\t") > separating.count(",") else ","


@dataclass
class CsvTable:
    path: Path
    encoding: str
    name: str
    opened: Signature | None = None  # the file's size and time when the import opened it
    _raw: NulWatch | None = None
    _size: int = 0

    @property
    def row_count(self) -> int | None:
        return None

    @property
    def first_column(self) -> int:
        return 0

    def fraction_read(self) -> float | None:
        if self._raw is None or self._raw.closed or not self._size:
            return None
        return min(1.0, self._raw.tell() / self._size)

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        self._size = self.path.stat().st_size
        raw = _LineWatch(io.FileIO(self.path, "rb"))
        self._raw = raw
        try:
            check_unchanged(self.path, self.opened, signature(os.fstat(raw.fileno())))
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="strict", newline="")
            try:
                first = text.readline()
            except _LineTooLong:
                raise OrderFileRefused(self.path, msg.say(msg.LINE_OVER_LIMIT, 1, _LINE_LIMIT)) from None
            except UnicodeDecodeError:
                raise OrderFileRefused(self.path, "第 1 行的文字编码无法识别，文件可能已损坏") from None
            except OSError as exc:
                raise OrderFileRefused(self.path, msg.say(msg.READ_FAILED_AT_ROW, 1, system_error_text(exc))) from None
            delimiter = _sniff_delimiter(first)
            text.seek(0)
            reader = csv.reader(text, delimiter=delimiter)
            number = 0
            width = widest = 0
            last: tuple[int, list[str]] | None = None  # held back until the file is known to go on
            try:
                for number, record in enumerate(reader, start=1):
                    if not any(record):
                        continue  # a blank line (1,000,000 of them after the data took 26 s through the rows path)
                    width = width or len(record)
                    widest = max(widest, len(record))
                    if any("\n" in cell or "\r" in cell for cell in record):
                        check_quotes_closed(self.path, number, record, delimiter, width)
                    if raw.nul_seen:  # rarely: only then are the cells searched for one
                        check_no_nul(self.path, number, record)
                    if last is not None:
                        yield last
                    last = number, record
            except UnicodeDecodeError as exc:
                if exc.reason in ENDS_MID_CHARACTER:
                    raise OrderFileRefused(self.path, msg.say(msg.CUT_OFF_CHARACTER, number + 1)) from None
                raise OrderFileRefused(self.path, msg.say(msg.ENCODING_CHANGED, number + 1)) from None
            except OSError as exc:  # a network drive or USB stick gone, a byte range another program locked
                reason = msg.say(msg.READ_FAILED_AT_ROW, number + 1, system_error_text(exc))
                raise OrderFileRefused(self.path, reason) from None
            except _LineTooLong:
                reason = msg.say(msg.LINE_OVER_LIMIT, number + 1, _LINE_LIMIT)
                raise OrderFileRefused(self.path, reason) from None
            except csv.Error as exc:
                if "field limit" in str(exc):  # the module's words for a cell past csv.field_size_limit()
                    raise OrderFileRefused(self.path, msg.say(msg.CELL_OVER_CSV_LIMIT, number + 1,
                                                    f"{csv.field_size_limit():,}")) from None
                raise OrderFileRefused(self.path, msg.say(msg.NOT_CSV, number + 1, str(exc))) from None
            check_unchanged(self.path, self.opened, signature(os.fstat(raw.fileno())))  # rows are stored after
            if last is not None:
                check_not_cut_off(self.path, *last, widest)
                yield last
        finally:
            raw.close()


@dataclass
class CsvSpreadsheet:
    path: Path
    encoding: str
    kind: str = "csv"
    opened: Signature | None = None
    date1904: bool = False  # dates in a csv are text
    _tables: list[CsvTable] = field(default_factory=list)

    def sheet_names(self) -> list[str]:
        return [self.path.name]

    def table(self, name: str) -> Table:
        table = CsvTable(self.path, self.encoding, name, self.opened)
        self._tables.append(table)
        return table

    def whole_table(self, name: str) -> Table:
        return self.table(name)

    def release(self, name: str) -> None:
        """Nothing is cached: each `rows()` reads the file again."""

    def close(self) -> None:
        """The file of rows still being read (an import that failed or was cancelled mid-file) is closed
        now, not whenever its reader is dropped."""
        for table in self._tables:
            if table._raw is not None:
                table._raw.close()
        self._tables.clear()
