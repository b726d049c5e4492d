"""连接团队数据库 in the window: what was typed is checked, a failed connection is said in Chinese, and
on a real PostgreSQL the window switches to the server and shows another seat's change by itself."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import team
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.store.locations import parse_location
from desktop_app.ui.team.team_db_dialog import TeamDatabaseDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.ui.conftest import wait_idle

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")


def test_the_dialog_checks_what_was_typed_and_reports_a_failed_connection(
        qtbot: QtBot, window: MainWindow, memory_keyring: MemoryKeyring) -> None:
    dialog = window.open_team_database()
    assert isinstance(dialog, TeamDatabaseDialog)
    dialog.host.setText("")
    dialog.test_button.click()
    assert "请填写：服务器" in dialog.status.text()
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(9)  # nothing listens there
    dialog.user.setText("kf")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接失败" in dialog.status.text(), timeout=15000)
    assert "Traceback" not in dialog.status.text()
    dialog.seat.setText("")
    dialog.connect_button.click()
    assert "席位名不能为空" in dialog.status.text()
    assert not team.load_team_settings().use_server  # nothing saved
    dialog.close()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_the_window_moves_to_the_server_and_shows_other_seats_changes(
        qtbot: QtBot, window: MainWindow, pg_url: str, memory_keyring: MemoryKeyring) -> None:
    url = make_url(pg_url)
    dialog = window.open_team_database()
    dialog.host.setText(url.host or "")
    dialog.port.setValue(url.port or 5432)
    dialog.database.setText(url.database or "")
    dialog.user.setText(url.username or "")
    dialog.seat.setText("小王")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接成功" in dialog.status.text(), timeout=15000)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: window.context.db is not None and window.context.db.is_server, timeout=15000)
    wait_idle(qtbot, window)
    assert team.load_team_settings().use_server and team.load_team_settings().seat == "小王"
    assert "127.0.0.1" in window.db_label.text() or (url.host or "") in window.db_label.text()
    assert window.cases_tab.model.rowCount() == 0

    other = open_database(pg_url, seat="小李")  # another seat, on another computer
    try:
        case_id = open_case(other, NewCase(Platform.PDD, "261118-000000000000001", CaseKind.RESHIP)).case_id
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.cases_tab.model.rowCount() == 1, timeout=15000)
    said = window.team_changes.label
    qtbot.waitUntil(lambda: "小李 修改了" in said.text(), timeout=5000)
    # Which case, not only "售后单" (it said 小李 修改了 售后单、补发 whatever the case), and a click opens it.
    assert f'售后单 <a href="case:{case_id}">#{case_id}</a>' in said.text()
    window.tabs.setCurrentIndex(window.tabs.count() - 1)
    said.linkActivated.emit(f"case:{case_id}")
    assert window.tabs.currentWidget() is window.cases_tab
    detail = window.cases_tab.detail
    assert detail is not None
    qtbot.waitUntil(lambda: detail.case_id == case_id, timeout=5000)
    window.team_changes.stop()


def test_a_write_that_lost_to_another_seat_reloads_what_it_touched(qtbot: QtBot) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from desktop_app.core.op_changes import OpChanges
    from desktop_app.ui.background import Announcement, BackgroundRunner

    runner = BackgroundRunner()
    announced: list[Announcement] = []
    failures: list[Exception] = []
    runner.changed.connect(announced.append)

    def lose() -> None:
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s); 0 were matched.")

    origin = object()
    runner.write(lose, None, failures.append, origin)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    # The tabs reload the fresh state (what the other seat changed is not known: every area).
    assert announced == [Announcement(OpChanges.everything(), origin)]

    def bug() -> None:
        raise ValueError("a bug, not a conflict")

    runner.write(bug, None, failures.append, origin)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=5000)
    assert announced == [Announcement(OpChanges.everything(), origin)]  # nothing changed: nothing to reload
    runner.shutdown()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_the_first_start_on_a_team_ledger_asks_for_the_seat_name(qtbot: QtBot, pg_url: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from desktop_app.ui.app import create_window

    monkeypatch.delenv(team.ENV_SEAT, raising=False)
    win = create_window(parse_location(pg_url))
    qtbot.addWidget(win)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.findChild(QInputDialog, "seat_name") is not None, timeout=15000)
    dialog = win.findChild(QInputDialog, "seat_name")
    dialog.setTextValue("  夜班 小张 ")
    dialog.accept()  # while the tabs' first reads may still hold connections: nothing is disposed
    assert team.load_team_settings().seat == "夜班 小张"
    wait_idle(qtbot, win)
    win.team_changes.stop()
    win.runner.shutdown()
    win.context.db.close()


def test_another_seats_rule_edit_is_named_and_checked_for_what_is_left_to_recompute(qtbot: QtBot) -> None:
    """The edit commits with the deadlines computed with it; this window says who changed the rules and
    checks (milliseconds) whether anything is left for it: the saving seat's app may have been older."""
    from desktop_app.store.change_notices import ChangeNotice
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.team.team_changes import TeamChanges

    runner = BackgroundRunner()
    changes = TeamChanges(runner)
    with qtbot.waitSignal(changes.rules_changed, timeout=5000):
        changes.arrived.emit([ChangeNotice("rule_files", "店主", 4242), ChangeNotice("deadlines", "店主", 4242)])
    assert changes.label.text() == "店主 修改了 时效规则、时限"
    with qtbot.assertNotEmitted(changes.rules_changed, wait=1000):
        changes.arrived.emit([ChangeNotice("cases", "小李", 4242)])
    runner.shutdown()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_changes_made_while_the_live_connection_was_broken_are_reloaded_after_it_is_back(
        qtbot: QtBot, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The listening connection cut (the server restarted, a router dropped it) and made again at once:
    what another seat changed in between was never announced, and this window showed the old list until
    the user pressed F5. Each reconnection now reloads everything once, as after a longer pause."""
    from sqlalchemy import text

    from desktop_app.core.op_changes import OpChanges
    from desktop_app.store import change_notices
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.team.team_changes import TeamChanges

    real = change_notices.ChangeListener
    made: list[object] = []

    def listener(*args: object, **kwargs: object) -> change_notices.ChangeListener:
        if made:  # reconnecting: another seat's change lands in the gap
            other = open_database(pg_url, seat="小李")
            try:
                open_case(other, NewCase(Platform.PDD, "261203-730", CaseKind.RESHIP))
            finally:
                other.close()
        made.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(change_notices, "ChangeListener", listener)
    mine = open_database(pg_url, seat="小王")
    runner = BackgroundRunner()
    changes = TeamChanges(runner)
    announced: list[OpChanges] = []
    runner.changed.connect(lambda announcement: announced.append(announcement.changes))
    try:
        changes.watch(mine)
        qtbot.waitUntil(lambda: len(made) == 1, timeout=10000)
        # This ledger's listener only: the server is shared by the test run's workers, each on its own database, and
        # another worker's window listening at the same time was counted (never 1: timed out) or cut instead.
        listening = ("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'aftersales-ledger-listener'"
                     " AND datname = current_database() AND query LIKE 'LISTEN%'")

        def answer(sql: str) -> int:
            with mine.engine.connect() as conn:  # a transaction each: pg_stat_activity is read once in one
                return int(conn.execute(text(sql)).scalar_one())

        qtbot.waitUntil(lambda: answer(listening) == 1, timeout=10000)
        answer(listening.replace("count(*)", "count(pg_terminate_backend(pid))"))  # the live connection is cut
        qtbot.waitUntil(lambda: len(made) == 2, timeout=10000)
        qtbot.waitUntil(lambda: OpChanges.everything() in announced, timeout=5000)
    finally:
        changes.stop()
        runner.shutdown()
        mine.close()


def test_the_status_bar_names_a_few_cases_of_each_seat_and_counts_the_rest() -> None:
    from desktop_app.core.op_changes import cases_notice
    from desktop_app.store.change_notices import ChangeNotice
    from desktop_app.ui.team.team_changes import describe

    notices = [ChangeNotice("cases", "小王", 1), ChangeNotice("reships", "小王", 1),
               ChangeNotice(cases_notice([12, 3, 9, 5]), "小王", 1), ChangeNotice(cases_notice([5, 40]), "小王", 2),
               ChangeNotice("orders", "小李", 3), ChangeNotice("cases", "小李", 3),
               ChangeNotice(cases_notice([7]), "小李", 3),
               ChangeNotice(cases_notice(range(1, 20001)), "<b>店主</b>", 4)]
    assert describe(notices) == ("小王 修改了 补发、售后单 #3、#5、#9 等 5 单；小李 修改了 订单、售后单 #7；"
                                 "<b>店主</b> 修改了 售后单 #1、#2、#3 等 20000 单")
    assert describe(notices[-1:], link=True) == (
        '&lt;b&gt;店主&lt;/b&gt; 修改了 售后单 <a href="case:1">#1</a>、<a href="case:2">#2</a>、'
        '<a href="case:3">#3</a> 等 20000 单')


def test_a_long_who_changed_what_does_not_widen_the_window(qtbot: QtBot, window: MainWindow) -> None:
    """The status bar's label holds its text whole: four seats' changes asked for a window wider than a
    1366-pixel laptop screen."""
    from desktop_app.store.change_notices import ChangeNotice

    window.resize(1280, 700)
    qtbot.waitExposed(window)
    before = window.minimumSizeHint().width()
    seats = ["夜班客服 小张", "白班客服 小王", "店主 老李", "仓库 小赵"]
    window.team_changes.arrived.emit([ChangeNotice(table, seat, 4242) for seat in seats
                                      for table in ("orders", "reships", "claims", "settings", "cases")])
    qtbot.waitUntil(lambda: "小赵 修改了" in window.team_changes.label.text(), timeout=5000)
    assert window.minimumSizeHint().width() <= max(before, 1366)
    assert window.team_changes.label.width() < window.width() / 2
    assert window.context.db is not None
    window.team_changes.watch(window.context.db)  # another ledger opened in the window (here the same)
    assert window.team_changes.label.text() == ""  # it named the last ledger's seats for up to a minute
@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_a_window_under_a_seat_name_another_computer_uses_says_so_and_can_take_it(
        qtbot: QtBot, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second computer given the name already used: both computers' changes were recorded as 小王."""
    import socket

    from PySide6.QtWidgets import QMessageBox

    from desktop_app.services.seats import check_seat
    from tests.ui.conftest import opened_window

    monkeypatch.setenv(team.ENV_SEAT, "小王")
    home = os.environ["AFTERSALES_LEDGER_HOME"]
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(tmp_path / "front desk"))  # the computer that has the name
    monkeypatch.setattr(socket, "gethostname", lambda: "FRONT-PC")
    front = open_database(pg_url, seat="小王")
    try:
        assert check_seat(front, "小王") is None
    finally:
        front.close()
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", home)  # this computer
    monkeypatch.setattr(socket, "gethostname", lambda: "LAPTOP")
    windows = opened_window(qtbot, parse_location(pg_url), timeout_ms=15000)
    win = next(windows)
    try:
        qtbot.waitUntil(lambda: win.findChild(QMessageBox, "seat_clash") is not None, timeout=10000)
        box = win.findChild(QMessageBox, "seat_clash")
        assert "席位名“小王”也在另一台电脑（FRONT-PC，" in box.text()
        taken = next(b for b in box.buttons() if b.text() == "那台电脑已不再使用")
        taken.click()
        wait_idle(qtbot, win)
        db = win.context.db
        assert db is not None and check_seat(db, "小王") is None  # this computer's now
    finally:
        next(windows, None)  # closed down


