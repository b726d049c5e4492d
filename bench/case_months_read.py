"""The case groups' read from `case_months` against the pass over the cases, in one process (a refresh's cost).

    python bench/case_months_read.py LEDGER [--repeat 9] [--rt]

LEDGER: a `bench_report.py --keep` file at this checkout's schema (opened once by it: migration 0025_case_months
fills the aggregate). For seven scopes (the year, June, the year on 拼多多, one shop, 今年 to the moment, 近 30 天,
近 30 天 in one shop) every figure of `report_in` must be equal (repr) with the aggregate and with the cases alone;
then alternating, both warm: the case groups' read alone and the whole `report_in`, for the year, 今年 to the
moment and 近 30 天. Wall and CPU (the process's, both threads) in ms, best (median). `--rt`: the measured calls
at real-time priority (`bench_report_ab.realtime`; root). Linux only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not this script's

from bench_report_ab import realtime  # this script's folder

import desktop_app.services.report as report_service
from desktop_app.core.vocabulary import Platform
from desktop_app.services.report import Period, report_in
from desktop_app.store.case_months import report_case_group_rows
from desktop_app.store.database import open_database
from desktop_app.store.report_queries import ReportScope, case_group_rows

MOMENT = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
SO_FAR = Period(date(2026, 1, 1), date(2026, 12, 2))
DAYS_30 = Period(date(2026, 11, 3), date(2026, 12, 2))


def use(aggregate: bool) -> None:
    report_service.report_case_group_rows = (  # type: ignore[attr-defined]
        report_case_group_rows if aggregate else case_group_rows)


def timed(work: Callable[[], Any], rt: bool) -> tuple[float, float]:
    realtime(rt)
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    realtime(False)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rt", action="store_true")
    args = parser.parse_args()
    db = open_database(args.ledger)
    report_service.now = lambda: MOMENT  # type: ignore[attr-defined]
    scopes: list[tuple[str, Period, Any, Any]] = [
        ("year", YEAR, None, None), ("June", Period(date(2026, 6, 1), date(2026, 6, 30)), None, None),
        ("year, pdd", YEAR, Platform("pdd"), None), ("year, shop 1", YEAR, None, "1"),
        ("今年 to the moment", SO_FAR, None, None), ("近 30 天", DAYS_30, None, None), ("近 30 天, shop 1", DAYS_30, None, "1")]
    runs: dict[str, list[tuple[float, float]]] = {}
    with db.reading() as session:
        for name, period, platform, shop in scopes:
            use(False)
            old = report_in(session, period, platform, shop, MOMENT)
            use(True)
            new = report_in(session, period, platform, shop, MOMENT)
            print(f"{name}: figures equal: {repr(old) == repr(new)}", flush=True)
        year = ReportScope(YEAR.start, YEAR.end)
        for _ in range(args.repeat):
            for label, read in (("cases", case_group_rows), ("aggregate", report_case_group_rows)):
                runs.setdefault(f"case groups' read, year ({label})", []).append(
                    timed(lambda r=read: r(session, year, MOMENT), args.rt))  # type: ignore[misc]
            for period_name, period in (("year", YEAR), ("今年 to the moment", SO_FAR), ("近 30 天", DAYS_30)):
                for aggregate, label in ((False, "cases"), (True, "aggregate")):
                    use(aggregate)
                    runs.setdefault(f"whole report_in, {period_name} ({label})", []).append(
                        timed(lambda p=period: report_in(session, p, None, None, MOMENT), args.rt))
    use(True)
    db.close()
    print(f"\nload {os.getloadavg()[0]:.1f}; {args.repeat} alternating runs\n| read | wall ms best (median) | "
          "CPU ms best (median) |\n|---|---|---|")
    for key, found in runs.items():
        walls, cpus = [w for w, _c in found], [c for _w, c in found]
        print(f"| {key} | {min(walls):.0f} ({statistics.median(walls):.0f}) | "
              f"{min(cpus):.0f} ({statistics.median(cpus):.0f}) |")


if __name__ == "__main__":
    main()
