"""Fixtures that drive the real main window over a real database file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.store.database import Database, open_database
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.app import create_window
from desktop_app.ui.gui_collector import GuiThreadCollector
from desktop_app.ui.translations import compile_ts, ts_file
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture(autouse=True)
def collected_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app (ui/gui_collector): the windows, dialogs and contexts a test leaves in reference
    cycles are freed here, on the GUI thread, not by a collection that a worker thread's allocation
    starts during a later test (which crashed or hung a test worker)."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    return db_path


@pytest.fixture
def window(qtbot: QtBot, seeded_path: Path) -> Iterator[MainWindow]:
    yield from opened_window(qtbot, seeded_path)


def opened_window(qtbot: QtBot, target: Path | LedgerLocation, timeout_ms: int = 10000) -> Iterator[MainWindow]:
    """The main window on a ledger, shown, opened and idle; closed down after the test."""
    win = create_window(target)
    qtbot.addWidget(win)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.context.db is not None, timeout=timeout_ms)
    wait_idle(qtbot, win)
    yield win
    win.team_changes.stop()
    win.runner.shutdown()
    if win.context.db is not None:
        win.context.db.close()


def wait_idle(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until queued background work has finished and been delivered."""
    qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)


@pytest.fixture
def seed_db(db_path: Path) -> Iterator[Database]:
    db = open_database(db_path)
    yield db
    db.close()


@pytest.fixture
def english(qapp: QApplication, tmp_path: Path) -> Iterator[QTranslator]:
    """Our English installed on the app, and removed again so other tests stay Chinese."""
    qm = tmp_path / "desktop_app_en.qm"
    assert compile_ts(ts_file("en"), qm)
    translator = QTranslator()
    assert translator.load(str(qm))
    qapp.installTranslator(translator)
    yield translator
    qapp.removeTranslator(translator)


def open_laptop_window(qtbot: QtBot, path: Path) -> MainWindow:
    """The main window at a laptop's size on a ledger, shown, opened and idle (close it with `close_window`)."""
    win = create_window(path)
    qtbot.addWidget(win)
    win.resize(1366, 740)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.context.db is not None and not win.runner.busy, timeout=20000)
    return win


def close_window(win: MainWindow) -> None:
    win.team_changes.stop()
    win.runner.shutdown()
    if win.context.db is not None:
        win.context.db.close()


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as a PC set to New York (daylight saving, 12–13 h behind China)."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
