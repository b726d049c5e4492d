"""A detail pane inside a scroll area, so its content never sets the window's minimum height.

On a 1366×768 laptop the window has ~690 px for its content: a pane whose buttons, lists and
evidence need more scrolls inside itself instead of pushing the status bar off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrolling(pane: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(f"{pane.objectName() or 'pane'}_scroll")
    area.setWidget(pane)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area
