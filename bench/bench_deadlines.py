"""Benchmark: recompute the deadlines of 100,000 open cases (target < 2 s), then list them.

    python bench/bench_deadlines.py [--cases 100000] [--repeat 5] [--keep PATH]

Builds a throw-away ledger (real SQLite file through `open_database`, so WAL and
synchronous=FULL are on as in the app) with a realistic mix: six platforms, reships, returns,
refunds and the rest, each case with its `requested` event and, for many, later milestones
(agreed, buyer shipped ...) spread over 2026 so working days and the holiday calendar are
exercised. Then times:

1. the first full recompute (empty deadlines table: every row inserted);
2. a full recompute when nothing changed (every case read and computed, nothing written);
3. `recompute_changed_rules` (start-up, each CLI call) when nothing changed, and after one
   platform's pack was edited (only that platform's cases);
4. full recomputes after rule edits touching one platform / every platform (rows updated), and the
   edit of every platform as the app applies it (`recompute_changed_rules`: the cases whose plan holds
   an edited timer);
5. the listing queries the CLI and the calendar use;
6. in a fresh process each, the first start after an engine change (every case recomputed, nothing
   written) and after a rule change of every pack (rows rewritten): time and peak memory.

The floor printed beside the full recomputes: the reads of a recompute that finds nothing changed (cases
with their orders, milestone events) through the same driver path, fetched and nothing else done with them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select

from bench.child_process import peak_mb, run_child
from desktop_app.core.clock import CHINA
from desktop_app.core.rule_packs import Duration, DurationUnit, RulePack
from desktop_app.io.rule_pack_files import load_packs
from desktop_app.services.deadline_rules import _RULES_SETTING, RuleContext
from desktop_app.services.deadlines import recompute_all, recompute_case, recompute_changed_rules
from desktop_app.store.database import Database, open_database
from desktop_app.store.deadline_lists import count_open_by_day, list_deadlines
from desktop_app.store.deadline_rows import CaseSet, case_ranges, recompute_reads
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, Setting
from desktop_app.store.raw_reads import fetch_raw

PLATFORMS = ("taobao", "tmall", "pdd", "douyin", "jd", "other")
# kind, weight, possible milestone chains after `requested` (each chain is a valid lifecycle path).
KINDS: tuple[tuple[str, int, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    ("reship", 40, ((), ("reship_agreed",)), ("missing_item", "not_received", "damaged", "lost", "other")),
    ("return_refund", 25, ((), ("return_agreed",), ("return_agreed", "return_shipped")),
     ("no_reason_7d", "quality", "wrong_item", "size_colour")),
    ("refund_only", 20, ((), ("handling_started",)), ("not_received", "changed_mind", "late_shipment")),
    ("exchange", 5, ((), ("return_agreed",)), ("size_colour",)),
    ("partial_refund", 5, ((),), ("damaged", "quality")),
    ("bad_review", 3, ((),), ("quality",)),
    ("dispute", 2, ((),), ("late_shipment", "not_as_described")),
)
STATUS_AFTER = {"reship_agreed": "reship_agreed", "return_agreed": "awaiting_return",
                "return_shipped": "awaiting_return", "handling_started": "processing"}


def build(db_path: Path, cases: int, seed: int = 20261001) -> None:
    rng = random.Random(seed)
    db = open_database(db_path)
    base = datetime(2026, 1, 5, 9, 0, tzinfo=CHINA)
    weights = [k[1] for k in KINDS]
    orders: list[dict[str, Any]] = []
    case_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    stamp = datetime.now(UTC)
    for n in range(1, cases + 1):
        platform = PLATFORMS[n % len(PLATFORMS)]
        kind, _, chains, reasons = rng.choices(KINDS, weights)[0]
        chain = rng.choice(chains)
        paid = base + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        shipped = paid + timedelta(hours=rng.randrange(2, 60))
        signed = shipped + timedelta(hours=rng.randrange(20, 96))
        succeeded = signed + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.4 else None
        requested = signed + timedelta(hours=rng.randrange(1, 120))
        orders.append({
            "id": n, "order_key": f"{platform}:{n:018d}", "platform": platform, "order_no": f"{n:018d}",
            "paid_at": paid, "shipped_at": shipped, "signed_at": signed, "succeeded_at": succeeded,
            "search_text": f"{n:018d}", "created_at": stamp, "updated_at": stamp, "version": 1,
        })
        case_rows.append({
            "id": n, "order_id": n, "platform": platform, "kind": kind, "reason": rng.choice(reasons),
            "status": STATUS_AFTER.get(chain[-1], "pending") if chain else "pending", "is_open": True,
            "requested_at": requested, "signed_at": signed, "signed_date_only": rng.random() < 0.2,
            "created_by": "bench", "created_at": stamp, "updated_at": stamp, "version": 1,
        })
        at = requested
        for milestone in ("requested", *chain):
            events.append({
                "case_id": n, "subject": "case", "subject_id": n, "kind": "action", "milestone": milestone,
                "author": "bench", "at": at, "date_only": False, "recorded_at": stamp,
            })
            at = at + timedelta(hours=rng.randrange(1, 40))
    with db.transaction() as session:
        session.execute(insert(Order.__table__), orders)
        session.execute(insert(Case.__table__), case_rows)
        session.execute(insert(AuditEvent.__table__), events)
    db.close()


def helpers_cpu() -> float:
    """CPU seconds of this process's ended children: a large recompute's helper process
    (services/deadline_helper), which computes slices beside this one."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(label: str, rows: list[tuple[str, str, str]], work: Callable[[], Any], note: str = "",
          repeat: int = 1) -> Any:
    """Run `work` `repeat` times; report the best and the median wall time (the machine is shared), and
    the CPU time of the run with the best wall time, this process's + its helper's."""
    walls: list[float] = []
    cpus: list[tuple[float, float]] = []
    result = None
    for _ in range(repeat):
        start, cpu, helper = time.perf_counter(), time.process_time(), helpers_cpu()
        result = work()
        walls.append(time.perf_counter() - start)
        cpus.append((time.process_time() - cpu, helpers_cpu() - helper))
    shown = f"{min(walls):.3f} s" if repeat == 1 else f"{min(walls):.3f} s (median {statistics.median(walls):.3f})"
    own, helper = cpus[walls.index(min(walls))]
    rows.append((label, shown, f"cpu {own:.3f}{f' + helper {helper:.3f}' if helper else ''} s; "
                 + note.format(result=result)))
    return result


