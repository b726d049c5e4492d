"""A handful of SIGKILLs during an import (bench/bench_kill.py runs 100): the ledger stays intact, the
file is all or nothing, and the ledger opens and takes the import again."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.bench_kill import check, kill_once, prepare

ROWS = 3_000


@pytest.mark.slow
def test_sigkill_during_imports_leaves_an_intact_all_or_nothing_ledger(tmp_path: Path, data_home: Path) -> None:
    base, incoming = prepare(tmp_path, ROWS)
    rng = random.Random(14)
    outcomes = []
    for delay in [rng.uniform(0.8, 3.5) for _ in range(4)]:
        outcome = kill_once(tmp_path, base, incoming, delay, data_home)
        assert check(outcome, ROWS, tmp_path / "ledger.sqlite3") == [], outcome
        outcomes.append(outcome)
    assert any(not o.finished for o in outcomes), "no run was killed mid-import: the delays need tuning"
