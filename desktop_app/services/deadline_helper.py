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
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.services.deadline_helper_child import help_with_slices, next_slice
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadline_slices import recompute_slice, slice_changes
from desktop_app.store.deadline_changes import DeadlineChanges
from desktop_app.store.deadline_rows import CaseSet, slice_reads, write_changes

# From this many cases a helper pays (measured when its start cost 0.5–1 s of the other core's time).
PARALLEL_FROM = 20_000
# Cases per slice when two processes share them: small enough that neither waits long for the other at
# the end, large enough that the per-slice queries stay a small part.
PARALLEL_SLICE = 5_000


def recompute_beside(session: Session, ledger: Path, selection: CaseSet, ranges: list[tuple[int, int]],
                     context: RuleContext) -> int:
    """Recompute the cases of `selection` in these id ranges with a helper process; returns how many."""
    spawn = multiprocessing.get_context("spawn")
    counter: Synchronized[int] = spawn.Value("i", 0)
    received, sender = spawn.Pipe(duplex=False)
    reads = slice_reads(selection, session.connection().dialect)
    helper = spawn.Process(target=help_with_slices, daemon=True, name="deadline-helper",
                           args=(str(ledger), reads, selection.plans, ranges, context.packs, context.calendar,
                                 counter, sender))
    try:
        helper.start()
    except Exception:  # no second process to be had (refused, or none left): every slice here
        received.close()
        sender.close()
        return _rest_here(session, selection, ranges, context, set())
    sender.close()  # the helper's end only: its end of the pipe closing (it ended, however) ends the reads here
    done: set[int] = set()
    count = 0

    def write(index: int, found: int, changes: DeadlineChanges | None) -> None:
        nonlocal count
        if changes is not None:
            write_changes(session, changes)
        count += found
        done.add(index)

    try:
        while (index := next_slice(counter, len(ranges))) is not None:
            write(index, *slice_changes(session, selection, ranges[index], context))
            while received.poll():  # the helper's finished slices, written between ours
                write(*received.recv())
        while len(done) < len(ranges):
            write(*received.recv())
    except (EOFError, OSError):
        pass  # the helper ended without handing over every slice it took: those are computed below
    finally:
        received.close()
        if helper.is_alive():
            helper.terminate()
        helper.join()
    return count + _rest_here(session, selection, ranges, context, done)


def _rest_here(session: Session, selection: CaseSet, ranges: list[tuple[int, int]], context: RuleContext,
               done: set[int]) -> int:
    """The slices not `done`, computed and written in this process; the number of their cases."""
    return sum(recompute_slice(session, selection, bounds, context)
               for index, bounds in enumerate(ranges) if index not in done)
