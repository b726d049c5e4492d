"""Another seat's 下一个时限 minute tick, seen from a window on the same team ledger (PostgreSQL; skipped
without AFTERSALES_TEST_PG_URL): the window reloads in the new order by itself, and its status bar does not
say that the other seat changed a case — nobody did, a platform's timer ran out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from desktop_app.core.clock import Moment, now
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.deadlines import refresh_next_dues_of
from desktop_app.store.case_filters import CaseSort
from desktop_app.store.database import Database, open_database
from desktop_app.store.locations import parse_location
from desktop_app.store.models import Case
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import opened_window, wait_idle
from tests.ui.test_next_due_sort import listed

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


@pytest.fixture
def other_seat(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url, seat="小李")
    yield db
    db.close()


@pytest.fixture
def team_window(qtbot: QtBot, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("AFTERSALES_LEDGER_SEAT", "小王")
    yield from opened_window(qtbot, parse_location(pg_url), timeout_ms=15000)


def test_another_seats_tick_reorders_the_window_without_naming_a_seat(
        qtbot: QtBot, other_seat: Database, team_window: MainWindow) -> None:
    win, start = team_window, now()
    work = open_case(other_seat, NewCase(Platform.PDD, "TICK-B", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                         requested=Moment(start - timedelta(hours=2))), author="小李").case_id
    act_on_case(other_seat, work, CaseAction.AGREE_RESHIP, at=Moment(start - timedelta(hours=1)), author="小李")
    settled = open_case(other_seat, NewCase(Platform.DOUYIN, "TICK-A", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                                            requested=Moment(start - timedelta(hours=50))), author="小李").case_id
    with other_seat.transaction() as s:  # as last written before its answer ran out (2 h ago)
        s.execute(update(Case).where(Case.id == settled).values(
            next_due_at=start - timedelta(hours=2), next_due_name="处理仅退款申请（48小时）（时长为估计）",
            next_due_automatic=True, next_due_until=start - timedelta(hours=2)))
    model = win.cases_tab.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=15000)  # the other seat's cases, by themselves
    wait_idle(qtbot, win)
    with qtbot.waitSignal(model.loaded, timeout=10000):
        win.cases_tab.table.sortByColumn(model.column_index(CaseSort.NEXT_DUE), Qt.SortOrder.AscendingOrder)
    assert listed(model) == [settled, work]
    win.team_changes.label.clear()

    assert refresh_next_dues_of(other_seat).value == 1  # the other seat's window ticks
    qtbot.waitUntil(lambda: listed(model) == [work, settled], timeout=15000)
    wait_idle(qtbot, win)
    qtbot.wait(200)
    # It said "小李 修改了 售后单、时限" whenever a platform timer ran out on another seat's clock.
    assert "修改了" not in win.team_changes.label.text()
