"""Does the window ever freeze? (issue 15) — measured end to end in a fresh GUI process each time.

    python bench/bench_freeze.py [--cases 1000000] [--db PATH] [--runs 3] [--only NAME ...]
                                 [--sorts receiver,order_no,next_due] [--code DIR]

Each launch finds today's automatic backup already taken (as every launch but the day's first does:
the first copies the whole ledger on a thread of its own, 1.7 GB at a million cases); `--daily-backup`
measures the day's first launch instead.

`--code DIR` runs the GUI children on another checkout (e.g. main, before this change) for a side by
side; its schema must be able to open the ledger (run the older code first: this one migrates it).

Each measurement launches the app the way a user does (`desktop_app.ui.app.run_gui`, offscreen Qt),
with an event-loop gap probe on the GUI thread: a 5 ms timer whose late ticks are the freezes a user
feels (a gap is the time between two ticks minus the interval). Measurements:

- **launch**: process start to the Cases table usable (its first page painted, or the empty-ledger
  page shown, and the toolbar enabled), on an empty ledger and on the 1M ledger;
- **sort_scroll**: on the 1M ledger, sort by receiver, order number and next due, then jump the scroll
  bar to 25 %, 50 %, 75 % and the end: the time until the rows shown are filled, and the longest gap;
- **first_search**: type a search the moment the table is usable (start-up jobs still queued): the
  time until the searched rows are listed;
- **first_import**: start the first import after launch (a sample xlsx): the longest gap.

Floors printed beside them: a bare PySide6 window painted in a fresh process, the gap of an idle
event loop, and each page / search query alone on an idle database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.child_process import WAIT_UNTIL  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "samples" / "douyin_orders.xlsx"
SORTS = ("receiver", "order_no", "next_due")
TARGETS = {"gap_ms": 100.0, "usable_s": 0.5}

CHILD = r"""
import json, os, sys, time
T0, SCENARIO, DB = float(sys.argv[1]), sys.argv[2], sys.argv[3]
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication
import desktop_app.ui.app as app_module

result = {}
INTERVAL = 0.005

class GapProbe:
    # A 5 ms timer on the GUI thread; `worst` is the longest time it was late since the last reset.
    def __init__(self):
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(int(INTERVAL * 1000))
        self.timer.timeout.connect(self.tick)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()
    def tick(self):
        t = time.perf_counter()
        self.worst = max(self.worst, t - self.last - INTERVAL)
        self.last = t
    def reset(self):
        self.tick()
        self.worst = 0.0
    def take(self):
        self.tick()
        return round(self.worst * 1000, 1)

def finish():
    # Out at once: the start-up jobs (a first deadline recompute of every case) would keep the worker,
    # and so the process, busy for minutes; nothing here needs them to finish.
    print("RESULT " + json.dumps(result), flush=True)
    os._exit(0)

WAIT_LIMIT, WAIT_EVERY_MS = 900.0, 1
""" + WAIT_UNTIL + r"""

def visible_rows_filled(window):
    # True once every row in view has its data (no fetch: rows still loading show as placeholders).
    table = window.cases_tab.table
    model = window.cases_tab.model
    top = table.rowAt(0)
    bottom = table.rowAt(table.viewport().height() - 1)
    if top < 0:
        return model.rowCount() == 0
    bottom = bottom if bottom >= 0 else model.rowCount() - 1
    loaded = getattr(model, "is_loaded", None)
    for row in range(top, bottom + 1):
        if loaded is not None and not loaded(row):
            return False
    table.viewport().repaint()
    return True

def usable(window, empty):
    # The table shows real rows (the model starts with none: rows come from a read of the ledger) or the
    # empty ledger's page, and the toolbar takes commands. The window may show the first page before the
    # ledger has opened (store/first_page): commands, searches and sorts chosen then run once it is open
    # ("opened_s" says when), which first_search measures.
    tab = getattr(window, "cases_tab", None)
    if tab is None or not tab.isVisible() or not window.import_action.isEnabled():
        return False
    if empty:
        return tab.is_showing_empty_state()
    return tab.model.rowCount() > 0 and visible_rows_filled(window)

def watch_open(window):
    def opened(_db):
        result.setdefault("opened_s", round(time.time() - T0, 3))
    window.context.database_opened.connect(opened)

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint_s" not in result:
            result["paint_s"] = round(time.time() - T0, 3)
        return False

PROBES = []  # kept: a probe left to Python's cyclic GC is destroyed on whichever thread collects, and Qt
# then fires its timer into freed memory (a crash seen when a scenario keeps running after its measure)

