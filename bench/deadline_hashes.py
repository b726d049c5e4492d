"""Check that a change left every computed deadline as it was: hashes of a ledger's deadlines and
cases' `next_due_*` after a fresh fill, a recompute with nothing changed, every pack edited, and back.

    PYTHONPATH=<tree> python bench/deadline_hashes.py LEDGER.sqlite3 [--copy-to PATH] [--vary] [--changed]

Run it with each tree on PYTHONPATH (old and new code) over copies of the same ledger and compare
the printed lines: the hashes must be identical. The ledger is copied first (the bench files are
shared); the copy is written to. Only APIs that every tree has are used. `--vary` first gives the
benchmark's all-open, one-round ledger what it lacks (the same way on every run): closed cases,
rounds restarted after an escalation, 聚划算 orders, date-only events, requests inside the 2020 and
2022 holiday windows and 2025's 双11; the recomputes then include closed cases. `--changed` makes the
pack edit and its undoing go through `recompute_changed_rules` (only the cases whose rules changed).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import inspect, text

from desktop_app.core.rule_packs import Duration, DurationUnit, RulePack
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_all, recompute_changed_rules
from desktop_app.store.database import Database, open_database

# The same edits as bench_deadlines.every_pack_edited: one timer of every pack set to 96 hours.
EVERY_PACK = (("taobao", "refund_intervention"), ("tmall", "refund_intervention"), ("pdd", "reship_promise"),
              ("douyin", "reship_answer"), ("jd", "reship_within"), ("generic", "reship_within"))

DEADLINES = ("SELECT case_id, claim_id, timer_id, name, starts_at, due_at, action, status, met_at, estimated, "
             "penalty_fen FROM deadlines ORDER BY case_id, timer_id, id")
CASES = ("SELECT id, next_due_at, next_due_name, met_timers, missed_timers, open_timers, open_due_first, "
         "open_due_last, version FROM cases ORDER BY id")


def every_pack_edited(packs: dict[str, RulePack]) -> dict[str, RulePack]:
    for pack_id, timer_id in EVERY_PACK:
        pack = packs[pack_id]
        timers = tuple(replace(t, duration=Duration(96, DurationUnit.HOURS)) if t.id == timer_id else t
                       for t in pack.timers)
        packs = {**packs, pack_id: replace(pack, timers=timers)}
    return packs


def _shifted(columns: tuple[str, ...], shift: str) -> str:
    return ", ".join(f"{c} = strftime('%Y-%m-%d %H:%M:%f', {c}, '{shift}') || '000'" for c in columns)


VARY = (
    # closed cases (15 %): closed three days after the request
    "INSERT INTO audit_events (case_id, subject, subject_id, kind, milestone, author, at, date_only, recorded_at) "
    "SELECT id, 'case', id, 'action', 'closed', 'check', strftime('%Y-%m-%d %H:%M:%f', requested_at, '+3 days') "
    "|| '000', 0, requested_at FROM cases WHERE id % 7 = 3",
    "UPDATE cases SET is_open = 0 WHERE id % 7 = 3",
    # rounds restarted: escalated, resumed, agreed again (every case with an agreement whose id ends in 1)
    *(f"INSERT INTO audit_events (case_id, subject, subject_id, kind, milestone, author, at, date_only, recorded_at) "
      f"SELECT case_id, 'case', case_id, 'action', '{name}', 'check', "
      f"strftime('%Y-%m-%d %H:%M:%f', at, '+{hours} hours') || '000', 0, at FROM audit_events "
      f"WHERE milestone IN ('reship_agreed', 'return_agreed') AND case_id % 10 = 1 AND author != 'check'"
      for name, hours in (("escalated", 30), ("resumed", 80))),
    "INSERT INTO audit_events (case_id, subject, subject_id, kind, milestone, author, at, date_only, recorded_at) "
    "SELECT case_id, 'case', case_id, 'action', milestone, 'check', "
    "strftime('%Y-%m-%d %H:%M:%f', at, '+90 hours') || '000', 0, at FROM audit_events "
    "WHERE milestone IN ('reship_agreed', 'return_agreed') AND case_id % 10 = 1 AND author != 'check'",
    "UPDATE orders SET campaign = 'juhuasuan' WHERE id % 9 = 2",
    "UPDATE audit_events SET date_only = 1 WHERE id % 11 = 5",
    "UPDATE cases SET signed_date_only = 1 WHERE id % 13 = 6",
    # whole cases moved into the holiday windows of 2020 and 2022 and 2025's 双11
    *(f"UPDATE {table} SET {_shifted(columns, shift)} WHERE {key} % 17 = {rest}"
      for shift, rest in (("-2170 days", 4), ("-1440 days", 8), ("-290 days", 12))
      for table, columns, key in (("cases", ("requested_at", "signed_at"), "id"),
                                  ("orders", ("paid_at", "shipped_at", "signed_at", "succeeded_at"), "id"),
                                  ("audit_events", ("at",), "case_id"))),
)


def digest(db: Database) -> str:
    with db.reading() as session:
        connection = session.connection()
        parts = []
        for statement in (DEADLINES, CASES):
            h = hashlib.sha256()
            count = 0
            for row in connection.execute(text(statement)):
                h.update(repr(tuple(row)).encode("utf-8"))
                count += 1
            parts.append(f"{count} rows {h.hexdigest()[:16]}")
    return " | ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--copy-to", type=Path, help="where to copy the ledger (default: a temporary folder)")
    parser.add_argument("--vary", action="store_true", help="add closed cases, restarted rounds, campaigns ...")
    parser.add_argument("--changed", action="store_true",
                        help="the pack edits through recompute_changed_rules (what the app runs after a save)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deadline-hashes-") as workdir:
        path = args.copy_to or Path(workdir) / "ledger.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{args.ledger}{suffix}")
            if source.exists():
                shutil.copyfile(source, f"{path}{suffix}")
        db = open_database(path)
        context = RuleContext.load()
        with db.transaction() as session:  # a fresh fill: no stored deadline, no next_due_*
            if args.vary:
                for statement in VARY:
                    session.execute(text(statement))
            session.execute(text("DELETE FROM deadlines WHERE claim_id IS NULL"))
            session.execute(text("UPDATE cases SET next_due_at = NULL, next_due_name = NULL, met_timers = 0, "
                                 "missed_timers = 0, open_timers = 0, open_due_first = NULL, open_due_last = NULL"))
            if "deadline_digest" in {c["name"] for c in inspect(session.connection()).get_columns("cases")}:
                session.execute(text("UPDATE cases SET deadline_digest = NULL"))  # 0009_engine: rows unknown
        every = RuleContext(every_pack_edited(dict(context.packs)), context.calendar)
        for label, ctx in (("fresh fill", context), ("nothing changed", context), ("every pack edited", every),
                           ("back to the shipped packs", context)):
            start = time.process_time()
            if args.changed and label in ("every pack edited", "back to the shipped packs"):
                count = recompute_changed_rules(db, ctx).value
            else:
                count = recompute_all(db, ctx, include_closed=args.vary).value
            print(f"{label:26} {count:,} cases  {digest(db)}  (cpu {time.process_time() - start:.2f} s)", flush=True)
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
