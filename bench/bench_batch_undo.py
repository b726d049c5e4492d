"""Benchmark: a batch step and its undo (编辑 → 撤销 after 批量拒绝), in process, on the same ledger.

    python bench/bench_batch_undo.py [--cases 600] [--profile undo|batch]

Builds a throw-away ledger (a real SQLite file through `open_database`), N 抖店 仅退款 requests, then times
`act_on_cases(..., REJECT)` (what 批量操作 → 拒绝 runs on the writer thread)
and `undo_batch` of its steps (what 编辑 → 撤销 runs). Session 27 measured 63 s for the batch and 186 s for its undo
of 1,792 cases in the window; this is the same work without the window.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.bulk import act_on_cases, undo_batch
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import Database, open_database


def seed(path: Path, count: int) -> tuple[Database, list[int]]:
    db = open_database(path)
    ids = [open_case(db, NewCase(Platform.DOUYIN, f"69{n:017d}", CaseKind.REFUND_ONLY, CaseReason.CHANGED_MIND,
                                 refund_fen=1990), author="bench").case_id for n in range(count)]
    return db, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--profile", choices=("undo", "batch"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db, ids = seed(Path(folder) / "bench.sqlite3", args.cases)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        with profiler if args.profile == "batch" else _nothing():
            done = act_on_cases(db, ids, CaseAction.REJECT, note="批量拒绝：不支持七天无理由", author="bench")
        batch = time.perf_counter() - start
        steps = [(r.case_id, r.undo_event) for r in done.results if r.ok and r.undo_event is not None]
        start = time.perf_counter()
        with profiler if args.profile == "undo" else _nothing():
            undone = undo_batch(db, steps, author="bench")
        undo = time.perf_counter() - start
        db.close()
    ok = sum(r.ok for r in undone.results)
    print(f"batch: {len(ids)} cases {batch:.2f} s ({batch / len(ids) * 1000:.1f} ms a case)")
    print(f"undo:  {ok}/{len(steps)} cases {undo:.2f} s ({undo / max(len(steps), 1) * 1000:.1f} ms a case)")
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


if __name__ == "__main__":
    main()
