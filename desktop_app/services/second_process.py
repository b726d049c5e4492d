"""Work run in a second process of this program, stoppable when the window closes.

A second process is spawned (a fork would copy the window's threads' locks in whatever state they are)
and runs one module-level function. It ends with the window: the window's close stops it (its open
transaction rolls back: the work is one that the next start does again), and a second pipe that only
the window holds open ends it if the window's process dies.

Spawned, it starts a new interpreter that imports the work's modules before the work begins: 0.6–0.7 s of
CPU for a recompute (SQLAlchemy and the app), on the path of every pack edit. While the rules dialog is
open (the next save is near) one process is kept ready, started and with those modules imported, waiting
for its work on a pipe (`keep_one_ready`); the next `run_in_second_process` hands its work to it and a new
one is started once that work is done, until `release_ready`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")

_running: set[BaseProcess] = set()
_lock = threading.Lock()


@dataclass(frozen=True)
class _Ready:
    """A second process started ahead of its work: the window's ends of its pipes."""

    process: BaseProcess
    jobs: Connection  # (work, argument) goes here
    results: Connection
    lifeline: Connection


_ready: _Ready | None = None
_keep_ready: tuple[str, ...] | None = None  # the modules a ready process imports; None: keep none ready


class SecondProcessEnded(Exception):
    """The second process ended without an answer (stopped, killed, or crashed)."""


def keep_one_ready(modules: Sequence[str]) -> None:
    """From now until `release_ready`, keep one second process started, these modules imported, for the next
    `run_in_second_process` (started here when there is none)."""
    global _keep_ready
    with _lock:
        _keep_ready = tuple(modules)
    _start_ready()


def release_ready() -> None:
    """Keep no second process ready any more; the waiting one ends (one at work finishes its work)."""
    global _keep_ready, _ready
    with _lock:
        _keep_ready = None
        ready, _ready = _ready, None
    if ready is not None:
        _end_waiting(ready)


def ready_process_id() -> int | None:
    """The process id of the second process kept ready for the next work, None when there is none."""
    with _lock:
        return None if _ready is None else _ready.process.pid


def run_in_second_process(work: Callable[[A], R], argument: A) -> R:
    """`work(argument)` in a second process (the one kept ready, if any); its exception is raised here.
    Blocks the calling thread (not Python's lock) until it ends."""
    try:
        return _answer(*_started(work, argument))
    finally:
        _start_ready()  # the next one, when one is to be kept ready


def _started(work: Callable[[A], R], argument: A) -> tuple[BaseProcess, Connection, Connection]:
    """The process doing `work(argument)`, with the window's ends of its results pipe and its lifeline."""
    global _ready
    with _lock:
        ready, _ready = _ready, None
    if ready is not None:
        try:
            ready.jobs.send((work, argument))
        except BaseException as error:
            _end_waiting(ready)
            if not isinstance(error, OSError):  # the work does not pickle: as a spawn would say
                raise
            # else it died waiting: a new one below
        else:
            ready.jobs.close()
            return ready.process, ready.results, ready.lifeline
    context = multiprocessing.get_context("spawn")
    results, child_results = context.Pipe(duplex=False)
    child_lifeline, lifeline = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, argument, child_results, child_lifeline), daemon=True)
    with _lock:
        process.start()
        _running.add(process)
    child_results.close()
    child_lifeline.close()
    return process, results, lifeline


def _answer(process: BaseProcess, results: Connection, lifeline: Connection) -> Any:
    """The process's answer (raised when it is an exception), as soon as it is sent: what the work does after it
    (`after_the_answer`) is waited for by a thread of its own, which then lets the process go."""
    try:
        succeeded, value = results.recv()
    except EOFError as error:
        _let_go(process, results, lifeline)
        raise SecondProcessEnded(f"exit code {process.exitcode}") from error
    threading.Thread(target=_let_go, args=(process, results, lifeline), daemon=True,
                     name="second-process-end").start()
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def _let_go(process: BaseProcess, results: Connection, lifeline: Connection) -> None:
    """Once the process has ended, close the window's ends of its pipes (the lifeline only then: closed, it ends
    the process at once)."""
    process.join()
    lifeline.close()
    results.close()
    with _lock:
        _running.discard(process)


def after_the_answer(step: Callable[[], None]) -> None:
    """In a second process: run `step` once the work's answer has been sent, before the process ends (the window
    goes on meanwhile; closing it stops the step). For work whose last part nobody waits for: a large recompute's
    copy of the WAL into the file."""
    _after.append(step)


_after: list[Callable[[], None]] = []


def stop_second_processes() -> None:
    """Stop every second process still running, and keep none ready any more (the window is closing)."""
    global _keep_ready, _ready
    with _lock:
        _keep_ready = None
        _ready = None
        running = list(_running)
    for process in running:
        process.terminate()


def _start_ready() -> None:
    """Start the process to keep ready, when one is to be kept and none is."""
    global _ready
    with _lock:
        if _keep_ready is None or _ready is not None:
            return
        context = multiprocessing.get_context("spawn")
        child_jobs, jobs = context.Pipe(duplex=False)
        results, child_results = context.Pipe(duplex=False)
        child_lifeline, lifeline = context.Pipe(duplex=False)
        process = context.Process(target=_waiting_child, daemon=True, name="second-process-ready",
                                  args=(_keep_ready, child_jobs, child_results, child_lifeline))
        process.start()
        _running.add(process)
        _ready = _Ready(process, jobs, results, lifeline)
    child_jobs.close()
    child_results.close()
    child_lifeline.close()


def _end_waiting(ready: _Ready) -> None:
    """End a ready process that has no work (the pipes closed; stopped at once, even while it imports)."""
    for end in (ready.jobs, ready.results, ready.lifeline):
        end.close()
    ready.process.terminate()
    ready.process.join()
    with _lock:
        _running.discard(ready.process)


def _waiting_child(modules: Sequence[str], jobs: Connection, results: Connection, lifeline: Connection) -> None:
    _watch(lifeline)
    for name in modules:
        import_module(name)
    try:
        work, argument = jobs.recv()
    except EOFError:  # released without work
        return
    finally:
        jobs.close()
    _run(work, argument, results)


def _child(work: Callable[[A], R], argument: A, results: Connection, lifeline: Connection) -> None:
    _watch(lifeline)
    _run(work, argument, results)


def _watch(lifeline: Connection) -> None:
    # Not daemonic in here, so that the work may start a process of its own (a large recompute's helper,
    # services/deadline_helper): multiprocessing refuses children to a daemonic process. The window still
    # treats this one as daemonic (its copy of the flag is its own), and the lifeline below ends it.
    multiprocessing.current_process().daemon = False

    def watch() -> None:
        with contextlib.suppress(EOFError):
            lifeline.recv()  # nothing is ever sent: this returns when the window's process is gone
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _run(work: Callable[[A], R], argument: A, results: Connection) -> None:
    try:
        outcome: tuple[bool, object] = (True, work(argument))
    except Exception as error:  # handed to the caller, which reports it
        outcome = (False, error)
    try:
        results.send(outcome)
    except Exception:  # an exception that does not pickle: its words still reach the caller
        results.send((False, RuntimeError(str(outcome[1]))))
    results.close()
    while _after:
        _after.pop(0)()
