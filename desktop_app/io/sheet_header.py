"""Finding a table's header row: within the first rows of a sheet (a title line may sit above it),
the first row whose normalised headers a caller recognises (the order and the after-sales imports).
A header of two rows (a group cell such as 商品信息 or 收货信息 over the names of its columns, the other
headers merged down over both rows or left blank in the second) is read as one: each column named by
its lower cell where that names a column of a group, else by its upper one."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core import messages as msg
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


class RepeatedColumns:
    """The used columns whose header the sheet has more than once. The import reads the first of them
    (`header_index`); `check` says, once per column, at the first row where another holds something else."""

    def __init__(self, cells: Sequence[object], used: Iterable[int]) -> None:
        names = [normalize_header(cell) for cell in cells]
        self.headers = [header_text(cells, position) for position in range(len(cells))]
        self.pending: list[tuple[int, tuple[int, ...]]] = []
        for position in sorted(set(used)):
            name = names[position]
            others = tuple(i for i, other in enumerate(names) if other == name and i != position)
            if name and others:
                self.pending.append((position, others))

    def check(self, number: int, cells: Sequence[object]) -> list[str]:
        """The warnings of this row (usually none: the columns agree, or there is no repeated column)."""
        said: list[str] = []
        for entry in list(self.pending):
            first, others = entry
            read = _shown(cells[first] if first < len(cells) else None)
            differing = next((i for i in others if _shown(cells[i] if i < len(cells) else None) != read), None)
            if differing is None:
                continue
            self.pending.remove(entry)
            columns = "、".join(str(i + 1) for i in sorted((first, *others)))
            said.append(msg.say(msg.REPEATED_COLUMN_DIFFERS, self.headers[first], len(others) + 1, columns, number,
                                read or "空白", _shown(cells[differing]) or "空白", first + 1))
        return said


def _shown(cell: object) -> str:
    """A cell as text for comparing two columns (a number and its text alike)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


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
            below = next(rows, None)
            if below is None:
                return HeaderMatch(number, list(cells), index, rows)
            joined = joined_header(cells, below[1])
            if joined is not None and is_header(set(joined_index := header_index(joined))):
                return HeaderMatch(number, joined, joined_index, rows)
            return HeaderMatch(number, list(cells), index, _PutBack(below, rows))
    close = getattr(rows, "close", None)
    if close is not None:
        close()  # a CSV reader holds its file open until closed
    return None


class _PutBack:
    """The rows again with the one read ahead first. Not a generator: the reader's rows stay the only
    frame holding the file, closed with them (`close`, or when they are dropped after a failure), as
    before the row was read ahead."""

    def __init__(self, first: tuple[int, Sequence[object]], rows: Iterator[tuple[int, Sequence[object]]]) -> None:
        self._first: tuple[int, Sequence[object]] | None = first
        self._rows = rows

    def __iter__(self) -> _PutBack:
        return self

    def __next__(self) -> tuple[int, Sequence[object]]:
        first, self._first = self._first, None
        return first if first is not None else next(self._rows)

    def close(self) -> None:
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()


def joined_header(upper: Sequence[object], lower: Sequence[object]) -> list[object] | None:
    """The header's cells with the row under it, when that row is the header's second row, else None.

    It is when it holds text only, a name under a group cell (one spread over several columns: the
    same text in adjacent cells, as a merged cell reads, or a name followed by blank header cells, as
    a CSV saves it) and elsewhere only blanks or the upper cell again (a header merged down). A
    request or an order always has a number of its own under a column's name, so a data row is never
    taken for it."""
    names = [normalize_header(cell) for cell in upper]
    following = [*names[1:], None]
    grouped = {j for j, name in enumerate(names)
               if not name or following[j] in (name, "") or (j > 0 and names[j - 1] == name)}
    joined = list(upper) + [None] * max(0, len(lower) - len(upper))
    named = False
    for j, cell in enumerate(lower):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if not isinstance(cell, str):
            return None
        name = normalize_header(cell)
        if j < len(names) and name == names[j]:
            continue
        if j < len(names) and j not in grouped:
            return None
        joined[j] = cell
        named = True
    return joined if named else None