def test_the_english_window_says_who_changed_what_in_english(qtbot: QtBot, english: object) -> None:
    """It said "小李 修改了 补发、售后单" in the English window."""
    from desktop_app.core.op_changes import cases_notice
    from desktop_app.store.change_notices import ChangeNotice
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.team.team_changes import TeamChanges

    runner = BackgroundRunner()
    changes = TeamChanges(runner)
    try:
        changes.arrived.emit([ChangeNotice("reships", "小李", 4242),
                              ChangeNotice(cases_notice(range(1, 48)), "小李", 4242), ChangeNotice("orders", "", 4243)])
        qtbot.waitUntil(lambda: bool(changes.label.text()), timeout=5000)
        assert changes.label.text() == (
            '小李 changed reships, cases <a href="case:1">#1</a>, <a href="case:2">#2</a>, '
            '<a href="case:3">#3</a> and more (47 in all); Another seat changed orders')
    finally:
        runner.shutdown()


class FakeServer:
    """What `TeamChanges.watch` reads of a team ledger."""
    is_server = True
    location = parse_location("postgresql+psycopg://kf@127.0.0.1:9/aftersales")
    own_backends: set[int] = set()


def test_the_english_window_says_the_live_connection_is_lost_in_english(
        qtbot: QtBot, english: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.store import change_notices
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.team import team_changes

    def away(*_args: object, **_kwargs: object) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(change_notices, "ChangeListener", away)
    monkeypatch.setattr(team_changes, "RETRY_SECONDS", 0.1)
    runner = BackgroundRunner()
    changes = team_changes.TeamChanges(runner)
    said: list[str] = []
    changes.message.connect(said.append)


    try:
        changes.watch(FakeServer())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bool(said), timeout=5000)
        assert said[0].startswith("The live connection to the team database was lost")
    finally:
        changes.stop()
        runner.shutdown()


