"""How long a page of the Cases table takes to read at any depth — the query alone (issue 15).

    PYTHONPATH=. python bench/bench_deep_pages.py --db LEDGER [--code DIR] [--sorts receiver,order_no,...]
                                                  [--state open|all] [--rounds 2]

For each sort, both ways, on the "未结束" list (the table's default) or on every case: the first page,
then the pages at 25 %, 50 %, 75 % and 100 % of the list in that order (what bench_freeze's sort_scroll
does with the scroll bar), then the same four again (a user scrolling back to a place seen before).
Each page is timed alone, wall clock and the thread's CPU, on the reading thread's own kind of session.

The pages are read the way the Cases table of `--code` reads them: through one `CasePages` per sort
when that checkout has store/case_listing (its anchors live as long as the table's load), otherwise
with `case_rows` (an OFFSET from the top each time). Run it once per checkout, alternately.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("0%", "25%", "50%", "75%", "100%", "25% again", "50% again", "75% again", "100% again")

CHILD = r"""
import json, sys, time
from desktop_app.store.case_queries import CaseFilter, CaseOrder, CaseSort, OpenState, count_cases, rows_of_cases
from desktop_app.store import case_queries
from desktop_app.store.database import open_database
try:
    from desktop_app.store.case_listing import CasePages
except ImportError:
    CasePages = None
db_path, sorts, state, rounds = sys.argv[1], sys.argv[2].split(","), sys.argv[3], int(sys.argv[4])
f = CaseFilter(open_state=OpenState.OPEN if state == "open" else OpenState.ALL)
db = open_database(db_path, check_seconds=0)
out = {"anchored": CasePages is not None, "rows": {}}
with db.reading() as session:
    total = count_cases(session, f)
    out["total"] = total
    for _ in range(rounds):
        for key in sorts:
            for descending in (False, True):
                order = CaseOrder(CaseSort(key), descending)
                if CasePages is not None:
                    pages = CasePages(f, order)
                    read = lambda off: rows_of_cases(session, pages.ids(session, off, 200))
                else:
                    read = lambda off: case_queries.case_rows(session, f, order, off, 200)
                times = []
                for fraction in (0, .25, .5, .75, 1, .25, .5, .75, 1):
                    offset = max(0, int((total - 200) * fraction))
                    w, c = time.perf_counter(), time.thread_time()
                    rows = read(offset)
                    times.append((round((time.perf_counter() - w) * 1000, 1), round((time.thread_time() - c) * 1000, 1)))
                    assert rows, (key, offset)
                out["rows"].setdefault(f"{key} {'desc' if descending else 'asc'}", []).append(times)
db.close()
print("RESULT " + json.dumps(out), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--sorts", default="receiver,order_no,shop,next_due,amount,updated,reason,responsible")
    parser.add_argument("--state", choices=("open", "all"), default="open")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(args.code.resolve()))
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(args.db), args.sorts, args.state, str(args.rounds)],
                          capture_output=True, text=True, env=env, cwd=args.code, check=False)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"child failed:\n{proc.stdout}\n{proc.stderr}")
    result = json.loads(line.removeprefix("RESULT "))
    how = "CasePages (anchors)" if result["anchored"] else "case_rows (OFFSET)"
    print(f"code {args.code.resolve()}: {how}; {result['total']:,} {args.state} cases; "
          f"{args.rounds} round(s), {time.perf_counter() - started:.0f} s in all")
    print("page read, wall ms / CPU ms (each round, ' ; ' between rounds)")
    print("| sort | " + " | ".join(STEPS) + " |")
    print("|---" * (len(STEPS) + 1) + "|")
    for name, rounds in result["rows"].items():
        cells = [" ; ".join(f"{r[i][0]:.0f}/{r[i][1]:.0f}" for r in rounds) for i in range(len(STEPS))]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
