"""What the triggers keeping `case_months` (migration 0025_case_months) cost the writes, and that they keep it exact.

    python bench/case_months_upkeep.py [--rounds 4] [--rt] [--bare] [--work /var/tmp/s29-cases/import] [--deadlines LEDGER]

The same ledger, at this checkout's schema, with its triggers (as shipped) and without them (the four
`case_months_*` triggers dropped on that copy: the rest of the schema, the indexes included, identical; `--bare`:
0025's three indexes on `cases` dropped as well, so that the difference is all 0025 adds to a write), alternating
in fresh processes (`--both`: 0026's six `product_months_*` triggers dropped too):

- an after-sales import (`bench_case_import.py`'s 50,000-row 拼多多 售后 csv into 100,000 orders + 20,000 cases: 50,000
  new cases and their timers), then the same file again (nothing changes), wall and CPU of `import-cases`;
- `--deadlines LEDGER` (a `bench_report.py --keep` file at this schema): a pack edit's recompute and back
  (`deadline_ab.py --child … edit`, with its helper process).

After each write on the side with triggers the aggregate is compared with a rebuild from the cases (`drift`: rows
that differ; 0 = exact). `--rt`: the timed work at real-time priority (root). Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_case_import import prepare  # noqa: E402
from desktop_app.store.case_months import rebuilt_case_months, stored_case_months  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402

TRIGGERS = ("case_months_insert", "case_months_delete", "case_months_update", "case_months_order_shop")
# `--both`: 0026's triggers too (the products per month), so that the difference is all both aggregates cost a write.
PRODUCT_TRIGGERS = ("product_months_split_bi", "product_months_split_bu", "product_months_ai", "product_months_ad",
                    "product_months_au", "product_months_shop")
INDEXES = ("ix_cases_open_timers", "ix_cases_resolve_times", "ix_cases_requested")  # 0025's indexes on `cases`
BOTH = False  # --both: the plain side without 0026's triggers too
BARE = False  # --bare: the plain side without 0025's indexes too (main's schema but for the aggregate's table)


def _child(command: list[str], rt: bool, home: Path) -> dict[str, Any]:
    """A bench's child on this tree, its data folder apart; its last output line's JSON."""
    done = subprocess.run(["chrt", "-f", "10", *command] if rt else command, capture_output=True, text=True,
                          check=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(home)})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def plain(db: Path) -> None:
    """The copy at `db` without the aggregate's triggers."""
    conn = sqlite3.connect(db)
    for name in TRIGGERS + (PRODUCT_TRIGGERS if BOTH else ()):
        conn.execute(f"DROP TRIGGER {name}")
    for name in INDEXES if BARE else ():
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    conn.close()


def drift(db: Path) -> int:
    """Rows where the aggregate differs from a rebuild from the cases (0: exact)."""
    ledger = open_database(db)
    try:
        with ledger.reading() as s:
            kept, fresh = set(stored_case_months(s)), set(rebuilt_case_months(s))
    finally:
        ledger.close()
    return len(kept ^ fresh)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--rt", action="store_true")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--deadlines", type=Path, help="a bench_report.py --keep ledger: also a pack edit's recompute")
    parser.add_argument("--bare", action="store_true", help="the plain side without 0025's indexes on cases too")
    parser.add_argument("--both", action="store_true", help="the plain side without 0026's triggers either")
    args = parser.parse_args()
    global BARE, BOTH
    BARE = args.bare
    BOTH = args.both
    files = prepare(args.work, 50_000, 100_000, 20_000)
    work = Path(tempfile.mkdtemp(prefix="case-months-upkeep-", dir=args.work))
    seen: dict[str, list[tuple[float, float]]] = {}
    try:
        for round_ in range(args.rounds):
            for side in (("plain", "triggers") if round_ % 2 == 0 else ("triggers", "plain")):
                db = work / f"{side}.sqlite3"
                shutil.copyfile(files["base_db"], db)
                if side == "plain":
                    plain(db)
                command = [sys.executable, str(ROOT / "bench" / "bench_case_import.py"), "--child", "import", str(db),
                           str(files["file"])]
                first = _child(command, args.rt, work / "home")
                again = _child(command, args.rt, work / "home")
                off = drift(db) if side == "triggers" else "—"
                seen.setdefault(f"import {side}", []).append((first["seconds"], first["cpu"]))
                seen.setdefault(f"re-import {side}", []).append((again["seconds"], again["cpu"]))
                print(f"round {round_ + 1} {side}: import {first['seconds']:.2f} s (cpu {first['cpu']:.2f}, "
                      f"{first['inserted']} new); re-import {again['seconds']:.2f} s (cpu {again['cpu']:.2f}); "
                      f"drift {off}; load {os.getloadavg()[0]:.1f}", flush=True)
                _remove(db)
                if args.deadlines:
                    _pack_edit(args, work, side, round_, seen)
    finally:
        shutil.rmtree(work)
    print("\n| write, wall s best (median) / CPU s best (median) | plain | triggers | CPU, medians |\n|---|---|---|---|")
    for what in dict.fromkeys(k.rsplit(" ", 1)[0] for k in seen):
        cells, medians = [], []
        for side in ("plain", "triggers"):
            runs = seen[f"{what} {side}"]
            walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
            medians.append(statistics.median(cpus))
            cells.append(f"{min(walls):.2f} ({statistics.median(walls):.2f}) / {min(cpus):.2f} "
                         f"({statistics.median(cpus):.2f})")
        print(f"| {what} | {cells[0]} | {cells[1]} | {100 * (medians[1] / medians[0] - 1):+.0f} % |")


def _pack_edit(args: argparse.Namespace, work: Path, side: str, round_: int,
               seen: dict[str, list[tuple[float, float]]]) -> None:
    """A pack edit's recompute and back on a copy of `--deadlines` (with or without the triggers)."""
    db = work / f"deadlines-{side}.sqlite3"
    shutil.copyfile(args.deadlines, db)
    if side == "plain":
        plain(db)
    command = [sys.executable, str(ROOT / "bench" / "deadline_ab.py"), "--child", str(ROOT), str(db), "edit",
               "--pause", "0", *(["--rt"] if args.rt else [])]
    for label, result in _child(command, False, work / "home").items():
        seen.setdefault(f"pack {label} {side}", []).append((result["wall"], result["cpu"] + result["helper"]))
        print(f"round {round_ + 1} {side} pack {label}: {result['cases']:,} cases, wall {result['wall']:.2f} s, "
              f"cpu {result['cpu']:.2f} + helper {result['helper']:.2f} s", flush=True)
    print(f"round {round_ + 1} {side} pack edits: drift {drift(db) if side == 'triggers' else '—'}", flush=True)
    _remove(db)


if __name__ == "__main__":
    main()
