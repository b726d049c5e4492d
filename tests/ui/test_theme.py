"""Light and dark: the theme follows the system or the choice in 设置, and the status colours stay
readable (contrast at least 4.5:1 on the table background) in both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.ui.settings.settings_dialog import SettingsDialog
from desktop_app.ui.settings.theme import THEME_KEY, apply_theme, is_dark, theme
from desktop_app.ui.widgets import status_colours
from desktop_app.ui.widgets.status_colours import DONE, DUE_SOON, OVERDUE, SECONDARY, WAITING
from desktop_app.ui.window.main_window import MainWindow


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """Each test leaves the application's look as it found it."""
    assert isinstance(qapp, QApplication)
    style, palette = qapp.style().name(), qapp.palette()
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    status_colours.use_dark(False)


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_status_colours_are_readable_in_both_themes(app: QApplication, choice: str) -> None:
    dark = apply_theme(app, choice)
    assert dark is (choice == "dark") and is_dark(app.palette()) is dark
    shades = status_colours.DARK if dark else status_colours.LIGHT
    assert [c.name() for c in (OVERDUE, DUE_SOON, WAITING, DONE, SECONDARY)] == list(shades.values())
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Window):
        background = app.palette().color(role)
        for colour in (OVERDUE, DUE_SOON, WAITING, DONE, SECONDARY):
            assert contrast(colour, background) >= 4.5, (choice, role, colour.name(), background.name())
    text = app.palette().color(QPalette.ColorRole.Text)
    assert contrast(text, app.palette().color(QPalette.ColorRole.Base)) >= 7


def test_the_theme_is_chosen_in_settings_and_applies_at_once(qtbot: QtBot, app: QApplication,
                                                           window: MainWindow) -> None:
    assert theme(window.settings) == "system"
    legend = window.cases_tab.findChild(QLabel, "status_legend")
    assert legend is not None and status_colours.LIGHT["overdue"] in legend.text()
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    assert [dialog.theme.itemText(i) for i in range(dialog.theme.count())] == ["跟随系统", "浅色", "深色"]
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.settings.value(THEME_KEY) == "dark"
    assert is_dark(app.palette()) and OVERDUE.name() == status_colours.DARK["overdue"]
    assert status_colours.DARK["overdue"] in legend.text()  # the legends follow without a restart
    assert theme(QSettings(window.settings.fileName(), QSettings.Format.IniFormat)) == "dark"

    again = SettingsDialog(window.settings, window)
    qtbot.addWidget(again)
    assert again.theme.currentData() == "dark"
    again.theme.setCurrentIndex(again.theme.findData("light"))
    again.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert not is_dark(app.palette()) and OVERDUE.name() == status_colours.LIGHT["overdue"]


def test_following_a_silent_system_keeps_its_palette(app: QApplication) -> None:
    """Where the platform reports no scheme, 跟随系统 leaves its palette alone (dark or light) and
    undoes a palette the app forced before."""
    assert app.styleHints().colorScheme() == Qt.ColorScheme.Unknown  # offscreen says nothing
    assert apply_theme(app, "dark") and is_dark(app.palette())
    assert not apply_theme(app, "system") and not is_dark(app.palette())
    assert OVERDUE.name() == status_colours.LIGHT["overdue"]


def test_hints_and_messages_take_the_theme_s_shades_and_follow_a_switch(app: QApplication, window: MainWindow) -> None:
    """The window's secondary texts (hints, the ledger's path, a claim's checklist) were fixed light-theme
    greys (#444–#777): on the dark theme's background they read at 1.6–3.5:1."""
    label = window.db_label
    assert status_colours.LIGHT["secondary"] in label.styleSheet()
    apply_theme(app, "dark")
    assert status_colours.DARK["secondary"] in label.styleSheet()  # re-tinted without a restart
    assert contrast(QColor(status_colours.DARK["secondary"]), app.palette().color(QPalette.ColorRole.Window)) >= 4.5
    apply_theme(app, "light")
    assert status_colours.LIGHT["secondary"] in label.styleSheet()
