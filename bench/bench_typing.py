"""Typing a search in the real window at a million cases (issue 18): every keystroke, what the user waits for.

    PYTHONPATH=. python bench/bench_typing.py --sqlite /work/benchdata/pg1m/ledger-1000000.sqlite3 \
        --server postgresql+psycopg://ledger@127.0.0.1:PORT/bench_1000000 [--runs 3] [--code CHECKOUT] \
        [--baseline OLD_CHECKOUT] [--json FILE] [--load OLD.json NEW.json]
        [--cold [--cluster PG_CLUSTER_DIR]]

The window is launched as `python -m desktop_app --db …` launches it (`ui.app.run_gui`, offscreen Qt),
on a 1,000,000-case ledger; once start-up has settled, realistic terms are typed one key at a time, a key
every `--cadence` seconds (real key events, `QTest.keyClick`): a receiver (王伟), a phone's last four
digits, an order-number prefix, a tracking-number fragment, a product word. For EVERY keystroke:

- latency: from the moment the key was due (a busy GUI thread that takes the key late is counted) until
  the Cases table has painted the result of that key or of a later one (its count and its first rows:
  the first page comes with the count);
- the longest event-loop gap (a 5 ms timer on the GUI thread) within that time.

Two scenarios, each in a fresh process: `quiet` (nothing else happens) and `change` — before each term
another connection changes a case; the window hears of it (PostgreSQL: LISTEN/NOTIFY from the other
seat; a file ledger has no other seat, so the bench announces the change 0.5 s later as the notice
would), its tabs reload and 1.5 s later the tab titles' counts run (≈ 1 s of server work at a million
cases); the term is typed 0.6, 1.4, 2.2 or 3.0 s after the change so that keys land in the reloads and
in the counts. A key is marked "in counts" when the counts' read ran during its wait.
With `--cold` (root) every run is a start after a reboot: the OS page cache is dropped before it and, with
`--cluster`, the PostgreSQL server of the --server URL restarted (its buffer cache empty; `pg_ctl restart` keeps
the port). Each key also notes what the app's process read from the disk meanwhile (`/proc/self/io`: every
thread, so a background read beside the key counts too; the server's reads are its own), and each run when its
first key came after the process started.
Prints worst / p95 / median per term and backend, and every keystroke over the target. With
`--baseline` the other checkout runs too, alternately (old, new, old, new …), and a table compares them;
`--load` prints that table again from the `--json` files of earlier runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.child_process import WAIT_UNTIL  # noqa: E402

TARGET_MS = 100.0
TERMS = ["王伟", "1381", "4793834", "yt12345", "保温杯"]  # receiver, phone tail, order no, tracking, product
OFFSETS = [0.6, 1.4, 2.2, 3.0]  # seconds from the other seat's change to the first key

CHILD = r"""
import json, os, random, sys, threading, time
DB, SCENARIO, TERMS, OFFSETS, CADENCE = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4]), float(sys.argv[5])
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
import desktop_app.ui.app as app_module
import desktop_app.ui.window.tab_titles as tab_titles

result = {"keys": [], "counts": []}
STARTED = time.perf_counter()  # the process's start (imports included): how long after it the first key comes

def read_kb():
    # What this process read from the disk so far (every thread): a cold key's page cache misses
    try:
        with open("/proc/self/io") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("read_bytes")) // 1024
    except OSError:
        return 0
COUNTS = []  # (start, end) of each tab-title counts read (worker thread)
_read_counts = tab_titles.read_counts
def timed_counts(*args, **kwargs):
    t = time.perf_counter()
    try:
        return _read_counts(*args, **kwargs)
    finally:
        COUNTS.append((t, time.perf_counter()))
tab_titles.read_counts = timed_counts

def finish():
    result["counts"] = [round((b - a) * 1000, 1) for a, b in COUNTS]
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    os._exit(0)

TICKS = []
def tick():
    TICKS.append(time.perf_counter())
PROBE = None

WAIT_LIMIT, WAIT_EVERY_MS = 120.0, 5
""" + WAIT_UNTIL + r"""

class Shown(QObject):
    # The Cases table painted a load: `loaded` said which search it was, the next viewport paint shows it.
    def __init__(self, tab):
        super().__init__()
        self.tab, self.loaded_text, self.listeners = tab, None, []
        tab.model.loaded.connect(self.on_loaded)
        tab.table.viewport().installEventFilter(self)
    def on_loaded(self, _total):
        self.loaded_text = self.tab.model.filter.search
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and self.loaded_text is not None:
            text, self.loaded_text = self.loaded_text, None
            QTimer.singleShot(0, lambda: self.painted(text))  # after this paint
        return False
    def painted(self, text):
        t = time.perf_counter()
        for listener in list(self.listeners):
            listener(text, t)

