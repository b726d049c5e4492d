"""Team mode benchmark (issue 18): the same jobs on SQLite and on PostgreSQL, side by side.

    python bench/bench_team.py [--server postgresql://USER@HOST:PORT/postgres] [--cases 1000000]
                               [--orders 100000] [--runs 3]

- Import: a 100,000-row 拼多多 order export into an empty ledger, as the app runs it (`import_files`,
  each run in a fresh process), beside the floor: reading the same file alone.
- Search at a million cases: the ledger window (offscreen Qt) opened on the ledger, then a search
  keystroke to the updated Cases table for each query of `bench_ledger.py` (the same child process,
  so both backends are measured the same way end to end).
Without `--server` a throwaway PostgreSQL is started in `bench/out/pg` (`.ci/pg_server`; its data
folder is kept, so the million cases are seeded once) and stopped at the end.
Typing a term key by key, every keystroke timed (also while another seat's change is being reloaded
and counted): `bench/bench_typing.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench import child_process  # noqa: E402
from bench.bench_import import child_parse, write_pdd_csv  # noqa: E402
from bench.bench_ledger import measure  # noqa: E402
from bench.seed_ledger import seed  # noqa: E402

OUT = HERE / "out"
KEYSTROKE_TARGET_S = 0.1


def child_import(target: str, file: Path) -> dict[str, object]:
    from desktop_app.services.order_import import import_files
    from desktop_app.store.database import open_database

    db = open_database(target)
    try:
        start = time.perf_counter()
        result = import_files(db, [file])
        seconds = time.perf_counter() - start
    finally:
        db.close()
    return {"seconds": seconds, "inserted": result.inserted, "peak_mb": child_process.peak_mb()}


def database_url(admin_url: str, name: str, fresh: bool) -> str:
    """The URL of database `name` on the server: created if missing, or dropped and created if `fresh`."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if fresh:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if fresh or not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name}).first():
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return make_url(admin_url).set(drivername="postgresql+psycopg", database=name) \
        .render_as_string(hide_password=False)


def start_server() -> tuple[str, Path]:
    folder = OUT / "pg"
    exports = subprocess.run([str(HERE.parent / ".ci" / "pg_server"), "start", str(folder)], check=True,
                             capture_output=True, text=True).stdout
    url = next(line.split("=", 1)[1] for line in exports.splitlines() if "AFTERSALES_TEST_PG_URL=" in line)
    return url, folder


def import_rows(admin_url: str, orders: int, runs: int) -> list[tuple[str, dict[str, float]]]:
    work = OUT / "team"
    work.mkdir(parents=True, exist_ok=True)
    csv_file = work / f"pdd_{orders}.csv"
    if not csv_file.exists():
        print(f"generating {csv_file.name} …", flush=True)
        write_pdd_csv(csv_file, orders)
    floors: list[dict[str, object]] = []
    lite: list[dict[str, object]] = []
    server: list[dict[str, object]] = []
    for _ in range(runs):  # alternating, best of each: a busy moment slows one run, not one backend
        floors.append(child_process.run_child(__file__, "parse", str(csv_file)))
        target = work / "import.sqlite3"
        for old in work.glob("import.sqlite3*"):
            old.unlink()
        lite.append(child_process.run_child(__file__, "import", str(target), str(csv_file)))
        server.append(child_process.run_child(__file__, "import", database_url(admin_url, "bench_import", fresh=True), str(csv_file)))
    for result in (*lite, *server):
        if result["inserted"] != orders:  # the csv has `orders` rows: each one a new order
            raise SystemExit(f"import stored {result['inserted']} orders, expected {orders}")

    def best(results: list[dict[str, object]]) -> dict[str, float]:
        seconds = sorted(float(r["seconds"]) for r in results)  # type: ignore[arg-type]
        return {"best": seconds[0], "median": statistics.median(seconds),
                "peak_mb": max(float(r["peak_mb"]) for r in results)}  # type: ignore[arg-type]

    return [("floor: read the csv alone", best(floors)), ("SQLite", best(lite)), ("PostgreSQL", best(server))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="an admin URL of a PostgreSQL server (may create databases)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("import", "search"), help="one of the two measurements")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        out = child_parse(Path(rest[0])) if kind == "parse" else child_import(rest[0], Path(rest[1]))
        print(json.dumps(out))
        return 0

    started_here: Path | None = None
    admin_url = args.server
    if admin_url is None:
        admin_url, started_here = start_server()
    try:
        rows = [] if args.only == "search" else import_rows(admin_url, args.orders, args.runs)
        if rows:
            print(f"\nImport of {args.orders:,} 拼多多 orders into an empty ledger (seconds, {args.runs} alternating runs)\n")
            print(f"| {'':<28} | {'best':>7} | {'median':>7} | {'peak MB':>8} |")
            print(f"|{'-' * 30}|{'-' * 9}|{'-' * 9}|{'-' * 10}|")
        for label, figures in rows:
            print(f"| {label:<28} | {figures['best']:>7.2f} | {figures['median']:>7.2f} | {figures['peak_mb']:>8.0f} |")

        if args.only == "import":
            return 0
        lite_path = OUT / f"ledger-{args.cases}.sqlite3"
        server_url = database_url(admin_url, f"bench_{args.cases}", fresh=False)
        for target in (str(lite_path), server_url):
            spent = seed(target, args.cases)
            if spent:
                print(f"seeded {args.cases:,} cases into {target.split('@')[-1]} in {spent:.0f} s", flush=True)
        lite = [measure(lite_path) for _ in range(args.runs)]
        server = [measure(server_url) for _ in range(args.runs)]  # type: ignore[arg-type]
        print(f"\nSearch at {args.cases:,} cases: keystroke → updated Cases table (ms, median of {args.runs} "
              f"window runs; target {KEYSTROKE_TARGET_S * 1000:.0f} ms; CPU: the window's GUI and reading threads, "
              f"best run — PostgreSQL's own CPU is not in it)\n")
        print(f"| {'query':>16} | {'SQLite':>8} | {'PostgreSQL':>10} | {'SQLite CPU':>10} | {'PG CPU':>7} |"
              f" {'cases found':>11} |")
        print(f"|{'-' * 18}|{'-' * 10}|{'-' * 12}|{'-' * 12}|{'-' * 9}|{'-' * 13}|")
        for index, (query, _seconds, total) in enumerate(lite[0]["search_detail"]):  # type: ignore[arg-type]
            a = statistics.median(float(r["search_detail"][index][1]) for r in lite) * 1000  # type: ignore[index]
            b = statistics.median(float(r["search_detail"][index][1]) for r in server) * 1000  # type: ignore[index]
            ca = min(float(r["search_cpu_ms"][index]) for r in lite)  # type: ignore[index]
            cb = min(float(r["search_cpu_ms"][index]) for r in server)  # type: ignore[index]
            print(f"| {query!r:>16} | {a:>8.1f} | {b:>10.1f} | {ca:>10.1f} | {cb:>7.1f} | {total:>11,} |")
        for key in ("cases_first_paint_s", "db_open_s", "peak_rss_mb"):
            a = statistics.median(float(r[key]) for r in lite)  # type: ignore[arg-type]
            b = statistics.median(float(r[key]) for r in server)  # type: ignore[arg-type]
            print(f"| {key:>16} | {a:>8.3f} | {b:>10.3f} | {'':>10} | {'':>7} | {'':>11} |")
    finally:
        if started_here is not None:
            subprocess.run([str(HERE.parent / ".ci" / "pg_server"), "stop", str(started_here)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
