"""The due-soon reminder: each deadline announced once when it comes within the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA
from desktop_app.io.rule_pack_files import read_pack_text, save_user_pack_text
from desktop_app.services.deadlines import recompute_changed_rules
from desktop_app.store.deadline_lists import DeadlineRow
from desktop_app.ui.calendar.deadline_notifier import DeadlineNotifier
from tests.ui.test_calendar_tab import Ledger, at, douyin_reship, open_ledger

START = datetime(2026, 5, 7, 12, 0, tzinfo=CHINA)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def seed(ledger: Ledger) -> dict[str, int]:
    return {
        "overdue": douyin_reship(ledger.db, "DY1001", at("2026-05-04 10:00")),  # due 05-06 10:00
        "in_2h": douyin_reship(ledger.db, "DY1002", at("2026-05-05 14:00")),  # due 05-07 14:00
        "in_12h": douyin_reship(ledger.db, "DY1003", at("2026-05-06 00:30")),  # due 05-08 00:30
    }


def make_notifier(ledger: Ledger, clock: Clock, interval_ms: int = 60_000) -> DeadlineNotifier:
    ledger.context.set_database(ledger.db)
    return DeadlineNotifier(ledger.context, within_hours=4, interval_ms=interval_ms, clock=clock, use_tray=False)


def checked(qtbot: QtBot, ledger: Ledger, notifier: DeadlineNotifier) -> None:
    notifier.check_now()
    ledger.idle(qtbot)


def test_announces_each_deadline_once_as_it_enters_the_window(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger)
    clock = Clock(START)
    notifier = make_notifier(ledger, clock)
    messages: list[str] = []
    notifier.message.connect(messages.append)

    with qtbot.waitSignal(notifier.due_soon, timeout=5000) as blocker:
        notifier.check_now()
    ledger.idle(qtbot)
    rows: list[DeadlineRow] = blocker.args[0]
    assert [r.case_id for r in rows] == [cases["in_2h"]]
    assert rows[0].due_at == at("2026-05-07 14:00")
    # The status-bar text (no tray here) names the deadline and, on the first check, the overdue one.
    assert len(messages) == 1
    assert f"#{cases['in_2h']}" in messages[0] and "处理补寄申请（48小时）" in messages[0]
    title, body = notifier.describe(rows, START, overdue=1)
    assert title == "1 个时限将在 4 小时内到期"
    assert "剩 2 小时" in body and "已有 1 个时限逾期" in body

    # Nothing new a minute later: no second announcement.
    clock.moment = START + timedelta(minutes=1)
    with qtbot.assertNotEmitted(notifier.due_soon, wait=100):
        checked(qtbot, ledger, notifier)
    assert len(messages) == 1

    # At 21:00 the 00:30 deadline is 3.5 h away: announced alone; the 14:00 one is overdue now.
    clock.moment = at("2026-05-07 21:00")
    with qtbot.waitSignal(notifier.due_soon, timeout=5000) as blocker:
        notifier.check_now()
    ledger.idle(qtbot)
    assert [r.case_id for r in blocker.args[0]] == [cases["in_12h"]]
    # It remembers only what is in the window now (the 14:00 one left it by becoming overdue).
    assert [due for _, due in notifier.announced] == [at("2026-05-08 00:30")]


def test_a_moved_due_time_is_announced_again(qtbot: QtBot, ledger: Ledger) -> None:
    douyin_reship(ledger.db, "DY3001", at("2026-05-05 14:00"))  # due 05-07 14:00
    notifier = make_notifier(ledger, Clock(START))
    with qtbot.waitSignal(notifier.due_soon, timeout=5000):
        notifier.check_now()
    ledger.idle(qtbot)
    # The shop edits the 抖店 pack: 50 h to answer. The deadline moves to 16:00, still within 4 h.
    text = read_pack_text("douyin").replace("duration = { hours = 48 }", "duration = { hours = 50 }", 1)
    save_user_pack_text("douyin", text)
    assert recompute_changed_rules(ledger.db).value == 1
    with qtbot.waitSignal(notifier.due_soon, timeout=5000) as blocker:
        notifier.check_now()
    ledger.idle(qtbot)
    assert [r.due_at for r in blocker.args[0]] == [at("2026-05-07 16:00")]


def test_the_timer_checks_on_its_own(qtbot: QtBot, ledger: Ledger) -> None:
    cases = seed(ledger)
    clock = Clock(at("2026-05-07 08:00"))  # nothing within 4 h yet (14:00 is 6 h away)
    notifier = make_notifier(ledger, clock, interval_ms=20)
    with qtbot.assertNotEmitted(notifier.due_soon, wait=100):
        notifier.start()
        ledger.idle(qtbot)
    assert notifier.timer.isActive()
    clock.moment = at("2026-05-07 10:30")  # now 3.5 h before 14:00
    with qtbot.waitSignal(notifier.due_soon, timeout=5000) as blocker:
        pass  # no explicit check: the timer fires
    assert [r.case_id for r in blocker.args[0]] == [cases["in_2h"]]
    notifier.stop()
    assert not notifier.timer.isActive()
    ledger.idle(qtbot)


def test_overdue_only_is_said_once_at_start(qtbot: QtBot, ledger: Ledger) -> None:
    douyin_reship(ledger.db, "DY1001", at("2026-05-02 10:00"))  # its ship clock overdue, nothing else
    notifier = make_notifier(ledger, Clock(START))
    messages: list[str] = []
    notifier.message.connect(messages.append)
    with qtbot.assertNotEmitted(notifier.due_soon, wait=100):
        checked(qtbot, ledger, notifier)
    assert messages == ["有逾期的时限：已有 1 个时限逾期，请在“时效日历”中查看"]
    checked(qtbot, ledger, notifier)
    assert len(messages) == 1


def test_without_a_database_nothing_is_checked(qtbot: QtBot, ledger: Ledger) -> None:
    notifier = DeadlineNotifier(ledger.context, clock=Clock(START), use_tray=False)
    notifier.check_now()
    assert not ledger.runner.busy
    assert notifier.tray is None


# Offscreen Qt has no tray; forcing one logs a harmless connect warning from the platform plugin.
@pytest.mark.qt_log_ignore("No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_tray_icon_shows_and_a_click_asks_for_the_calendar(qtbot: QtBot, ledger: Ledger) -> None:
    seed(ledger)
    ledger.context.set_database(ledger.db)
    notifier = DeadlineNotifier(ledger.context, within_hours=4, clock=Clock(START), use_tray=True)
    assert notifier.tray is not None and not notifier.tray.icon().isNull()
    with qtbot.waitSignal(notifier.due_soon, timeout=5000):
        notifier.start()
    ledger.idle(qtbot)
    assert notifier.tray.isVisible()
    assert notifier.tray.toolTip() == "售后台账：4 小时内到期 1 个"
    with qtbot.waitSignal(notifier.open_requested, timeout=1000):
        notifier.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.waitSignal(notifier.open_requested, timeout=1000):
        notifier.tray.messageClicked.emit()
    notifier.stop()
    assert not notifier.tray.isVisible()
