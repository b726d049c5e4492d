"""The shipped Chinese font (WenQuanYi Micro Hei), registered with Qt at start.

Without a CJK font installed, Qt's PDF writer and printer draw an empty box for every Chinese
character, silently (FACTS.md). Registering the shipped font makes statements render and embed it on
any machine. The window's own font (the shipped one only as a fallback, the system's Chinese UI font
first) is the window's business: desktop_app/ui/interface_font.py.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase

from desktop_app.paths import resource

log = logging.getLogger(__name__)

FONT_FILE = ("fonts", "wqy-microhei.ttc")
FAMILY = "WenQuanYi Micro Hei"

_registered: str | None = None


def register_fonts() -> str:
    """Register the shipped font once (a QGuiApplication must exist); returns the family for documents.

    If the file is missing (a damaged install) the best installed Simplified Chinese family is
    returned instead, and the default family when there is none.
    """
    global _registered
    if _registered is not None:
        return _registered
    path = resource(*FONT_FILE)
    families: list[str] = []
    if path.is_file():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
    if FAMILY in families:
        _registered = FAMILY
    else:
        log.warning("shipped font %s could not be registered; using an installed font", path)
        installed = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        _registered = installed[0] if installed else QFont().defaultFamily()
    return _registered


def document_family() -> str:
    """The family statements are drawn in (registers the font on first use)."""
    return register_fonts()
