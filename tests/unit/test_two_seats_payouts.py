"""Two seats recording the courier's one transfer on one claim at once (`claim act 1 pay_partially --amount 10` from
both, processes of their own let go together: tests/unit/test_two_seats_commands.race): both were told
#1 部分赔付 → 部分赔付 and the claim counted 20.00 received for a 10.00 transfer. The second is now refused naming
the first (exit 2), and records it once seen with --other-seat (another payment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.store.database import open_database
from desktop_app.store.models import CarrierClaim, ClaimPayout
from tests.unit.test_two_seats_commands import ORDER, ORDERS, SEATS, _as_seat, cli, race, winner_and_loser


def _received(target: str) -> tuple[int, int | None]:
    db = open_database(target)
    try:
        with db.reading() as s:
            return (int(s.scalar(select(func.count()).select_from(ClaimPayout)) or 0),
                    s.scalar(select(CarrierClaim.received_fen).where(CarrierClaim.id == 1)))
    finally:
        db.close()


def _submitted_claim(target: str) -> None:
    cli(target, "import-orders", str(ORDERS))
    cli(target, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    cli(target, "claim", "act", "1", "submit_statement")


def test_one_transfer_recorded_from_two_seats_at_once_is_counted_once(ledger_target: str, tmp_path: Path) -> None:
    _submitted_claim(ledger_target)
    said = race(ledger_target, tmp_path, *[
        (seat, ["claim", "act", "1", "pay_partially", "--amount", "10", "--channel", "bank"]) for seat in SEATS],
        row=("carrier_claims", 1))
    winner, loser = winner_and_loser(said)
    assert loser.err.startswith(f"错误：理赔 #1 刚被 {winner.seat} 修改了（"), loser
    assert "部分赔付）：别的席位刚记了一笔到账，本次未记录" in loser.err and "--other-seat" in loser.err, loser
    assert _received(ledger_target) == (1, 1000)


def test_another_payment_after_another_seats_is_recorded_with_other_seat_and_ones_own_without(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _submitted_claim(ledger_target)
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "claim", "act", "1", "pay_partially", "--amount", "10")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["claim", "act", "1", "pay_partially", "--amount", "5", "--db", ledger_target]) == 2
    assert _received(ledger_target) == (1, 1000)
    # Seen and meant: another payment.
    assert run(["claim", "act", "1", "pay_partially", "--amount", "5", "--other-seat", "--db", ledger_target]) == 0
    assert _received(ledger_target) == (2, 1500)
    # 小李's own payout on top: the next of hers is hers to record; so is the rest, paid in full.
    assert run(["claim", "act", "1", "pay_partially", "--amount", "5", "--db", ledger_target]) == 0
    assert run(["claim", "act", "1", "pay", "--db", ledger_target]) == 0, capsys.readouterr().err
    assert _received(ledger_target) == (4, 3000)
