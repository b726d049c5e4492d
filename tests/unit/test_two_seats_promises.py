"""Two seats promising the one reship a buyer asked both of them for in chat (`reship promise` at once, two processes
let go together: tests/unit/test_two_seats_commands.race): two reship cases, two parcels in the queue, and neither
seat told — `case add` said 提醒：…已有未处理完的同类售后单, `reship promise` nothing, even minutes apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli import run
from tests.unit.test_two_seats_commands import ORDER, ORDERS, SEATS, cli, race


def test_two_seats_promising_one_reship_at_once_are_told_of_the_other(ledger_target: str, tmp_path: Path) -> None:
    cli(ledger_target, "import-orders", str(ORDERS))
    said = race(ledger_target, tmp_path, *[(seat, ["reship", "promise", "--platform", "pdd", "--order", ORDER])
                                           for seat in SEATS])
    assert [s.code for s in said] == [0, 0], said
    first, second = sorted(said, key=lambda s: int(s.out))
    assert second.err.startswith(f"提醒：订单 {ORDER} 已有未处理完的同类售后单 #{first.out.strip()}（补发）："), second
    # The second seat waits for the order's turn (`services.cases.open_case`), so the first, which committed
    # before the second looked, is told nothing: on PostgreSQL both once looked before either committed.
    assert first.err == "", first


def test_a_promise_minutes_after_another_says_so_and_is_recorded(
        ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli(ledger_target, "reship", "promise", "--platform", "pdd", "--order", ORDER)
    capsys.readouterr()
    assert run(["reship", "promise", "--platform", "pdd", "--order", ORDER, "--db", ledger_target]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2" and "已有未处理完的同类售后单 #1（补发）" in err, err
