"""The column mapping dialog's preview of a sheet: its first rows as text, the header row highlighted,
the rows above it greyed, each column headed by its letter and the field it feeds."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from desktop_app.io.sheet_preview import SheetPreview

AnyIndex = QModelIndex | QPersistentModelIndex
HEADER_BACKGROUND = QColor("#fff1c2")
HEADER_FOREGROUND = QColor("#202020")  # dark on the pale yellow, on the dark theme too
ABOVE_HEADER_FOREGROUND = QColor("#9a9a9a")
MAX_COLUMN_WIDTH = 220


class PreviewModel(QAbstractTableModel):
    """The first rows of the sheet as text; the header row highlighted, rows above it greyed.

    Column headings show the letter Excel shows and, once mapped, the field the column feeds.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[tuple[int, tuple[str, ...]], ...] = ()
        self._letters: list[str] = []
        self._header_row: int | None = None
        self._mapped: dict[int, str] = {}

    def set_preview(self, preview: SheetPreview | None, header_row: int | None) -> None:
        self.beginResetModel()
        self._rows = preview.rows if preview is not None else ()
        self._letters = [c.letter for c in preview.columns(header_row or 0)] if preview is not None else []
        self._header_row = header_row
        self._mapped = {}
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        self._header_row = header_row
        if self._rows and self._letters:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._letters) - 1))

    def set_mapped(self, mapped: dict[int, str]) -> None:
        """Column index → the field label shown under the column letter."""
        self._mapped = dict(mapped)
        if self._letters:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._letters) - 1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._letters)

    def row_number(self, row: int) -> int:
        return self._rows[row][0]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        number, cells = self._rows[index.row()]
        text = cells[index.column()] if index.column() < len(cells) else ""
        is_header = number == self._header_row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.BackgroundRole and is_header:
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and is_header:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and is_header:
            return QBrush(HEADER_FOREGROUND)
        if (role == Qt.ItemDataRole.ForegroundRole and self._header_row is not None
                and number < self._header_row):
            return QBrush(ABOVE_HEADER_FOREGROUND)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._letters):
                return None
            field = self._mapped.get(section)
            return f"{self._letters[section]}\n{field}" if field else self._letters[section]
        if not 0 <= section < len(self._rows):
            return None
        return str(self._rows[section][0])

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class PreviewTable(QTableView):
    """The preview's view: read-only, no selection, columns sized to the header and the data."""

    def __init__(self, model: PreviewModel) -> None:
        super().__init__()
        self.setObjectName("mapping_preview")
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setMinimumHeight(150)

    def arrange(self, preview: SheetPreview, header_row: int) -> None:
        """Size columns to the header and the data (not to a long title line above them, which
        spans the whole width instead)."""
        self.clearSpans()
        metrics = self.fontMetrics()
        widths = [metrics.horizontalAdvance(c.letter) + 24 for c in preview.columns(header_row)]
        for row, (number, cells) in enumerate(preview.rows):
            if number < header_row and sum(1 for c in cells if c) <= 1 and len(widths) > 1:
                self.setSpan(row, 0, 1, len(widths))
                continue
            for column, text in enumerate(cells[:len(widths)]):
                extra = 28 if number == header_row else 16  # bold header text is wider
                widths[column] = max(widths[column], metrics.horizontalAdvance(text) + extra)
        for column, width in enumerate(widths):
            self.setColumnWidth(column, min(width, MAX_COLUMN_WIDTH))
