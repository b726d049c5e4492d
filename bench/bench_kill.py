"""SIGKILL at random moments during imports and bulk actions: the ledger stays intact, every
transaction is all or nothing, and no temporary file outlives the next start.

    python bench/bench_kill.py [--runs 100] [--rows 20000] [--cases 300] [--seed 1] [--only import|bulk]

Runs alternate between the two jobs (or do only one). An import run copies a ledger that already
holds `rows` orders, starts `import-orders` of a file with `rows` more and kills the process (SIGKILL,
no clean-up) after a random delay; the orders are then either all there or none (one transaction per
file), the ledger opens and takes the same import again. A bulk run copies a ledger of `cases` reship
cases waiting for an answer, starts `case act 1,…,N agree_reship` (one transaction per case) and kills
it; each case is then either wholly agreed (status, timeline entry, reship row, ship-by deadline) or
untouched, and agreeing the rest works. Both check `PRAGMA integrity_check`, that no half-written
backup is listed as one, and that the next start leaves nothing in `<data folder>/tmp`.
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

from desktop_app.core.lifecycle import CaseAction  # noqa: E402
from desktop_app.core.vocabulary import CaseKind, Platform  # noqa: E402
from desktop_app.paths import TEMP_DIRNAME, data_dir, remove_leftover_temp_files  # noqa: E402
from desktop_app.services import backups  # noqa: E402
from desktop_app.services.bulk import act_on_cases  # noqa: E402
from desktop_app.services.cases import NewCase, open_case  # noqa: E402
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


def _ends_within(child: subprocess.Popen[bytes], delay: float) -> bool:
    """Whether the child exits by itself within `delay` seconds (a run that ends early is not slept on)."""
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        return False
    return True


def kill_once(folder: Path, base: Path, incoming: Path, delay: float, data_home: Path) -> KillOutcome:
    ledger, child = _start_import(folder, base, incoming, data_home)
    finished = _ends_within(child, delay)
    if not finished:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(ledger) as conn:  # the WAL left by the killed process is recovered here
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        orders = int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    conn.close()
    partials = len(list((data_home / "backups").glob("*.partial"))) if (data_home / "backups").exists() else 0
    return KillOutcome(delay, finished, orders, integrity, partials)


def leftovers(data_home: Path, ledger: Path) -> list[str]:
    """What a killed run left that the next start does not clear: temp files, half-written backups."""
    remove_leftover_temp_files()  # what every start of the window or a command does first
    problems = [f"temp file left: {p.name}" for p in sorted((data_home / TEMP_DIRNAME).glob("*"))]
    for backup in backups.list_backups(ledger):
        if backup.path.suffix != ".sqlite3":
            problems.append(f"a half-written file listed as a backup: {backup.path}")
    return problems


def check(outcome: KillOutcome, rows: int, ledger: Path) -> list[str]:
    problems = leftovers(data_dir(), ledger)
    if outcome.integrity != "ok":
        problems.append(f"integrity: {outcome.integrity}")
    if outcome.orders_after not in (rows, 2 * rows):
        problems.append(f"partial import: {outcome.orders_after} orders (expected {rows} or {2 * rows})")
    db = open_database(ledger)  # opens (quick check) and takes the import again
    try:
        result = import_files(db, [ledger.parent / "incoming.csv"]).files[0]
        if result.refused or result.rejected:
            problems.append(f"re-import failed: {result.refused or result.errors[:2]}")
    finally:
        db.close()
    return problems


# --- bulk actions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkOutcome:
    delay: float
    finished: bool
    agreed: int
    integrity: str
    problems: tuple[str, ...]


def prepare_bulk(folder: Path, cases: int) -> Path:
    """A ledger of `cases` 抖店 reship cases waiting for the shop's answer (built once per folder)."""
    base = folder / "bulk-base.sqlite3"
    if not base.exists():
        db = open_database(base)
        try:
            for n in range(cases):
                open_case(db, NewCase(Platform.DOUYIN, f"69{n:017d}", CaseKind.RESHIP), author="bench")
        finally:
            db.close()
    return base


