"""The 统计 tab in the running window on a timeline: which thread does what, when, and at what CPU.

    QT_QPA_PLATFORM=offscreen python bench/report_timeline.py LEDGER [--repeat 4] [--settle 8]

Starts the app (`run_gui`) on LEDGER (a `bench_report.py --keep` file) with the code of the checkout it is
run from (like `report_threads.py`), chooses the whole of 2026 once start-up has settled, opens the tab, then
refreshes it `--repeat` times. For each run it prints, in ms from the refresh (the first: the tab asked for),
each part of `services.report.report_in` with the thread that ran it, its start and end, that thread's CPU and
how often it slept meanwhile,
the tab's own steps on the GUI thread (`refresh`, `_loaded`, `_show`), the last paint of the tab's widgets
(0.3 s without one ends the wait, not counted), and for each thread of the process meanwhile its CPU, its time
queued for a CPU and how often it slept (`/proc/self/task/*/schedstat` and `status`; a reading thread's sleeps are
its waits for the GIL). Thread CPU does not depend on the load; the start and end times do — on a shared machine
read them for the order of things, not their length, or run with `--rt` (the measured steps at real-time priority,
as `bench_report_ab.py --rt`) (Linux only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not this script's

from bench_report_ab import realtime  # this script's folder: the same real-time switch
from PySide6.QtCore import QDate, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

import desktop_app.ui.app as app_module
import desktop_app.ui.dashboard.dashboard_tab as dashboard_module
from desktop_app.services import report as report_service

MOMENT = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
# The parts of `report_in` (those a checkout has) and the tab's steps; each is timed where it runs.
PARTS = ("claim_rows", "goods_rows", "straddling_overdue", "case_group_rows", "report_case_group_rows", "carrier_cases",
         "parcels_by_carrier",
         "period_penalty_rows", "case_groups_of", "claim_figures_of", "top_products_of", "_overview", "_detailed")
TAB_STEPS = ("refresh", "_loaded", "_show")

Mark = tuple[str, str, float, float, float, int]  # thread, part, start ms, end ms, thread CPU ms, sleeps


def _slept() -> int:
    """How often the calling thread went to sleep so far (its voluntary context switches)."""
    status = Path("/proc/thread-self/status").read_text()
    return int(status.split("voluntary_ctxt_switches:")[1].split()[0])


class Timeline:
    def __init__(self) -> None:
        self.marks: list[Mark] = []
        self.start = 0.0

    def wrap(self, owner: Any, name: str) -> None:
        real = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            wall, cpu, slept = time.perf_counter(), time.thread_time(), _slept()
            value = real(*args, **kwargs)
            self.marks.append((threading.current_thread().name, name, (wall - self.start) * 1e3,
                               (time.perf_counter() - self.start) * 1e3, (time.thread_time() - cpu) * 1e3,
                               _slept() - slept))
            return value

        setattr(owner, name, timed)


def thread_cpu() -> dict[str, tuple[float, float, int]]:
    """Of each thread of this process so far, by task id: CPU ms, ms waited for a CPU (queued behind other
    work: the load), and how often it went to sleep (voluntary context switches: nearly all of them waits for
    the GIL, so two reading threads handing it over at every row show as thousands)."""
    found = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            on_cpu, queued = (int(n) / 1e6 for n in (task / "schedstat").read_text().split()[:2])
            status = (task / "status").read_text()
            slept = int(status.split("voluntary_ctxt_switches:")[1].split()[0])
        except (OSError, IndexError):
            continue  # a thread that ended meanwhile
        found[task.name] = (on_cpu, queued, slept)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--settle", type=float, default=8.0, help="seconds after launch before the tab is opened")
    parser.add_argument("--rt", action="store_true", help="each measured step at real-time priority (bench_report_ab)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="report-timeline-"))
    (home / "backups").mkdir()
    # Today's backup counts as taken: no copy of the ledger beside the measured steps (services/backups).
    (home / "backups" / f"{args.ledger.stem}-{time.strftime('%Y%m%d-%H%M%S')}-daily.sqlite3").touch()
    os.environ["AFTERSALES_LEDGER_HOME"] = str(home)
    report_service.now = lambda: MOMENT  # type: ignore[attr-defined]  # overdue counted at one moment
    timeline = Timeline()
    for name in PARTS:
        if hasattr(report_service, name):
            timeline.wrap(report_service, name)
    for name in TAB_STEPS:
        timeline.wrap(dashboard_module.DashboardTab, name)
    last_paint: list[float] = []
    ends: list[float] = []
    quiet = QTimer()
    quiet.setSingleShot(True)
    quiet.setInterval(300)

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if quiet.isActive() and event.type() == QEvent.Type.Paint:
                last_paint[:] = [time.perf_counter()]
                quiet.start()
            return False

    paints = Paints()
    shown = dashboard_module.DashboardTab._show

    def show(tab: Any, report: Any) -> None:
        shown(tab, report)
        last_paint[:] = [time.perf_counter()]
        quiet.start()

    dashboard_module.DashboardTab._show = show  # type: ignore[method-assign]
    original = app_module.create_window
    before: dict[str, tuple[float, float, int]] = {}

    def create_window(target: Any) -> Any:
        window = original(target)

        def go(start: Callable[[Any], None]) -> None:
            tab = window.dashboard_tab  # built once start-up is over
            if not ends:
                for widget in (tab, *tab.findChildren(QWidget)):
                    widget.installEventFilter(paints)
            timeline.marks.clear()
            before.clear()
            before.update(thread_cpu())
            if args.rt:
                realtime(True)
            timeline.start = time.perf_counter()
            start(tab)

        def settled() -> None:
            end = (last_paint[-1] - timeline.start) * 1e3
            ends.append(end)
            now = thread_cpu()
            start_of = {task: before.get(task, (0.0, 0.0, 0)) for task in now}
            spent = sorted(((c - start_of[t][0], q - start_of[t][1], n - start_of[t][2])
                            for t, (c, q, n) in now.items()), reverse=True)
            if args.rt:
                realtime(False)
            print(f"--- {'first opening' if len(ends) == 1 else 'refresh'}: last paint at {end:.0f} ms")
            for thread, part, start, stop, cpu, slept in sorted(timeline.marks, key=lambda m: m[2]):
                print(f"{thread[:18]:<18} {part:<20} {start:7.1f} – {stop:7.1f}   CPU {cpu:6.1f}   sleeps {slept:5d}")
            print("per thread, CPU ms / queued ms / sleeps:", ", ".join(
                f"{c:.0f}/{q:.0f}/{n}" for c, q, n in spent if c >= 0.5))
            if len(ends) <= args.repeat:
                QTimer.singleShot(400, lambda: go(lambda tab: tab.refresh()))
                return
            print(f"refresh → last paint: best {min(ends[1:]):.0f} ms, median {statistics.median(ends[1:]):.0f} ms;"
                  f" first opening {ends[0]:.0f} ms")
            os._exit(0)

        quiet.timeout.connect(settled)

        def open_tab(tab: Any) -> None:
            for edit, day in ((tab.first, QDate(2026, 1, 1)), (tab.last, QDate(2026, 12, 31))):
                edit.blockSignals(True)  # chosen before the tab is shown: its first load is the year
                edit.setDate(day)
                edit.blockSignals(False)
            window.tabs.setCurrentWidget(tab)

        QTimer.singleShot(int(args.settle * 1000), lambda: go(open_tab))
        return window

    app_module.create_window = create_window
    app_module.run_gui(["--db", str(args.ledger)])
    raise SystemExit("the window closed before the timeline ended")


if __name__ == "__main__":
    main()
