"""The window reads a ledger file's search pages once its first page is shown (ui/page_warming), and the reading
gives way to the user: a read the user waits for pauses it until they leave the window alone; the window's closing
and a restore stop it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import Database, open_database
from desktop_app.ui import page_warming
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.page_warming import PageWarming
from tests.ui.conftest import opened_window

QUIET_MS = 300


class FakeWarming:
    """Asks for its turn every 10 ms, noting when it got it, until told to stop."""

    def __init__(self) -> None:
        self.turns: list[float] = []
        self.ended = threading.Event()

    def __call__(self, path: Path, wait_turn: Callable[[], None]) -> int:
        try:
            while True:
                wait_turn()
                self.turns.append(time.perf_counter())
                time.sleep(0.01)
        finally:
            self.ended.set()


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeWarming:
    warming = FakeWarming()
    monkeypatch.setattr(page_warming, "warm_search_pages", warming)
    monkeypatch.setattr(page_warming, "QUIET_MS", QUIET_MS)
    return warming


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Database]:
    db = open_database(db_path)
    yield db
    db.close()


def test_a_read_the_user_waits_for_pauses_the_warming_until_they_leave_off(
        qtbot: QtBot, fake: FakeWarming, ledger: Database) -> None:
    runner = BackgroundRunner()
    warming = PageWarming(runner)
    warming.start(ledger)
    qtbot.waitUntil(lambda: len(fake.turns) > 3, timeout=5000)
    runner.read(lambda: None)  # a keystroke's search
    asked = time.perf_counter()
    qtbot.wait(QUIET_MS // 2)
    paused = [t for t in fake.turns if t > asked + 0.05]  # (a turn under way when the key came may end)
    assert paused == []
    qtbot.waitUntil(lambda: any(t > asked + QUIET_MS / 1000 for t in fake.turns), timeout=5000)
    runner.shutdown()  # the window closes: the warming stops by itself, nothing waits for it
    assert fake.ended.wait(2)
    assert not warming.running or fake.ended.is_set()


def test_a_restore_stops_the_warming_before_the_file_is_replaced(qtbot: QtBot, fake: FakeWarming,
                                                                    ledger: Database) -> None:
    runner = BackgroundRunner()
    warming = PageWarming(runner)
    warming.start(ledger)
    qtbot.waitUntil(lambda: len(fake.turns) > 1, timeout=5000)
    warming.stop()
    assert fake.ended.is_set() and not warming.running
    runner.shutdown()


def test_the_window_warms_a_ledger_files_search_pages_after_its_first_page(
        qtbot: QtBot, db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = open_database(db_path)
    open_case(db, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP))
    db.close()
    caplog.set_level(logging.INFO, logger=page_warming.__name__)
    windows = opened_window(qtbot, db_path)
    win = next(windows)
    qtbot.waitUntil(lambda: getattr(win, "page_warming", None) is not None, timeout=10000)
    qtbot.waitUntil(lambda: not win.page_warming.running, timeout=10000)  # a small file: read at once
    assert any("page warming read" in r.getMessage() for r in caplog.records), caplog.text
    next(windows, None)  # closed
