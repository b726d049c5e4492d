"""What an after-sales import leaves in the ledger, for comparing two versions of the code on one input.

    PYTHONPATH=<tree> python bench/case_import_dump.py BASE.sqlite3 OUT_DIR FILE [FILE ...]

Copies BASE to OUT_DIR, runs `import-cases FILE --json` for each file in turn (in a fresh process, with
the code PYTHONPATH names), and after each writes `<n>.json` (the command's output) and `<n>.dump`:
every table's rows, sorted, without the columns that hold the run's own clock (created/updated/recorded
times). Two trees are compared with `diff -r OUT_A OUT_B` (cases, events, deadlines, reships, the
placeholder orders, the summary counts and errors must be identical).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

CLOCK_COLUMNS = {"created_at", "updated_at", "recorded_at", "imported_at"}


def dump(db_path: Path, out: Path) -> None:
    connection = sqlite3.connect(db_path)
    try:
        tables = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                         "ORDER BY name")]
        with out.open("w", encoding="utf-8") as handle:
            for table in tables:
                columns = [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")]
                kept = [c for c in columns if c not in CLOCK_COLUMNS]
                if not kept:
                    continue
                listed = ", ".join(f'"{c}"' for c in kept)
                rows = sorted(repr(row) for row in connection.execute(f'SELECT {listed} FROM "{table}"'))
                handle.write(f"## {table}: {len(rows)} rows\n")
                handle.writelines(row + "\n" for row in rows)
    finally:
        connection.close()


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    base, out_dir, files = Path(argv[0]), Path(argv[1]), argv[2:]
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "ledger.sqlite3"
    for old in out_dir.glob("ledger.sqlite3*"):
        old.unlink()
    shutil.copy(base, db_path)
    for number, file in enumerate(files, start=1):
        completed = subprocess.run([sys.executable, "-m", "desktop_app", "import-cases", file, "--db", str(db_path),
                                    "--json"], capture_output=True, text=True, check=False, env=dict(os.environ))
        (out_dir / f"{number}.json").write_text(f"exit {completed.returncode}\n{completed.stdout}", encoding="utf-8")
        dump(db_path, out_dir / f"{number}.dump")
    for old in out_dir.glob("ledger.sqlite3*"):
        old.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
