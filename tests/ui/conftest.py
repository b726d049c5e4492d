"""Fixtures that drive the real main window over a real database file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.store.database import Database, open_database
from desktop_app.ui.app import create_window
from desktop_app.ui.window.main_window import MainWindow


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    return db_path


@pytest.fixture
def window(qtbot: QtBot, seeded_path: Path) -> Iterator[MainWindow]:
    win = create_window(seeded_path)
    qtbot.addWidget(win)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.context.db is not None, timeout=10000)
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
