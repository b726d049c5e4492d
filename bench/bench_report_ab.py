"""Benchmark: the 统计 dashboard of two checkouts side by side, alternating, on the same ledger.

    python bench/bench_report_ab.py --old-code DIR --old-db PATH --new-db PATH [--rounds 3] [--repeat 3]

What the user waits for, each measurement in a fresh process of the checkout it measures (its code on
PYTHONPATH): `service` — `services.report.build_report` for the whole of 2026, every figure, from the
call to the data ready (the first call after opening the ledger, then the best and median of
`--repeat` more); `tab` — the real `DashboardTab` offscreen, the event loop running as in the app:
from `refresh()` to the end of the first paint pass that shows a report (a checkout showing an overview
first: the overview; one showing the whole report at once: every figure) and of the last one that
shows every figure (the tables paint again after sizing their columns; the run waits until nothing has
painted for 0.3 s, not counted). Old and new alternate `--rounds` times (the machine is shared: only
figures of the same run compare). CPU seconds (user + sys of the process during the measurement) and
wall seconds are printed, and the GUI thread's own CPU (setting, sizing and painting the tables);
`window` — the whole app (`run_gui`, offscreen) on the ledger: once start-up has settled (`--settle`
seconds: the other tabs built, the start-up jobs done), the whole of 2026 is chosen and the 统计 tab
opened, then refreshed `--repeat` times: from the choice to the last paint of the tab's widgets once every
figure is set (the first opening paints its tables twice), and to every figure set (`_show` returned, as
sessions 15–20 measured). `--rt` runs each measured step (not the start-up) at real-time priority, so
that on a machine shared with other work its threads are not queued behind it; `--watch window` takes the
paint passes from the window's own events instead of a filter on every widget of the tab (whose calls into
Python are part of what it measures: ≈ 10 ms of the first opening, bench/README "Session 25 (report)").
The full `report --json` output of both must
be equal (the moment is fixed, 2026-12-02 12:00 China time), or the benchmark fails.

The ledgers: `bench_report.py --keep PATH` builds one; the new checkout's copy is the same file opened
once by the new code (its migration fills the new columns).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

MOMENT = "2026-12-02T12:00:00+08:00"


def _times(work: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def child_service(db_path: Path, repeat: int, out: Path) -> dict[str, Any]:
    from desktop_app.cli.report import as_json
    from desktop_app.services.report import build_report
    from desktop_app.services.report_figures import Period
    from desktop_app.store.database import open_database

    db = open_database(db_path)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    moment = datetime.fromisoformat(MOMENT)
    try:
        first = _times(lambda: build_report(db, year, moment=moment))
        runs = [_times(lambda: build_report(db, year, moment=moment)) for _ in range(repeat)]
    finally:
        db.close()
    out.write_text(json.dumps(as_json(first[2]), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return {"first": first[:2], "runs": [r[:2] for r in runs]}


def realtime(on: bool) -> None:
    """`--rt`: every thread of this process at SCHED_FIFO (on) or back to the normal policy. Only the measured
    steps run so (≈ 0.5 s each): on a machine shared with other work, its threads are not queued behind it
    (run-queue waits of 200-900 ms per read at load 6-13), so the figures are those of a quiet machine's
    scheduling; CPU shared with the other processes' memory traffic still shows. Linux, root or CAP_SYS_NICE."""
    for task in Path("/proc/self/task").iterdir():
        try:
            os.sched_setscheduler(int(task.name), os.SCHED_FIFO if on else os.SCHED_OTHER,
                                  os.sched_param(10 if on else 0))
        except OSError:
            continue  # a thread that ended meanwhile


