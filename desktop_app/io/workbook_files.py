"""Saving a workbook whole or not at all, quietly when the disk is full, spooling in the app's own folder.

openpyxl's `save` opens a zip archive on the file and leaves it to the garbage collector when a write
fails; collected later, it tried to finish the archive on the dead file and printed "Exception ignored
… OSError: [Errno 28] No space left on device" tracebacks on stderr after our Chinese message, once
per unfinished sheet stream too. Here the archive writes through a sink that turns inert after the
first failure, the write-only sheets are finished, and the failure is raised once, as an OSError
for the caller to say in Chinese.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.worksheet import _writer as sheet_writer

from desktop_app.paths import temp_file


def _private_temporary_file(suffix: str = "") -> str:
    """openpyxl writes each sheet's XML to a temporary file before zipping it: the order and case exports'
    buyers' names, phones and addresses. Its own went to the system's temp folder, where an export killed
    half-way (or the window closed by a crash) left them for good. Here: `<data folder>/tmp`, the owner's
    alone, named after this process, so the next start of the app deletes what a killed export left."""
    handle, path = temp_file("xlsx-", suffix or ".xml")
    os.close(handle)
    sheet_writer.ALL_TEMP_FILES.append(str(path))  # openpyxl deletes it from that list when the sheet is zipped
    return str(path)


# Looked up by openpyxl's sheet writer at each new sheet; every module that writes a workbook imports this one.
sheet_writer.create_temporary_file = _private_temporary_file


class _Sink:
    """The file as the zip archive sees it; after a failed call (a write, or the flush a seek makes) or
    once the file is closed, every call is a no-op."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._position = 0
        self.failure: OSError | None = None
        self.dead = False

    def _do(self, call: Callable[[], int | None]) -> int | None:
        if self.dead:
            return None
        try:
            return call()
        except OSError as error:
            self.failure, self.dead = error, True
            raise

    def write(self, data: bytes) -> int:
        self._do(lambda: self._raw.write(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        told = self._do(self._raw.tell)
        if told is not None:
            self._position = told
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        moved = self._do(lambda: self._raw.seek(offset, whence))
        if moved is not None:
            self._position = moved
        return self._position

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        self._do(self._raw.flush)


def save_whole(workbook: Workbook, target: Path) -> None:
    """Save next to `target` and rename, so a failure never leaves half a workbook under the user's
    name (nor a stray temporary file); a failure is raised as the OSError that caused it."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as raw:
            sink = _Sink(raw)
            try:
                workbook.save(sink)  # type: ignore[arg-type]  # a file object is what zipfile takes
            except OSError:
                raise
            except Exception:
                if sink.failure is None:
                    raise
                raise sink.failure from None  # openpyxl's own error about the archive it could not finish
            finally:
                sink.dead = True  # the archive, if left unfinished, is collected later: nothing to write to
        partial.replace(target)
    except BaseException:
        for sheet in workbook.worksheets:  # write-only sheet streams, finished here, not by the collector
            with contextlib.suppress(Exception):
                sheet.close()  # type: ignore[union-attr]
        raise
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