def test_the_server_gone_is_said_until_it_is_back_then_every_tab_reloads(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL stopped under a window (pg_ctl stop -m fast, checked under Xvfb): the status bar said so for
    its 8 seconds, then nothing — lists stood as they were, a search read nothing, and no word said why."""
    from desktop_app.core.op_changes import OpChanges
    from desktop_app.store import change_notices
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.team import team_changes

    server_up = False

    class Listener:  # the server's notices: none, while it is up
        def __init__(self, _location: object) -> None:
            if not server_up:
                raise OSError("connection refused")

        def wait(self, seconds: float) -> list[object]:
            return []

        def close(self) -> None:
            pass

    monkeypatch.setattr(change_notices, "ChangeListener", Listener)
    monkeypatch.setattr(team_changes, "RETRY_SECONDS", 0.1)
    monkeypatch.setattr(team_changes, "SHOWN_MS", 50)  # the label's usual time, well past before the server is back
    runner = BackgroundRunner()
    changes = team_changes.TeamChanges(runner)
    reloaded: list[OpChanges] = []
    runner.changed.connect(lambda said: reloaded.append(said.changes))


    try:
        changes.watch(FakeServer())  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: "团队数据库连不上" in changes.label.text(), timeout=5000)
        qtbot.wait(500)  # many times SHOWN_MS and RETRY_SECONDS: still said
        assert "团队数据库连不上，正在重试" in changes.label.text()
        assert "已输入的内容都还在" in changes.label.toolTip()
        assert not reloaded
        server_up = True
        qtbot.waitUntil(lambda: "已重新连上团队数据库" in changes.label.text(), timeout=5000)
        qtbot.waitUntil(lambda: bool(reloaded), timeout=5000)
        assert reloaded[0] == OpChanges.everything()  # what other seats did meanwhile: every tab reads again
        qtbot.waitUntil(lambda: changes.label.text() == "", timeout=5000)  # then the label is free again
    finally:
        changes.stop()
        runner.shutdown()


def test_a_window_on_a_computer_whose_clock_is_off_says_so_at_start(
        qtbot: QtBot, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer's clock 15 minutes behind the team server's: the steps recorded here without a time and the
    deadlines counted from them are a quarter of an hour early, and nothing said it."""
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.conftest import opened_window
    from tests.unit.test_team_clocks import _clock_off_by

    with _clock_off_by(monkeypatch, timedelta(minutes=-15)):
        windows = opened_window(qtbot, parse_location(pg_url), timeout_ms=15000)
        win = next(windows)
        try:
            qtbot.waitUntil(lambda: win.findChild(QMessageBox, "clock_off") is not None, timeout=10000)
            box = win.findChild(QMessageBox, "clock_off")
            assert box.text().startswith("这台电脑的时钟比团队数据库服务器慢 15 分钟："), box.text()
        finally:
            next(windows, None)  # closed down
