"""The helper thread of the piecewise reader: cuts, builds and parses the pieces after the first
workbook and hands them to the reader through a bounded queue."""

from __future__ import annotations

import contextlib
import queue
import threading

from desktop_app.io.xlsx.members import Package
from desktop_app.io.xlsx.pieces import (
    Cutter,
    PieceSource,
    TruncatedStrings,
    Workbook,
    cut_workbook,
    parse_next,
)
from desktop_app.io.xlsx.spill import SpillFailed, SpillFile
from desktop_app.io.xlsx.zip_parts import Inflater

# Parsed pieces waiting for the reader, in bytes of XML: covers the opening of the next workbook.
PARSED_AHEAD_BYTES = 16 * 1024 * 1024
PARSED_AHEAD_PIECES = 8

END = object()  # the queue item after the last piece


class Producer:
    """The helper thread: cuts, builds and parses pieces, handing them over through a bounded queue."""

    def __init__(self, table: PieceSource, start: int, spare: Workbook | None) -> None:
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

    def _hand_over(self, workbook: Workbook) -> bool:
        try:
            while workbook.remaining():
                if self._stop.is_set() or not self._put(parse_next(workbook)):
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
                except TruncatedStrings as retry:
                    spare = None  # (closed by _hand_over)
                    table.all_strings = True
                    start = retry.start
            self._put(END)
        except BaseException as exc:  # handed to the reader, which raises it as a refusal
            self._put(exc)
        finally:
            if spare is not None:
                spare.close()

    def _produce(self, start: int, spare: Workbook | None) -> None:
        """Hands over the rest of the sheet: the spare workbook's pieces, then those from its end on."""
        table = self._table
        xml = table.xml
        begin = spare.end if spare is not None else start
        package = table.package()
        spill = SpillFile.create(xml, table.chunk_bytes) if table.spill else None
        if spill is not None:
            try:
                workbook = self._spill_rest(spill, package, begin, spare)
            except SpillFailed:  # written in memory after all; the spare has been handed over
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
        with Inflater(xml.path, xml.info) as stream:
            cutter = Cutter(xml, stream, begin)
            while not self._stop.is_set():
                pieces = cut_workbook(cutter, table, package, table.chunk_bytes)
                if not pieces or self._stop.is_set():
                    return
                if not self._hand_over(Workbook.in_memory(xml, package, pieces, table.all_strings)):
                    return

    def _spill_rest(self, spill: SpillFile, package: Package, begin: int,
                    spare: Workbook | None) -> Workbook | None:
        """Writes the sheet from `begin` on into `spill` and opens it; the spare's pieces are handed over
        meanwhile, the writing done by a second helper thread (its calls mostly release the GIL: inflating,
        writing). None: stopped, or nothing was left. SpillFailed: the file could not be written (the
        spare was handed over all the same)."""
        xml = self._table.xml
        halt = threading.Event()
        failure: BaseException | None = None

        def write() -> None:
            nonlocal failure
            try:
                with Inflater(xml.path, xml.info) as stream:
                    cutter = Cutter(xml, stream, begin)
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