def started(window):
    probe = GapProbe()
    PROBES.append(probe)
    watch_open(window)
    painter = FirstPaint(window)
    window.installEventFilter(painter)
    empty = SCENARIO == "launch_empty"
    def when_usable():
        result["usable_s"] = round(time.time() - T0, 3)
        result["launch_gap_ms"] = probe.take()
        if SCENARIO.startswith("launch"):
            finish()
        elif SCENARIO == "first_search":
            first_search(window, probe)
        elif SCENARIO == "first_import":
            first_import(window, probe)
        elif SCENARIO == "sort_scroll":
            sort_scroll(window, probe)
    wait_until(lambda: usable(window, empty or SCENARIO == "first_import"), when_usable)

def first_search(window, probe):
    tab = window.cases_tab
    t0 = time.perf_counter()
    probe.reset()
    def done(total):
        tab.model.loaded.disconnect(done)
        def shown():
            result["first_search_s"] = round(time.perf_counter() - t0, 3)
            result["first_search_rows"] = total
            result["first_search_gap_ms"] = probe.take()
            finish()
        wait_until(lambda: visible_rows_filled(window), shown)
    tab.model.loaded.connect(done)
    tab.search.setText("王伟")

def first_import(window, probe):
    probe.reset()
    t0 = time.perf_counter()
    if window.context.db is None:
        # The table is usable before the ledger has opened: 导入 clicked now waits for it (the window's
        # `_when_open`), so the import starts once it is open; the clock and the probe run from now.
        wait_until(lambda: window.context.db is not None, lambda: start_import(window, probe, t0))
    else:
        start_import(window, probe, t0)

def start_import(window, probe, t0):
    t1 = time.perf_counter()
    dialog = window.import_files([__import__("pathlib").Path(sys.argv[4])])
    result["import_call_ms"] = round((time.perf_counter() - t1) * 1000, 1)
    def done(_intake):
        result["import_s"] = round(time.perf_counter() - t0, 3)
        result["first_import_gap_ms"] = probe.take()
        finish()
    def opened():
        # None: the import code was still loading and the dialog opens once it is loaded.
        from PySide6.QtWidgets import QDialog
        found = [d for d in window.findChildren(QDialog) if type(d).__name__ == "ImportDialog"]
        if found:
            result["dialog_s"] = round(time.perf_counter() - t0, 3)
            found[0].finished_intake.connect(done)
        return bool(found)
    if dialog is not None:
        dialog.finished_intake.connect(done)
    else:
        wait_until(opened, lambda: None)

def sort_scroll(window, probe):
    tab = window.cases_tab
    table, model = tab.table, tab.model
    steps = []
    for key in sys.argv[4].split(","):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            steps.append((key, order, None))
            for fraction in (0.25, 0.5, 0.75, 1.0):
                steps.append((key, order, fraction))
    timings = []
    def step(i=0):
        if i >= len(steps):
            result["sort_scroll"] = timings
            result["sort_scroll_gap_ms"] = max(t[3] for t in timings)
            finish()
            return
        key, order, fraction = steps[i]
        probe.reset()
        t0 = time.perf_counter()
        def record():
            name = "desc" if order == Qt.SortOrder.DescendingOrder else "asc"
            where = "sort" if fraction is None else f"{int(fraction * 100)}%"
            timings.append((key, name, where, probe.take(), round((time.perf_counter() - t0) * 1000, 1)))
            QTimer.singleShot(50, lambda: step(i + 1))
        if fraction is None:
            def loaded(_total):
                model.loaded.disconnect(loaded)
                wait_until(lambda: visible_rows_filled(window), record)
            model.loaded.connect(loaded)
            table.sortByColumn(model.column_index(key), order)
        else:
            bar = table.verticalScrollBar()
            bar.setValue(int(bar.maximum() * fraction))
            wait_until(lambda: visible_rows_filled(window), record)
    step()

original = app_module.create_window
def create_window(db_path):
    window = original(db_path)
    QTimer.singleShot(0, lambda: started(window))
    return window
app_module.create_window = create_window
app_module.run_gui(["--db", DB])
"""

FLOOR_CHILD = r"""
import json, sys, time
T0 = float(sys.argv[1])
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 760)
result = {}
class Paint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and "paint_s" not in result:
            result["paint_s"] = round(time.time() - T0, 3)
        return False
