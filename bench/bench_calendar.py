"""Benchmark: the 时效日历 month view with 100,000 deadlines stored (target: painted in < 100 ms).

    python bench/bench_calendar.py [--deadlines 100000] [--repeat 7] [--keep-dir DIR]

Builds two throw-away ledgers (real SQLite files through `open_database`: WAL, synchronous=FULL,
the app's indexes) by Core inserts into orders, cases and deadlines — two deadlines per case:

- **year**: due times spread evenly over 2026 (80 % open, 15 % met, 5 % missed), the shape of a
  shop a year into using the app; the shown month (June) holds about a twelfth of them;
- **peak**: every deadline due inside the shown month's six-week grid, all open — a worst case
  (a 双11 backlog) for the per-day count.

Then drives the real `CalendarTab` (offscreen Qt) over each, with the clock fixed at
2026-06-15 12:00, and times:

1. the count query alone (`count_open_by_day` over the 42 days the grid shows), as the worker runs it;
2. painting the month grid alone (`calendar.grab()`: every cell with its badge);
3. turning to the month and back: from `setCurrentPage` to the counts arriving on the GUI thread
   and the grid painted — what the user waits for;
4. opening the tab: construction, the database handed over, counts arrived and grid painted;
5. the lists: the busiest day's list, the 已逾期 and 今天/明天 lists (on the same worker, after
   the counts, so they never delay the month).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QDate,
    QEventLoop,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    SignalInstance,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from desktop_app.core.clock import CHINA
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import count_open_by_day
from desktop_app.store.models import Case, Deadline, Order
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.calendar.calendar_tab import CalendarTab
from desktop_app.ui.context import AppContext

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=CHINA)
SHOWN = (2026, 6)
TIMERS = (
    ("douyin", "reship_answer", "处理补寄申请（48小时）", "自动同意补寄"),
    ("douyin", "reship_ship", "补寄发货并上传运单号（48小时）", "赔付3元，买家可申请平台介入"),
    ("taobao", "refund_intervention", "处理退款申请（72小时）", "买家可申请平台介入"),
    ("taobao", "seller_confirm_return", "确认收到退货（10天）", "自动退款"),
    ("pdd", "reship_promise", "承诺补发（承诺履约）", "违背承诺，买家可投诉"),
    ("jd", "reship_within", "补发（3个工作日内）", "超时未补发，买家可投诉违背承诺"),
)

Row = tuple[str, str, str]


def build(path: Path, deadlines: int, peak: bool, seed: int = 20260615) -> None:
    """`deadlines` deadlines on `deadlines // 2` open cases, inserted with Core in one transaction."""
    rng = random.Random(seed)
    db = open_database(path)
    stamp = datetime.now(UTC)
    cases = deadlines // 2
    if peak:  # the six weeks June's grid shows: 2026-05-25 .. 2026-07-05
        first, span = datetime(2026, 5, 25, tzinfo=CHINA), 42 * 24 * 60
    else:
        first, span = datetime(2026, 1, 1, tzinfo=CHINA), 365 * 24 * 60
    orders: list[dict[str, Any]] = []
    case_rows: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for n in range(1, cases + 1):
        platform = TIMERS[(n * 2) % len(TIMERS)][0]
        orders.append({
            "id": n, "order_key": f"{platform}:{n:018d}", "platform": platform, "order_no": f"{n:018d}",
            "search_text": f"{n:018d}", "created_at": stamp, "updated_at": stamp, "version": 1,
        })
        case_rows.append({
            "id": n, "order_id": n, "platform": platform, "kind": "reship", "reason": "missing_item",
            "status": "pending", "is_open": True, "created_by": "bench", "created_at": stamp,
            "updated_at": stamp, "version": 1,
        })
        for k in range(2):
            _, timer_id, name, action = TIMERS[(n * 2 + k) % len(TIMERS)]
            due = first + timedelta(minutes=rng.randrange(span))
            roll = rng.random()
            status = "open" if peak or roll < 0.80 else "met" if roll < 0.95 else "missed"
            rows.append({
                "case_id": n, "timer_id": timer_id, "name": name, "starts_at": due - timedelta(hours=48),
                "due_at": due, "action": action, "status": status,
                "met_at": due - timedelta(hours=3) if status == "met" else None, "estimated": False,
            })
    with db.transaction() as session:
        session.execute(insert(Order.__table__), orders)
        session.execute(insert(Case.__table__), case_rows)
        session.execute(insert(Deadline.__table__), rows)
    db.close()


def quiet_qt(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt messages to stderr, except the offscreen plugin's one remark per window about size hints."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def measure(work: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    walls: list[float] = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - start)
    return walls, result


def shown(walls: list[float]) -> str:
    ms = [w * 1000 for w in walls]
    if len(ms) == 1:
        return f"{ms[0]:.1f} ms"
    return f"{min(ms):.1f} ms (median {statistics.median(ms):.1f})"


def wait_for(signal: SignalInstance, start: Callable[[], None], timeout_ms: int = 30000) -> None:
    """Call `start`, then run the event loop until `signal` fires (the worker's reply delivered)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    start()
    loop.exec()
    signal.disconnect(loop.quit)


def wait_idle(runner: BackgroundRunner) -> None:
    while runner.busy:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)


