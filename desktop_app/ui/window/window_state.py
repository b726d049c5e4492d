"""What the window remembers between runs (QSettings in the data folder): its geometry, and per tab
the splitter positions and each table's column widths, order and sort.

A first run (nothing saved) fits the window to the screen: 1280×720, never taller than the screen's
free area, so the status bar stays visible on a 1366×768 laptop; on a roomier screen most of its free
area (a 1920×1080 desktop opened at 1280×720 with 下一个时限 and 状态 cut while a third of it stayed empty).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView, QWidget

from desktop_app.ui.widgets import screen_fit
from desktop_app.ui.widgets.grow_column import GrowColumn

DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 720
ROOMY_SHARE = 0.85  # of a screen's free area larger than the default needs

GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"


def fit_to_screen(window: QMainWindow) -> None:
    """The default size, or most of a roomier screen, within the screen's free area (taskbar excluded)."""
    width, height = DEFAULT_WIDTH, DEFAULT_HEIGHT
    free = screen_fit.free_area(window)
    if free is not None:
        width = max(width, int(free.width() * ROOMY_SHARE))
        height = max(height, int((free.height() - screen_fit.FRAME_ALLOWANCE) * ROOMY_SHARE))
    screen_fit.resize_within_screen(window, width, height)


def restore_window(window: QMainWindow, settings: QSettings) -> None:
    geometry = settings.value(GEOMETRY_KEY)
    if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        fit_to_screen(window)
    state = settings.value(STATE_KEY)
    if isinstance(state, QByteArray):
        window.restoreState(state)


def save_window(window: QMainWindow, settings: QSettings) -> None:
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState())


def _parts(tab: QWidget) -> tuple[list[QSplitter], list[QTableView]]:
    return tab.findChildren(QSplitter), [t for t in tab.findChildren(QTableView) if t.objectName()]


def restore_splitters(tab: QWidget, settings: QSettings) -> bool:
    """The splitters alone (a tab that builds some of its panes later restores them again then)."""
    prefix = f"tabs/{type(tab).__name__}"
    restored = False
    for i, splitter in enumerate(_parts(tab)[0]):
        state = settings.value(f"{prefix}/splitter{i}")
        if isinstance(state, QByteArray):
            restored = splitter.restoreState(state) or restored
    return restored


def restore_tab(tab: QWidget, settings: QSettings) -> bool:
    """Splitters and table headers as the user left them; False when nothing was saved (first run)."""
    prefix = f"tabs/{type(tab).__name__}"
    _splitters, tables = _parts(tab)
    restored = restore_splitters(tab, settings)
    for table in tables:
        key = f"{prefix}/{table.objectName()}"
        state = settings.value(f"{key}/header")
        columns = settings.value(f"{key}/columns")
        # A version with other columns: keep the defaults rather than widths of the wrong columns.
        if isinstance(state, QByteArray) and str(columns) == str(table.model().columnCount()):
            restored = table.horizontalHeader().restoreState(state) or restored
            grow = table.findChild(GrowColumn)
            if grow is not None:
                grow.restored(str(settings.value(f"{key}/key_column_sized", "false")).lower() == "true")
    return restored


def save_tab(tab: QWidget, settings: QSettings) -> None:
    prefix = f"tabs/{type(tab).__name__}"
    splitters, tables = _parts(tab)
    for i, splitter in enumerate(splitters):
        settings.setValue(f"{prefix}/splitter{i}", splitter.saveState())
    for table in tables:
        key = f"{prefix}/{table.objectName()}"
        settings.setValue(f"{key}/header", table.horizontalHeader().saveState())
        settings.setValue(f"{key}/columns", table.model().columnCount())
        grow = table.findChild(GrowColumn)
        if grow is not None:
            settings.setValue(f"{key}/key_column_sized", grow.user_sized)
