"""What keeping report_aggregate_probe.py's aggregates exact on every write would cost the writes (SQLite triggers).

    python bench/report_aggregate_upkeep.py [--rounds 3] [--rt] [--deadlines LEDGER]

The aggregates of `bench/report_aggregate_probe.py` (the 统计's case groups and products per China month) kept by
triggers in the ledger itself, so that every writer keeps them — the app's ORM and bulk paths, the deadline
helper process (plain `sqlite3`), a second seat — without a line of the writers changed:

- on `cases`, after an insert, a delete, and an update that changes a column the figures read: the old row's
  contribution taken off (its month, shop, keys), the new one's added (an UPSERT per aggregate row); the products
  by a trigger of their own, which the deadline engine's writes (timers only) do not fire;
- on `orders`, after its shop changes: its cases moved to the new shop's rows;
- the products through a table of each goods string's products (`probe_goods_products`, split in Python where
  a goods string is first written: here filled ahead for every string of the ledger, which the import below
  needs no more of — its cases' goods are their orders').

Then each write bench runs on copies of one ledger with and without them, alternating, in fresh processes:

- an after-sales import (`bench_case_import.py`'s 50,000-row 拼多多 售后 csv into 100,000 orders + 20,000 cases,
  then the same file again), wall and CPU of `import-cases` end to end;
- `--deadlines LEDGER`: a pack edit's recompute and back (`deadline_ab.py --step edit` on LEDGER, a
  `bench_report.py --keep` file), wall and CPU (with its helper);

and after each, the aggregates are compared with the same figures computed again from the cases (`drift`: rows
that differ; 0 = exact). `--rt`: the timed work at real-time priority (root). Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report_aggregate_probe import _MERCHANT, _MONTH, _RETURNED, _SETTLED, BUILD  # noqa: E402

from bench.bench_case_import import prepare  # noqa: E402
from desktop_app.store.order_sales import goods_lines  # noqa: E402

_SHOP = "coalesce((SELECT shop_id FROM orders WHERE id = {r}.order_id), -1)"


def _figures(r: str, sign: str) -> str:
    """A case row's contribution to `probe_case_months` (`r`: NEW or OLD), times `sign`."""
    return ", ".join(f"{sign}({e})" for e in (
        "1", f"CASE WHEN {r}.is_open = 1 THEN 1 ELSE 0 END",
        f"CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.refund_fen, 0) ELSE 0 END",
        f"CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.compensation_fen, 0) ELSE 0 END",
        f"coalesce({r}.postage_out_fen, 0) + CASE WHEN {r}.postage_back_payer IS NULL OR {r}.postage_back_payer = "
        f"'{_MERCHANT}' THEN coalesce({r}.postage_back_fen, 0) ELSE 0 END",
        f"coalesce({r}.written_off_fen, 0)", f"coalesce({r}.penalty_fen, 0)",
        f"CASE WHEN {r}.penalty_fen IS NULL THEN 0 ELSE 1 END",
        f"coalesce({r}.met_timers, 0)", f"coalesce({r}.missed_timers, 0)", f"coalesce({r}.open_timers, 0)",
        f"CASE WHEN {r}.resolve_seconds IS NULL THEN 0 ELSE 1 END",
        f"CASE WHEN {r}.is_open = 1 AND {r}.paid_out IS NOT 1 AND {r}.kind NOT IN ({_SETTLED}) "
        f"THEN coalesce({r}.refund_fen, 0) + coalesce({r}.compensation_fen, 0) ELSE 0 END"))


def _cost(r: str) -> str:
    return (f"(CASE WHEN {r}.paid_out = 1 AND {r}.kind NOT IN ({_RETURNED}) THEN coalesce({r}.refund_fen, 0) ELSE 0 END"
            f" + CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.compensation_fen, 0) ELSE 0 END"
            f" + coalesce({r}.postage_out_fen, 0) + CASE WHEN {r}.postage_back_payer IS NULL OR {r}.postage_back_payer"
            f" = '{_MERCHANT}' THEN coalesce({r}.postage_back_fen, 0) ELSE 0 END"
            f" + coalesce({r}.written_off_fen, 0) + coalesce({r}.penalty_fen, 0))")


