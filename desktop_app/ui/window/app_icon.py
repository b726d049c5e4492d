"""The application icon (resources/icons, rendered from the SVG by installer/make_icons.py)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from desktop_app.paths import resource

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        path = resource("icons", f"aftersales-ledger-{size}.png")
        if path.exists():
            icon.addFile(str(path))
    return icon