watch = Paint()
window.installEventFilter(watch)
window.show()
ticks = []
timer = QTimer()
timer.setTimerType(Qt.TimerType.PreciseTimer)
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
def done():
    gaps = [b - a - 0.005 for a, b in zip(ticks, ticks[1:])]
    result["idle_gap_ms"] = round(max(gaps) * 1000, 1)
    print("RESULT " + json.dumps(result), flush=True)
    app.quit()
QTimer.singleShot(1000, done)
app.exec()
"""


CODE = ROOT  # the checkout whose app the GUI children run (--code)
DAILY_BACKUP = False  # --daily-backup: the day's first launch (a copy of the whole ledger runs beside)


def run(script: str, *args: str) -> dict[str, object]:
    home = tempfile.mkdtemp(prefix="bench-freeze-home-")
    if len(args) > 1 and not DAILY_BACKUP:
        # Every launch but the day's first finds today's backup taken and copies nothing (at a million
        # cases the copy is 1.7 GB of disk writes beside the measured steps): an empty file in the
        # backup folder with today's name stands for it (services/backups.py names them so).
        backups = Path(home) / "backups"
        backups.mkdir()
        (backups / f"{Path(args[1]).stem}-{time.strftime('%Y%m%d-%H%M%S')}-daily.sqlite3").touch()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AFTERSALES_LEDGER_HOME=home, PYTHONPATH=str(CODE))
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        proc = subprocess.run([sys.executable, "-c", script, repr(t0), *args], capture_output=True, text=True,
                              env=env, cwd=CODE, check=False, timeout=3600)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"benchmark child {args} failed:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, object] = json.loads(line.removeprefix("RESULT "))
    # The child's CPU (all its threads, start to exit): what a shared machine does not inflate.
    result["cpu_s"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3)
    return result


def query_floors(db: Path) -> dict[str, float]:
    """Each measured read alone, on an idle database, best of 3 (ms): what a page can cost at least."""
    from desktop_app.store.case_queries import CaseFilter, CaseOrder, CaseSort, OpenState, case_rows, count_cases
    from desktop_app.store.database import open_database

    database = open_database(db, check_seconds=0)
    floors: dict[str, float] = {}
    try:
        with database.reading() as session:
            shown = CaseFilter(open_state=OpenState.OPEN)
            total = count_cases(session, shown)

            def best(fn: object) -> float:
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    fn()  # type: ignore[operator]
                    times.append(time.perf_counter() - t0)
                return round(min(times) * 1000, 1)

            for key in SORTS:
                for descending in (False, True):
                    order = CaseOrder(CaseSort(key), descending)
                    for fraction in (0.0, 0.5, 1.0):
                        offset = max(0, int((total - 200) * fraction))
                        floors[f"{key} {'desc' if descending else 'asc'} @{int(fraction * 100)}%"] = best(
                            lambda o=order, off=offset: case_rows(session, shown, o, off, 200))
            searched = CaseFilter(search="王伟", open_state=OpenState.OPEN)
            floors["search 王伟: count + first page"] = best(lambda: (
                count_cases(session, searched), case_rows(session, searched, CaseOrder(), 0, 200)))
    finally:
        database.close()
    return floors


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def opened_after(runs: list[dict[str, object]]) -> str:
    """When the ledger had opened: at usable or before it (the old start-up), or later — the table then
    showed the first page that store/first_page read, and what was asked meanwhile waited for it."""
    opened = [float(r["opened_s"]) for r in runs if "opened_s" in r]  # type: ignore[arg-type]
    return f"ledger open {median(opened):.3f} s" if len(opened) == len(runs) else "ledger opened after usable"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=["floor", "launch", "first_search", "first_import",
                                                      "sort_scroll", "queries"])
    parser.add_argument("--sorts", default=",".join(SORTS))
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--daily-backup", action="store_true",
                        help="measure the day's first launch: the daily backup copies the ledger meanwhile")
    args = parser.parse_args()
    global CODE, DAILY_BACKUP
    CODE = args.code.resolve()
    DAILY_BACKUP = args.daily_backup
    print(f"app code: {CODE}")
    from bench.seed_ledger import seed

    # Absolute: the GUI children run in the --code checkout, where a relative path names another (new, empty) file.
    big = (args.db or HERE / "out" / f"ledger-{args.cases}.sqlite3").resolve()
    big.parent.mkdir(parents=True, exist_ok=True)
    if not big.exists():  # opening it with this code would migrate it: an older --code could not open it
        print(f"seeded {args.cases:,} cases in {seed(big, args.cases):.1f} s")
    work = Path(tempfile.mkdtemp(prefix="bench-freeze-"))
    try:
        # An empty ledger as a shop has it from the second launch on: created (schema migrated) once.
        empty = work / "empty.sqlite3"
        created = subprocess.run([sys.executable, "-c", "import sys; from desktop_app.store.database import "
                                  "open_database; open_database(sys.argv[1]).close()", str(empty)],
                                 env=dict(os.environ, PYTHONPATH=str(CODE)), cwd=CODE, check=False)
        if created.returncode:
            raise SystemExit("could not create the empty ledger")
        if "floor" in args.only:
            floors = [run(FLOOR_CHILD) for _ in range(args.runs)]
            print(f"floor: bare window painted {median([float(f['paint_s']) for f in floors]):.3f} s "  # type: ignore[arg-type]
                  f"(CPU {median([float(f['cpu_s']) for f in floors]):.2f} s to exit), "  # type: ignore[arg-type]
                  f"idle event-loop gap {median([float(f['idle_gap_ms']) for f in floors]):.1f} ms")  # type: ignore[arg-type]
        if "launch" in args.only:
            for name, db in (("empty", empty), (f"{args.cases:,} cases", big)):
                runs = [run(CHILD, "launch_empty" if db is empty else "launch_big", str(db))
                        for _ in range(args.runs)]
                print(f"launch ({name}): painted {median([float(r['paint_s']) for r in runs]):.3f} s, usable "  # type: ignore[arg-type]
                      f"{median([float(r['usable_s']) for r in runs]):.3f} s (worst "  # type: ignore[arg-type]
                      f"{max(float(r['usable_s']) for r in runs):.3f}), "  # type: ignore[arg-type]
                      f"{opened_after(runs)}, longest gap "  # type: ignore[arg-type]
                      f"{median([float(r['launch_gap_ms']) for r in runs]):.0f} ms, process CPU to usable "  # type: ignore[arg-type]
                      f"{median([float(r['cpu_s']) for r in runs]):.2f} s; target usable "  # type: ignore[arg-type]
                      f"{TARGETS['usable_s']} s")
        if "first_search" in args.only:
            runs = [run(CHILD, "first_search", str(big)) for _ in range(args.runs)]
            print(f"first search after launch ({args.cases:,} cases): {median([float(r['first_search_s']) for r in runs]):.3f} s "  # type: ignore[arg-type]
                  f"(worst {max(float(r['first_search_s']) for r in runs):.3f}), longest gap "  # type: ignore[arg-type]
                  f"{max(float(r['first_search_gap_ms']) for r in runs):.0f} ms, "  # type: ignore[arg-type]
                  f"{runs[0]['first_search_rows']:,} rows; from launch "
                  f"{median([float(r['usable_s']) + float(r['first_search_s']) for r in runs]):.3f} s, "  # type: ignore[arg-type]
                  f"process CPU {median([float(r['cpu_s']) for r in runs]):.2f} s")  # type: ignore[arg-type]
        if "first_import" in args.only:
            runs = []
            for i in range(args.runs):
                ledger = work / f"import-{i}.sqlite3"
                shutil.copy(empty, ledger)
                runs.append(run(CHILD, "first_import", str(ledger), str(SAMPLE)))
            print(f"first import after launch (empty ledger): longest gap "
                  f"{median([float(r['first_import_gap_ms']) for r in runs]):.0f} ms (worst "  # type: ignore[arg-type]
                  f"{max(float(r['first_import_gap_ms']) for r in runs):.0f}), import_files() call "  # type: ignore[arg-type]
                  f"{median([float(r['import_call_ms']) for r in runs]):.0f} ms; target gap {TARGETS['gap_ms']} ms")  # type: ignore[arg-type]
        if "sort_scroll" in args.only:
            result = run(CHILD, "sort_scroll", str(big), args.sorts)
            print(f"\nsort and scroll ({args.cases:,} cases): longest gap {result['sort_scroll_gap_ms']} ms; target "
                  f"{TARGETS['gap_ms']} ms\n")
            print("| column | order | step | longest gap (ms) | rows shown after (ms) |")
            print("|---|---|---|---|---|")
            for key, order, where, gap, shown in result["sort_scroll"]:  # type: ignore[union-attr]
                print(f"| {key} | {order} | {where} | {gap} | {shown} |")
        if "queries" in args.only:
            print("\nqueries alone, idle database (best of 3, ms): the floor under each step")
            for name, ms in query_floors(big).items():
                print(f"  {name}: {ms}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