_SUMS = ("n", "open", "refund", "comp", "postage", "written_off", "penalty", "penalised", "met", "missed",
         "open_timers", "resolved", "pending")
_GROUP_UPSERT = ("ON CONFLICT (platform, kind, reason, responsible, month, shop) DO UPDATE SET "
                 + ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS))
_PRODUCT_UPSERT = ("ON CONFLICT (product, title, month, platform, shop) DO UPDATE SET n = n + excluded.n, "
                   "cost = cost + excluded.cost")
_READ = ("platform", "kind", "reason", "responsible", "requested_at", "created_at", "order_id", "is_open", "paid_out",
         "refund_fen", "compensation_fen", "postage_out_fen", "postage_back_fen", "postage_back_payer",
         "written_off_fen", "penalty_fen", "met_timers", "missed_timers", "open_timers", "resolve_seconds", "goods")

_PRODUCT_READ = ("platform", "kind", "requested_at", "created_at", "order_id", "paid_out", "refund_fen", "compensation_fen",
                 "postage_out_fen", "postage_back_fen", "postage_back_payer", "written_off_fen", "penalty_fen", "goods")


def _month(r: str) -> str:
    return _MONTH.replace("c.", f"{r}.")


def _add(r: str, sign: str, groups: bool = True, products: bool = True) -> str:
    """The statements adding (`+`) or taking off (`-`) row `r`'s contribution to the aggregates."""
    shop = _SHOP.format(r=r)
    keys = f"{r}.platform, {r}.kind, coalesce({r}.reason, ''), coalesce({r}.responsible, ''), {_month(r)}, {shop}"
    return ((f"INSERT INTO probe_case_months VALUES ({keys}, {_figures(r, sign)}) {_GROUP_UPSERT};\n"
             if groups else "")
            + (f"INSERT INTO probe_product_months SELECT gp.product, gp.title, {_month(r)}, {r}.platform, {shop}, "
               f"{sign}1, {sign}{_cost(r)} FROM probe_goods_products gp WHERE gp.goods = {r}.goods "
               f"{_PRODUCT_UPSERT};\n" if products else ""))


