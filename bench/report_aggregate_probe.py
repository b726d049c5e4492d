"""Would per-month aggregates of the cases make the 统计 read cheaper? A prototype in raw SQL on a copy.

    python bench/report_aggregate_probe.py LEDGER [--repeat 9] [--rt] [--build-in-place]

Issue 17's lever not tried before session 28: do less work per opening by keeping, beside the cases, what
the dashboard's two large reads sum (bench/README "Session 28 (s28-report)"). On a COPY of LEDGER (a
`bench_report.py --keep` file; the original is never written) this builds, as `order_sales` does for the
orders (China months, so a period reads its whole months from the aggregate and only its ragged edges from
the cases):

- `probe_case_months`: per platform × kind × reason × responsible × month × shop, every figure of the case
  groups' pass that does not depend on the moment (counts, open, money paid, postage, written off,
  penalties recorded, met / missed / open timers, resolved, pending), in group order (WITHOUT ROWID);
- `probe_product_months`: per product × month × platform × shop, the cases of orders holding it and their
  cost (the goods strings split once, at "write" time), so no goods string is read or split per opening;
- two partial indexes for what an aggregate cannot hold: the open timers judged against the moment
  (3,962 cases of 100,000 have any) and the times to resolve (the medians need every value), the latter led by
  the request time so a period reads its own range;
- the part-months at a period's ends read by the old statements, as they are. A period without a whole month
  (近 30 天, the tab's default) reads as before: the old pass costs by its groups (≈ 2,500 for 30 days, 2,640 for
  a year) more than by its cases. (An index led by the request time for the edges was tried: SQLite then read
  the year's case groups, goods, couriers and straddling timers through it and sorted them — slower.)

Then `report_in` runs with the two reads replaced by the aggregate's (the rest of the report as it is,
the side thread as it is) and is compared with the unchanged `report_in`: every figure of seven scopes
(the year, June, the year on 拼多多, one shop, 今年 to the moment, 近 30 天, 近 30 天 in one shop) must be equal
(repr), then each read alone and the whole
report, alternating old / new in this one process (both warmed: a refresh's cost; the first opening pays
the same reads). Wall and CPU (the process's, both threads) in ms, best and median. `--rt`: the measured
calls at real-time priority (`bench_report_ab.realtime`; root). Linux only (CPU per thread).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))  # the checkout it is run from, not this script's

from bench_report_ab import realtime  # this script's folder
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

import desktop_app.services.report as report_service
from desktop_app.core.vocabulary import Platform
from desktop_app.services.report import Period, report_in
from desktop_app.store.database import open_database
from desktop_app.store.models import Case
from desktop_app.store.order_sales import goods_lines, whole_months
from desktop_app.store.raw_reads import fetch_raw
from desktop_app.store.report_queries import (
    _GOODS_SETTLED,
    _MERCHANT,
    ProductLine,
    ReportScope,
    case_conditions,
    case_group_rows,
    goods_rows,
    pieces_sold,
    top_products_of,
)
from desktop_app.store.report_queries import (
    _RETURNED as _RETURNED_KINDS,
)

MOMENT = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
_MONTH = "strftime('%Y-%m', substr(coalesce(c.requested_at, c.created_at), 1, 19), '+8 hours')"
_SETTLED = ", ".join(f"'{k}'" for k in _GOODS_SETTLED)
# A case's net loss before payouts (`report_queries.case_cost`), in SQL over `cases c`.
_RETURNED = ", ".join(f"'{k}'" for k in _RETURNED_KINDS)

BUILD = f"""
CREATE TABLE probe_case_months (
  platform TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, responsible TEXT NOT NULL,
  month TEXT NOT NULL, shop INTEGER NOT NULL,
  n INTEGER, open INTEGER, refund INTEGER, comp INTEGER, postage INTEGER, written_off INTEGER, penalty INTEGER,
  penalised INTEGER, met INTEGER, missed INTEGER, open_timers INTEGER, resolved INTEGER, pending INTEGER,
  PRIMARY KEY (platform, kind, reason, responsible, month, shop)) WITHOUT ROWID;
