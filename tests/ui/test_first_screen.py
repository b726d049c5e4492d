"""The Cases table's first page is shown before the ledger has opened (store/first_page, issue 15),
and what the user does meanwhile — a sort, a click on a row, a toolbar command — is served once it has."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import desktop_app.store.database as database
from bench.seed_ledger import seed
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.case_queries import case_rows
from desktop_app.ui.cases.new_case_dialog import NewCaseDialog
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.window.window_opening import ORDER_KEY, remember_order, remembered_order
from tests.ui.conftest import wait_idle


def shown_ids(window: object) -> list[int]:
    model = window.cases_tab.model  # type: ignore[attr-defined]
    return [model.index(r, 0).data(ROW_ROLE).id for r in range(min(model.rowCount(), 200))]


@pytest.mark.sqlite_only
def test_the_first_page_shows_before_the_ledger_opens_and_what_is_asked_meanwhile_follows(
        qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.ui.app import create_window

    seed(db_path, 300)
    release = threading.Event()
    real_open = database.open_database

    def held_open(*args: object, **kwargs: object) -> database.Database:
        release.wait(20)  # the ledger "opens" only when the test says so
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database, "open_database", held_open)
    db = real_open(db_path)
    with db.reading() as session:
        newest = [r.id for r in case_rows(session, CaseFilter(open_state=OpenState.OPEN), CaseOrder(), 0, 200)]
        by_receiver = [r.id for r in case_rows(session, CaseFilter(open_state=OpenState.OPEN),
                                               CaseOrder(CaseSort.RECEIVER, False), 0, 200)]
    db.close()

    window = create_window(db_path)
    qtbot.addWidget(window)
    window.show()
    window.open_database()
    qtbot.waitUntil(lambda: window.cases_tab_built and window.cases_tab.model.rowCount() > 0, timeout=10000)
    assert window.context.db is None  # still opening
    assert shown_ids(window) == newest
    assert window.import_action.isEnabled() and window.new_case_action.isEnabled()
    assert window.cases_tab.detail is None  # the panes come with the ledger

    window.cases_tab.table.selectRow(2)  # a click on a row: its case shows once the pane is there
    chosen = shown_ids(window)[2]
    window.new_case_action.trigger()  # waits for the ledger instead of being lost
    window.cases_tab.table.sortByColumn(window.cases_tab.model.column_index(CaseSort.RECEIVER),
                                        Qt.SortOrder.AscendingOrder)
    assert shown_ids(window) == newest  # the rows stay until the new order is read
    assert window.findChild(NewCaseDialog) is None

    release.set()
    qtbot.waitUntil(lambda: window.context.db is not None, timeout=20000)
    qtbot.waitUntil(lambda: shown_ids(window) == by_receiver, timeout=10000)
    # The panes' code is imported once those rows are painted (ui/window/startup.py), then they come.
    qtbot.waitUntil(lambda: window.cases_tab.detail is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.cases_tab.detail.case_id == chosen, timeout=10000)
    dialog = window.findChild(NewCaseDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    wait_idle(qtbot, window)
    window.runner.shutdown()


@pytest.mark.sqlite_only
def test_the_first_page_kept_when_the_ledger_opens_reads_the_next_pages(qtbot: QtBot, db_path: Path) -> None:
    from desktop_app.ui.app import create_window

    seed(db_path, 900)
    window = create_window(db_path)
    qtbot.addWidget(window)
    window.show()
    window.open_database()
    qtbot.waitUntil(lambda: window.context.db is not None, timeout=20000)
    wait_idle(qtbot, window)
    model = window.cases_tab.model
    assert model.rowCount() > 400
    window.cases_tab.table.scrollToBottom()  # beyond the first page: read through the open ledger
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: model.is_loaded(last), timeout=10000)
    assert model.index(last, 0).data(ROW_ROLE) is not None
    window.runner.shutdown()


def _newest_and_by_receiver(db_path: Path) -> tuple[list[int], list[int]]:
    db = database.open_database(db_path)
    with db.reading() as session:
        shown = CaseFilter(open_state=OpenState.OPEN)
        newest = [r.id for r in case_rows(session, shown, CaseOrder(), 0, 200)]
        by_receiver = [r.id for r in case_rows(session, shown, CaseOrder(CaseSort.RECEIVER, False), 0, 200)]
    db.close()
    return newest, by_receiver


@pytest.mark.sqlite_only
def test_the_sort_of_the_last_close_is_the_next_launchs_first_page(qtbot: QtBot, db_path: Path) -> None:
    """The first page is read while the window paints, in the sort the table had when it was closed
    (its saved header restores the same sort once the tab is built)."""
    from desktop_app.ui.app import create_window

    seed(db_path, 300)
    _newest, by_receiver = _newest_and_by_receiver(db_path)
    first = create_window(db_path)
    qtbot.addWidget(first)
    first.show()
    first.open_when_painted()
    qtbot.waitUntil(lambda: first.context.db is not None, timeout=20000)
    wait_idle(qtbot, first)
    first.cases_tab.table.sortByColumn(first.cases_tab.model.column_index(CaseSort.RECEIVER),
                                       Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, first)
    first.close()
    assert remembered_order(first.settings) == CaseOrder(CaseSort.RECEIVER, False)

    second = create_window(db_path)
    qtbot.addWidget(second)
    second.show()
    second.open_when_painted()
    qtbot.waitUntil(lambda: second.cases_tab_built and second.cases_tab.model.rowCount() > 0, timeout=10000)
    assert second.cases_tab.model.order == CaseOrder(CaseSort.RECEIVER, False)
    assert shown_ids(second) == by_receiver
    qtbot.waitUntil(lambda: second.context.db is not None, timeout=20000)
    wait_idle(qtbot, second)
    second.runner.shutdown()


@pytest.mark.sqlite_only
def test_a_first_page_read_in_another_sort_than_the_table_restored_is_read_again(
        qtbot: QtBot, db_path: Path) -> None:
    from desktop_app.ui.app import app_settings, create_window

    seed(db_path, 300)
    newest, _by_receiver = _newest_and_by_receiver(db_path)
    remember_order(app_settings(), CaseOrder(CaseSort.RECEIVER, False))  # but no saved header: newest first
    window = create_window(db_path)
    qtbot.addWidget(window)
    window.show()
    window.open_when_painted()
    qtbot.waitUntil(lambda: window.cases_tab_built and window.cases_tab.model.rowCount() > 0, timeout=10000)
    assert window.cases_tab.model.order == CaseOrder()
    assert shown_ids(window) == newest
    qtbot.waitUntil(lambda: window.context.db is not None, timeout=20000)
    wait_idle(qtbot, window)
    window.runner.shutdown()


def test_a_remembered_sort_the_app_does_not_know_is_the_usual_one(tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for stored in ("", "gone desc", "receiver sideways", 3):
        settings.setValue(ORDER_KEY, stored)
        assert remembered_order(settings) == CaseOrder()
    remember_order(settings, CaseOrder(CaseSort.NEXT_DUE, True))
    assert remembered_order(settings) == CaseOrder(CaseSort.NEXT_DUE, True)


def test_the_window_is_built_before_sqlalchemy_is_loaded() -> None:
    """The first page comes before SQLAlchemy (≈ 0.2–0.3 s of imports): the team listener's import of one
    constant from store/change_tracking loaded it with the main window, and launch → usable went from
    0.41–0.45 to 0.55 s on an empty ledger (0.72–0.81 s at a million cases)."""
    probe = ("import sys\nimport desktop_app.ui.app\nimport desktop_app.ui.window.main_window\n"
             "import desktop_app.ui.cases.cases_tab\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'psycopg')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.stdout.strip() == "[]"
