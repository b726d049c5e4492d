"""The shipped Chinese font (WenQuanYi Micro Hei), registered with Qt at start.

Without a CJK font installed, Qt's PDF writer and printer draw an empty box for every Chinese
character, silently (FACTS.md). Registering the shipped font makes statements render and embed it on
any machine; the interface gets it as a fallback only where the system has no Chinese font, so
Windows keeps Microsoft YaHei and macOS PingFang for its widgets.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

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


def _system_has_chinese() -> bool:
    """Whether a font other than ours covers Simplified Chinese."""
    return any(f != FAMILY and not f.startswith(FAMILY)
               for f in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def install_interface_fallback(app: QGuiApplication) -> bool:
    """Give the interface the shipped font as a fallback when no installed font has Chinese.

    Returns True when the fallback was added. Call after `register_fonts()`.
    """
    family = register_fonts()
    if family != FAMILY or _system_has_chinese():
        return False
    font = app.font()
    families = font.families() or [font.family()]
    if FAMILY not in families:
        font.setFamilies([*families, FAMILY])
        app.setFont(font)
    return True


# The interface font that fits each system: what its own Chinese UI uses, first one installed wins.
UI_FONTS = {
    "win32": ("Microsoft YaHei UI", "Microsoft YaHei"),
    "darwin": ("PingFang SC", "Hiragino Sans GB"),
    "linux": ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", FAMILY),
}


def use_system_ui_font(app: QGuiApplication, platform: str = sys.platform) -> str | None:
    """Put the system's Chinese UI font first in the application font (Microsoft YaHei UI on Windows,
    PingFang SC on macOS, Noto/Source Han Sans or the bundled font elsewhere); the chosen family or None."""
    installed = set(QFontDatabase.families())
    wanted = UI_FONTS.get(platform, UI_FONTS["linux"] if platform.startswith("linux") else ())
    chosen = next((family for family in wanted if family in installed), None)
    if chosen is None:
        return None
    font = app.font()
    families = [f for f in (font.families() or [font.family()]) if f != chosen]
    font.setFamilies([chosen, *families])
    app.setFont(font)
    return chosen
