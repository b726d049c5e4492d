"""A row of buttons that wraps onto the next line when the window is too narrow for it (Qt's Flow
Layout example): the reship queue's dozen commands fit one line of a 1366-px window in Chinese, but in
English they asked for 1,540 px and pushed the whole window off a laptop's screen."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QSpacerItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Items left to right, wrapping; as tall as the width it is given needs (height for width)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, margin: int = 0) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(QMargins(margin, margin, margin, margin))
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # (Qt names its methods in camelCase)
        self._items.append(item)

    def add_widget(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def add_gap(self, width: int) -> None:
        """Space between two groups of commands (none at the start of a line)."""
        self.addItem(QSpacerItem(width, 0, QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum))

    def clear(self) -> None:
        """Take every widget out and delete it (disabled and unparented at once: gone before Qt deletes
        it, so a quick second click cannot reach a button of the case shown before)."""
        while self._items:
            widget = self._items.pop().widget()
            if widget is not None:
                widget.setEnabled(False)
                widget.setParent(None)
                widget.deleteLater()
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = QRect(0, 0, width - margins.left() - margins.right(), 0)
        return self._arrange(inner, move=False) + margins.top() + margins.bottom()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(self.contentsRect(), move=True)

    def sizeHint(self) -> QSize:
        """All on one line: what it asks for when there is room."""
        shown = [item.sizeHint() for item in self._items if not item.isEmpty()]
        gaps = sum(item.sizeHint().width() for item in self._items if item.spacerItem() is not None)
        width = sum(s.width() for s in shown) + self.spacing() * max(0, len(shown) - 1) + gaps
        return self._with_margins(QSize(width, max((s.height() for s in shown), default=0)))

    def minimumSize(self) -> QSize:
        """The widest item: everything else can go onto further lines."""
        size = QSize(0, 0)
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    def _with_margins(self, size: QSize) -> QSize:
        m = self.contentsMargins()
        return QSize(size.width() + m.left() + m.right(), size.height() + m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            if item.spacerItem() is not None:
                x += item.sizeHint().width() if x > rect.x() else 0
                continue
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:  # no room left on this line
                x, y, line_height = rect.x(), y + line_height + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


def flow_row(parent: QWidget | None = None) -> tuple[QWidget, FlowLayout]:
    """A widget holding a FlowLayout, to put into a box layout (its height follows its width)."""
    holder = QWidget(parent)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    holder.setSizePolicy(policy)
    return holder, FlowLayout(holder)