def floor(db: Database) -> int:
    """The reads of a full recompute that finds nothing changed, slice by slice as it reads them: the cases
    and their events (the stored deadlines are read only for cases whose digest differs, migration
    0009_engine). What no recompute can go below."""
    every_open = CaseSet()
    with db.reading() as session:
        return sum(len(fetch_raw(session, statement)) for bounds in case_ranges(session, every_open, 20_000)
                   for statement in recompute_reads(every_open, bounds)[:2])


EVERY_PACK = (("taobao", "refund_intervention"), ("tmall", "refund_intervention"), ("pdd", "reship_promise"),
              ("douyin", "reship_answer"), ("jd", "reship_within"), ("generic", "reship_within"))


def every_pack_edited(packs: dict[str, RulePack]) -> dict[str, RulePack]:
    for pack_id, timer_id in EVERY_PACK:
        packs = edited(packs, pack_id, timer_id, 96)
    return packs


def own_peak_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss of a child starts from its parent's peak
    at the fork (this script's parent holds the 100,000 built rows), so VmHWM is read where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()


def watch_children(stop: threading.Event, peaks: dict[int, float]) -> None:
    """Until `stop`: the peak resident memory (VmHWM, MB) of each child process of this one, read every
    20 ms (the helper of a large recompute; its ru_maxrss would start from this process's peak)."""
    me = str(os.getpid())
    while not stop.wait(0.02):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] != me:
                    continue
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[int(entry.name)] = int(line.split()[1]) / 1024
            except (OSError, IndexError):
                continue  # ended meanwhile


