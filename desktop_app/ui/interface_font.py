"""The window's interface font: the system's own Chinese UI font first (Microsoft YaHei UI on Windows,
PingFang SC on macOS, Noto/Source Han Sans elsewhere), the shipped font (printing/fonts.py, registered
for the printed pages) only as a fallback where no installed font has Chinese."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFontDatabase, QGuiApplication

from desktop_app.printing.fonts import FAMILY, register_fonts


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
