"""Merged cells of a workbook sheet, filled with their top-left value as its rows are read."""

from __future__ import annotations

from collections.abc import Sequence

import python_calamine

Cell = object


class MergedCells:
    """A sheet's merged cells, each filled with the value of its top-left cell as rows are read.

    Only the top-left cell of a merged range holds a value; 抖店 and many hand-made sheets merge 主订单编号
    over the rows of an order's items, whose rows would otherwise have no order number (their items
    lost). Excel shows the value in every cell of the range, and so do the rows read here.
    """

    def __init__(self, ranges: list[tuple[int, int, int, int]], left: int) -> None:
        self._starting: dict[int, list[tuple[int, int, int, int]]] = {}
        for found in ranges:
            self._starting.setdefault(found[0], []).append(found)
        self._open: list[tuple[int, int, int, object]] = []  # last row, first and last column, value
        self._left = left

    @classmethod
    def of(cls, sheet: python_calamine.CalamineSheet) -> MergedCells | None:
        """None when the sheet merges no cells (or the format does not say)."""
        try:
            found = sheet.merged_cell_ranges
        except (python_calamine.CalamineError, AttributeError, ValueError):
            return None
        ranges = [(r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in found or () if (r0, c0) != (r1, c1)]
        if not ranges:
            return None
        left = int(sheet.start[1]) if sheet.height and sheet.start is not None else 0
        return cls(ranges, left)

    def filled(self, number: int, cells: Sequence[Cell]) -> Sequence[Cell]:
        """Row `number` (as Excel shows it) with its merged cells filled."""
        self._open = [span for span in self._open if span[0] >= number]
        starting = self._starting.pop(number, None)
        if not self._open and not starting:
            return cells
        row = list(cells)
        left = self._left
        for _, first_column, last, last_column in starting or ():  # (first row, first column, last row, last column)
            position = first_column - left
            value = row[position] if 0 <= position < len(row) else None
            self._open.append((last, first_column, last_column, value))
        for _, first_column, last_column, value in self._open:
            if value is None or value == "":
                continue
            # Within the row as read: a range reaching past the used cells (XFD…) adds none.
            for column in range(max(first_column - left, 0), min(last_column - left + 1, len(row))):
                if row[column] is None or row[column] == "":
                    row[column] = value
        return row
