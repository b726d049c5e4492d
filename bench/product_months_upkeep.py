"""What keeping `product_months` (migration 0026_goods_months) costs the imports: plain vs kept, alternating.

    python bench/product_months_upkeep.py [--work DIR] [--rounds 4] [--rt]

The ledger: `bench_case_import.prepare`'s 100,000 orders + 20,000 cases (in `--work`, default
/var/tmp/s29-goods/out; brought to this checkout's schema once, so it keeps the products). Each round copies it
twice — "kept" as it is, "plain" with the six `product_months_*` triggers dropped (the same code, the same
file: only the upkeep differs) — and on each, in fresh processes of this checkout:

- `import-cases` of the 50,000-row 拼多多 售后 csv (50,000 new cases: each insert splits or finds its goods string
  and adds its share), then the same file again (nothing changes);
- an order import restating all 100,000 orders with another title on every line (`pdd_restated_100000.csv`, made
  once from the base's csv): every order's lines replaced, so the goods of its cases (70,000) change and each
  case's share moves from the old string's products to the new one's.

Wall and CPU of each, best (median); after the kept side's writes the aggregate is compared with a rebuild from
the cases (`store.product_months.drift`: must be empty). `--rt`: each child at real-time priority (root).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TRIGGERS = ("product_months_split_bi", "product_months_split_bu", "product_months_ai", "product_months_ad",
            "product_months_au", "product_months_shop")


def child_orders(db_path: Path, file: Path) -> dict[str, Any]:
    """An order import of `file` as the app runs it, timed from before the service is imported."""
    start, cpu = time.perf_counter(), time.process_time()
    from desktop_app.services.order_import import import_files
    from desktop_app.store.database import open_database

    db = open_database(db_path)
    try:
        result = import_files(db, [file])
    finally:
        db.close()
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "updated": result.updated}


def child_drift(db_path: Path) -> dict[str, Any]:
    from desktop_app.store.database import open_database
    from desktop_app.store.product_months import drift

    db = open_database(db_path)
    try:
        with db.reading() as session:
            return {"drift": len(drift(session))}
    finally:
        db.close()


def _restated(work: Path) -> Path:
    """The base's 100,000 orders with another title on every line (their lines replaced on import)."""
    out = work / "pdd_restated_100000.csv"
    if not out.exists():
        with (work / "pdd_base_100000.csv").open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        for row in rows[1:]:
            row[0] = f"{row[0]} 新款"
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows(rows)
    return out


def _child(args: list[str], rt: bool) -> dict[str, Any]:
    command = [sys.executable, *args]
    done = subprocess.run(["chrt", "-f", "10", *command] if rt else command, capture_output=True, text=True,
                          check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/s29-goods/out"))
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--rt", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        print(json.dumps(child_orders(Path(rest[0]), Path(rest[1])) if kind == "orders"
                         else child_drift(Path(rest[0]))))
        return
    from bench.bench_case_import import prepare

    files = prepare(args.work, 50_000, 100_000, 20_000)
    restated = _restated(args.work)
    seen: dict[str, list[tuple[float, float]]] = {}
    me = str(Path(__file__).resolve())
    for round_ in range(args.rounds):
        for side in ("plain", "kept") if round_ % 2 == 0 else ("kept", "plain"):
            db = args.work / f"upkeep-{side}.sqlite3"
            shutil.copyfile(files["base_db"], db)
            if side == "plain":
                import sqlite3

                with sqlite3.connect(db) as conn:
                    for name in TRIGGERS:
                        conn.execute(f"DROP TRIGGER {name}")
            cases = [str(ROOT / "bench" / "bench_case_import.py"), "--child", "import", str(db), str(files["file"])]
            first, again = _child(cases, args.rt), _child(cases, args.rt)
            orders = _child([me, "--child", "orders", str(db), str(restated)], args.rt)
            drift = _child([me, "--child", "drift", str(db)], False)["drift"] if side == "kept" else 0
            for what, result in (("after-sales import, 50,000 new cases", first), ("the same file again", again),
                                 ("order import restating 100,000 orders' lines", orders)):
                seen.setdefault(f"{what}|{side}", []).append((result["seconds"], result["cpu"]))
            print(f"round {round_ + 1} {side}: cases {first['seconds']:.2f} s (cpu {first['cpu']:.2f}, "
                  f"{first['inserted']} new), again {again['seconds']:.2f} s (cpu {again['cpu']:.2f}), orders "
                  f"{orders['seconds']:.2f} s (cpu {orders['cpu']:.2f}, {orders['updated']} updated); drift {drift}; "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
            if drift:
                raise SystemExit("the kept products drifted from the cases")
            _remove(db)
    print("\n| write, wall s best (median) / CPU s best (median) | plain | kept | CPU median, kept ÷ plain |")
    print("|---|---|---|---|")
    for what in dict.fromkeys(k.split("|")[0] for k in seen):
        cells, medians = [], []
        for side in ("plain", "kept"):
            runs = seen[f"{what}|{side}"]
            walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
            medians.append(statistics.median(cpus))
            cells.append(f"{min(walls):.2f} ({statistics.median(walls):.2f}) / {min(cpus):.2f} "
                         f"({statistics.median(cpus):.2f})")
        print(f"| {what} | {cells[0]} | {cells[1]} | {medians[1] / medians[0]:.3f} |")


if __name__ == "__main__":
    main()
