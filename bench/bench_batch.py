"""Benchmark: the 双11 morning — bulk actions and the returns desk, end to end.

    python bench/bench_batch.py [--cases 300] [--repeat 3]

Builds a throw-away ledger (real SQLite file through `open_database`: WAL, synchronous=FULL as in
the app) and times what the user waits for:

1. `case act 1,2,...,N agree_reship` from the command line, process start to exit (N reships at once;
   target: 300 cases well under 30 s, i.e. faster than a person reading the results);
2. `act_on_cases` in process (what the Cases tab's 批量操作 runs on its worker thread);
3. one returns-desk scan: `returns receive TRACKING --result good` from the command line, and
   `receive_return` in process (target < 0.2 s: the scanner's next parcel is seconds away).

Best and median of --repeat runs, each on a fresh ledger.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.bulk import act_on_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return, receive_return
from desktop_app.store.database import Database, open_database

ROOT = Path(__file__).resolve().parent.parent


def seed(path: Path, count: int) -> Database:
    db = open_database(path)
    for n in range(count):
        open_case(db, NewCase(Platform.DOUYIN, f"69{n:017d}", CaseKind.RESHIP), author="bench")
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    for n in range(20):
        case_id = open_case(db, NewCase(Platform.TAOBAO, f"41{n:017d}", CaseKind.RETURN_REFUND, actions=agreed),
                            author="bench").case_id
        buyer_shipped_return(db, case_id, ReturnParcel.of("中通快递", f"75{n:012d}"), author="bench")
    return db


def cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop_app", *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.sqlite3"
            db = seed(path, args.cases)
            ids = ",".join(str(i) for i in range(1, args.cases + 1))
            timings.setdefault(f"CLI case act ({args.cases} ids) agree_reship", []).append(
                cli("case", "act", ids, "agree_reship", "--db", str(path), "--json"))
            start = time.perf_counter()
            act_on_cases(db, list(range(1, args.cases + 1)), CaseAction.SHIP_RESHIP, author="bench")
            timings.setdefault(f"act_on_cases ({args.cases}) ship_reship, in process", []).append(
                time.perf_counter() - start)
            timings.setdefault("CLI returns receive (one scan)", []).append(
                cli("returns", "receive", "75000000000001", "--result", "good", "--db", str(path)))
            start = time.perf_counter()
            receive_return(db, "75000000000002", InspectionResult.GOOD, author="bench")
            timings.setdefault("receive_return (one scan), in process", []).append(time.perf_counter() - start)
            db.close()
    print(f"{'measure':<50} {'best':>8} {'median':>8}")
    for name, values in timings.items():
        print(f"{name:<50} {min(values):>7.2f}s {statistics.median(values):>7.2f}s")


if __name__ == "__main__":
    main()
