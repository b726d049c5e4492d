"""A handful of SIGKILLs during an import and a bulk action (bench/bench_kill.py runs 100): the ledger
stays intact, the file and each case are all or nothing, nothing is left in the temp folder after the
next start, and the ledger opens and takes the same work again."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench.bench_kill import bulk_seconds, check, import_seconds, kill_bulk_once, kill_once, prepare, prepare_bulk

ROWS = 3_000
CASES = 12


@pytest.mark.slow
def test_sigkill_during_imports_leaves_an_intact_all_or_nothing_ledger(tmp_path: Path, data_home: Path) -> None:
    base, incoming = prepare(tmp_path, ROWS)
    whole = import_seconds(tmp_path, base, incoming, data_home)
    rng = random.Random(14)
    outcomes = []
    # Kills spread over the import (start-up, the backup, reading, writing, the commit), one after it.
    for delay in [*(rng.uniform(whole * 0.3, whole * 0.95) for _ in range(3)), whole * 3]:
        outcome = kill_once(tmp_path, base, incoming, delay, data_home)
        assert check(outcome, ROWS, tmp_path / "ledger.sqlite3") == [], outcome
        outcomes.append(outcome)
    assert outcomes[-1].finished and outcomes[-1].orders_after == 2 * ROWS


@pytest.mark.slow
def test_sigkill_during_a_bulk_action_leaves_each_case_whole(tmp_path: Path, data_home: Path) -> None:
    base = prepare_bulk(tmp_path, CASES)
    whole = bulk_seconds(tmp_path, base, CASES, data_home)
    rng = random.Random(15)
    outcomes = [kill_bulk_once(tmp_path, base, CASES, delay, data_home)
                for delay in [rng.uniform(whole * 0.5, whole * 0.95), whole * 3]]
    assert [o.problems for o in outcomes] == [(), ()], outcomes
    assert outcomes[-1].finished and outcomes[-1].agreed == CASES
