"""The rest of a large sheet on disk: the spill file, a temporary .xlsx whose sheets are the pieces."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import python_calamine

from desktop_app.io.xlsx.members import SHARED_STRINGS, Package, SheetXml
from desktop_app.io.xlsx.pieces import READ_BYTES, Cutter, Workbook, piece_member, workbook_members
from desktop_app.io.xlsx.zip_parts import Part, ZipWriter, crc32
from desktop_app.paths import temp_file

# Inflated per step while writing the spill file: few, large calls (see Inflater).
SPILL_STEP_BYTES = 16 * 1024 * 1024


SPILL_PREFIX = "sheet-"  # in desktop_app.paths.temp_dir(), removed at the next start if left behind


class SpillFailed(Exception):
    """The spill file could not be written (no temporary directory, disk full ...): in memory instead."""


class SpillFile:
    """The rest of the sheet as the sheets of a temporary .xlsx (stored members), written a piece at a
    time and opened with calamine once complete; deleted when its workbook closes.

    Why not more in-memory workbooks: each is copied into calamine's buffer and parses the shared
    strings again (0.2-0.4 s apiece, three of them for a 100,000-row 抖店 sheet, measured). From a file
    calamine parses them once and reads a sheet only when asked for it, and the pieces' pages are the
    system's file cache rather than this process's memory.
    """

    def __init__(self, xml: SheetXml, chunk_bytes: int, handle: int, path: Path) -> None:
        self.xml = xml
        self._chunk_bytes = chunk_bytes
        self.path = path
        self._file = os.fdopen(handle, "wb")
        self._zip = ZipWriter(self._file.write)
        self.spans: list[tuple[int, int]] = []

    @classmethod
    def create(cls, xml: SheetXml, chunk_bytes: int) -> SpillFile | None:
        try:
            handle, path = temp_file(SPILL_PREFIX, ".xlsx")
        except OSError:
            return None
        return cls(xml, chunk_bytes, handle, path)

    def step(self, cutter: Cutter) -> bool:
        """Write the next piece; False once the sheet is all written."""
        if not cutter.finished and cutter.buffered() < self._chunk_bytes + READ_BYTES:
            cutter.fill(SPILL_STEP_BYTES)
        piece = cutter.next(self._chunk_bytes)
        if piece is None:
            return False
        data, start, end = piece
        parts: list[Part] = [self.xml.prefix, data, self.xml.closing]
        crc = crc32(parts, keep_gil=False)
        try:
            self._zip.add(piece_member(len(self.spans)), parts, crc, sum(len(part) for part in parts))
        except (OSError, OverflowError) as exc:
            raise SpillFailed from exc
        self.spans.append((start, end))
        return True

    def open(self, package: Package) -> Workbook | None:
        """The pieces written as a workbook (None: there were none); closing it deletes the file."""
        if not self.spans:
            return None
        members = workbook_members(self.xml, len(self.spans), package)
        if package.shared is not None:
            members.append((SHARED_STRINGS, [package.shared.data], package.shared.crc, len(package.shared.data)))
        try:
            for member in members:
                self._zip.add(*member)
            self._zip.finish()
            self._file.close()
        except (OSError, OverflowError) as exc:
            raise SpillFailed from exc
        workbook = python_calamine.CalamineWorkbook.from_path(str(self.path))
        return Workbook(workbook, self.spans, truncated=False, on_close=self.discard)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink()

