"""Reading the bytes of a ledger this process has open, without taking SQLite's locks away.

POSIX drops every lock a process holds on a file when the process closes any descriptor of that file
(fcntl's rule; sqlite.org/howtocorrupt.html §2.2). Page warming and the complete integrity check opened the
open ledger, read it and closed it: SQLite's own locks of the window went with the close. A command run
beside the window (`reship list`) then found the file unused, checkpointed it and deleted its -wal and -shm
at exit, and the window's next read failed with "disk I/O error" (seen under Xvfb); two programs writing
through two different -shm files can damage the ledger.

So while a `Database` has the file open, its bytes are read through one descriptor opened with it and
closed after its engine (`hold` / `let_go`), read positionally (`os.pread`: the page warming and the check
may read at once). Windows locks per handle: there a plain open and close is harmless and used as before.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDS = os.name == "posix"  # fcntl locks: a close anywhere in the process drops them
_held: dict[str, list[int]] = {}  # real path → [descriptor, Databases holding it]
_lock = threading.Lock()


def _key(path: Path) -> str:
    return os.path.realpath(path)


def hold(path: Path) -> None:
    """A Database opens `path`: keep a descriptor for reading its bytes until `let_go`."""
    if not _HOLDS:
        return
    key = _key(path)
    with _lock:
        entry = _held.get(key)
        if entry is not None:
            entry[1] += 1
            return
        try:
            _held[key] = [os.open(key, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)), 1]
        except OSError:
            return  # unreadable: the reads fall back to opening it (and say why)


def let_go(path: Path) -> None:
    """A Database on `path` has closed its engine: the last user closes the descriptor (no lock of ours is left)."""
    if _HOLDS:
        _release(_key(path))


def _release(key: str) -> None:
    with _lock:
        entry = _held.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _held[key]
            os.close(entry[0])


class _PositionalReader(io.RawIOBase):
    """A read-only file over a held descriptor: its own position, `os.pread`; closing it leaves the descriptor."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self._descriptor = descriptor
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._position = offset
        elif whence == io.SEEK_CUR:
            self._position += offset
        else:
            self._position = os.fstat(self._descriptor).st_size + offset
        return self._position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = os.pread(self._descriptor, len(buffer), self._position)
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)


@contextmanager
def ledger_bytes(path: Path) -> Iterator[io.RawIOBase]:
    """`path` opened for reading bytes: through the held descriptor while a Database has the file open (never
    closed here), else a file opened for this read alone."""
    key = _key(path)
    with _lock:
        entry = _held.get(key) if _HOLDS else None
        if entry is not None:
            entry[1] += 1  # a user too: a Database closing meanwhile leaves the descriptor to this read
    if entry is None:
        with path.open("rb", buffering=0) as file:
            yield file
        return
    try:
        with _PositionalReader(entry[0]) as reader:
            yield reader
    finally:
        _release(key)
