"""Windows and dialogs never larger than the screen they open on.

A dialog sized for a 1920×1080 screen (the statement preview 820×720, the column mapping 1000×720, the
playbook editor 1100×700) reached under the taskbar on a 1366×768 laptop (728 px free, ~30 px of it the
title bar) and past the bottom of a 1920×1080 screen scaled to 150 % (1280×680 free): its buttons
were off screen. Its size is what it asks for, shrunk to the free area of the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLayout, QWidget

FRAME_ALLOWANCE = 40  # the window manager's title bar and borders around the client area
# A print preview of A4 pages: tall enough to read a page (Qt's own default is ~675×512).
PREVIEW_WIDTH = 900
PREVIEW_HEIGHT = 1000


def free_area(widget: QWidget) -> QRect | None:
    """The free area (taskbar excluded) of the screen `widget` opens on: its parent's screen (a dialog
    opens over its window), else its own, else the primary one."""
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """`widget.resize(width, height)`, shrunk to the free area of its screen."""
    free = free_area(widget)
    if free is not None:
        width = min(width, free.width())
        height = min(height, free.height() - FRAME_ALLOWANCE)
    widget.resize(width, height)



def grow_to_contents(widget: QWidget, layout: QLayout) -> None:
    """A window as tall as its contents want at its width, within the screen (moved up if it would reach past
    the bottom), never shrunk."""
    layout.activate()
    width = widget.width()
    wanted = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if wanted <= widget.height():
        return
    resize_within_screen(widget, width, wanted)
    free = free_area(widget)
    if free is not None and widget.geometry().bottom() > free.bottom():
        widget.move(widget.x(), max(free.top(), free.bottom() - widget.height() - FRAME_ALLOWANCE))


class _ContentsInView(QObject):
    """Grows its window whenever the contents ask for a new layout (a label's text set, a table filled)."""

    def __init__(self, widget: QWidget, layout: QLayout) -> None:
        super().__init__(widget)
        self._layout = layout
        self._pending = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.LayoutRequest) and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self._grow)  # once the layout has taken the change in (never if gone)
        return False

    def _grow(self) -> None:
        self._pending = False
        widget = self.parent()
        if isinstance(widget, QWidget) and widget.isVisible():
            grow_to_contents(widget, self._layout)


def keep_contents_in_view(widget: QWidget, layout: QLayout) -> None:
    """A dialog whose contents grow after it opens (a summary filled in, a draft loaded) grows with them:
    it kept the size it opened at, and Qt squeezes a group below its minimum when wrapped labels want more
    height than the window has (their lines do not count in its minimum size) — the import summary's
    warning was painted over its last file, the new claim's 说明 box cut off above its buttons."""
    _ContentsInView(widget, layout)