def _start_bulk(folder: Path, base: Path, cases: int, data_home: Path) -> tuple[Path, subprocess.Popen[bytes]]:
    ledger = folder / "bulk.sqlite3"
    for leftover in folder.glob("bulk.sqlite3*"):
        leftover.unlink()
    shutil.copy(base, ledger)
    ids = ",".join(str(n) for n in range(1, cases + 1))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(data_home)}
    child = subprocess.Popen([sys.executable, "-m", "desktop_app", "case", "act", ids, "agree_reship", "--db",
                              str(ledger)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return ledger, child


def bulk_seconds(folder: Path, base: Path, cases: int, data_home: Path) -> float:
    started = time.perf_counter()
    _ledger, child = _start_bulk(folder, base, cases, data_home)
    child.wait()
    return time.perf_counter() - started


def _case_consistency(conn: sqlite3.Connection, cases: int) -> tuple[set[int], list[str]]:
    """Each case wholly agreed (status, timeline entry, reship row, ship-by deadline) or untouched."""
    def ids(sql: str) -> set[int]:
        return {int(row[0]) for row in conn.execute(sql)}

    agreed = ids("SELECT id FROM cases WHERE status = 'reship_agreed'")
    untouched = ids("SELECT id FROM cases WHERE status = 'pending'")
    events = ids("SELECT case_id FROM audit_events WHERE action = 'agree_reship'")
    reships = ids("SELECT case_id FROM reships WHERE status = 'agreed' AND promised_at IS NOT NULL "
                  "AND ship_by IS NOT NULL")
    # (a waiting 抖店 case has a projected ship-by too: the platform agrees by itself after 48 h)
    ship_by = ids("SELECT case_id FROM deadlines WHERE timer_id LIKE 'reship_ship%' AND status = 'open'")
    problems = []
    if agreed | untouched != set(range(1, cases + 1)):
        problems.append(f"cases in another state: {sorted(set(range(1, cases + 1)) - agreed - untouched)[:5]}")
    for name, found in (("timeline entries", events), ("reship rows with promise and ship-by", reships)):
        if found != agreed:
            problems.append(f"{name} differ from the agreed cases: {sorted(found ^ agreed)[:5]}")
    if agreed - ship_by:
        problems.append(f"agreed cases without an open ship-by deadline: {sorted(agreed - ship_by)[:5]}")
    return agreed, problems


def kill_bulk_once(folder: Path, base: Path, cases: int, delay: float, data_home: Path) -> BulkOutcome:
    ledger, child = _start_bulk(folder, base, cases, data_home)
    finished = _ends_within(child, delay)
    if not finished:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with sqlite3.connect(ledger) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        agreed, problems = _case_consistency(conn, cases)
    conn.close()
    problems += leftovers(data_home, ledger)
    if integrity != "ok":
        problems.append(f"integrity: {integrity}")
    db = open_database(ledger)  # opens (quick check) and agrees the rest
    try:
        rest = [n for n in range(1, cases + 1) if n not in agreed]
        failed = list(act_on_cases(db, rest, CaseAction.AGREE_RESHIP, author="bench").failed)
        if failed:
            problems.append(f"agreeing the rest failed: {failed[:2]}")
    finally:
        db.close()
    with sqlite3.connect(ledger) as conn:
        done, after = _case_consistency(conn, cases)
    conn.close()
    if len(done) != cases or after:
        problems.append(f"after agreeing the rest: {len(done)} of {cases} agreed; {'; '.join(after)}")
    return BulkOutcome(delay, finished, len(agreed), integrity, tuple(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=("import", "bulk"), help="kill only this job (default: alternate)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "kill")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    home = args.out / "home"
    os.environ["AFTERSALES_LEDGER_HOME"] = str(home)
    jobs = [args.only] if args.only else ["import", "bulk"]
    rng = random.Random(args.seed)
    whole: dict[str, float] = {}
    if "import" in jobs:
        base, incoming = prepare(args.out, args.rows)
        whole["import"] = import_seconds(args.out, base, incoming, home)
    if "bulk" in jobs:
        bulk_base = prepare_bulk(args.out, args.cases)
        whole["bulk"] = bulk_seconds(args.out, bulk_base, args.cases, home)
    for job, seconds in whole.items():
        print(f"one whole {job}: {seconds:.1f} s; kills at random moments in 0.2 … {seconds * 1.1:.1f} s")
    tally = {job: [0, 0, 0] for job in jobs}  # runs, killed before the end, with a problem
    for run in range(args.runs):
        job = jobs[run % len(jobs)]
        delay = rng.uniform(0.2, whole[job] * 1.1)
        if job == "import":
            outcome = kill_once(args.out, base, incoming, delay, home)
            problems = check(outcome, args.rows, args.out / "ledger.sqlite3")
            finished, state = outcome.finished, f"orders={outcome.orders_after:6}"
        else:
            bulk = kill_bulk_once(args.out, bulk_base, args.cases, delay, home)
            problems, finished, state = list(bulk.problems), bulk.finished, f"agreed={bulk.agreed:6}"
        counts = tally[job]
        counts[0] += 1
        counts[1] += not finished
        counts[2] += bool(problems)
        print(f"{run + 1:3} {job:6} {delay:5.2f}s {'finished' if finished else 'killed':8} {state} "
              f"{'; '.join(problems) or 'ok'}", flush=True)
    for job, (runs, killed, failed) in tally.items():
        print(f"{job}: {runs} runs, {killed} killed before the end, {failed} with a problem")
    return 1 if any(failed for _, _, failed in tally.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
