"""A search keystroke's SQL, old code against new, by CPU (issue 18):

    PYTHONPATH=. python bench/search_ab.py postgresql+psycopg://ledger@127.0.0.1:PORT/m1 \
        --old /path/to/old-checkout [--rounds 3] [--reps 5] [QUERY ...]

What the Cases table's reading thread runs for one keystroke (`search_hits`, `listed_case_ids`, the first
page of 200 rows with their timers), each query `--reps` times in one fresh process per code, old and new
alternating `--rounds` times. Per query: the app's thread CPU and the PostgreSQL backend's CPU (from
`/proc/<pid>/schedstat`, so the server must run on this machine), min and median over every run, and
whether old and new listed the same orders, cases and page (md5). A SQLite file works too (no server
column). Wall time is not shown: on a shared machine it says little.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
QUERIES = ["王", "1", "13", "138", "1381", "王伟", "yt", "yt1", "yt12", "47", "479", "保温杯"]
PROBES = ["ꙮ", "ꙮꙮ", "ꙮꙮꙮ"]  # the window's warm-up (case_table_model._PROBES)


def _backend_ns(pid: int | None) -> int:
    if pid is None:
        return 0
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def child(target: str, reps: int, queries: list[str]) -> dict[str, Any]:
    from desktop_app.store.case_filters import CaseFilter, CaseOrder
    from desktop_app.store.case_queries import listed_case_ids, rows_of_cases
    from desktop_app.store.database import open_database
    from desktop_app.store.search import search_hits

    db = open_database(target) if "://" in target else open_database(target, check_seconds=0)
    out: dict[str, Any] = {}
    with db.reading() as s:
        pid = int(s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()) if db.is_server else None

        def keystroke(q: str) -> tuple[Any, list[int], list[int]]:
            hits = search_hits(s, q)
            ids = listed_case_ids(s, CaseFilter(search=q), CaseOrder(), hits)
            return hits, ids, [r.id for r in rows_of_cases(s, ids[:200])]

        for probe in PROBES:
            keystroke(probe)
        for q in queries:
            runs, digests = [], set()
            for _ in range(reps):
                cpu, server = time.thread_time(), _backend_ns(pid)
                hits, ids, page = keystroke(q)
                runs.append(((time.thread_time() - cpu) * 1000, (_backend_ns(pid) - server) / 1e6))
                digests.add(hashlib.md5(repr((hits.order_ids, hits.cut, ids, page)).encode()).hexdigest())
            out[q] = {"runs": runs, "md5": sorted(digests), "cases": len(ids), "cut": hits.cut}
    db.close()
    return out


def run_child(code: Path, target: str, reps: int, queries: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", target, str(reps), *queries],
                          cwd=code, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", nargs="?")
    parser.add_argument("queries", nargs="*")
    parser.add_argument("--old", type=Path, help="the other checkout (old code)")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="this checkout unless given")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        target, reps, *queries = args.child
        print(json.dumps(child(target, int(reps), queries)))
        return 0
    if not args.target or not args.old:
        parser.error("TARGET and --old are needed")
    queries = args.queries or QUERIES
    sides = {"old": args.old.resolve(), "new": args.new.resolve()}
    results: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for side, code in sides.items():
            results[side].append(run_child(code, args.target, args.reps, queries))
    print(f"ms of CPU per keystroke, min / median of {args.rounds} × {args.reps} runs: app (reading thread) "
          "and server backend")
    print("| query | cases | app old | app new | server old | server new | same lists |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for q in queries:
        row = []
        for column in (0, 1):
            for side in ("old", "new"):
                values = [r[column] for result in results[side] for r in result[q]["runs"]]
                row.append(f"{min(values):.1f} / {statistics.median(values):.1f}")
        digests = {d for side in results for result in results[side] for d in result[q]["md5"]}
        print(f"| {q} | {results['new'][0][q]['cases']:,} | {' | '.join(row)} | {'yes' if len(digests) == 1 else 'NO'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