INSERT INTO probe_case_months
SELECT c.platform, c.kind, coalesce(c.reason, ''), coalesce(c.responsible, ''), {_MONTH}, coalesce(o.shop_id, -1),
  count(*), count(CASE WHEN c.is_open = 1 THEN 1 END),
  coalesce(sum(CASE WHEN c.paid_out = 1 THEN c.refund_fen END), 0),
  coalesce(sum(CASE WHEN c.paid_out = 1 THEN c.compensation_fen END), 0),
  coalesce(sum(c.postage_out_fen), 0) + coalesce(sum(CASE WHEN c.postage_back_payer IS NULL
    OR c.postage_back_payer = '{_MERCHANT}' THEN c.postage_back_fen END), 0),
  coalesce(sum(c.written_off_fen), 0), coalesce(sum(c.penalty_fen), 0), count(c.penalty_fen),
  coalesce(sum(c.met_timers), 0), coalesce(sum(c.missed_timers), 0), coalesce(sum(c.open_timers), 0),
  count(c.resolve_seconds),
  coalesce(sum(CASE WHEN c.is_open = 1 AND c.paid_out IS NOT 1 AND c.kind NOT IN ({_SETTLED})
    THEN coalesce(c.refund_fen, 0) + coalesce(c.compensation_fen, 0) END), 0)
FROM cases c LEFT JOIN orders o ON o.id = c.order_id
GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TABLE probe_product_months (
  product TEXT NOT NULL, month TEXT NOT NULL, platform TEXT NOT NULL, shop INTEGER NOT NULL,
  n INTEGER, cost INTEGER, title TEXT, PRIMARY KEY (product, month, platform, shop)) WITHOUT ROWID;
CREATE INDEX probe_ix_open_timers ON cases (platform, kind, reason, responsible, requested_at, created_at,
  order_id, open_timers, open_due_first, open_due_last) WHERE open_due_first IS NOT NULL;
CREATE INDEX probe_ix_resolve ON cases (coalesce(requested_at, created_at), platform, order_id, resolve_seconds)
  WHERE is_open IS NOT 1 AND resolve_seconds > 0;
"""

GOODS_BY_MONTH = f"""
SELECT {_MONTH}, c.platform, coalesce(o.shop_id, -1), c.goods, count(*),
  coalesce(sum((CASE WHEN c.paid_out = 1 AND c.kind NOT IN ({_RETURNED}) THEN coalesce(c.refund_fen, 0) ELSE 0 END)
   + (CASE WHEN c.paid_out = 1 THEN coalesce(c.compensation_fen, 0) ELSE 0 END) + coalesce(c.postage_out_fen, 0)
   + (CASE WHEN c.postage_back_payer IS NULL OR c.postage_back_payer = '{_MERCHANT}'
      THEN coalesce(c.postage_back_fen, 0) ELSE 0 END)
   + coalesce(c.written_off_fen, 0) + coalesce(c.penalty_fen, 0)), 0)
