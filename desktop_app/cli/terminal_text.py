"""What the command line prints is text, never terminal commands: a note, a receiver's name or a cell
value holding ESC sequences (colours, cursor moves, a changed window title, OSC 52 clipboard writes) or
bidi overrides is printed with those characters made visible instead of obeyed.

Nor does it fail on a character its output cannot carry: on Windows, output redirected to a file or a pipe
is in the ANSI code page (GBK on a Chinese system), which has no ✓ or emoji (🔥 in a product title), and
`claim show 1 > 理赔.txt` ended in 内部错误（UnicodeEncodeError）. The app's own marks ✓ ✗ are written as √ ×,
any other such character as its escape (backslash, U0001f525), as Python writes it on stderr."""

from __future__ import annotations

import codecs
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# C0 controls but tab and newline → their Unicode control pictures (ESC → ␛), DEL → ␡,
# C1 controls and the bidi embeddings/overrides/isolates → U+FFFD.
_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_VISIBLE[0x7F] = "\u2421"
_VISIBLE.update({code: "\ufffd" for code in range(0x80, 0xA0)})
_VISIBLE.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# the held / missing marks of `claim show`, `evidence` …, in the characters GBK has
_NARROW = str.maketrans({"✓": "√", "✗": "×"})


def visible(text: str) -> str:
    return text.translate(_VISIBLE)


def can_carry(stream: TextIO, text: str) -> bool:
    """Whether `stream`'s encoding holds every character of `text` (UTF-8, or an unknown one, is taken to)."""
    encoding = getattr(stream, "encoding", None)
    try:
        if not encoding or codecs.lookup(encoding).name == "utf-8":
            return True
        text.encode(encoding)
    except LookupError:
        return True
    except UnicodeEncodeError:
        return False
    return True


class VisibleText:
    """A text stream that writes `visible(text)` through to `stream`, escaping what its encoding lacks."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        shown = visible(text)
        if not can_carry(self._stream, shown):
            encoding = self._stream.encoding
            shown = shown.translate(_NARROW).encode(encoding, "backslashreplace").decode(encoding)
        return self._stream.write(shown)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextmanager
def visible_output(streams: tuple[str, ...] = ("stdout", "stderr")) -> Iterator[None]:
    saved = {name: getattr(sys, name) for name in streams}
    try:
        for name, stream in saved.items():
            setattr(sys, name, VisibleText(stream))
        yield
    finally:
        for name, stream in saved.items():
            setattr(sys, name, stream)