def run_ledger(label: str, db: Database, repeat: int) -> list[Row]:
    rows: list[Row] = []
    first, last = date(2026, 5, 25), date(2026, 7, 5)

    def query() -> int:
        with db.reading() as session:
            return sum(c.total for c in count_open_by_day(session, first, last, now=NOW).values())

    walls, in_grid = measure(query, repeat)
    rows.append((f"{label}: count query, six weeks", shown(walls), f"{in_grid:,} open deadlines in the grid"))

    runner = BackgroundRunner()
    opened: list[CalendarTab] = []

    def open_tab() -> float:
        """Seconds from constructing a tab to its month painted from fresh counts."""
        start = time.perf_counter()
        context = AppContext(runner)  # a context per tab: only the new tab hears `database_opened`
        tab = CalendarTab(context, clock=lambda: NOW)
        tab.resize(1200, 760)
        tab.show()
        wait_for(tab.counts_loaded, lambda: context.set_database(db))
        tab.calendar.grab()
        elapsed = time.perf_counter() - start
        wait_idle(runner)  # its day and side lists, queued behind the counts
        if opened:
            opened.pop().close()
        opened.append(tab)
        return elapsed

    rows.append((f"{label}: open the tab, first time (cold)", shown([open_tab()]),
                 "fresh connection: SQLite cache empty"))
    rows.append((f"{label}: open the tab (counts arrive, month painted)", shown([open_tab() for _ in range(repeat)]),
                 "construct, hand over the ledger, counts arrive, grid painted"))
    tab = opened[-1]
    assert tab.calendar.visible_range() == (first, last)

    walls, _ = measure(lambda: tab.calendar.grab(), repeat)
    days = sum(1 for d in range(42) if tab.calendar.count_for(first + timedelta(days=d)).total)
    rows.append((f"{label}: paint the month grid", shown(walls), f"42 cells, {days} with a badge"))

    def turn() -> None:
        wait_for(tab.counts_loaded, lambda: tab.calendar.setCurrentPage(2026, 7))
        wait_for(tab.counts_loaded, lambda: tab.calendar.setCurrentPage(*SHOWN))
        tab.calendar.grab()

    walls, _ = measure(turn, repeat)
    rows.append((f"{label}: next month and back, each painted", shown([w / 2 for w in walls]),
                 "per page: setCurrentPage → counts on the GUI thread → grid painted"))

    busiest = max((first + timedelta(days=d) for d in range(42)), key=lambda d: tab.calendar.count_for(d).total)
    walls = []
    for _ in range(repeat):
        wait_for(tab.day_loaded, lambda: tab.calendar.setSelectedDate(QDate(busiest - timedelta(days=1))))
        start = time.perf_counter()
        wait_for(tab.day_loaded, lambda: tab.calendar.setSelectedDate(QDate(busiest)))
        walls.append(time.perf_counter() - start)
    rows.append((f"{label}: list a day (the busiest)", shown(walls),
                 f"{busiest.isoformat()}: {tab.calendar.count_for(busiest).total:,} open, "
                 f"{len(tab.day_list.rows()):,} listed"))

    walls, _ = measure(lambda: wait_for(tab.side_loaded, tab._load_side), repeat)
    rows.append((f"{label}: 已逾期 + 今天/明天 lists", shown(walls),
                 f"{tab.overdue_title.text()} / {tab.upcoming_title.text()}"))
    wait_idle(runner)
    runner.shutdown()
    tab.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each step (best and median shown)")
    parser.add_argument("--keep-dir", type=Path, help="build the ledgers here and keep them")
    args = parser.parse_args()
    qInstallMessageHandler(quiet_qt)
    app = QApplication.instance() or QApplication(sys.argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-calendar-") as workdir:
        folder = args.keep_dir or Path(workdir)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("AFTERSALES_LEDGER_HOME", str(Path(workdir) / "home"))
        for label, peak in (("year", False), ("peak", True)):
            path = folder / f"calendar-{label}-{args.deadlines}.sqlite3"
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                stale.unlink(missing_ok=True)
            walls, _ = measure(lambda p=path, k=peak: build(p, args.deadlines, k), 1)
            rows.append((f"{label}: build ledger, {args.deadlines:,} deadlines", shown(walls),
                         f"{args.deadlines // 2:,} cases"))
            db = open_database(path)
            try:
                rows.extend(run_ledger(label, db, args.repeat))
            finally:
                db.close()
    del app
    width = max(len(r[0]) for r in rows)
    print(f"| {'step'.ljust(width)} | time | notes |")
    print(f"|{'-' * (width + 2)}|------|-------|")
    for label, seconds, note in rows:
        print(f"| {label.ljust(width)} | {seconds} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
