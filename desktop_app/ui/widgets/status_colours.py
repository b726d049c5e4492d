"""One status-colour system for every tab: overdue red, due within 24 h orange, waiting grey, done green.

The cases, reship, claims and calendar tabs colour the same states the same way, and each shows the
same legend, so a colour means one thing across the window. The dark theme uses lighter shades of
the same four (`use_dark`, called by `ui.theme`), each readable on its background. Every other text
the window colours uses them too (an error is overdue red, a success done green, a warning due-soon
orange) or the secondary grey of hints and labels: a fixed light-theme grey (#444–#777) all but
vanished on the dark theme's background. `tint` colours a widget so that a theme switch re-tints it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

# Text colours that keep a contrast of at least 4.5:1 on the table background of each theme (WCAG AA;
# tests/ui/test_theme.py measures them against the palette in force).
LIGHT = {"overdue": "#c62828", "due_soon": "#a84300", "waiting": "#546e7a", "done": "#2a7030", "secondary": "#5c5c5c"}
DARK = {"overdue": "#ff7961", "due_soon": "#ffb74d", "waiting": "#b0bec5", "done": "#81c784", "secondary": "#ababab"}

OVERDUE = QColor(LIGHT["overdue"])  # red: the deadline has passed
DUE_SOON = QColor(LIGHT["due_soon"])  # orange: due within 24 hours
WAITING = QColor(LIGHT["waiting"])  # grey: open, more than a day left (or no deadline)
DONE = QColor(LIGHT["done"])  # green: finished (shipped, paid, closed)
SECONDARY = QColor(LIGHT["secondary"])  # hints, field labels, explanations: quieter than the text
SOON_WINDOW = timedelta(hours=24)
_BY_NAME = {"overdue": OVERDUE, "due_soon": DUE_SOON, "waiting": WAITING, "done": DONE, "secondary": SECONDARY}
_TINT = "tint"  # the dynamic property naming a widget's shade (`tint`)


def use_dark(dark: bool) -> None:
    """Switch the four colours to the light or dark theme's shades. The same QColor objects change in
    place, so every module that imported them (and the aliases SOON, LATER …) paints the new shade."""
    for name, shade in (DARK if dark else LIGHT).items():
        _BY_NAME[name].setRgba(QColor(shade).rgba())


def shade(name: str) -> str:
    """The current theme's shade of one of the colours ("overdue", "due_soon", "waiting", "done",
    "secondary") as #rrggbb, for rich text and style sheets."""
    return _BY_NAME[name].name()


def tint(widget: QWidget, name: str | None, rest: str = "") -> None:
    """Colour `widget`'s text with a shade (None: the palette's text again), `rest` added to its style
    sheet (a font size, padding). A theme switch re-tints it (`retint`)."""
    widget.setProperty(_TINT, None if name is None else (name, rest))
    widget.setStyleSheet(rest if name is None else f"color:{shade(name)};{rest}")


def retint(widget: QWidget) -> None:
    """Apply a tinted widget's shade of the theme now in force."""
    tinted = widget.property(_TINT)
    if tinted:
        tint(widget, *tinted)


def search_match() -> QColor:
    """The background of the cell a search matched (a phone's last four), readable in either theme."""
    return QColor("#5c4a00") if OVERDUE.name() == DARK["overdue"] else QColor("#fff59d")


def urgency(due: datetime | None, now: datetime) -> QColor:
    """The colour of an open item by its next deadline."""
    if due is None:
        return WAITING
    left = due - now
    if left < timedelta(0):
        return OVERDUE
    return DUE_SOON if left < SOON_WINDOW else WAITING


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatusColours", text)


def legend_html() -> str:
    parts = ((OVERDUE, _tr("已逾期")), (DUE_SOON, _tr("24小时内到期")), (WAITING, _tr("等待中")), (DONE, _tr("已完成")))
    return " &nbsp; ".join(f"<span style='color:{c.name()}'>■</span> {text}" for c, text in parts)


def legend() -> QLabel:
    label = QLabel(legend_html())
    label.setObjectName("status_legend")
    label.setToolTip(_tr("各标签页的颜色含义相同"))
    return label
