"""The window's colours: follow the system's light or dark mode, or the shop's choice in 设置.

Qt follows the system by itself where the platform theme reports a colour scheme (Windows 11,
macOS, GNOME/KDE); the choice 浅色 / 深色 asks Qt for that scheme. Where the style does not honour
the request (an old Windows style, a bare X server), the Fusion style with a palette of our own
gives the same result. The status colours (`status_colours.use_dark`) and the legends follow, and a
change of the system's mode while the app runs is followed too when the choice is 跟随系统.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

from desktop_app.ui.widgets import status_colours

THEMES = ("system", "light", "dark")  # 跟随系统 / 浅色 / 深色 in 设置
THEME_KEY = "ui/settings/theme"
_SCHEMES = {"system": Qt.ColorScheme.Unknown, "light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}
_following: list[QApplication] = []  # apps whose system-scheme signal is connected


def theme(settings: QSettings) -> str:
    value = settings.value(THEME_KEY, "system")
    return value if value in _SCHEMES else "system"


def wants_dark(app: QApplication, choice: str) -> bool:
    if choice == "system":
        return app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return choice == "dark"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """Fusion's roles in dark shades (Qt's own dark Fusion palette, with a visible link colour)."""
    palette = QPalette()
    shades = {
        QPalette.ColorRole.Window: "#2d2d2d", QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#232323", QPalette.ColorRole.AlternateBase: "#2b2b2b",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a", QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.BrightText: "#ff7961",
        QPalette.ColorRole.Link: "#8ab4f8", QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.PlaceholderText: "#9a9a9a",
        QPalette.ColorRole.Light: "#4a4a4a", QPalette.ColorRole.Midlight: "#3e3e3e",
        QPalette.ColorRole.Mid: "#5a5a5a", QPalette.ColorRole.Dark: "#1e1e1e", QPalette.ColorRole.Shadow: "#141414",
    }
    for role, shade in shades.items():
        palette.setColor(role, QColor(shade))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


class DarkFusion(QProxyStyle):
    """Fusion under our dark palette. Fusion outlines check boxes in a shade darker than the window,
    which vanishes on a dark background unless the platform itself is in dark mode: boxes and radio
    buttons get a visible grey outline here (ticks are drawn in the text colour as usual)."""

    _BOXES = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
              QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        if element not in self._BOXES:
            super().drawPrimitive(element, option, painter, widget)
            return
        saved = QPalette(option.palette)  # type: ignore[attr-defined]
        outlined = QPalette(saved)
        outlined.setColor(QPalette.ColorRole.Window, QColor("#b4b4b4"))  # → an outline of #808080
        option.palette = outlined  # type: ignore[attr-defined]
        try:
            super().drawPrimitive(element, option, painter, widget)
        finally:
            option.palette = saved  # type: ignore[attr-defined]


def apply_theme(app: QApplication, choice: str) -> bool:
    """Use the theme `choice` (system / light / dark) now; True when the result is dark."""
    app.styleHints().setColorScheme(_SCHEMES.get(choice, Qt.ColorScheme.Unknown))
    if choice == "system" and app.styleHints().colorScheme() == Qt.ColorScheme.Unknown:
        # The platform does not say (an older desktop): its own palette is the system's choice.
        if app.property("theme_forced"):
            app.setPalette(app.style().standardPalette())
            app.setProperty("theme_forced", False)
        dark = is_dark(app.palette())
    else:
        dark = wants_dark(app, choice)
        if is_dark(app.palette()) != dark:  # the style did not follow the request: Fusion does
            style = DarkFusion() if dark else QStyleFactory.create("Fusion")
            app.setStyle(style)
            app.setPalette(dark_palette() if dark else style.standardPalette())
            app.setProperty("theme_forced", True)
    status_colours.use_dark(dark)
    for widget in app.allWidgets():
        if isinstance(widget, QLabel) and widget.objectName() == "status_legend":
            widget.setText(status_colours.legend_html())
        status_colours.retint(widget)
        widget.update()
    return dark


def follow_system(app: QApplication, settings: QSettings) -> None:
    """Apply the saved choice now and again whenever the system switches between light and dark."""
    apply_theme(app, theme(settings))
    if app not in _following:
        _following.append(app)
        app.styleHints().colorSchemeChanged.connect(
            lambda _scheme: apply_theme(app, "system") if theme(settings) == "system" else None)
