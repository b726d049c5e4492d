"""One import in a child process that reports its own peak memory (tests/unit/test_hostile_corpus.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from peak_child import own_peak_kb

from desktop_app.services.order_import import import_files
from desktop_app.store.database import open_database


def main(ledger: str, path: str) -> None:
    db = open_database(Path(ledger))
    try:
        result = import_files(db, [Path(path)]).files[0]
    finally:
        db.close()
    peak_kb = own_peak_kb()  # not ru_maxrss: it carries the parent test process's size across the exec
    print(json.dumps({"refused": result.refused, "inserted": result.inserted, "rejected": result.rejected,
                      "errors": [e.message for e in result.errors][:20], "peak_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
