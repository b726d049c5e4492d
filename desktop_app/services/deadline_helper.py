"""A large recompute on two cores: a helper process computes slices beside the caller.

Recomputing 100,000 cases is pure-Python work (the engine, digests, comparing) plus SQLite's; one process
uses one core. Here a helper process opens the same ledger file and takes slices from a shared counter,
as the caller does: each process computes and compares the slices it took (`slice_changes`; the helper
reads with `sqlite3` alone the statements compiled here, `services.deadline_helper_child`), and the
helper hands its differences to the caller, which writes them in its own transaction. Which slice goes
where is decided as they are taken, so the helper's start (a spawned interpreter importing the engine:
0.1–0.2 s; importing SQLAlchemy and the app as well, as it once did, took 0.5–1 s more) is covered by the
caller's first slices rather than waited for. It pays while the second core is
free: 100,000 cases after every pack was edited, 20–40 % less wall and about 1 s more CPU in all
(bench/README, "Session 14").

Why the helper reads what the caller would: it runs only inside a transaction that holds SQLite's write
lock and has written nothing yet (`recompute_all`, `recompute_changed_rules`), so no one can commit while
it reads and the committed state it reads is the caller's; the caller writes only slices it computed or
received, each case's rows by one process. If the helper cannot start, fails or ends early, the caller
computes the slices it did not hand over.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.services.deadline_helper_child import HelperJob, help_with_slices, next_slice
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadline_slices import recompute_slice, slice_changes
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.deadline_rows import CaseSet, id_ranges, slice_reads, write_changes

# From this many cases a helper pays (measured when its start cost 0.5–1 s of the other core's time).
PARALLEL_FROM = 20_000
# Cases per slice when two processes share them: small enough that neither waits long for the other at
# the end, large enough that the per-slice queries stay a small part.
PARALLEL_SLICE = 5_000


def tapered_ranges(ids: Sequence[int], size: int) -> list[tuple[int, int]]:
    """(first id, last id) of runs of `size` of these ascending ids, the last `2 * size` in runs of a quarter of it:
    the two processes then run out of slices within a small one of each other, and the caller's last write (the
    helper's last slice, after the helper has ended) is a small one."""
    head = max(0, len(ids) - 2 * size)
    return id_ranges(ids[:head], size) + id_ranges(ids[head:], max(1, size // 4))


@dataclass
class Helper:
    """A helper process started ahead of its job: the caller's ends of its pipes and the shared counter."""

    process: BaseProcess
    counter: Synchronized[int]
    jobs: Connection  # the job goes here (`HelperJob`); closed unsent, the helper ends
    received: Connection  # its slices come back here

    def close(self) -> None:
        """End the helper, whatever it is doing (waiting for its job, computing, gone already)."""
        self.jobs.close()
        self.received.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def start_helper(context: RuleContext) -> Helper | None:
    """A helper process for a large recompute with these rules, started now and waiting for its job (its start,
    a spawned interpreter importing the engine, overlaps the caller's reading of which cases to compute); None when
    no second process may start (refused, or none left). End it with `Helper.close` if it gets no job."""
    spawn = multiprocessing.get_context("spawn")
    counter: Synchronized[int] = spawn.Value("i", 0)
    received, sender = spawn.Pipe(duplex=False)
    job_end, jobs = spawn.Pipe(duplex=False)
    process = spawn.Process(target=help_with_slices, daemon=True, name="deadline-helper",
                            args=(job_end, context.packs, context.calendar, counter, sender))
    try:
        process.start()
    except Exception:  # every slice stays with the caller
        for end in (received, sender, job_end, jobs):
            end.close()
        return None
    sender.close()  # the helper's ends only: its end of `received` closing (it ended, however) ends the reads here
    job_end.close()
    return Helper(process, counter, jobs, received)


def recompute_beside(session: Session, ledger: Path, helper: Helper | None, selection: CaseSet,
                     ranges: list[tuple[int, int]], context: RuleContext, chosen: Sequence[int] | None = None) -> int:
    """Recompute the cases of `selection` in these id ranges with `helper` (`start_helper` with `context`; None: all
    here); returns how many. `chosen`: the ids of the cases to read (ascending), when not every case of a range.
    The helper is ended before this returns."""
    if helper is None:
        return _rest_here(session, selection, ranges, context, set(), chosen)
    done: set[int] = set()
    count = 0

    def write(index: int, found: int, changes: DeadlineChanges | None) -> None:
        nonlocal count
        if changes is not None:
            write_changes(session, changes)
        count += found
        done.add(index)

    received = helper.received
    try:
        # A few kilobytes (the compiled reads, the ranges): the pipe takes them while the helper still imports.
        helper.jobs.send(HelperJob(str(ledger), slice_reads(selection, session.connection().dialect), selection.plans,
                                   ranges, chosen))
        while True:
            # The helper's finished slices first: every write is this process's, and a slice of its own taken while
            # one waited left the writes of 8 of 23 slices for after the helper's end (0.55 s of a 3.4 s save, the
            # other core idle). Finished = taken by the helper and not received, but for the one it is computing.
            if received.poll() or helper.counter.value - len(done) > 1:
                write(*received.recv())
                continue
            if (index := next_slice(helper.counter, len(ranges))) is None:
                break
            write(index, *slice_changes(session, selection, ranges[index], context, chosen))
        while len(done) < len(ranges):
            write(*received.recv())
    except (EOFError, OSError):
        pass  # the helper ended without handing over every slice it took: those are computed below
    finally:
        helper.close()
    return count + _rest_here(session, selection, ranges, context, done, chosen)


def _rest_here(session: Session, selection: CaseSet, ranges: list[tuple[int, int]], context: RuleContext,
               done: set[int], chosen: Sequence[int] | None) -> int:
    """The slices not `done`, computed and written in this process; the number of their cases."""
    return sum(recompute_slice(session, selection, bounds, context, chosen)
               for index, bounds in enumerate(ranges) if index not in done)