def child_window(db_path: Path, repeat: int, settle: float, rt: bool = False, watch: str = "widgets") -> None:
    """The running window: the tab opened once start-up has settled, then refreshed; prints its result."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="report-window-"))
    (home / "backups").mkdir()
    # Today's backup counts as taken: no 200 MB copy beside the measured steps (services/backups names them so).
    (home / "backups" / f"{db_path.stem}-{time.strftime('%Y%m%d-%H%M%S')}-daily.sqlite3").touch()
    os.environ["AFTERSALES_LEDGER_HOME"] = str(home)
    from PySide6.QtCore import QDate, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    import desktop_app.ui.app as app_module
    from desktop_app.services import report as report_service
    from desktop_app.ui.dashboard.dashboard_tab import DashboardTab

    fixed = datetime.fromisoformat(MOMENT)
    report_service.now = lambda: fixed  # type: ignore[attr-defined]
    original = app_module.create_window
    times: list[tuple[float, float]] = []  # to the last paint of the tab's widgets
    set_times: list[tuple[float, float]] = []  # to every figure set (`_show` returned)
    started: list[tuple[float, float]] = []
    # Neither end is found by polling: a timer waking the GUI thread every millisecond asks the reading
    # threads for the GIL all the while and slowed the very read it waited for (measured: the read's wall
    # time rose by up to a third). The set figures end when `_show` returns; the painted ones at the last
    # paint of any of the tab's widgets, found by waiting until none has painted for 0.3 s (not counted):
    # the first opening paints the tables twice (their scroll bars come after the first pass).
    show = DashboardTab._show
    painted: list[tuple[float, float]] = []
    quiet = QTimer()
    quiet.setSingleShot(True)
    quiet.setInterval(300)

    def paint_seen() -> None:
        painted.append((time.perf_counter(), time.process_time()))
        quiet.start()

    class Paints(QObject):
        """`--watch widgets`: every event of every widget of the tab comes through here (≈ 880 calls into
        Python at the first opening, ≈ 70 at a refresh, each taking the GIL from the reading threads);
        `--watch window`: only the window's own events, where each paint pass of any of its widgets starts
        (`UpdateRequest`); the pass's end is the next turn of the event loop."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not quiet.isActive():
                return False
            if watch == "widgets" and event.type() == QEvent.Type.Paint:
                paint_seen()
            elif watch == "window" and event.type() == QEvent.Type.UpdateRequest:
                QTimer.singleShot(0, paint_seen)
            return False

    paints = Paints()

    def create_window(target: Any) -> Any:
        window = original(target)
        begun: list[tuple[float, float]] = []

        def shown(tab: Any, report: Any) -> None:
            show(tab, report)
            if not started or tab._loading:
                return
            begun[:] = [started.pop()]
            wall, cpu = begun[0]
            set_times.append((time.perf_counter() - wall, time.process_time() - cpu))
            painted[:] = [(time.perf_counter(), time.process_time())]
            quiet.start()

        def settled() -> None:
            if rt:
                realtime(False)
            wall, cpu = begun[0]
            times.append((painted[-1][0] - wall, painted[-1][1] - cpu))
            if len(times) <= repeat:
                QTimer.singleShot(300, lambda: measure(lambda t: t.refresh()))
            else:
                print(json.dumps({"first": times[0], "runs": times[1:], "first_set": set_times[0],
                                  "runs_set": set_times[1:]}), flush=True)
                os._exit(0)

        quiet.timeout.connect(settled)
        DashboardTab._show = shown  # type: ignore[method-assign,assignment]

        def measure(start: Any) -> None:
            tab = window.dashboard_tab
            if not started and not times:
                for widget in (tab, *tab.findChildren(QWidget)) if watch == "widgets" else (window,):
                    widget.installEventFilter(paints)
            if rt:
                realtime(True)
            started.append((time.perf_counter(), time.process_time()))
            start(tab)

        def open_tab(tab: Any) -> None:
            for edit, day in ((tab.first, QDate(2026, 1, 1)), (tab.last, QDate(2026, 12, 31))):
                edit.blockSignals(True)  # chosen before the tab is shown: its first load is the year
                edit.setDate(day)
                edit.blockSignals(False)
            window.tabs.setCurrentWidget(tab)

        QTimer.singleShot(int(settle * 1000), lambda: measure(open_tab))
        return window

    app_module.create_window = create_window
    app_module.run_gui(["--db", str(db_path)])
    raise SystemExit("the window closed before the measurement ended")