def child_first_start(db_path: Path, change: str) -> dict[str, float]:
    """A fresh process's first start after an engine change (the remembered rules forgotten: every case
    recomputed) or after every pack was edited (rows rewritten; the cases whose plan holds an edited
    timer recomputed): `recompute_changed_rules` as the app runs it, with the rules loaded from their
    files."""
    db = open_database(db_path)
    if change == "engine":  # the rules the stored deadlines were computed with forgotten: every case
        with db.transaction() as session:
            session.execute(delete(Setting).where(Setting.key == _RULES_SETTING))
    stop = threading.Event()
    helper_peaks: dict[int, float] = {}
    watcher = threading.Thread(target=watch_children, args=(stop, helper_peaks), daemon=True)
    watcher.start()
    start, cpu, helper = time.perf_counter(), time.process_time(), helpers_cpu()
    context = RuleContext.load()
    if change == "rules":
        context = RuleContext(every_pack_edited(dict(context.packs)), context.calendar)
    count = recompute_changed_rules(db, context).value
    result = {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "cases": count,
              "peak_mb": own_peak_mb(), "helper_cpu": helpers_cpu() - helper,
              "helper_peak_mb": max(helper_peaks.values(), default=0.0)}
    stop.set()
    watcher.join()
    if change == "rules":
        recompute_all(db)  # back to the shipped packs (untimed), so the next run rewrites rows again
    db.close()
    return result


def edited(packs: dict[str, RulePack], pack_id: str, timer_id: str, hours: int) -> dict[str, RulePack]:
    """The packs with one timer's duration changed, as a user's edit in settings would do."""
    pack = packs[pack_id]
    timers = tuple(
        replace(t, duration=Duration(hours, DurationUnit.HOURS)) if t.id == timer_id else t for t in pack.timers
    )
    return {**packs, pack_id: replace(pack, timers=timers)}


