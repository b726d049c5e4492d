"""Finding a table's header row: within the first rows of a sheet (a title line may sit above it),
the first row whose normalised headers a caller recognises (the order and the after-sales imports)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.io.import_profiles import normalize_header

HEADER_SEARCH_ROWS = 10


def header_index(cells: Sequence[object]) -> dict[str, int]:
    """Normalised header → first column holding it."""
    index: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = normalize_header(cell)
        if name and name not in index:
            index[name] = position
    return index


def find_column(index: Mapping[str, int], aliases: Iterable[str]) -> int | None:
    """The column of the first alias the header holds."""
    for alias in aliases:
        position = index.get(alias)
        if position is not None:
            return position
    return None


def header_text(cells: Sequence[object], position: int) -> str:
    """A header cell as the user wrote it (for messages)."""
    value = cells[position]
    return str(value).strip().lstrip("\ufeff") if value is not None else ""


@dataclass
class HeaderMatch:
    """Where a table's header is and what it holds."""

    row_number: int
    cells: list[object]
    index: dict[str, int]
    rows: Iterator[tuple[int, Sequence[object]]]  # the rows after the header

    @property
    def names(self) -> set[str]:
        return set(self.index)


def find_header(rows: Iterator[tuple[int, Sequence[object]]],
                is_header: Callable[[set[str]], bool]) -> HeaderMatch | None:
    """Look for the header within the first rows (a title line may sit above it)."""
    for seen, (number, cells) in enumerate(rows):
        if seen >= HEADER_SEARCH_ROWS:
            break
        index = header_index(cells)
        if index and is_header(set(index)):
            return HeaderMatch(number, list(cells), index, rows)
    close = getattr(rows, "close", None)
    if close is not None:
        close()  # a CSV reader holds its file open until closed
    return None
