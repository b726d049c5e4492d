"""What a deadline recompute writes (`store.deadline_rows.write_changes`), as the pure walk of a slice gives it
(`services.deadline_walk`). Standard library only: the helper process computes these without SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class DeadlineChanges:
    """What a recompute writes: deadline rows deleted (ids), updated (the `deadline_rows.UPDATED` columns
    that changed, by id) and inserted, the cases' `next_due_*` and `after_due_*` with their
    `deadline_rows.TIMER_FACTS` and `deadline_digest` (by id), and the digests of cases whose other
    columns stay as they are."""

    stale: list[int]
    updates: list[dict[str, Any]]
    inserts: list[dict[str, Any]]
    case_updates: list[dict[str, Any]]
    digests: list[dict[str, Any]]
