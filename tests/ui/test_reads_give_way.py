"""What the user waits for is not kept behind reads it made needless or nobody looks at yet (issue 18), on
SQLite and PostgreSQL: a table's load under way stops when a newer one is asked for; the tab titles'
counts and a hidden tab's count stop for a keystroke, wait while the user types, and count after."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from desktop_app.services import team
from desktop_app.store.case_filters import CaseFilter
from desktop_app.store.database import Database
from desktop_app.store.locations import parse_location
from desktop_app.ui import aside_reads
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_table_model import CaseTableModel
from desktop_app.ui.context import AppContext
from desktop_app.ui.window import tab_titles
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window
from tests.unit.test_read_interrupts import endless_statement, statement_running


class EndlessQuery:
    """A listing whose first step runs until it is stopped."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.began = threading.Event()

    def prepare(self, session: Session) -> EndlessQuery:
        endless_statement(self.db, session, self.began)()
        return self

    def count(self, session: Session) -> int:
        return 0

    def page(self, session: Session, offset: int, limit: int) -> list[object]:
        return []


def wait_running(qtbot: QtBot, db: Database, began: threading.Event) -> None:
    qtbot.waitUntil(began.is_set, timeout=10000)
    qtbot.waitUntil(lambda: statement_running(db), timeout=10000)


def test_a_newer_load_stops_the_one_under_way(qtbot: QtBot, db: Database) -> None:
    runner = BackgroundRunner()
    model = CaseTableModel(runner)
    model.set_database(db)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    endless = EndlessQuery(db)
    model.set_query(endless)  # type: ignore[arg-type]
    wait_running(qtbot, db, endless.began)

    with qtbot.waitSignal(model.loaded, timeout=20000):
        model.set_filter(CaseFilter(search="王伟"))  # the user typed on
    qtbot.waitUntil(lambda: not runner.busy, timeout=20000)  # the endless read ended: stopped
    assert model.filter.search == "王伟" and model.total == 0
    runner.shutdown()


@pytest.fixture
def no_collector() -> Iterator[None]:
    """Only reference counts free objects meanwhile: what is left in a cycle stays, to be seen."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


class CountShown(QObject):
    """What a tab is to a count: it asks for one through the context and takes the number."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.numbers: list[int] = []

    def take(self, number: int) -> None:
        self.numbers.append(number)


def test_a_context_with_a_count_put_off_goes_without_the_garbage_collector(
        qtbot: QtBot, db: Database, no_collector: None) -> None:
    """A context without a parent (the tabs' tests make them) with a count waiting for the user to leave
    off: the context and its aside reads held each other (a getter of the database), the waiting count
    held the tab: freed only by the garbage collector, on a worker thread's allocation, the QObjects
    were destroyed there beside the GUI thread (a test worker hung in QObject::~QObject within
    gc_collect_main on the ledger-db thread while the GUI thread built a window). They now go with
    their last reference, once the runner has shut down."""
    gone = context_with_a_count_put_off(qtbot, db)
    assert [ref() for ref in gone] == [None, None, None]


def context_with_a_count_put_off(qtbot: QtBot, db: Database) -> list[weakref.ref[object]]:
    runner = BackgroundRunner()
    context = AppContext(runner)
    context.set_database(db)
    shown = CountShown(context)
    context.aside.give_way()  # the user waits for a read: the count waits
    context.aside.look_up("count", lambda session: 1, shown.take)
    assert context.aside.waiting and shown.numbers == []
    runner.shutdown()
    return [weakref.ref(runner), weakref.ref(context), weakref.ref(shown)]


@pytest.fixture
def backend_window(qtbot: QtBot, ledger_target: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv(team.ENV_SEAT, "小王")  # a team ledger's first start would ask for it
    yield from opened_window(qtbot, parse_location(ledger_target), timeout_ms=15000)


def test_the_tab_counts_give_way_to_a_keystroke_and_count_after(
        qtbot: QtBot, backend_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window = backend_window
    titles = window.findChild(tab_titles.TabTitles)
    assert titles is not None
    db = window.context.db
    assert db is not None
    qtbot.waitUntil(lambda: not window.context.aside.busy, timeout=10000)  # the counts after opening
    began = threading.Event()
    calls: list[str] = []
    real_counts = tab_titles.read_counts

    def counts(session: Session, days: int) -> tab_titles.TabCounts:
        if not calls:  # the first count takes minutes (a million cases on a slow server)
            calls.append("endless")
            try:
                endless_statement(db, session, began)()
            except Exception:
                calls.append("stopped")
                raise
        calls.append("counted")
        return real_counts(session, days)

    monkeypatch.setattr(tab_titles, "read_counts", counts)
    titles.read()
    wait_running(qtbot, db, began)

    window.cases_tab.search.setText("王伟")  # a keystroke: its search is read on the reading thread
    qtbot.waitUntil(lambda: calls[:2] == ["endless", "stopped"], timeout=20000)
    qtbot.waitUntil(lambda: window.cases_tab.model.filter.search == "王伟", timeout=20000)
    assert calls == ["endless", "stopped"] and window.context.aside.busy  # put off while the user types
    # Counted again once the user left off, to the end this time.
    qtbot.waitUntil(lambda: calls == ["endless", "stopped", "counted"] and not window.runner.busy, timeout=20000)
    assert not window.context.aside.busy
    assert window.tabs.tabText(window.tabs.indexOf(window.cases_tab)) == "售后单"  # an empty ledger: no number


@pytest.fixture
def long_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user "leaves off" only when the test says so (asked before the window is made)."""
    monkeypatch.setattr(aside_reads, "QUIET_MS", 3_600_000)


def test_a_hidden_tabs_count_waits_while_the_user_reads(qtbot: QtBot, long_quiet: None,
                                                        backend_window: MainWindow) -> None:
    window = backend_window
    aside = window.context.aside
    aside.leave_off()  # the counts after opening
    qtbot.waitUntil(lambda: not aside.busy, timeout=10000)
    counted: list[int] = []
    window.reship_tab.count_changed.connect(counted.append)
    window.cases_tab.search.setText("王")
    window.cases_tab.apply_filter()  # the user waits for its read (queued now) …
    window.reship_tab.refresh_hidden()  # … when another seat's change asks the hidden queue for its number
    assert aside.waiting and counted == []  # not queued beside the search: it waits until the user leaves off
    # The search read and shown, the window is idle: a count put off is no work under way (tests and
    # benches wait for `busy`; held there, every wait lasted QUIET_MS longer).
    qtbot.waitUntil(lambda: window.cases_tab.model.filter.search == "王" and not window.runner.busy, timeout=10000)
    assert aside.waiting and aside.busy and counted == []
    aside.leave_off()  # what the quiet timer does
    qtbot.waitUntil(lambda: counted == [0], timeout=10000)
    qtbot.waitUntil(lambda: not aside.busy and not window.runner.busy, timeout=10000)
