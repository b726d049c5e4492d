"""The one table-model base: columns over frozen row objects, a row-object role and a sort role.

`RowTableModel` answers Qt's model API from a list of `Column`s and `row_object(n)`; two kinds of
rows fill it: `ListTableModel` holds every row in memory (the claims and the reship queue: hundreds
of rows, sorted in memory or by a proxy), `PagedTableModel` (ui/widgets/paged_model.py) fetches a million rows
a page at a time. Per-cell colours and tooltips come from the `decorate` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
)

RowT = TypeVar("RowT")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the frozen row object
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value behind a display text

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column(Generic[RowT]):
    key: str
    title: str
    display: Callable[[RowT], str]
    sort_value: Callable[[RowT], Any]
    align_right: bool = False


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Columns over rows; each kind of rows (ListTableModel, PagedTableModel) defines how many rows
    there are (`row_count()`) and hands one out (`row_object(n)`, None while its page is read)."""

    row_count: Callable[[], int]
    row_object: Callable[[int], RowT | None]

    def __init__(self, columns: Sequence[Column[RowT]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)

    def missing(self, role: int) -> Any:
        """What a cell shows while its row is not here (a page being read)."""
        return None

    def decorate(self, row: RowT, column: Column[RowT], role: int) -> Any:
        """Colours, fonts and tooltips per cell; None for the default look."""
        return None

    def column_key(self, section: int) -> str:
        return self._columns[section].key

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self._columns) if c.key == key)

    # --- Qt model API ----------------------------------------------------------------------
    # A paint enters Python once per call below, and each entry waits for Python's lock while another
    # thread runs Python (an import, a read): Qt's defaults would enter ~10 times per cell (index()
    # through rowCount and columnCount, data() per role); these take one each (issue 15).
    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < self.row_count() and 0 <= column < len(self._columns)):
            return QModelIndex()
        return self.createIndex(row, column)

    def multiData(self, index: ModelIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a view asks of a cell (a paint asks seven), in one call."""
        # A span is a sequence at run time (PySide's stubs do not say so).
        roles = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else cast(
            "Sequence[QModelRoleData]", roleDataSpan)
        for role_data in roles:
            role_data.setData(self.data(index, role_data.role()))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.column() >= len(self._columns):
            return None
        row = self.row_object(index.row())
        if row is None:
            return self.missing(role)
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.decorate(row, column, role)


class ListTableModel(RowTableModel[RowT]):
    """Every row in memory (a few hundred at most); `set_rows` replaces them."""

    def __init__(self, columns: Sequence[Column[RowT]], parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self._rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.rows_replaced()
        self.endResetModel()

    def rows_replaced(self) -> None:
        """Called inside the model reset after `set_rows`: re-sort, re-read the clock."""

    def rows(self) -> list[RowT]:
        return list(self._rows)

    def row_count(self) -> int:
        return len(self._rows)

    def row_object(self, row: int) -> RowT | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
