"""What the command line prints is text, never terminal commands: a note, a receiver's name or a cell
value holding ESC sequences (colours, cursor moves, a changed window title, OSC 52 clipboard writes) or
bidi overrides is printed with those characters made visible instead of obeyed."""

from __future__ import annotations

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


def visible(text: str) -> str:
    return text.translate(_VISIBLE)


class VisibleText:
    """A text stream that writes `visible(text)` through to `stream`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(visible(text))

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
