"""NUL bytes in a CSV export: a text export never holds one (UTF-16 aside, whose decoded text still has
none), so one is damage. The CSV reader notes whether one went by (`NulWatch`, a check per 8 KB read)
and only then searches the cells, to name the row and column; a file whose start has a few among its
text is read that way too (`text_with_stray_nuls`) instead of being called binary, and one with a NUL in
every other byte is UTF-16 written without its byte order mark (`utf16_without_bom`)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Sequence
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.io.cell_values import shown_value
from desktop_app.io.import_errors import OrderFileRefused


class NulWatch(io.BufferedReader):
    """The file's bytes, noting whether a NUL byte went by (stored in a cell, one breaks a PostgreSQL
    ledger)."""

    nul_seen = False

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        if b"\x00" in data:
            self.nul_seen = True
        return data

    def read1(self, size: int = -1, /) -> bytes:
        data = super().read1(size)
        if b"\x00" in data:
            self.nul_seen = True
        return data


def check_no_nul(path: Path, number: int, record: Sequence[str]) -> None:
    """Refuse the file at the first cell of this row holding a NUL, naming it."""
    for column, cell in enumerate(record, start=1):
        if "\x00" in cell:
            shown = shown_value(cell.replace("\x00", "")) or "空白"
            raise OrderFileRefused(path, msg.say(msg.NUL_IN_CELL, number, column, shown))


def text_with_stray_nuls(head: bytes) -> bool:
    """The start of a text file with a few NUL bytes in it (damage), rather than a binary or UTF-16 file:
    the CSV reader then names the row and column."""
    if head.count(b"\x00") * 50 > len(head):
        return False
    text = head.replace(b"\x00", b"")
    if text.translate(None, _TEXT_BYTES):  # control characters other than tab and line ends
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(text)
        except UnicodeDecodeError:
            continue
        return True
    return False


_TEXT_BYTES = b"\t\r\n" + bytes(range(32, 256))
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\r", "\n"}


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when the start of a file is UTF-16 text without a byte order mark (a
    script's or a tool's "Unicode" csv): every ASCII character (digits, commas, line ends) leaves a NUL on
    the same side of its two bytes, a Chinese one practically never, and the text decodes without control
    characters. None for anything else (a binary file, a text file with stray NULs)."""
    sample = head[:len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    for encoding, zeros, other in (("utf-16-le", sample[1::2], sample[0::2]),
                                   ("utf-16-be", sample[0::2], sample[1::2])):
        if zeros.count(0) * 4 < len(zeros) or other.count(0) * 20 > len(other):
            continue
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(sample)
        except UnicodeDecodeError:
            return None
        return None if _CONTROL.intersection(text) else encoding
    return None
