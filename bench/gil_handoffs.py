"""What two threads reading SQLite side by side pay for handing the GIL to each other at every row.

    python bench/gil_handoffs.py LEDGER [--repeat 7] [--rt] [--spin] [--processes]

On LEDGER (a `bench_report.py --keep` file) two threads, each on its own connection, run the 统计's two
largest reads of 2026 at once (the case groups' pass; the goods of the cases), as `services.report.report_in`
runs them beside each other: fetched row by row (`fetch_raw`: `sqlite3` releases the GIL around every step
and takes it back for every row) and in one piece (`fetch_whole` here: the statement inside one SQLite
`json_group_array`, so one step and one row, parsed by the C JSON parser), alternating. For each
it prints the wall of the pair, each thread's CPU and how often each slept (voluntary context switches: the
GIL's handoffs, and in one process SQLite's own mutex too — Debian's libsqlite3 allocates through one global
mutex, bench/README "Session 26 (s26-report)"), and the wall of the same two reads one after the other.
`--processes`: also each read in a process of its own (forked, `sqlite3` alone on the one-piece statement,
warmed once), its JSON text sent back through a pipe and parsed here: no GIL and no SQLite mutex shared,
what a helper process started at launch could give at best (its start and memory not counted).

`--spin`: a busy loop at `SCHED_IDLE` on every CPU meanwhile, which runs only when a CPU would otherwise be
idle: a sleeping thread's CPU then never halts, so a wake-up costs no halted virtual CPU's exit. If the
row-by-row pair is faster with it, the handoffs' wake-ups of idle CPUs are what it loses on a quiet machine.
`--rt`: the measured threads at real-time priority (`bench_report_ab.realtime`; root). Linux only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import statistics
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not this script's

from bench_report_ab import realtime  # this script's folder
from sqlalchemy import Select, SelectBase, func, select
from sqlalchemy.orm import Session

import desktop_app.store.report_queries as report_queries
from desktop_app.services.report_figures import Period
from desktop_app.store.database import open_database
from desktop_app.store.raw_reads import driver_statement, fetch_raw
from desktop_app.store.report_queries import ReportScope, case_group_rows, goods_rows

MOMENT = datetime.fromisoformat("2026-12-02T12:00:00+08:00")


def whole_statement(statement: SelectBase) -> Select[Any]:
    """`statement` as one row: a JSON array of its rows (SQLite aggregates a grouped subquery in its order)."""
    inner = statement.subquery()
    return select(func.json_group_array(func.json_array(*inner.c)))


def fetch_whole(session: Session, statement: SelectBase) -> list[Any]:
    """The rows of `fetch_raw`, handed over in one piece (lists, not tuples)."""
    text = fetch_raw(session, whole_statement(statement))[0][0]
    return json.loads(text) if text else []


def _use(fetch: Any) -> None:
    """The reads' fetch (main's reads call `fetch_raw`, a checkout that has it `fetch_whole`)."""
    report_queries.fetch_raw = fetch  # type: ignore[attr-defined]
    if hasattr(report_queries, "fetch_whole"):
        report_queries.fetch_whole = fetch  # type: ignore[attr-defined]


def _slept() -> int:
    status = Path("/proc/thread-self/status").read_text()
    return int(status.split("voluntary_ctxt_switches:")[1].split()[0])


def _spin() -> None:
    os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    while True:
        pass


def _read_apart(ledger: str, sql: str, params: Any, ready: Any, send: Any, rt: bool) -> None:
    """A forked reader: the statement once to warm its connection's cache, then, once every reader is ready,
    again, its JSON text and its CPU ms and sleeps sent back."""
    connection = sqlite3.connect(ledger)
    connection.execute("PRAGMA cache_size=-131072")  # as the app's connections (store/database.py)
    connection.execute(sql, params).fetchall()
    if rt:
        realtime(True)
    ready.wait()
    started, cpu, slept = time.perf_counter(), time.thread_time(), _slept()
    text = connection.execute(sql, params).fetchall()[0][0]
    ended = time.perf_counter()
    send.send_bytes(text.encode())
    send.send(((time.thread_time() - cpu) * 1e3, _slept() - slept, started, ended))


def _apart(ledger: Path, statements: dict[str, tuple[str, Any]],
           rt: bool) -> tuple[float, list[tuple[str, float, int]]]:
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(len(statements) + 1)
    readers = []
    for name, (sql, params) in statements.items():
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_read_apart, args=(str(ledger), sql, params, ready, send, rt))
        process.start()
        readers.append((name, receive, process))
    if rt:
        realtime(True)
    ready.wait()
    found = []
    starts, ends, parsing = [], [], 0.0
    for name, receive, _process in readers:
        text = receive.recv_bytes()
        parse = time.perf_counter()
        json.loads(text)
        parsing += time.perf_counter() - parse
        cpu, slept, started, ended = receive.recv()
        found.append((name, cpu, slept))
        starts.append(started)
        ends.append(ended)
    # From the first reader's start to the last one's end (the monotonic clock is the system's), and the
    # parsing here: this process may have waited for a CPU meanwhile, the readers running at real-time.
    wall = (max(ends) - min(starts) + parsing) * 1e3
    if rt:
        realtime(False)
    for _name, _receive, process in readers:
        process.join()
    return wall, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rt", action="store_true")
    parser.add_argument("--spin", action="store_true")
    parser.add_argument("--processes", action="store_true")
    args = parser.parse_args()
    db = open_database(args.ledger)
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    scope = ReportScope(year.start, year.end)
    reads = {"case groups": lambda s: case_group_rows(s, scope, MOMENT), "goods": lambda s: goods_rows(s, scope)}
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 1)]
    if args.spin:
        for spinner in spinners:
            spinner.start()

    def run(way: str) -> tuple[float, list[tuple[str, float, int]], float]:
        _use(fetch_whole if way == "whole" else fetch_raw)
        barrier = threading.Barrier(len(reads) + 1)
        found: list[tuple[str, float, int]] = []

        def one(name: str, read: Any) -> None:
            with db.reading() as session:
                session.connection()
                barrier.wait()
                cpu, slept = time.thread_time(), _slept()
                read(session)
                found.append((name, (time.thread_time() - cpu) * 1e3, _slept() - slept))

        threads = [threading.Thread(target=one, args=item) for item in reads.items()]
        for thread in threads:
            thread.start()
        if args.rt:
            realtime(True)
        barrier.wait()
        wall = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = (time.perf_counter() - wall) * 1e3
        with db.reading() as session:
            alone = time.perf_counter()
            for read in reads.values():
                read(session)
            alone = (time.perf_counter() - alone) * 1e3
        if args.rt:
            realtime(False)
        return wall, found, alone

    statements: dict[str, tuple[str, Any]] = {}
    with db.reading() as session:
        dialect = session.connection().dialect

        def grab(name: str) -> Any:
            def keep(_session: Any, statement: Any) -> list[Any]:
                statements[name] = driver_statement(dialect, whole_statement(statement))
                return []
            return keep

        for name, read in reads.items():
            _use(grab(name))
            read(session)
    ways = ("rows", "whole", "processes") if args.processes else ("rows", "whole")
    walls: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(args.repeat):
        for way in ways:
            if way == "processes":
                wall, found = _apart(args.ledger, statements, args.rt)
                walls[way].append(wall)
                print(f"{way:<5} side by side {wall:6.1f} ms; "
                      + ", ".join(f"{name} CPU {cpu:5.1f} ms, {slept} sleeps" for name, cpu, slept in found), flush=True)
                continue
            wall, found, alone = run(way)
            walls[way].append(wall)
            print(f"{way:<5} side by side {wall:6.1f} ms (one after the other {alone:6.1f}); "
                  + ", ".join(f"{name} CPU {cpu:5.1f} ms, {slept} sleeps" for name, cpu, slept in sorted(found)),
                  flush=True)
    for way, values in walls.items():
        print(f"{way}: side by side best {min(values):.1f} ms, median {statistics.median(values):.1f} ms"
              f" (load {os.getloadavg()[0]:.1f}{', spinning' if args.spin else ''}{', rt' if args.rt else ''})")
    for spinner in spinners:
        if spinner.is_alive():
            spinner.kill()
    db.close()


if __name__ == "__main__":
    main()
