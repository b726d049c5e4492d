"""Closing the window while an import runs: asked first; closing cancels the import (nothing of the file
is stored, the window does not wait frozen for the rest of a large file), staying lets it finish."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.io.import_results import ImportProgress
from desktop_app.services import file_intake
from desktop_app.store.models import Order
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_import_dialog import SAMPLES


@pytest.fixture
def held_import(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The import pauses after its first step until it is cancelled or the returned event is set (as a
    large file would still be running when the window is closed)."""
    go_on = threading.Event()

    def paused(db: Any, paths: Any, cancel: Callable[[], bool] | None = None,
               profile_id: str | None = None, case_platform: str = "auto") -> Iterator[ImportProgress]:
        steps = file_intake.intake_steps(db, paths, cancel=cancel, profile_id=profile_id,
                                         case_platform=case_platform)
        yield next(steps)
        give_up = time.monotonic() + 10  # never a hung test (the old window waited for the import)
        while not go_on.is_set() and not (cancel is not None and cancel()) and time.monotonic() < give_up:
            go_on.wait(0.01)
        return (yield from steps)

    monkeypatch.setattr("desktop_app.ui.imports.import_dialog.intake_steps", paused)
    return go_on


def orders_in(window: MainWindow) -> int:
    assert window.context.db is not None
    with window.context.db.reading() as session:
        return session.scalar(select(func.count(Order.id))) or 0


def test_closing_asks_and_cancels_the_import(qtbot: QtBot, window: MainWindow, held_import: threading.Event,
                                             monkeypatch: pytest.MonkeyPatch, seeded_path: Path) -> None:
    asked: list[str] = []
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_a: (asked.append(text), answer)[1])
    dialog = window.import_files([SAMPLES / "pdd_orders.csv"])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.running, timeout=5000)

    assert not window.close()  # 继续导入: the window stays, the import goes on to its end
    assert len(asked) == 1 and "取消导入" in asked[0] and window.isVisible()
    held_import.set()
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert orders_in(window) == 40
    dialog.accept()

    held_import.clear()
    again = window.import_files([SAMPLES / "douyin_orders.xlsx"])
    assert again is not None
    qtbot.waitUntil(lambda: again.running, timeout=5000)
    answer = QMessageBox.StandardButton.Yes
    # Before: no question; the window waited for the whole file, then closed with it stored.
    assert window.close() and len(asked) == 2 and window.runner.closed
    with closing(sqlite3.connect(seeded_path)) as ledger:  # the file's orders rolled back, the first kept
        assert ledger.execute("SELECT count(*) FROM orders").fetchone() == (40,)


def test_closing_when_imports_are_done_asks_nothing(qtbot: QtBot, window: MainWindow,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: pytest.fail("asked"))
    dialog = window.import_files([SAMPLES / "pdd_orders.csv"])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert window.close()
