"""The key column of a list takes the room a wide window has.

A list's columns start at fixed widths tuned for 1366 px, the last one stretching over what is left: on a
1920 px screen the Cases tab's 下一个时限 stayed cut ("平台已超时自动处理：处…") beside an 更新时间 column
260 px wide and half empty. `GrowColumn` gives the surplus to the key column instead (下一个时限, the
reship queue's 逾期后果, a claim's 下一步), the last column keeping its own width, until the user (or
the window's remembered layout) sets that column's width: from then on it is theirs.

On a narrow window it lends room the other way: a key column after it (`keep_in_view`, the Cases tab's
金额) stays in view, the key column narrowing down to its title's width. In English at the first run's
1280 px the wider titles (Platform, Buyer / recipient, Amount) pushed Amount past the table's edge.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStyle, QTableView

from desktop_app.ui.widgets.full_text_tips import title_width

# The narrowest the key column gets to keep `keep_in_view` in view (or its title's width, if wider): a cut
# cell shows its whole text as a tooltip (full_text_tips), a column past the edge shows nothing.
LEAST_WIDTH = 64


class GrowColumn(QObject):
    """Installed on `view`: on each resize, `column` takes the width the others leave (never less
    than its own starting width)."""

    def __init__(self, view: QTableView, column: int, keep_in_view: int | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.column = column
        self.keep_in_view = keep_in_view
        header = view.horizontalHeader()
        self.start = header.sectionSize(column)
        self.last_width = self.start  # what this object set last: another width means the user's
        self.given_up = False  # the user set the column's width (`user_sized`)
        self._pressed = False  # a mouse button is down on the header: a resize now is the user's drag
        # The viewport's own resizes: the view's come before its viewport has its new width (and a
        # scroll bar appearing narrows the viewport alone).
        view.viewport().installEventFilter(self)
        header.viewport().installEventFilter(self)
        header.sectionResized.connect(self._resized)
        header.sectionHandleDoubleClicked.connect(self._handle_double_clicked)

    @property
    def user_sized(self) -> bool:
        return self.given_up

    def restored(self, user_sized: bool) -> None:
        """The table's remembered layout was put back: the key column's width is the user's only if they set it."""
        self.given_up = user_sized
        self.last_width = self.view.horizontalHeader().sectionSize(self.column)
        if not user_sized and self.view.isVisible():
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not shiboken6.isValid(self.view):  # a view being destroyed still resizes its viewport
            return False
        if watched is self.view.horizontalHeader().viewport():
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
                self._pressed = kind == QEvent.Type.MouseButtonPress
        elif kind == QEvent.Type.Resize and not self.given_up:
            self.fit()
        return False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        # The column's edge dragged on the header (never a splitter dragged beside the table, which fits it).
        if column == self.column and self._pressed:
            self.given_up = True

    def _handle_double_clicked(self, column: int) -> None:
        if column == self.column:
            self.given_up = True

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        if self.given_up:
            return
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
        last = max(shown, key=header.visualIndex, default=-1)  # the one that stretches
        others = sum(header.sectionSize(i) for i in shown if i not in (self.column, last))
        keep_last = self._last_start(last) if last not in (-1, self.column) else 0
        room = self.view.viewport().width() - others - keep_last
        width = max(self.start, room)
        if self.keep_in_view is not None and not header.isSectionHidden(self.keep_in_view):
            edge = header.visualIndex(self.keep_in_view)  # everything up to it in view, this column too
            before = sum(header.sectionSize(i) for i in shown if header.visualIndex(i) <= edge and i != self.column)
            width = min(width, max(self.least(), self.view.viewport().width() - before))
        if width != header.sectionSize(self.column):
            header.resizeSection(self.column, width)
        self.last_width = width

    def least(self) -> int:
        """The narrowest it lends room down to: its whole title (no title is cut, in either language)."""
        header = self.view.horizontalHeader()
        model = self.view.model()
        title = model.headerData(self.column, Qt.Orientation.Horizontal) if model is not None else None
        return max(LEAST_WIDTH, title_width(header, title)) if isinstance(title, str) else LEAST_WIDTH

    def needed_width(self) -> int:
        """The view's width that shows its columns through `keep_in_view` at their current widths (the key
        column at its narrowest) beside a vertical scroll bar: a pane's minimum, so that a splitter giving the
        list the least room it may (the English titles are wider) still shows them."""
        header = self.view.horizontalHeader()
        edge = header.visualIndex(self.keep_in_view if self.keep_in_view is not None else self.column)
        shown = [i for i in range(header.count()) if not header.isSectionHidden(i) and header.visualIndex(i) <= edge]
        columns = sum(header.sectionSize(i) for i in shown if i != self.column) + self.least()
        vertical = self.view.verticalHeader()
        beside = 0 if vertical.isHidden() else vertical.sizeHint().width()
        scroll_bar = self.view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return columns + beside + scroll_bar + 2 * self.view.frameWidth()

    def _last_start(self, last: int) -> int:
        """The last column's own width: what it had before stretching over the surplus."""
        starts = self.view.property("start_widths")
        if isinstance(starts, list) and last < len(starts):
            return int(starts[last])
        return self.view.horizontalHeader().sectionSize(last)


def grow_column(view: QTableView, column: int, keep_in_view: int | None = None) -> GrowColumn:
    return GrowColumn(view, column, keep_in_view)