def settle(window, then, quiet_s=1.0):
    # The runner idle for `quiet_s` in a row (start-up reads, the other tabs, the counts).
    state = {"since": None}
    def check():
        if window.runner.busy:
            state["since"] = None
            return False
        if state["since"] is None:
            state["since"] = time.perf_counter()
        return time.perf_counter() - state["since"] >= quiet_s
    wait_until(check, then)

def other_seat_changes(window):
    case_id = random.randrange(1, 1_000_000)
    if DB.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url
        url = make_url(DB)
        with psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=url.username,
                             password=url.password) as conn:
            conn.execute("UPDATE cases SET updated_at = now(), version = version + 1 WHERE id = %s", (case_id,))
    else:
        import sqlite3
        from desktop_app.core.op_changes import Area, OpChanges
        conn = sqlite3.connect(DB)
        with conn:
            conn.execute("UPDATE cases SET version = version + 1 WHERE id = ?", (case_id,))
        conn.close()
        changes = OpChanges(frozenset({Area.CASES, Area.DEADLINES}))
        QTimer.singleShot(500, lambda: window.runner.announce(changes))  # as team_changes' gather would

def type_term(window, shown, term, offset, then):
    tab = window.cases_tab
    keys = []
    start = time.perf_counter() + 0.05
    def on_shown(text, t):
        for k in keys:
            if k["t_shown"] is None and len(text) >= len(k["text"]) and text.startswith(k["text"]):
                k["t_shown"], k["kb"] = t, read_kb() - k["kb"]
        if len(keys) == len(term) and all(k["t_shown"] is not None for k in keys):
            shown.listeners.remove(on_shown)
            settle(window, lambda: record(window, keys, term, offset, then), 0.5)
    shown.listeners.append(on_shown)
    def press(i):
        if "first_key_s" not in result:
            result["first_key_s"] = round(time.perf_counter() - STARTED, 2)
        keys.append({"text": term[:i + 1], "t_due": start + i * CADENCE, "t_sent": time.perf_counter(), "t_shown": None,
                     "kb": read_kb()})
        if term[i].isascii():
            QTest.keyClick(tab.search, term[i])
        else:  # Chinese comes from the input method, a committed character at a time
            event = QInputMethodEvent()
            event.setCommitString(term[i])
            QApplication.sendEvent(tab.search, event)
    for i in range(len(term)):
        at(start + i * CADENCE, lambda i=i: press(i))

TIMERS = []
def at(moment, work):
    # A precise single shot (QTimer.singleShot's may fire a few per cent early)
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setSingleShot(True)
    timer.timeout.connect(work)
    timer.start(max(0, round((moment - time.perf_counter()) * 1000)))
    TIMERS.append(timer)
    del TIMERS[:-50]

def record(window, keys, term, offset, then):
    for k in keys:
        a, b = min(k["t_due"], k["t_sent"]), k["t_shown"]  # pressed when due, or when sent if earlier
        ticks = [t for t in TICKS if a - 0.2 <= t <= b + 0.01]
        gap = max((y - x - 0.005 for x, y in zip(ticks, ticks[1:]) if y > a), default=0.0)
        counts = any(s < b and e > a for s, e in COUNTS)
        result["keys"].append({"term": term, "text": k["text"], "offset": offset, "ms": round((b - a) * 1000, 1),
                               "late_ms": round((k["t_sent"] - a) * 1000, 1), "gap_ms": round(gap * 1000, 1),
                               "counts": counts, "read_kb": k["kb"]})
    del TICKS[:-10]
    clear(window, then)

def clear(window, then):
    tab = window.cases_tab
    if not tab.search.text():
        settle(window, then, 0.3)
        return
    tab.search.clear()
    wait_until(lambda: tab.model.filter.search == "" and not window.runner.busy, lambda: settle(window, then, 0.3))

