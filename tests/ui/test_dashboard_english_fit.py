"""统计 in English on a 1366×768 laptop: the figure tables show their rows without a sideways scroll bar. The bar
column, stretched to fill, never narrowed below Qt's default 100 px: beside the English names (Postage (paid by the
shop), Goods written off (cost)) the costs table scrolled sideways and its scroll bar hid its last row."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTranslator
from pytestqt.qtbot import QtBot

from desktop_app.ui.dashboard.figure_table import FigureTable
from tests.ui.conftest import close_window, open_laptop_window


def test_the_costs_table_fits_its_box_in_english(qtbot: QtBot, tmp_path: Path, data_home: Path,
                                                 english: QTranslator) -> None:
    win = open_laptop_window(qtbot, tmp_path / "ledger.sqlite3")
    try:
        win.build_all_tabs()
        qtbot.waitUntil(lambda: win.dashboard_tab is not None, timeout=10000)
        win.tabs.setCurrentWidget(win.dashboard_tab)
        table = win.dashboard_tab.money
        assert isinstance(table, FigureTable)
        qtbot.waitUntil(lambda: table.figures.rowCount() > 0 and not win.runner.busy, timeout=20000)
        qtbot.wait(50)  # laid out
        header = table.horizontalHeader()
        titles = [table.figures.headerData(c, header.orientation()) for c in range(header.count())]
        assert titles[0] == "Costs", titles
        assert header.length() <= table.viewport().width(), [header.sectionSize(c) for c in range(header.count())]
        assert not table.horizontalScrollBar().isVisible()
        bar = header.sectionSize(header.count() - 1)
        assert bar >= 40, bar  # the bar still shows
    finally:
        close_window(win)
