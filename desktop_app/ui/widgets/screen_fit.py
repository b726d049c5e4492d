"""Windows and dialogs never larger than the screen they open on.

A dialog sized for a 1920×1080 screen (the statement preview 820×720, the column mapping 1000×720, the
playbook editor 1100×700) reached under the taskbar on a 1366×768 laptop (728 px free, ~30 px of it the
title bar) and past the bottom of a 1920×1080 screen scaled to 150 % (1280×680 free): its buttons
were off screen. Its size is what it asks for, shrunk to the free area of the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

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