FROM cases c LEFT JOIN orders o ON o.id = c.order_id
WHERE c.goods IS NOT NULL AND c.goods != '' GROUP BY 1, 2, 3, 4
"""


def build(path: Path) -> None:
    """The aggregates and indexes on the copy at `path`, with the sizes."""
    conn = sqlite3.connect(path)
    started = time.perf_counter()
    conn.executescript(BUILD)
    products: dict[tuple[str, str, str, int], list[Any]] = {}
    for month, platform, shop, goods, n, fen in conn.execute(GOODS_BY_MONTH):
        seen: dict[str, str] = {}
        for key, title, _q in goods_lines(goods):
            seen[key] = min(seen.get(key, title), title)
        for key, title in seen.items():
            row = products.setdefault((key, month, platform, shop), [0, 0, title])
            row[0] += n
            row[1] += fen
            row[2] = min(row[2], title)
    conn.executemany("INSERT INTO probe_product_months VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(*k, *v) for k, v in products.items()])
    conn.commit()
    rows = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("probe_case_months", "probe_product_months")]
    print(f"built in {time.perf_counter() - started:.1f} s: probe_case_months {rows[0]:,} rows, "
          f"probe_product_months {rows[1]:,} rows (cases {conn.execute('SELECT count(*) FROM cases').fetchone()[0]:,})")
    conn.close()


def _edges(session: Session, scope: ReportScope, read: Callable[[Session, ReportScope], list[Any]]) -> list[Any]:
    """`read`'s rows for the part-months at the period's ends, by the old statements as they are (an index led by
    the request time made SQLite read the year's other passes through it too, sorting them: slower)."""
    rows: list[Any] = []
    for start, end in whole_months(scope.start, scope.end)[1]:
        rows += read(session, replace(scope, start=start, end=end))
    return rows


def _agg_where(scope: ReportScope, months: list[str]) -> tuple[str, list[Any]]:
    if not months:
        return "0", []
    where, params = "month >= ? AND month <= ?", [months[0], months[-1]]
    if scope.platform:
        where += " AND platform = ?"
        params.append(scope.platform)
    if scope.shop_id is not None:
        where += " AND shop = ?"
        params.append(scope.shop_id)
    return where, params


def new_case_group_rows(session: Session, scope: ReportScope, moment: datetime) -> list[Any]:
    """`case_group_rows`' rows from the aggregate, the moment's timers and the times to resolve (a period
    without a whole month, as 近 30 天 mostly is: the old pass, which costs by its groups more than its cases)."""
    months = whole_months(scope.start, scope.end)[0]
    if not months:
        return case_group_rows(session, scope, moment)
    where, params = _agg_where(scope, months)
    cursor = session.connection().connection.cursor()
    cursor.execute(
        "SELECT platform, kind, reason, responsible, sum(n), sum(open), sum(refund), sum(comp), sum(postage), "
        "sum(written_off), sum(penalty), sum(penalised), sum(met), sum(missed), sum(open_timers), sum(resolved), "
        f"sum(pending) FROM probe_case_months WHERE {where} GROUP BY platform, kind, reason, responsible", params)
    agg = cursor.fetchall()
    cursor.close()
    keys = (Case.platform, Case.kind, Case.reason, Case.responsible)
    timer_stmt = select(
        *keys, func.coalesce(func.sum(case((Case.open_due_last < moment, Case.open_timers), else_=None)), 0),
        func.count(case((and_(Case.open_due_first < moment, Case.open_due_last >= moment), 1), else_=None)),
    ).where(*case_conditions(scope), Case.open_due_first.is_not(None)).group_by(*keys)
    timers = {(p, k, r or "", s or ""): (int(o), int(st)) for p, k, r, s, o, st in fetch_raw(session, timer_stmt)}
    resolve = dict(fetch_raw(session, select(Case.platform, func.group_concat(Case.resolve_seconds, ",")).where(
        *case_conditions(scope), Case.is_open.is_not(True), Case.resolve_seconds > 0).group_by(Case.platform)))
    # The edges' groups (their timers against the moment and times to resolve are in the two reads above).
    merged: dict[tuple[Any, ...], list[int]] = {}
    for p, k, r, s, *figures in agg:
        merged[(p, k, r, s)] = [int(f) for f in figures]
    for p, k, r, s, *figures, _resolve in _edges(session, scope, lambda se, sc: case_group_rows(se, sc, moment)):
        del figures[11:13]
        key = (p, k, r or "", s or "")
        known = merged.get(key)
        merged[key] = [int(f) for f in figures] if known is None else [a + int(b) for a, b in zip(known, figures, strict=True)]
    rows = []
    for (p, k, r, s), (n, o, rf, cf, pf, wf, pen, pd, met, mis, ot, res, pend) in merged.items():
        overdue, straddling = timers.get((p, k, r, s), (0, 0))
        rows.append((p, k, r or None, s or None, n, o, rf, cf, pf, wf, pen, pd, met, mis, ot, overdue, straddling,
                     res, pend, resolve.pop(p, None)))
    return rows


class _Products(list[Any]):
    """The aggregate's product rows, told apart from the timers' penalty goods `report_in` adds to them."""


def new_goods_rows(session: Session, scope: ReportScope) -> list[Any]:
    months = whole_months(scope.start, scope.end)[0]
    if not months:
        return goods_rows(session, scope)
    where, params = _agg_where(scope, months)
    cursor = session.connection().connection.cursor()
    cursor.execute(f"SELECT product, sum(n), sum(cost), min(title) FROM probe_product_months WHERE {where} "
                   "GROUP BY product", params)
    found = _Products(cursor.fetchall())
    cursor.close()
    return found + _edges(session, scope, goods_rows)  # the edges' goods strings, split as before


def new_top_products_of(session: Session, scope: ReportScope, rows: list[Any], limit: int = 20) -> list[ProductLine]:
    """`top_products_of` over the aggregate's products (and the penalty goods strings `report_in` appends)."""
    found: dict[str, list[Any]] = {}
    for row in rows:
        if len(row) == 4:
            product, n, fen, title = row
            parts = {product: title}
        else:
            goods, n, fen = row
            parts = {}
            for key, t, _q in goods_lines(goods):
                parts[key] = min(parts.get(key, t), t)
        for product, title in parts.items():
            figures = found.get(product)
            if figures is None:
                found[product] = [n, fen, title]
            else:
                figures[0] += n
                figures[1] += fen
                figures[2] = min(figures[2], title)
    top = sorted(found, key=lambda k: (-found[k][0], k))[:limit]
    sold = pieces_sold(session, scope, set(top)) if top else {}
    return [ProductLine(k, found[k][2], found[k][0], sold.get(k), found[k][1]) for k in top]


def use(groups: bool, products: bool | None = None) -> None:
    """The case groups' pass and the products' read from the aggregates (True) or the cases (False)."""
    products = groups if products is None else products
    report_service.case_group_rows = new_case_group_rows if groups else case_group_rows  # type: ignore[attr-defined]
    report_service.goods_rows = new_goods_rows if products else goods_rows  # type: ignore[attr-defined]
    report_service.top_products_of = (  # type: ignore[attr-defined]
        new_top_products_of if products else top_products_of)


def timed(work: Callable[[], Any], rt: bool) -> tuple[float, float]:
    realtime(rt)
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    realtime(False)
    return wall * 1000, cpu * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rt", action="store_true")
    parser.add_argument("--build-in-place", action="store_true",
                        help="only build the aggregates and indexes in LEDGER itself (a copy for a window trial)")
    args = parser.parse_args()
    if args.build_in_place:
        build(args.ledger)
        return
    work = Path(tempfile.mkdtemp(prefix="probe-"))
    copy = work / "probe.sqlite3"
    shutil.copyfile(args.ledger, copy)
    build(copy)
    db = open_database(copy)
    report_service.now = lambda: MOMENT  # type: ignore[attr-defined]
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    so_far, days30 = Period(date(2026, 1, 1), date(2026, 12, 2)), Period(date(2026, 11, 3), date(2026, 12, 2))
    with db.reading() as session:
        scopes: list[tuple[str, Period, Any, Any]] = [
            ("year", year, None, None), ("June", Period(date(2026, 6, 1), date(2026, 6, 30)), None, None),
            ("year, pdd", year, Platform("pdd"), None), ("year, shop 1", year, None, "1"),
            ("今年 to the moment (2026-01-01 – 12-02)", so_far, None, None), ("近 30 天 (11-03 – 12-02)", days30, None, None),
            ("近 30 天, shop 1", days30, None, "1")]
        for name, period, platform, shop in scopes:
            use(False)
            old = report_in(session, period, platform, shop, MOMENT)
            use(True)
            new = report_in(session, period, platform, shop, MOMENT)
            print(f"{name}: figures equal old/new: {repr(old) == repr(new)}")
            if repr(old) != repr(new):
                for field in old.__dataclass_fields__:
                    if repr(getattr(old, field)) != repr(getattr(new, field)):
                        print(f"  differs: {field}\n    old {getattr(old, field)!r}\n    new {getattr(new, field)!r}")
        scope = ReportScope(year.start, year.end)
        parts: dict[str, Callable[[], Any]] = {
            "case groups (old pass)": lambda: case_group_rows(session, scope, MOMENT),
            "case groups (aggregate + timers + times to resolve)": lambda: new_case_group_rows(session, scope, MOMENT),
            "goods + top products (old)": lambda: top_products_of(session, scope, goods_rows(session, scope)),
            "products (aggregate)": lambda: new_top_products_of(session, scope, new_goods_rows(session, scope)),
        }
        results: dict[str, list[tuple[float, float]]] = {k: [] for k in parts}
        variants = {(False, False): "whole report_in, year (old)", (True, False): "  … case groups from the aggregate",
                    (False, True): "  … products from the aggregate", (True, True): "  … both from the aggregates"}
        whole: dict[tuple[bool, bool], list[tuple[float, float]]] = {v: [] for v in variants}
        others = {"今年 to the moment": so_far, "近 30 天": days30}
        other: dict[str, list[tuple[float, float]]] = {f"{k}{s}": [] for k in others for s in (" (old)", " (aggregates)")}
        for _ in range(args.repeat):
            for key, call in parts.items():
                results[key].append(timed(call, args.rt))
            for variant in variants:
                use(*variant)
                whole[variant].append(timed(lambda: report_in(session, year, None, None, MOMENT), args.rt))
            for name, period in others.items():
                for new, label in ((False, " (old)"), (True, " (aggregates)")):
                    use(new)
                    other[name + label].append(timed(lambda p=period: report_in(session, p, None, None, MOMENT), args.rt))
    use(False)
    db.close()
    shutil.rmtree(work)
    print(f"\nload {os.getloadavg()[0]:.1f}; {args.repeat} alternating runs; ms wall best (median) / CPU best (median)")
    print("| read | wall | CPU |\n|---|---|---|")
    for key, runs in [*results.items(), *((variants[v], whole[v]) for v in variants),
                      *((f"whole report_in, {k}", v) for k, v in other.items())]:
        walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
        print(f"| {key} | {min(walls):.0f} ({statistics.median(walls):.0f}) | "
              f"{min(cpus):.0f} ({statistics.median(cpus):.0f}) |")


if __name__ == "__main__":
    main()