def install(path: Path) -> float:
    """The aggregates, their goods table and triggers on the ledger at `path`; the seconds it took."""
    import time

    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.executescript(BUILD.replace(
        "PRIMARY KEY (product, month, platform, shop)", "PRIMARY KEY (product, title, month, platform, shop)"))
    conn.execute("DROP TABLE probe_product_months")
    conn.executescript("""
CREATE TABLE probe_product_months (product TEXT NOT NULL, title TEXT NOT NULL, month TEXT NOT NULL,
  platform TEXT NOT NULL, shop INTEGER NOT NULL, n INTEGER, cost INTEGER,
  PRIMARY KEY (product, title, month, platform, shop)) WITHOUT ROWID;
CREATE TABLE probe_goods_products (goods TEXT NOT NULL, product TEXT NOT NULL, title TEXT NOT NULL,
  PRIMARY KEY (goods, product)) WITHOUT ROWID;
""")
    strings = {g for (g,) in conn.execute("SELECT DISTINCT goods FROM cases WHERE goods IS NOT NULL AND goods != '' "
                                          "UNION SELECT DISTINCT goods FROM orders WHERE goods IS NOT NULL AND goods != ''")}
    rows = []
    for goods in strings:
        products: dict[str, str] = {}
        for key, title, _q in goods_lines(goods):
            products[key] = min(products.get(key, title), title)
        rows += [(goods, k, t) for k, t in products.items()]
    conn.executemany("INSERT INTO probe_goods_products VALUES (?, ?, ?)", rows)
    conn.execute(f"""INSERT INTO probe_product_months SELECT gp.product, gp.title, {_MONTH},
        c.platform, coalesce(o.shop_id, -1), count(*), sum({_cost('c')})
        FROM cases c JOIN probe_goods_products gp ON gp.goods = c.goods LEFT JOIN orders o ON o.id = c.order_id
        GROUP BY 1, 2, 3, 4, 5""")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _READ if c != "goods")
    # The products read no timer: the deadline engine's writes (a new case's timers too) touch only the groups.
    product_changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _PRODUCT_READ)
    conn.executescript(f"""
CREATE TRIGGER probe_cases_insert AFTER INSERT ON cases BEGIN
{_add('NEW', '+')}END;
CREATE TRIGGER probe_cases_delete AFTER DELETE ON cases BEGIN
{_add('OLD', '-')}END;
CREATE TRIGGER probe_cases_update AFTER UPDATE ON cases WHEN {changed} BEGIN
{_add('OLD', '-', products=False)}{_add('NEW', '+', products=False)}END;
CREATE TRIGGER probe_cases_update_products AFTER UPDATE ON cases WHEN {product_changed} BEGIN
{_add('OLD', '-', groups=False)}{_add('NEW', '+', groups=False)}END;
CREATE TRIGGER probe_orders_shop AFTER UPDATE OF shop_id ON orders WHEN OLD.shop_id IS NOT NEW.shop_id BEGIN
{_moved('OLD.shop_id', '-')}{_moved('NEW.shop_id', '+')}END;
""")
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def _moved(shop: str, sign: str) -> str:
    """An order's cases taken off its old shop's rows or added to its new one's."""
    keys = f"c.platform, c.kind, coalesce(c.reason, ''), coalesce(c.responsible, ''), {_MONTH}, coalesce({shop}, -1)"
    return (f"INSERT INTO probe_case_months SELECT {keys}, {_figures('c', sign)} FROM cases c "
            f"WHERE c.order_id = NEW.id {_GROUP_UPSERT};\n"
            f"INSERT INTO probe_product_months SELECT gp.product, gp.title, {_MONTH}, c.platform, coalesce({shop}, -1), "
            f"{sign}1, {sign}{_cost('c')} FROM cases c JOIN probe_goods_products gp ON gp.goods = c.goods "
            f"WHERE c.order_id = NEW.id {_PRODUCT_UPSERT};\n")


def drift(path: Path) -> int:
    """Rows where the kept aggregates differ from the same figures computed again from the cases (0: exact)."""
    conn = sqlite3.connect(path)
    sums = ", ".join(f"sum({c})" for c in _SUMS)
    kept = {r[:6]: r[6:] for r in conn.execute(
        f"SELECT platform, kind, reason, responsible, month, shop, {sums} FROM probe_case_months "
        "GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) != 0")}
    kept_products = {r[:5]: r[5:] for r in conn.execute(
        "SELECT product, title, month, platform, shop, sum(n), sum(cost) FROM probe_product_months "
        "GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) != 0")}
    conn.executescript("DROP TRIGGER probe_cases_insert; DROP TRIGGER probe_cases_delete; "
                       "DROP TRIGGER probe_cases_update; DROP TRIGGER probe_cases_update_products; "
                       "DROP TRIGGER probe_orders_shop; "
                       "DELETE FROM probe_case_months; DELETE FROM probe_product_months;")
    conn.execute(BUILD.split(";")[1].strip())  # the case groups' INSERT … SELECT, from the cases
    conn.execute(f"""INSERT INTO probe_product_months SELECT gp.product, gp.title, {_MONTH},
        c.platform, coalesce(o.shop_id, -1), count(*), sum({_cost('c')})
        FROM cases c JOIN probe_goods_products gp ON gp.goods = c.goods LEFT JOIN orders o ON o.id = c.order_id
        GROUP BY 1, 2, 3, 4, 5""")
    fresh = {r[:6]: r[6:] for r in conn.execute(f"SELECT platform, kind, reason, responsible, month, shop, {sums} "
                                                "FROM probe_case_months GROUP BY 1, 2, 3, 4, 5, 6")}
    fresh_products = {r[:5]: r[5:] for r in conn.execute(
        "SELECT product, title, month, platform, shop, sum(n), sum(cost) FROM probe_product_months GROUP BY 1, 2, 3, 4, 5")}
    conn.rollback()
    conn.close()
    return (sum(kept.get(k) != fresh.get(k) for k in kept.keys() | fresh.keys())
            + sum(kept_products.get(k) != fresh_products.get(k) for k in kept_products.keys() | fresh_products.keys()))


