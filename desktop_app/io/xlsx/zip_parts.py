"""Zip plumbing of the piecewise reader: a worksheet member inflated in large steps, stored archives
written member by member without copying their data, and a read-only file over a list of parts.

The helper thread needs the GIL back after every call that released it, and while the reader runs
Python that takes up to the switch interval (5 ms): some hundred such calls per sheet doubled the
helper's time (measured). So the member is inflated in a few large calls, pieces are views into
that buffer, and checksums are computed in slices too small for zlib to release the GIL.
"""

from __future__ import annotations

import bisect
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

# What reading a damaged package's member raises (zipfile refuses a flag it does not know, such as
# "compressed patched data", with NotImplementedError): a reader that can fall back catches these.
DAMAGED_ZIP: tuple[type[Exception], ...] = (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)

Part = bytes | memoryview


class ZipWriter:
    """Writes a ZIP_STORED archive member by member through `write` (no member's data copied), the
    central directory last (`finish`)."""

    def __init__(self, write: Callable[[Part], object]) -> None:
        self._write = write
        self._central: list[bytes] = []
        self._offset = 0

    def add(self, name: str, parts: Sequence[Part], crc: int | None = None, size: int | None = None) -> None:
        """One member; CRC-32 and size None: computed here."""
        if crc is None or size is None:
            crc = crc32(parts)
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


def zip_parts(members: Sequence[tuple[str, Sequence[Part], int | None, int | None]]) -> list[Part]:
    """A ZIP_STORED archive as a list of parts, without copying the members' data.

    Members are (name, parts, CRC-32, size); None: computed here.
    """
    out: list[Part] = []
    writer = ZipWriter(out.append)
    for member in members:
        writer.add(*member)
    writer.finish()
    return out


class PartsReader:
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
class Inflater:
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

    def __enter__(self) -> Inflater:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CRC_STEP = 5 * 1024  # CPython's zlib.crc32 keeps the GIL up to this many bytes


def crc32(parts: Sequence[Part], *, keep_gil: bool = True) -> int:
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

