"""A small table of figures with a bar per row, painted by hand (no chart library: QtCharts lives in
PySide6-Addons, which the app does not ship). A click on a row that stands for a set of cases asks
for those cases (the 统计 tab hands them to the Cases tab)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desktop_app.store.case_queries import CaseFilter
from desktop_app.ui.widgets.full_text_tips import show_full_texts

BAR_COLOUR = QColor("#4472c4")
SELECTION_ROLE = Qt.ItemDataRole.UserRole + 1
WEIGHT_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class FigureRow:
    """One line: its cells as shown, how long its bar is (any unit), and the cases it stands for."""

    cells: tuple[str, ...]
    weight: int = 0
    selection: CaseFilter | None = None
    description: str = ""


class FigureModel(QAbstractTableModel):
    def __init__(self, headers: tuple[str, ...], bar: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.bar = bar
        self.rows: list[FigureRow] = []
        self._largest = 0

    def set_rows(self, rows: list[FigureRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._largest = max((abs(r.weight) for r in rows), default=0)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.headers) + (1 if self.bar else 0)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if section < len(self.headers) else ""
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole and column < len(row.cells):
            return row.cells[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < column < len(row.cells):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == WEIGHT_ROLE:
            return 0.0 if not self._largest else abs(row.weight) / self._largest
        if role == SELECTION_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and row.selection is not None:
            return self.tr("单击列出这些售后单")
        return None

    def bar_column(self) -> int:
        return len(self.headers)


class BarDelegate(QStyledItemDelegate):
    """Paints the row's share of the largest row as a horizontal bar."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        share = index.data(WEIGHT_ROLE)
        if not isinstance(share, float) or share <= 0:
            return
        rect: QRect = option.rect.adjusted(4, 5, -4, -5)  # type: ignore[attr-defined]
        rect.setWidth(max(2, int(rect.width() * share)))
        painter.save()
        painter.fillRect(rect, BAR_COLOUR)
        painter.restore()


BAR_LEAST = 40  # the narrowest the bar column gets before the table scrolls sideways


class FigureTable(QTableView):
    """A FigureModel on screen; `cases_requested` when a row standing for cases is clicked."""

    cases_requested = Signal(object, str)  # CaseFilter, what it is in words

    def __init__(self, name: str, headers: tuple[str, ...], bar: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.figures = FigureModel(headers, bar, self)
        # Each text's width in the font it was measured in: a refresh shows mostly the texts of the one
        # before (the claims to chase: up to 1,000 cells), measured once (`_fit_columns`).
        self._widths: dict[str, int] = {}
        self._widths_font = ""
        # A stretched last section never narrows below the size it had (the default 100 px): the English names
        # (Dispute / complaint, Postage (paid by the shop)) left the bar less, and a sideways scroll bar hid a row.
        self.horizontalHeader().setDefaultSectionSize(BAR_LEAST)
        self.setModel(self.figures)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        # Widths are measured from the texts once per set of rows (`_fit_columns`): in ResizeToContents
        # mode every layout pass asked the model for every cell's size, ~30,000 calls into Python when
        # the tab was first shown (200 claims to chase), 0.2-0.5 s of the first opening.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The bar takes what is left; without one a right-aligned figure would drift to the far edge.
        header.setStretchLastSection(bar)
        show_full_texts(self)  # a product's name cut short
        if bar:
            self.setItemDelegateForColumn(self.figures.bar_column(), BarDelegate(self))
        self.clicked.connect(self._clicked)
        self.activated.connect(self._clicked)

    def set_rows(self, rows: list[FigureRow]) -> None:
        self.figures.set_rows(rows)
        # Laid out here, before the paint that follows: the view's layout after a reset, the columns' new
        # widths and the scroll bar that more rows call for came from a timer or a queued call after that
        # paint, and each repainted the table (the 统计 tab's first opening painted every table twice).
        header = self.horizontalHeader()
        blocked = header.blockSignals(True)  # the view's column-resize timer: its update is the one below
        try:
            self._fit_columns()
            self.executeDelayedItemsLayout()  # the scroll bars' ranges
            self.setVerticalScrollBarPolicy(self.verticalScrollBarPolicy())  # the scroll bars shown or hidden
        finally:
            header.blockSignals(blocked)
        self.updateGeometries()
        self.viewport().update()
        self.setCursor(Qt.CursorShape.PointingHandCursor if any(r.selection for r in rows)
                       else Qt.CursorShape.ArrowCursor)

    def _fit_columns(self) -> None:
        """Each text column as wide as its widest text, title included (the bar column stretches)."""
        header, style = self.horizontalHeader(), self.style()
        cells, titles = self.fontMetrics(), header.fontMetrics()
        # The margins Qt's own measure adds (the item delegate's focus frame, the header's margins).
        cell_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 2
        title_margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
        font = self.font().key()
        if font != self._widths_font or len(self._widths) > 20_000:
            self._widths, self._widths_font = {}, font
        widths = self._widths
        for column, title in enumerate(self.figures.headers):
            widest = 0
            for row in self.figures.rows:
                if column < len(row.cells):
                    text = row.cells[column]
                    width = widths.get(text)
                    if width is None:
                        width = widths[text] = cells.horizontalAdvance(text)
                    widest = max(widest, width)
            header.resizeSection(column, max(widest + cell_margin, titles.horizontalAdvance(title) + title_margin))

    def _clicked(self, index: QModelIndex) -> None:
        row = index.data(SELECTION_ROLE)
        if isinstance(row, FigureRow) and row.selection is not None:
            self.cases_requested.emit(row.selection, row.description)