def as_the_app_runs() -> None:
    """The helper process of a large recompute imports what the app's would. A spawned process imports
    the parent's main module again unless it is a package's `__main__`, as the app's is (`python -m
    desktop_app`; the window's second process runs from `-c`): this script's would bring all of
    SQLAlchemy and the app into the helper, which the app's helper does without (0.5–0.8 s at its start)."""
    sys.modules["__main__"].__spec__ = ModuleSpec("bench.__main__", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the ledger here and keep it")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the steady-state steps (best is shown)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    as_the_app_runs()
    if args.child:
        print(json.dumps(child_first_start(Path(args.child[0]), args.child[1])))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-deadlines-") as workdir:
        db_path = args.keep or Path(workdir) / "bench.sqlite3"
        if db_path.exists():
            db_path.unlink()
        rows = run(db_path, args)
    width = max(len(r[0]) for r in rows)
    print(f"| {'step'.ljust(width)} | time | result |")
    print(f"|{'-' * (width + 2)}|------|--------|")
    for label, seconds, note in rows:
        print(f"| {label.ljust(width)} | {seconds} | {note} |")
    return 0


def run(db_path: Path, args: argparse.Namespace) -> list[tuple[str, str, str]]:

    rows: list[tuple[str, str, str]] = []
    timed(f"build ledger: {args.cases:,} open cases + orders + events", rows, lambda: build(db_path, args.cases))
    db = open_database(db_path)
    with db.reading() as session:
        event_count = session.scalar(select(func.count()).select_from(AuditEvent))
    packs = load_packs()
    calendar = RuleContext.load().calendar
    context = RuleContext(packs, calendar)

    timed("recompute_all, first run (every row inserted)", rows, lambda: recompute_all(db, context).value,
          "{result:,} cases")
    with db.reading() as session:
        stored = session.scalar(select(func.count()).select_from(Deadline))
        open_count = session.scalar(select(func.count()).select_from(Deadline).where(Deadline.status == "open"))
    rows.append(("  deadlines stored / open", "", f"{stored:,} / {open_count:,} ({event_count:,} events)"))
    timed("floor: the recompute's reads alone (fetched, nothing computed)", rows, lambda: floor(db),
          "{result:,} rows", repeat=args.repeat)
    timed("recompute_all, nothing changed (nothing written)", rows, lambda: recompute_all(db, context).value,
          "{result:,} cases", repeat=args.repeat)
    timed("recompute_all incl. RuleContext.load()", rows, lambda: recompute_all(db).value, "{result:,} cases")
    timed("recompute_changed_rules, nothing changed", rows, lambda: recompute_changed_rules(db, context).value,
          "{result:,} cases recomputed", repeat=args.repeat)
    one = RuleContext(edited(packs, "douyin", "reship_ship", 72), calendar)
    timed("recompute_changed_rules after editing 1 抖店 timer", rows,
          lambda: recompute_changed_rules(db, one).value, "{result:,} cases recomputed")
    timed("recompute_all back to the shipped packs", rows, lambda: recompute_all(db, context).value, "{result:,} cases")
    timed("recompute_all after editing 1 抖店 timer", rows, lambda: recompute_all(db, one).value, "{result:,} cases")
    every = RuleContext(every_pack_edited(packs), calendar)

    # Rows rewritten both ways: each pass is the "rows change" case.
    for _ in range(max(1, args.repeat // 2)):
        timed("recompute_all after editing a timer of every pack", rows, lambda: recompute_all(db, every).value,
              "{result:,} cases")
        timed("recompute_all back to the shipped packs", rows, lambda: recompute_all(db, context).value, "{result:,} cases")
    # The same edit as the app applies it after a save: only the cases whose rules changed.
    for _ in range(max(1, args.repeat // 2)):
        timed("recompute_changed_rules after editing a timer of every pack", rows,
              lambda: recompute_changed_rules(db, every).value, "{result:,} cases recomputed")
        timed("recompute_changed_rules back to the shipped packs", rows,
              lambda: recompute_changed_rules(db, context).value, "{result:,} cases recomputed")

    def one_case_events() -> int:
        # What each recorded case event costs: one case recomputed inside the caller's transaction.
        with db.transaction() as session:
            for case_id in range(1, 101):
                recompute_case(session, case_id * 997 % args.cases + 1, context)
        return 100

    timed("recompute_case x 100 (one per case event)", rows, one_case_events, "{result} cases", repeat=3)

    now = datetime(2026, 7, 1, 12, 0, tzinfo=CHINA)
    with db.reading() as session:
        timed("list open deadlines due within 24 h", rows,
              lambda: len(list_deadlines(session, within_hours=24, now=now)), "{result:,} rows")
        timed("list every open deadline", rows, lambda: len(list_deadlines(session, now=now)), "{result:,} rows")
        timed("count open deadlines per day, one month", rows,
              lambda: sum(c.total for c in count_open_by_day(
                  session, datetime(2026, 7, 1).date(), datetime(2026, 7, 31).date(), now).values()),
              "{result:,} deadlines")
    db.close()
    for change, label in (("engine", "first start after an engine change (every case recomputed, nothing written)"),
                          ("rules", "first start after a rule change of every pack (rows rewritten)")):
        results = [run_child(Path(__file__), str(db_path), change) for _ in range(max(1, args.repeat // 2))]
        seconds = sorted(float(r["seconds"]) for r in results)  # type: ignore[arg-type]
        best = min(results, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        rows.append((label, f"{seconds[0]:.3f} s (median {statistics.median(seconds):.3f})",
                     f"cpu {float(best['cpu']):.3f} + helper {float(best['helper_cpu']):.3f} s; "  # type: ignore[arg-type]
                     f"{results[0]['cases']:,} cases; "
                     f"peak {max(float(r['peak_mb']) for r in results):.0f} MB, "  # type: ignore[arg-type]
                     f"helper {max(float(r['helper_peak_mb']) for r in results):.0f} MB"))  # type: ignore[arg-type]
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
