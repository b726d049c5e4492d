"""Where the 统计 read's two threads wait for each other: the time each spends neither on a CPU nor
queued for one — waiting for the GIL (the ledger is in the page cache: no disk waits).

    python bench/report_threads.py LEDGER [--repeat 11]

Runs `services.report.build_report` for the whole of 2026 on LEDGER (a `bench_report.py --keep` file)
with the code of the checkout it is run from, and reads each thread's `/proc/thread-self/schedstat`
(time on a CPU, time queued) around its own work: the caller until it asks for the side's result, the
side's read, and the caller over the whole report. Blocked = wall − on CPU − queued. Unlike wall time,
it stays meaningful on a shared machine (the queueing is taken out), so two checkouts can be compared
at any load: run it from each, alternating (Linux only).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not this script's

from desktop_app.services import report
from desktop_app.services.report_figures import Period
from desktop_app.store.database import open_database

Mark = tuple[int, int, int]  # wall ns, on-CPU ns, queued ns


def mark() -> Mark:
    with open("/proc/thread-self/schedstat", encoding="ascii") as f:
        run, queued, _slices = map(int, f.read().split())
    return time.perf_counter_ns(), run, queued


def span(start: Mark, end: Mark) -> tuple[float, float, float]:
    """On CPU, queued and blocked ms between two marks of one thread."""
    wall, run, queued = (b - a for a, b in zip(start, end, strict=True))
    return run / 1e6, queued / 1e6, (wall - run - queued) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    db = open_database(args.ledger)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    moment = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
    seen: dict[str, Any] = {}
    real = report.read_beside

    def read_beside(session: Any, work: Callable[[Any], Any]) -> Callable[[], Any]:
        def side(other: Any) -> Any:
            start = mark()
            value = work(other)
            seen["side read"] = span(start, mark())
            return value

        result = real(session, side)

        def wait() -> Any:
            seen["caller until the side's result"] = span(seen["start"], mark())
            return result()

        return wait

    report.read_beside = read_beside  # type: ignore[assignment]
    runs: dict[str, list[tuple[float, float, float]]] = {}
    for n in range(args.repeat + 1):
        seen["start"] = start = mark()
        report.build_report(db, year, moment=moment)
        seen["caller, whole report"] = span(start, mark())
        if n:  # the first call reads the ledger into the page caches
            for name in ("side read", "caller until the side's result", "caller, whole report"):
                runs.setdefault(name, []).append(seen[name])
    db.close()
    print(f"{Path.cwd()}: build_report, whole year, {args.repeat} runs; ms median (least)")
    print("| thread | on CPU | blocked (the GIL) | on CPU + blocked | queued |")
    print("|---|---|---|---|---|")
    for name, values in runs.items():
        cpu, queued, blocked = zip(*values, strict=True)
        both = [c + b for c, _q, b in values]
        print(f"| {name} | {statistics.median(cpu):.0f} ({min(cpu):.0f}) | {statistics.median(blocked):.0f} "
              f"({min(blocked):.0f}) | {statistics.median(both):.0f} ({min(both):.0f}) | {statistics.median(queued):.0f} |")


if __name__ == "__main__":
    main()
