"""Seats whose computers' clocks are off: a team ledger's "just now" is the server's. A seat whose clock ran 15
minutes behind wrote its steps 15 minutes in the past, and a seat whose clock ran ahead saw every colleague's
step as older than it was: the 10-minute refusals (undo of another seat's step, a ticket number written over)
let through what they were written to stop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, tzinfo

import pytest
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.core import clock
from desktop_app.store import models
from desktop_app.store.database import open_database
from desktop_app.store.models import AuditEvent, ClaimPayout
from tests.unit.test_two_seats_commands import ORDER, ORDERS, _as_seat, _count, _new_case, _ticket_number, cli


@contextmanager
def _clock_off_by(monkeypatch: pytest.MonkeyPatch, offset: timedelta) -> Iterator[None]:
    """This process's clock `offset` off, as a computer whose clock was never set (every `now` the app reads)."""
    real = datetime

    class Skewed(real):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return real.now(tz) + offset

    with monkeypatch.context() as patch:
        patch.setattr(models, "datetime", Skewed)
        patch.setattr(clock, "datetime", Skewed)
        yield


@pytest.mark.parametrize("offset", [timedelta(minutes=-15), timedelta(minutes=15)], ids=["behind", "ahead"])
def test_an_undo_seconds_after_a_seat_whose_clock_is_off_is_still_refused(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], offset: timedelta) -> None:
    """小王's computer is 15 minutes behind (or 小李's ahead): 小王's 平台介入 seconds before 小李's `case undo` looked
    15 minutes old to 小李, and the undo took it back — a colleague's step nobody asked to undo."""
    case_id = _new_case(pg_url, kind="refund_only")
    _as_seat(monkeypatch, "小李")
    cli(pg_url, "case", "act", str(case_id), "start")
    _as_seat(monkeypatch, "小王")
    with _clock_off_by(monkeypatch, offset if offset < timedelta(0) else timedelta(0)):
        cli(pg_url, "case", "act", str(case_id), "escalate")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    with _clock_off_by(monkeypatch, offset if offset > timedelta(0) else timedelta(0)):
        assert run(["case", "undo", str(case_id), "--db", pg_url]) == 2
    err = capsys.readouterr().err
    assert "平台介入）：最后一步是别的席位刚做的" in err, err
    assert _count(pg_url, AuditEvent.case_id == case_id, AuditEvent.kind == "undo") == 0


def test_a_ticket_number_seconds_after_a_seat_whose_clock_is_behind_is_not_written_over(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """小王's computer is 15 minutes behind: his 理赔单号 of a second ago looked 15 minutes old to 小李, whose number
    replaced it without a word."""
    cli(pg_url, "import-orders", str(ORDERS))
    cli(pg_url, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    _as_seat(monkeypatch, "小王")
    with _clock_off_by(monkeypatch, timedelta(minutes=-15)):
        cli(pg_url, "claim", "ticket", "1", "--number", "ZT-0001")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["claim", "ticket", "1", "--number", "ZT-0002", "--db", pg_url]) == 2
    assert "理赔单号：（空） → ZT-0001），本次未保存" in capsys.readouterr().err
    assert _ticket_number(pg_url) == "ZT-0001"


def test_a_seat_whose_clock_is_off_takes_back_its_own_payout_with_its_step(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The payout and the step that recorded it are matched by when they were written: both on the server's clock,
    whatever this computer's says."""
    cli(pg_url, "import-orders", str(ORDERS))
    cli(pg_url, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    _as_seat(monkeypatch, "小王")
    with _clock_off_by(monkeypatch, timedelta(minutes=-15)):
        cli(pg_url, "claim", "act", "1", "submit_statement")
        cli(pg_url, "claim", "act", "1", "pay", "--amount", "30", "--channel", "bank")
        capsys.readouterr()
        assert run(["claim", "undo", "1", "--db", pg_url]) == 0, capsys.readouterr().err
    db = open_database(pg_url)
    try:
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(ClaimPayout)) == 0
    finally:
        db.close()


@pytest.mark.parametrize(("offset", "said"),
                         [(timedelta(minutes=-15), "慢 15 分钟"), (timedelta(minutes=12), "快 12 分钟")])
def test_a_command_on_a_computer_whose_clock_is_off_says_so(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], offset: timedelta,
        said: str) -> None:
    """The steps it records without a time, and the deadlines counted from them, are off by as much: said at every
    command, as a seat name another computer uses is."""
    with _clock_off_by(monkeypatch, offset):
        assert run(["case", "list", "--db", pg_url]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"提醒：这台电脑的时钟比团队数据库服务器{said}：") and "请校准这台电脑的时间" in err, err
    assert run(["case", "list", "--db", pg_url]) == 0  # a clock right: nothing said
    assert "提醒" not in capsys.readouterr().err
