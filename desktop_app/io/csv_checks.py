"""What the csv reader (io/csv_tables.CsvTable) checks of the rows it hands out: a quote never
closed that swallowed the rows after it, a file cut off in the middle of its last row, a file that changed
while it was read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.io.import_errors import OrderFileRefused

# What a decoder says of bytes that stop in the middle of a character at the end of the file.
ENDS_MID_CHARACTER = ("unexpected end of data", "incomplete multibyte sequence", "truncated data")
# How the notes some exports end with begin (a total, a count, when it was exported).
_FOOTER_WORDS = ("合计", "总计", "汇总", "共", "导出", "备注", "说明", "注")


def check_not_cut_off(path: Path, number: int, record: Sequence[str], widest: int) -> None:
    """A download cut off mid-row leaves a last line shorter than the lines above it and without a line
    end (or inside a quoted cell, which reads the same): stored, that row would miss its last columns and
    the rows after it would be missing without a word. A footer line (共 20 条记录) is one cell; a file
    whose last line ends in a line break was written to its end, and a note under the data (合计 …, 共 20 条,
    导出时间 …) is no row of it."""
    if not 2 <= len(record) < widest or record[0].strip().startswith(_FOOTER_WORDS):
        return
    with path.open("rb") as handle:
        handle.seek(max(path.stat().st_size - 4, 0))
        tail = handle.read().rstrip(b"\x00")
    if not tail.endswith((b"\n", b"\r")):
        raise OrderFileRefused(path, msg.say(msg.CUT_OFF_ROW, number, len(record), widest))


def check_quotes_closed(path: Path, number: int, record: Sequence[str], delimiter: str, width: int) -> None:
    """An opening quote never closed makes the reader take the following lines, delimiters and all, into
    one cell (6 rows stored as 1, silently). A line break inside a cell is legal CSV (an address on two
    lines), but a cell holding whole lines with many delimiters is swallowed rows: the file is refused."""
    enough = max(2, width // 2)
    for cell in record:
        lines = cell.splitlines()
        swallowed = [line for line in lines[1:] if line.count(delimiter) >= enough]
        if swallowed:
            raise OrderFileRefused(path, msg.say(msg.UNPAIRED_QUOTE, number, len(lines) - 1, _shorten(lines[1])))


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


Signature = tuple[int, int]


def signature(status: os.stat_result) -> Signature:
    """What changes when a file is written: its size and modification time."""
    return status.st_size, status.st_mtime_ns


def check_unchanged(path: Path, first: Signature | None, now: Signature) -> None:
    """A file still being downloaded or saved by another program (a sync tool, Excel) while it is read: the
    import reads it more than once (the header, then the rows), and a read would mix two versions or stop
    at a line end the file has since passed. Refused when its size or time differ from when it was opened."""
    if first is not None and now != first:
        raise OrderFileRefused(path, msg.say(msg.CHANGED_WHILE_READ))
