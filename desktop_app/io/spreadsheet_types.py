"""What the import reads a spreadsheet as, whichever reader made it: a `Spreadsheet` of `Table`s whose rows
are `(row_number, cells)` (io/spreadsheet_readers opens a file as one; io/csv_tables holds the CSV kind)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

Cell = object


class Table(Protocol):
    """One sheet of a workbook, or a whole CSV file."""

    name: str

    def rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        """Every row with its spreadsheet row number; may be called again to read from the top."""
        ...

    def fraction_read(self) -> float | None:
        """How much of the table the current `rows()` iteration has consumed (0..1), if known."""
        ...

    @property
    def row_count(self) -> int | None: ...

    @property
    def first_column(self) -> int:
        """The 0-based sheet column of each row's first cell (a workbook may trim empty left columns)."""
        ...


class Spreadsheet(Protocol):
    path: Path
    kind: str
    # The workbook counts its dates from 1904-01-01 (Excel for Mac before 2011, "使用 1904 日期系统"): a plain
    # number in a date column is a day count from then, not from 1899-12-30 (4 years and a day apart).
    date1904: bool

    def sheet_names(self) -> list[str]: ...

    def table(self, name: str) -> Table: ...

    def whole_table(self, name: str) -> Table:
        """`table` for reading several times over (a piecewise table parses again on every read)."""
        ...

    def release(self, name: str) -> None: ...

    def close(self) -> None: ...