def _child(command: list[str], rt: bool, home: Path) -> dict[str, Any]:
    """A bench's child on this tree, its data folder apart; its last output line's JSON."""
    done = subprocess.run(["chrt", "-f", "10", *command] if rt else command, capture_output=True, text=True,
                          check=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_HOME": str(home)})
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rt", action="store_true")
    parser.add_argument("--deadlines", type=Path, help="a bench_report.py --keep ledger: also a pack edit's recompute")
    args = parser.parse_args()
    files = prepare(ROOT / "bench" / "out", 50_000, 100_000, 20_000)
    work = Path(tempfile.mkdtemp(prefix="upkeep-"))
    seen: dict[str, list[tuple[float, float]]] = {}
    try:
        for round_ in range(args.rounds):
            for side in (("plain", "triggers") if round_ % 2 == 0 else ("triggers", "plain")):
                db = work / f"{side}.sqlite3"
                shutil.copyfile(files["base_db"], db)
                installed = install(db) if side == "triggers" else 0.0
                command = [sys.executable, str(ROOT / "bench" / "bench_case_import.py"), "--child", "import", str(db),
                           str(files["file"])]
                first = _child(command, args.rt, work / "home")
                again = _child(command, args.rt, work / "home")
                off = drift(db) if side == "triggers" else 0
                seen.setdefault(f"import {side}", []).append((first["seconds"], first["cpu"]))
                seen.setdefault(f"re-import {side}", []).append((again["seconds"], again["cpu"]))
                print(f"round {round_ + 1} {side}: install {installed:.2f} s; import {first['seconds']:.2f} s "
                      f"(cpu {first['cpu']:.2f}, {first['inserted']} new, {first['updated']} moved); re-import "
                      f"{again['seconds']:.2f} s (cpu {again['cpu']:.2f}); drift {off}; load {os.getloadavg()[0]:.1f}",
                      flush=True)
                _remove(db)
            if args.deadlines:
                _deadlines(args, work, seen, round_)
    finally:
        shutil.rmtree(work)
    print("\n| write, wall s best (median) / CPU s best (median) | plain | triggers |\n|---|---|---|")
    for what in dict.fromkeys(k.rsplit(" ", 1)[0] for k in seen):
        cells = []
        for side in ("plain", "triggers"):
            runs = seen.get(f"{what} {side}", [])
            walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
            cells.append(f"{min(walls):.2f} ({statistics.median(walls):.2f}) / {min(cpus):.2f} "
                         f"({statistics.median(cpus):.2f})" if runs else "—")
        print(f"| {what} | {cells[0]} | {cells[1]} |")


def _deadlines(args: argparse.Namespace, work: Path, seen: dict[str, list[tuple[float, float]]], round_: int) -> None:
    """A pack edit's recompute and back (`deadline_ab.run`) on a plain copy and one with the triggers."""
    for side in (("plain", "triggers") if round_ % 2 == 0 else ("triggers", "plain")):
        db = work / f"deadlines-{side}.sqlite3"
        shutil.copyfile(args.deadlines, db)
        if side == "triggers":
            install(db)
        # `deadline_ab.py --child` on this copy (its own `run` works on a copy of its own, which `drift` could not see).
        command = [sys.executable, str(ROOT / "bench" / "deadline_ab.py"), "--child", str(ROOT), str(db), "edit",
                   "--pause", "0", *(["--rt"] if args.rt else [])]
        for label, result in _child(command, False, work / "home").items():
            seen.setdefault(f"pack {label} {side}", []).append((result["wall"], result["cpu"] + result["helper"]))
            print(f"round {round_ + 1} {side} pack {label}: {result['cases']:,} cases, wall {result['wall']:.2f} s, "
                  f"cpu {result['cpu']:.2f} + helper {result['helper']:.2f} s", flush=True)
        print(f"round {round_ + 1} {side} pack edits: drift {drift(db) if side == 'triggers' else 0}", flush=True)
        _remove(db)


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
