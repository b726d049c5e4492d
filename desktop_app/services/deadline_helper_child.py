"""The helper process of a large recompute (`services.deadline_helper`): it takes slices from the shared counter,
reads each with `sqlite3` (`store.slice_reads`, the statements compiled by the caller), computes and compares it
(`services.deadline_walk`) and hands what to write to the caller. It imports neither SQLAlchemy nor the rest of
the app: spawned, it took its first slice 0.5–0.8 s sooner than when it opened the ledger as the app does.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from queue import SimpleQueue

from desktop_app.core.rule_packs import RulePack
from desktop_app.core.working_days import WorkdayCalendar
from desktop_app.services.deadline_walk import Plan, changes_of, walk_slice
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.slice_reads import SliceReads, ids_between, reading_connection

# As long as the app's own connections wait for a writer (store.database.BUSY_TIMEOUT_MS).
_BUSY_MS = 30_000


@dataclass(frozen=True)
class HelperJob:
    """What the helper computes, sent once the caller knows it: the ledger file, the compiled reads, the plans
    (None: every case read), the slices' id ranges and, for a pack edit, the ids of its plans' cases (only
    those of a range are read: `services.deadlines`)."""

    ledger: str
    reads: SliceReads
    plans: Sequence[Plan] | None
    ranges: list[tuple[int, int]]
    chosen: Sequence[int] | None = None


def next_slice(counter: Synchronized[int], total: int) -> int | None:
    """The next slice nobody has taken yet, or None."""
    with counter.get_lock():
        index = counter.value
        if index >= total:
            return None
        counter.value = index + 1
        return index


def help_with_slices(jobs: Connection, packs: Mapping[str, RulePack], calendar: WorkdayCalendar,
                     counter: Synchronized[int], sender: Connection) -> None:
    """In the helper: wait for the job (`HelperJob`; none when the caller's end of `jobs` closes first), then take
    slices until none is left, sending each one's (index, cases, changes).

    Started before the caller has read which cases to compute, so that its interpreter's start and imports overlap
    that read. A thread sends the results: a send waits until the caller reads, which it does between slices of its
    own, and meanwhile this process goes on with the next slice."""
    try:
        job: HelperJob = jobs.recv()
    except (EOFError, OSError):  # the caller needs no helper after all (or is gone)
        sender.close()
        return
    finally:
        jobs.close()
    outbox: SimpleQueue[tuple[int, int, DeadlineChanges | None] | None] = SimpleQueue()

    def send() -> None:
        while (answer := outbox.get()) is not None:
            try:
                sender.send(answer)
            except OSError:  # the caller is gone (its transaction rolled back): nothing left to do
                os._exit(1)

    sending = threading.Thread(target=send, daemon=True)
    sending.start()
    try:
        # A process of its own for this work: its rows and results make no cycles to collect (`collector_paused`).
        gc.disable()
        connection = reading_connection(job.ledger, _BUSY_MS)
        try:
            while (index := next_slice(counter, len(job.ranges))) is not None:
                bounds = job.ranges[index]
                ids = None if job.chosen is None else ids_between(job.chosen, bounds)
                cases, events = job.reads.read(connection, bounds, ids)
                count, pending = walk_slice(cases, events, job.plans, packs, calendar)
                changes = changes_of(pending, job.reads.stored(connection, [p[0] for p in pending], len(cases),
                                                               listed=ids is not None)) if pending else None
                outbox.put((index, count, changes))
        finally:
            connection.close()
    finally:
        outbox.put(None)
        sending.join()
        sender.close()
