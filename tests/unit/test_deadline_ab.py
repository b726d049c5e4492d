"""bench/deadline_ab.py, the old-against-new CPU comparison of a deadline recompute step the bench README tells
the lead to run: it builds its ledger with the old tree, runs each tree in its own process on its own copy and
prints what each computed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_both_trees_recompute_the_same_cases_of_a_pack_edit(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "deadline_ab.py"), str(ledger), "--old", str(ROOT), "--new", str(ROOT),
         "--build", "300", "--rounds", "1", "--serial", "--phases"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
        env={**os.environ, "AFTERSALES_LEDGER_HOME": str(tmp_path / "home")})  # the shipped rules, no one's edits
    runs = re.findall(r"^round 1 (old|new) (every pack edited|back): ([\d,]+) cases, cpu [\d.]+ \+ helper [\d.]+ s, "
                      r"wall [\d.]+ s; read cases \+ events [\d.]+; engine [\d.]+", done.stdout, re.M)
    assert sorted((side, step) for side, step, _ in runs) == [
        ("new", "back"), ("new", "every pack edited"), ("old", "back"), ("old", "every pack edited")]
    counts = {count for _, _, count in runs}
    assert len(counts) == 1 and int(counts.pop().replace(",", "")) > 0  # the edit reached cases, the same on both
    assert ledger.exists()  # built once, each run on a copy