def run(window):
    tab = window.cases_tab
    shown = Shown(tab)
    global PROBE, SHOWN
    SHOWN = shown  # kept: a QObject only its own signals reach is collected with its cycle
    PROBE = QTimer()
    PROBE.setTimerType(Qt.TimerType.PreciseTimer)
    PROBE.setInterval(5)
    PROBE.timeout.connect(tick)
    PROBE.start()
    plan = [(term, None) for term in TERMS] if SCENARIO == "quiet" else \
        [(term, OFFSETS[(i + j) % len(OFFSETS)]) for j in range(2) for i, term in enumerate(TERMS)]
    def step(i=0):
        if i >= len(plan):
            finish()
            return
        term, offset = plan[i]
        if offset is None:
            type_term(window, shown, term, None, lambda: step(i + 1))
        else:
            other_seat_changes(window)
            QTimer.singleShot(round(offset * 1000), lambda: type_term(window, shown, term, offset, lambda: step(i + 1)))
    step()

def started(window):
    tab_ready = lambda: getattr(window, "cases_tab", None) is not None and window.context.db is not None
    def all_cases():
        tab = window.cases_tab
        tab.open_filter.setCurrentIndex(tab.open_filter.findData("all"))  # the search runs over every case
        # Start-up over: the first reads, the other tabs built, the start-up jobs and the first counts done.
        wait_until(lambda: COUNTS and tab.model.filter.search == "" and tab.model.total > 0,
                   lambda: settle(window, lambda: run(window), 2.0), limit=600)
    wait_until(tab_ready, all_cases, limit=600)

original = app_module.create_window
def create_window(target):
    window = original(target)
    QTimer.singleShot(0, lambda: started(window))
    return window
app_module.create_window = create_window
def failed(kind, error, trace):  # a bug in the bench or the app: said, not shown in a dialog nobody closes
    import traceback
    traceback.print_exception(kind, error, trace)
    os._exit(3)
