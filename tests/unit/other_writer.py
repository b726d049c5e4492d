"""A commit by another connection, as a start-up job or another program makes it, at a chosen moment of a test."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def write_beside(path: Path) -> str:
    """Try one short write to the ledger file from a connection of its own (0.2 s of busy wait):
    "written" when it committed, "waited" when the ledger's write lock was held the whole time."""
    other = sqlite3.connect(path, timeout=0.2)
    try:
        other.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', '1')")
        other.commit()
        return "written"
    except sqlite3.OperationalError:
        return "waited"
    finally:
        other.close()