def child_tab(db_path: Path, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QTableView

    from desktop_app.services import report as report_service
    from desktop_app.services.report_figures import Period
    from desktop_app.store.database import open_database
    from desktop_app.ui.background import BackgroundRunner
    from desktop_app.ui.context import AppContext
    try:  # the ui rooms (this code) or the flat ui/ of an older checkout
        from desktop_app.ui.dashboard.dashboard_tab import DashboardTab
    except ImportError:
        from desktop_app.ui.dashboard_tab import DashboardTab  # type: ignore[no-redef]

    app = QApplication([])  # noqa: F841 - kept alive while the tab runs
    runner = BackgroundRunner()
    context = AppContext(runner)
    context.db = open_database(db_path)
    tab = DashboardTab(context)
    tab.resize(1200, 800)
    tab.show()
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    fixed = datetime.fromisoformat(MOMENT)
    report_service.now = lambda: fixed  # type: ignore[attr-defined]  # overdue counted at the same moment

    class Painted(QObject):
        """Notes the end of every paint pass of the tab's figures (the tables and the summary line); `settle`
        runs the event loop until nothing has painted for `quiet` seconds (and, `waiting`, the last pass
        showed the whole report with the tab idle)."""

        def __init__(self) -> None:
            super().__init__()
            # wall, process CPU, a report there, all of it, CPU of this (the GUI) thread
            self.passes: list[tuple[float, float, bool, bool, float]] = []
            self._pending = False
            self.loop = QEventLoop()
            self.quiet = QTimer()
            self.quiet.setSingleShot(True)
            self.quiet.timeout.connect(self._quiet)
            self.waiting = False  # for a pass that shows the whole report

        def _quiet(self) -> None:
            if self.waiting and not (self.passes and self.passes[-1][3]) and time.perf_counter() < self.deadline:
                self.quiet.start()  # still loading, or the last pass is yet to come
            else:
                self.loop.quit()

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self._pending:
                self._pending = True  # the widgets of one pass paint in one go: its end is the next turn
                QTimer.singleShot(0, self._ended)
            return False

        def _ended(self) -> None:
            self._pending = False
            report = tab.report
            self.passes.append((time.perf_counter(), time.process_time(), report is not None,
                                report is not None and getattr(report, "detailed", True) and not tab._loading,  # older checkouts: 2 reads
                                time.thread_time()))
            self.quiet.start()

        def settle(self, quiet: float, waiting: bool) -> None:
            self.waiting, self.deadline = waiting, time.perf_counter() + 120
            self.quiet.setInterval(int(quiet * 1000))
            self.quiet.start()
            self.loop.exec()

    painted = Painted()
    for widget in (tab.summary, *(t.viewport() for t in tab.findChildren(QTableView))):
        widget.installEventFilter(painted)

    def load() -> tuple[float, float, float, float, float]:
        """From `refresh()` (a new period) to the end of the first paint pass that shows a report (the
        overview) and of the last one once the whole report is in: the event loop runs as in the app
        (no polling), and the clock stops only after the last repaint (the tables paint once more after
        sizing their columns), found by waiting until nothing has painted for 0.3 s (not counted)."""
        painted.settle(0.05, False)
        tab.report = None
        del painted.passes[:]
        wall, cpu, gui = time.perf_counter(), time.process_time(), time.thread_time()
        tab.set_period(year)
        painted.settle(0.3, True)
        shown = [p for p in painted.passes if p[2]]
        done = [p for p in painted.passes if p[3]]
        assert shown and done, "the tab never painted its figures"
        return shown[0][0] - wall, shown[0][1] - cpu, done[-1][0] - wall, done[-1][1] - cpu, done[-1][4] - gui

    try:
        runs = [load() for _ in range(repeat + 1)]
    finally:
        tab.close()
        runner.shutdown()
        context.db.close()
    return {"first": runs[0], "runs": runs[1:]}


def _child(code: Path, kind: str, db: Path, repeat: int, out: Path, settle: float,
           window_options: tuple[str, ...] = ()) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(code), "QT_QPA_PLATFORM": "offscreen"}
    completed = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--db", str(db), "--repeat", str(repeat), "--out", str(out),
         "--settle", str(settle), *window_options],
        capture_output=True, text=True, check=False, env=env, cwd=str(code))
    if completed.returncode != 0:
        raise SystemExit(f"{kind} on {code} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _ms(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f} (median {statistics.median(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("service", "tab", "window"))
    parser.add_argument("--settle", type=float, default=10.0, help="window: seconds after launch before the tab is opened")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, default=Path("/dev/null"))
    parser.add_argument("--old-code", type=Path)
    parser.add_argument("--new-code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--old-db", type=Path)
    parser.add_argument("--new-db", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("service", "tab", "window"))
    parser.add_argument("--rt", action="store_true",
                        help="window: the measured steps at real-time priority (SCHED_FIFO; a shared machine)")
    parser.add_argument("--watch", choices=("widgets", "window"), default="widgets",
                        help="window: the end seen by a filter on every widget of the tab (sessions 15-25) or "
                             "on the window alone (far fewer calls into Python at the first opening)")
    args = parser.parse_args()
    if args.child == "service":
        print(json.dumps(child_service(args.db, args.repeat, args.out)))
        return
    if args.child == "tab":
        print(json.dumps(child_tab(args.db, args.repeat)))
        return
    if args.child == "window":
        child_window(args.db, args.repeat, args.settle, args.rt, args.watch)
        return
    sides = {"old": (args.old_code, args.old_db), "new": (args.new_code, args.new_db)}
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    outputs = {name: Path(f"/tmp/report-ab-{name}-{os.getpid()}.json") for name in sides}
    kinds = [args.only] if args.only else ["service", "tab", "window"]
    for round_no in range(args.rounds):
        for kind in kinds:
            for name, (code, db) in sides.items():
                load = os.getloadavg()[0]
                result = _child(code, kind, db, args.repeat, outputs[name], args.settle,
                                (*(("--rt",) if args.rt else ()), "--watch", args.watch))
                result["load"] = load
                results.setdefault((kind, name), []).append(result)
                print(f"round {round_no + 1} {kind} {name}: first {result['first']}, load {load:.1f}", flush=True)
    if "service" in kinds:
        same = outputs["old"].read_text(encoding="utf-8") == outputs["new"].read_text(encoding="utf-8")
        print(f"\nreport --json equal old/new: {same} ({outputs['old']}, {outputs['new']})")
    print("\n| measure | side | wall ms best (median) | CPU ms best (median) | first call wall / CPU ms | load |")
    print("|---|---|---|---|---|---|")
    for (kind, name), runs in results.items():
        loads = [r["load"] for r in runs]
        if kind in ("window", "service"):
            walls = [w for r in runs for w, _ in r["runs"]]
            cpus = [c for r in runs for _, c in r["runs"]]
            firsts = [r["first"] for r in runs]
            label = ("window: 统计 refreshed → every figure set and painted (first: the tab opened)"
                     if kind == "window" else "service: year, every figure")
            first_walls = f"{min(f[0] for f in firsts) * 1000:.0f}"
            first_cpus = f"{min(f[1] for f in firsts) * 1000:.0f}"
            if kind == "window":  # the first opening is the figure to watch: its range
                first_walls += f"–{max(f[0] for f in firsts) * 1000:.0f}"
                first_cpus += f"–{max(f[1] for f in firsts) * 1000:.0f}"
            print(f"| {label} | {name} | {_ms(walls)} | {_ms(cpus)} | {first_walls} / {first_cpus} | "
                  f"{min(loads):.1f}–{max(loads):.1f} |")
            if kind == "window" and all("first_set" in r for r in runs):  # the end as sessions 15-20 took it
                walls = [w for r in runs for w, _ in r["runs_set"]]
                cpus = [c for r in runs for _, c in r["runs_set"]]
                firsts = [r["first_set"] for r in runs]
                print(f"| window: the same to every figure set (`_show` returned, not yet painted) | {name} | "
                      f"{_ms(walls)} | {_ms(cpus)} | {min(f[0] for f in firsts) * 1000:.0f}–"
                      f"{max(f[0] for f in firsts) * 1000:.0f} / {min(f[1] for f in firsts) * 1000:.0f}–"
                      f"{max(f[1] for f in firsts) * 1000:.0f} | {min(loads):.1f}–{max(loads):.1f} |")
        else:
            for label, offset in (("tab: refresh → overview shown", 0), ("tab: refresh → every figure shown", 2)):
                walls = [r[offset] for one in runs for r in one["runs"]]
                cpus = [r[offset + 1] for one in runs for r in one["runs"]]
                firsts = [one["first"] for one in runs]
                print(f"| {label} | {name} | {_ms(walls)} | {_ms(cpus)} | "
                      f"{min(f[offset] for f in firsts) * 1000:.0f} / {min(f[offset + 1] for f in firsts) * 1000:.0f}"
                      f" | {min(loads):.1f}–{max(loads):.1f} |")
            # The GUI thread's own share (setting the tables, sizing and painting them): the least noisy figure.
            gui = [r[4] for one in runs for r in one["runs"] if len(r) > 4]
            if gui:
                print(f"| tab: of it, the GUI thread's CPU | {name} | — | {_ms(gui)} | "
                      f"— / {min(one['first'][4] for one in runs) * 1000:.0f} | {min(loads):.1f}–{max(loads):.1f} |")
    if "service" in kinds and not same:
        raise SystemExit("the figures differ")


if __name__ == "__main__":
    main()
