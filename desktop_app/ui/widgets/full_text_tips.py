"""The whole text of a cell cut short (…): a list's columns are narrower than their longest texts at
1366 px and in English, and a cut cell showed no tooltip (or only the model's own, e.g. the due time
of 下一个时限 without the deadline's name).

`FullTextTips` is the views' item delegate: on a tooltip event over a cell whose text does not fit,
it shows the text in full, followed by the model's tooltip if there is one. Only tooltip events reach
it (QAbstractItemView::viewportEvent → delegate.helpEvent); painting is Qt's own.

`fit_titles` widens the columns whose titles would be cut: a header title never ends in "…".
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)

Index = QModelIndex | QPersistentModelIndex


def cut_text(delegate: QStyledItemDelegate, option: QStyleOptionViewItem, index: Index) -> str | None:
    """The cell's text when it is wider than the cell on screen, else None."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not isinstance(text, str) or not text:
        return None
    full = QStyleOptionViewItem(option)
    delegate.initStyleOption(full, index)
    needed = delegate.sizeHint(full, index).width()
    shown = option.rect.width()  # type: ignore[attr-defined]
    return text if needed > shown else None


def tip_with_full_text(text: str | None, tip: object) -> str | None:
    """The tooltip to show: the cut text in full, then the model's tooltip (unless it says the same)."""
    own = tip if isinstance(tip, str) and tip else None
    if text is None:
        return own
    if own is None or text in own:
        return own or text
    return f"{text}\n{own}"


class FullTextTips(QStyledItemDelegate):
    """The item delegate of a list whose cells may be cut: a cut cell's tooltip says it in full."""

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: Index) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        tip = tip_with_full_text(cut_text(self, option, index), index.data(Qt.ItemDataRole.ToolTipRole))
        if tip is None:
            QToolTip.hideText()
            event.ignore()
            return False
        QToolTip.showText(event.globalPos(), tip, view, option.rect)  # type: ignore[attr-defined]
        return True


def show_full_texts(view: QAbstractItemView) -> FullTextTips:
    """Make `view`'s cut cells tell their whole text (its default delegate; per-column ones stay)."""
    delegate = FullTextTips(view)
    view.setItemDelegate(delegate)
    return delegate


def title_width(header: QHeaderView, title: str) -> int:
    """The width a header section needs to show `title` whole, sort arrow included."""
    style = header.style()
    margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    arrow = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + margin if header.isSortIndicatorShown() else 0
    return header.fontMetrics().horizontalAdvance(title) + 2 * margin + arrow


def fit_titles(header: QHeaderView, model: QAbstractItemModel | None = None) -> None:
    """Widen each section whose title (in the language shown) is wider than the section."""
    model = model or header.model()
    if model is None:
        return
    for column in range(model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if isinstance(title, str) and title:
            needed = title_width(header, title)
            if header.sectionSize(column) < needed:
                header.resizeSection(column, needed)


def show_whole_placeholder(field: QLineEdit) -> None:
    """A field at least as wide as its placeholder (the hint of what to type), in the language shown:
    the 费用 and 理赔单号 dialogs cut theirs ("补发或退回后不…", "The carrier's claim …")."""
    margins = field.textMargins()
    frame = 2 * field.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) + 8  # Qt's own text inset
    needed = field.fontMetrics().horizontalAdvance(field.placeholderText()) + margins.left() + margins.right()
    if field.isClearButtonEnabled():  # its button keeps its place at the end, text or none (Qt: icon + 6 px)
        needed += field.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 6
    field.setMinimumWidth(max(field.minimumWidth(), needed + frame))
