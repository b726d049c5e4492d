"""How long migration 0026_goods_months (the 统计's products per month) takes on a ledger at 0024_names.

    python bench/product_months_migration.py LEDGER [--runs 3]

Each run copies LEDGER (a `bench_report.py --keep` file at 0024_names; never written) and times `alembic upgrade
head` alone on the copy — the tables, every goods string split in Python, the fill from the cases, the triggers —
without `open_database`'s backup copy before it. Wall and CPU seconds, and the rows it made.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from sqlalchemy import create_engine

from desktop_app.store.database import alembic_config


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="migration-", dir=args.ledger.parent))
    try:
        for _ in range(args.runs):
            copy = work / "copy.sqlite3"
            shutil.copyfile(args.ledger, copy)
            engine = create_engine(f"sqlite:///{copy}")
            with engine.begin() as conn:
                at = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
                if at != "0024_names":
                    raise SystemExit(f"{args.ledger} is at {at}, not 0024_names")
                wall, cpu = time.perf_counter(), time.process_time()
                command.upgrade(alembic_config(conn), "head")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                rows = [conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                        for t in ("goods_products", "product_months", "goods_months")]
            engine.dispose()
            print(f"wall {wall:.2f} s, CPU {cpu:.2f} s; goods_products {rows[0]:,}, product_months {rows[1]:,}, "
                  f"goods_months {rows[2]:,} rows; load {os.getloadavg()[0]:.1f}", flush=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
