"""ChunkedXlsxTable: one worksheet of a large .xlsx read in pieces, so its rows can be used while the
rest is still being parsed (see the package's docstring for why and how)."""

from __future__ import annotations

import threading
import weakref
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from desktop_app.io.xlsx.bad_cells import sheet_refused
from desktop_app.io.xlsx.members import MIN_SHEET_BYTES, Package, SheetXml, is_read_error, locate_sheet
from desktop_app.io.xlsx.pieces import READ_BYTES, Cutter, Piece, TruncatedStrings, Workbook, cut_workbook, parse_next
from desktop_app.io.xlsx.producer import END, Producer
from desktop_app.io.xlsx.zip_parts import Inflater

Cell = object
_T = TypeVar("_T")

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
# Rows a reader may take before the helper thread starts (find_header looks at 10, the preview at 20).
LAZY_START_ROWS = 32


def in_background(work: Callable[[], _T], name: str) -> Callable[[], _T]:
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
    xml: SheetXml
    first_chunk_bytes: int = FIRST_CHUNK_BYTES
    chunk_bytes: int = CHUNK_BYTES
    workbook_bytes: int = WORKBOOK_BYTES
    first_workbook_bytes: int = FIRST_WORKBOOK_BYTES
    # The sheet after the first workbook is written to a temporary file (`SpillFile`) unless False.
    spill: bool = True
    # Set once a workbook lacked a shared string its pieces used: from then on they get all of them.
    all_strings: bool = False
    _package: Package | None = None
    _head: _Head | None = None
    # The rest of the first in-memory workbook: the first reader going past the first piece takes it.
    _spare: Workbook | None = None
    _progress: tuple[int, int, int, int] = (0, 0, 0, 0)  # piece start, piece end, its rows, rows done
    _started: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def path(self) -> Path:
        return self.xml.path

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
        return min(1.0, position / self.xml.size)

    def package(self) -> Package:
        # Kept (about the size of the shared strings): every workbook copies it. Read through a zip
        # handle of its own: it may be read on a thread beside one inflating the sheet.
        with self._lock:
            if self._package is None:
                with zipfile.ZipFile(self.xml.path) as archive:
                    self._package = Package.read(self.xml, archive)
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
                except TruncatedStrings:
                    self.all_strings = True
        except BaseException as exc:
            if not is_read_error(exc):
                raise
            raise sheet_refused(self.xml.path, self.name, exc) from None

    def _try_head(self) -> _Head:
        xml = self.xml
        with Inflater(xml.path, xml.info) as stream:
            # The shared strings are inflated on a helper thread while this one inflates the sheet's
            # first workbook (both release the GIL): the first rows come ~0.1 s sooner (measured).
            pending = in_background(self.package, "xlsx-package")
            cutter = Cutter(xml, stream, xml.data_start)
            cutter.fill(self.first_workbook_bytes + READ_BYTES)
            pieces = cut_workbook(cutter, self, pending(), self.first_chunk_bytes, self.first_workbook_bytes)
            complete = not cutter.has_more()
        package = pending()
        workbook = Workbook.in_memory(xml, package, pieces, self.all_strings) if pieces else None
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        width = 0
        end = xml.data_start
        if workbook is not None:
            first = parse_next(workbook)
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
        producer: Producer | None = None
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
                self._progress = (self.xml.data_start, head.end, count, index + 1)
                previous = number
                yield number, row
            if head.last:
                return
            if producer is None:
                producer = self._start_producer(head)
            while True:
                item = producer.queue.get()
                if item is END:
                    return
                if isinstance(item, BaseException):
                    if is_read_error(item):
                        raise sheet_refused(self.xml.path, self.name, item) from None
                    raise item
                assert isinstance(item, Piece)
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
                converted: list[list[Cell]] = item.sheet.to_python()  # type: ignore[assignment]
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

    def _start_producer(self, head: _Head) -> Producer:
        with _SPARE_LOCK:
            spare, self._spare = self._spare, None
        return Producer(self, head.end, spare)


# The importer looks at the first rows of every sheet before reading one through: only the latest
# table keeps the rest of its first workbook (~100 MB for a large sheet).
_SPARE_LOCK = threading.Lock()
_spare_owner: weakref.ref[ChunkedXlsxTable] | None = None


def _keep_spare(table: ChunkedXlsxTable, workbook: Workbook) -> None:
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
    xml = locate_sheet(path, name, min_sheet_bytes)
    if xml is None:
        return None
    return ChunkedXlsxTable(name, xml, first_chunk_bytes=first_chunk_bytes, chunk_bytes=chunk_bytes,
                            workbook_bytes=workbook_bytes, first_workbook_bytes=first_workbook_bytes, spill=spill)
