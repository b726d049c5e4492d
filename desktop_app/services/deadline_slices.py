"""One slice of a deadline recompute in the caller's session: its cases read, computed and compared with what
is stored (`services.deadline_walk`), giving what to write (`store.deadline_changes.DeadlineChanges`).
`services.deadlines` writes it; the helper process of a large recompute (`services.deadline_helper`)
computes slices beside it and hands them over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadline_walk import Pending, changes_of, walk_slice
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.deadline_rows import (
    CaseSet,
    Plan,
    chunks,
    lock_if_shared,
    read_for_recompute,
    read_stored,
    write_changes,
)
from desktop_app.store.slice_reads import ids_between


def recompute_slice(session: Session, selection: CaseSet, bounds: tuple[int, int] | None,
                    context: RuleContext, chosen: Sequence[int] | None = None) -> int:
    """`slice_changes` written in this session; how many cases the slice has."""
    count, changes = slice_changes(session, selection, bounds, context, chosen)
    if changes is not None:
        write_changes(session, changes)
    return count


def slice_changes(session: Session, selection: CaseSet, bounds: tuple[int, int] | None,
                  context: RuleContext, chosen: Sequence[int] | None = None) -> tuple[int, DeadlineChanges | None]:
    """The cases of `selection` (between `bounds`; only those of `chosen` there, ascending ids, when given: SQLite)
    computed and compared with what is stored: how many there are, and what to write (None: nothing)."""
    ids = None if chosen is None or bounds is None else ids_between(chosen, bounds)
    cases, events = read_for_recompute(session, selection, bounds, ids)
    if not cases:
        return 0, None
    count, pending = walk_slice(cases, events, selection.plans, context.packs, context.calendar)
    if pending and lock_if_shared(session, [p[0] for p in pending]):
        pending, stored = _read_again(session, pending, selection.plans, context)
        return count, (changes_of(pending, stored) if pending else None)
    if not pending:
        return count, None
    return count, changes_of(pending, read_stored(session, selection, [p[0] for p in pending], len(cases),
                                                  listed=ids is not None))


def _read_again(session: Session, pending: list[Pending], plans: tuple[Plan, ...] | None,
                context: RuleContext) -> tuple[list[Pending], list[Any]]:
    """The cases to write, now locked, read and computed again with their stored deadlines: another seat
    may have changed them since they were first read (`store.deadline_rows.lock_if_shared`)."""
    fresh: list[Pending] = []
    stored: list[Any] = []
    for chunk in chunks(p[0] for p in pending):
        locked = CaseSet(ids=chunk, plans=plans)
        cases, events = read_for_recompute(session, locked)
        found = walk_slice(cases, events, plans, context.packs, context.calendar)[1]
        if found:
            fresh.extend(found)
            stored.extend(read_stored(session, locked, [p[0] for p in found], len(cases)))
    return fresh, stored
