"""Benchmark: a step recorded on a case, as the window's worker records it — the time the shop waits for a
dialog's OK (session 29: the rule packs in force were parsed anew twice per step).

    python bench/bench_step_rules.py LEDGER [--steps 20] [--order-no NO] [--platform pdd]

Copies LEDGER (never written) to a temporary file, then records `--steps` promised reships on the order
(`reships.record_promise`, which opens a reship case and computes its deadlines) and prints the median and
best wall and CPU time per step, the first step apart (imports, caches). Run it in fresh processes, old and new
tree alternating (PYTHONPATH=OLD_TREE python OLD_TREE/bench/... vs the new tree), on copies of the same ledger.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.vocabulary import Platform
from desktop_app.services import reships
from desktop_app.store.database import open_database
from desktop_app.store.locations import LedgerLocation


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--order-no", default="261101-103283030276851")
    parser.add_argument("--platform", default="pdd")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "ledger.sqlite3"
        shutil.copy(args.ledger, copy)
        db = open_database(LedgerLocation(path=copy))
        walls: list[float] = []
        cpus: list[float] = []
        try:
            for _ in range(args.steps + 1):
                wall, cpu = time.perf_counter(), time.process_time()
                reships.record_promise(db, Platform(args.platform), args.order_no, note="bench")
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        finally:
            db.close()
    first_wall, first_cpu = walls.pop(0), cpus.pop(0)
    print(f"first step {1000 * first_wall:.0f} ms (CPU {1000 * first_cpu:.0f}); then per step: wall median "
          f"{1000 * statistics.median(walls):.1f} best {1000 * min(walls):.1f} ms, CPU median "
          f"{1000 * statistics.median(cpus):.1f} best {1000 * min(cpus):.1f} ms ({args.steps} steps)")


if __name__ == "__main__":
    main()