app_module.show_unexpected = failed
app_module.run_gui(["--db", DB])
"""


def make_cold(cluster: Path | None) -> None:
    """A start after a reboot (root only): the OS page cache emptied and, with `cluster`, the PostgreSQL server
    restarted (empty shared buffers; `pg_ctl restart` keeps its port)."""
    if cluster is not None:
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        subprocess.run(["runuser", "-u", "postgres", "--", str(pg_ctl), "-D", str(cluster / "data"), "-m", "fast",
                        "-w", "-l", str(cluster / "server.log"), "restart"], check=True, capture_output=True)
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def run_child(db: str, scenario: str, cadence: float, code: Path, cold: Path | bool = False) -> dict[str, object]:
    if cold:
        make_cold(cold if isinstance(cold, Path) and db.startswith("postgresql") else None)
    home = tempfile.mkdtemp(prefix="bench-typing-home-")
    if not db.startswith("postgresql"):  # today's automatic backup taken: no 1.7 GB copy beside the typing
        (Path(home) / "backups").mkdir()
        (Path(home) / "backups" / f"{Path(db).stem}-{time.strftime('%Y%m%d-%H%M%S')}-daily.sqlite3").touch()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AFTERSALES_LEDGER_HOME=home, PYTHONPATH=str(code),
               AFTERSALES_PG_DUMP="/nonexistent/pg_dump")  # nor a pg_dump of the million cases
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, db, scenario, json.dumps(TERMS), json.dumps(OFFSETS),
                               str(cadence)], capture_output=True, text=True, env=env, cwd=code, check=False,
                              timeout=1200)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"benchmark child failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    result: dict[str, object] = json.loads(line.removeprefix("RESULT "))
    if result.get("timeout"):
        raise SystemExit(f"benchmark child timed out: {result}")
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(label: str, results: list[dict[str, object]]) -> None:
    keys = [k for r in results for k in r["keys"]]  # type: ignore[attr-defined]
    print(f"\n{label}: {len(keys)} keystrokes in {len(results)} runs (ms: worst / p95 / median; longest gap)")
    print(f"| {'term':>10} | {'keys':>4} | {'worst':>6} | {'p95':>6} | {'median':>6} | {'gap':>5} | {'>100':>4} |")
    print(f"|{'-' * 12}|{'-' * 6}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 7}|{'-' * 6}|")
    for term in [*TERMS, None]:
        mine = [k for k in keys if term is None or k["term"] == term]
        ms = [float(k["ms"]) for k in mine]
        gap = max(float(k["gap_ms"]) for k in mine)
        over = sum(1 for v in ms if v > TARGET_MS)
        name = term if term is not None else "all"
        print(f"| {name:>10} | {len(ms):>4} | {max(ms):>6.0f} | {p95(ms):>6.0f} | {statistics.median(ms):>6.0f} |"
              f" {gap:>5.0f} | {over:>4} |")
    slow = sorted((k for k in keys if float(k["ms"]) > TARGET_MS), key=lambda k: -float(k["ms"]))
    for k in slow[:15]:
        print(f"  over {TARGET_MS:.0f} ms: {k['text']!r:>12} {k['ms']:>6.0f} ms (taken {k['late_ms']} ms late, gap "
              f"{k['gap_ms']} ms, offset {k['offset']} s{', during the counts' if k['counts'] else ''}, "
              f"read {k.get('read_kb', '?')} KiB from the disk)")
    firsts = [r.get("first_key_s") for r in results]
    print(f"  first key typed {', '.join(f'{s} s' for s in firsts)} after the process started")
    counts = [c for r in results for c in r["counts"]]  # type: ignore[attr-defined]
    if counts:
        print(f"  tab-title counts: {len(counts)} reads, {min(counts):.0f}–{max(counts):.0f} ms each")


def summary(keys: list[dict[str, object]]) -> str:
    ms = [float(k["ms"]) for k in keys]  # type: ignore[arg-type]
    over = sum(1 for v in ms if v > TARGET_MS)
    return f"{max(ms):.0f} / {p95(ms):.0f} / {statistics.median(ms):.0f} ({over})"


def compare(old: dict[str, list[dict[str, object]]], new: dict[str, list[dict[str, object]]]) -> None:
    print(f"\nold vs new, every keystroke: worst / p95 / median ms (keystrokes over {TARGET_MS:.0f} ms)")
    print(f"| {'ledger, scenario':<22} | {'term':>8} | {'old':>22} | {'new':>22} |")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 24}|{'-' * 24}|")
    for label in new:
        a = [k for r in old.get(label, []) for k in r["keys"]]  # type: ignore[attr-defined]
        b = [k for r in new[label] for k in r["keys"]]  # type: ignore[attr-defined]
        for term in [*TERMS, None]:
            mine_a = [k for k in a if term is None or k["term"] == term]
            mine_b = [k for k in b if term is None or k["term"] == term]
            if mine_a and mine_b:
                print(f"| {label:<22} | {term or 'all':>8} | {summary(mine_a):>22} | {summary(mine_b):>22} |")


def merged(files: list[Path]) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for file in files:
        for label, runs in json.loads(file.read_text()).items():
            out.setdefault(label, []).extend(runs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="a 1,000,000-case ledger file (bench/seed_ledger.py)")
    parser.add_argument("--server", help="the same on PostgreSQL: postgresql+psycopg://USER@HOST:PORT/DB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", choices=("quiet", "change", "both"), default="both")
    parser.add_argument("--cadence", type=float, default=0.15, help="seconds between two keys")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose app is measured")
    parser.add_argument("--baseline", type=Path, help="an older checkout, run alternately with --code")
    parser.add_argument("--cold", action="store_true",
                        help="every run a cold start: the OS page cache dropped before it (root)")
    parser.add_argument("--cluster", type=Path, help="with --cold: the --server's cluster folder, restarted first")
    parser.add_argument("--json", type=Path, help="also write every keystroke here (NAME-old.json for --baseline)")
    parser.add_argument("--load", nargs=2, type=Path, action="append", metavar=("OLD", "NEW"),
                        help="compare the --json files of earlier runs (repeatable: runs are pooled)")
    args = parser.parse_args()
    if args.load:
        compare(merged([old for old, _new in args.load]), merged([new for _old, new in args.load]))
        return 0
    # The file absolute: each child runs in its checkout (--code, --baseline), where a relative path names another file.
    sqlite = str(Path(args.sqlite).resolve()) if args.sqlite else None
    targets = [(name, db) for name, db in (("SQLite", sqlite), ("PostgreSQL", args.server)) if db]
    scenarios = ["quiet", "change"] if args.scenario == "both" else [args.scenario]
    cold: Path | bool = (args.cluster or True) if args.cold else False
    results: dict[str, list[dict[str, object]]] = {}
    baseline: dict[str, list[dict[str, object]]] = {}
    for _ in range(args.runs):  # alternating: a busy moment slows one run, not one backend or one checkout
        for scenario in scenarios:
            for name, db in targets:
                if args.baseline is not None:
                    baseline.setdefault(f"{name}, {scenario}", []).append(
                        run_child(db, scenario, args.cadence, args.baseline, cold))
                results.setdefault(f"{name}, {scenario}", []).append(
                    run_child(db, scenario, args.cadence, args.code, cold))
    print(f"code: {args.code}; a key every {args.cadence * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    for label, runs in results.items():
        report(label, runs)
    if baseline:
        compare(baseline, results)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        if baseline:
            args.json.with_name(args.json.stem + "-old.json").write_text(json.dumps(baseline, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
