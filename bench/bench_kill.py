"""SIGKILL at random moments during an order import: the ledger stays intact and the file is all or nothing.

    python bench/bench_kill.py [--runs 100] [--rows 20000] [--seed 1]

Each run copies a ledger that already holds `rows` orders, starts `import-orders` of a file with
`rows` more, kills the process (SIGKILL, no clean-up) after a random delay, then checks the file:
`PRAGMA integrity_check` is ok, the orders are either all there or none (one transaction per file),
the ledger opens and takes the same import again, and no half-written backup is left looking like one.
tests/unit/test_kill.py runs a handful; the figures of a full run go in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.services import backups  # noqa: E402
from desktop_app.services.order_import import import_files  # noqa: E402
from desktop_app.store.database import open_database  # noqa: E402


def order_file(path: Path, first: int, rows: int) -> Path:
    header = "商品,订单号,订单状态,商品总价(元),邮费(元),用户实付金额(元),商品数量(件),收货人,手机,省,市,区,街道,支付时间,发货时间"
    lines = [header] + [f"猫砂 6L,261101-{n:015d},已发货，待收货,79.00,0.00,79.00,1,梁军桐,1825243{n % 10000:04d},"
                        f"广东省,深圳市,宝安区,文一西路535号,2026-11-01 10:26:13,2026-11-01 16:26:13"
                        for n in range(first, first + rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


@dataclass(frozen=True)
class KillOutcome:
    delay: float
    finished: bool  # the import ended before the kill
    orders_after: int
    integrity: str
    leftover_partials: int


def prepare(folder: Path, rows: int) -> tuple[Path, Path]:
    """A ledger with `rows` orders and a file of `rows` new ones (built once per folder)."""
    base = folder / "base.sqlite3"
    incoming = folder / "incoming.csv"
    if not base.exists():
        db = open_database(base)
        try:
            import_files(db, [order_file(folder / "first.csv", 0, rows)])
        finally:
            db.close()
        order_file(incoming, rows, rows)
    return base, incoming


def _start_import(folder: Path, base: Path, incoming: Path, data_home: Path) -> tuple[Path, subprocess.Popen[bytes]]:
    ledger = folder / "ledger.sqlite3"
    for leftover in folder.glob("ledger.sqlite3*"):
        leftover.unlink()
    shutil.copy(base, ledger)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(data_home)}
    child = subprocess.Popen([sys.executable, "-m", "desktop_app", "import-orders", str(incoming), "--db", str(ledger)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return ledger, child


def import_seconds(folder: Path, base: Path, incoming: Path, data_home: Path) -> float:
    """How long one whole import takes here (process start to exit): the range of the kill delays."""
    started = time.perf_counter()
    _ledger, child = _start_import(folder, base, incoming, data_home)
    child.wait()
    return time.perf_counter() - started


def kill_once(folder: Path, base: Path, incoming: Path, delay: float, data_home: Path) -> KillOutcome:
    ledger, child = _start_import(folder, base, incoming, data_home)
    time.sleep(delay)
    finished = child.poll() is not None
    if not finished:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(ledger) as conn:  # the WAL left by the killed process is recovered here
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        orders = int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    conn.close()
    partials = len(list((data_home / "backups").glob("*.partial"))) if (data_home / "backups").exists() else 0
    return KillOutcome(delay, finished, orders, integrity, partials)


def check(outcome: KillOutcome, rows: int, ledger: Path) -> list[str]:
    problems = []
    if outcome.integrity != "ok":
        problems.append(f"integrity: {outcome.integrity}")
    if outcome.orders_after not in (rows, 2 * rows):
        problems.append(f"partial import: {outcome.orders_after} orders (expected {rows} or {2 * rows})")
    for backup in backups.list_backups(ledger):
        if backup.path.suffix != ".sqlite3":
            problems.append(f"a half-written file listed as a backup: {backup.path}")
    db = open_database(ledger)  # opens (quick check) and takes the import again
    try:
        result = import_files(db, [ledger.parent / "incoming.csv"]).files[0]
        if result.refused or result.rejected:
            problems.append(f"re-import failed: {result.refused or result.errors[:2]}")
    finally:
        db.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "kill")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    home = args.out / "home"
    os.environ["AFTERSALES_LEDGER_HOME"] = str(home)
    base, incoming = prepare(args.out, args.rows)
    whole = import_seconds(args.out, base, incoming, home)
    print(f"one whole import: {whole:.1f} s; kills at random moments in 0.2 … {whole * 1.1:.1f} s")
    rng = random.Random(args.seed)
    killed = failures = 0
    for run in range(args.runs):
        outcome = kill_once(args.out, base, incoming, rng.uniform(0.2, whole * 1.1), home)
        problems = check(outcome, args.rows, args.out / "ledger.sqlite3")
        killed += not outcome.finished
        failures += bool(problems)
        state = "finished" if outcome.finished else "killed"
        print(f"{run + 1:3} {outcome.delay:5.2f}s {state:8} orders={outcome.orders_after:6} "
              f"{'; '.join(problems) or 'ok'}", flush=True)
    print(f"{args.runs} runs, {killed} killed before the import ended, {failures} with a problem")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
