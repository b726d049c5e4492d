"""Work run in a second process of this program, stoppable when the window closes.

A second process is spawned (a fork would copy the window's threads' locks in whatever state they are)
and runs one module-level function. It ends with the window: the window's close stops it (its open
transaction rolls back: the work is one that the next start does again), and a second pipe that only
the window holds open ends it if the window's process dies.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TypeVar

A = TypeVar("A")
R = TypeVar("R")

_running: set[BaseProcess] = set()
_lock = threading.Lock()


class SecondProcessEnded(Exception):
    """The second process ended without an answer (stopped, killed, or crashed)."""


def run_in_second_process(work: Callable[[A], R], argument: A) -> R:
    """`work(argument)` in a second process; its exception is raised here. Blocks the calling thread
    (not Python's lock) until it ends."""
    context = multiprocessing.get_context("spawn")
    results, child_results = context.Pipe(duplex=False)
    child_lifeline, lifeline = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(work, argument, child_results, child_lifeline), daemon=True)
    with _lock:
        process.start()
        _running.add(process)
    child_results.close()
    child_lifeline.close()
    try:
        succeeded, value = results.recv()
    except EOFError as error:
        raise SecondProcessEnded(f"exit code {process.exitcode}") from error
    finally:
        lifeline.close()
        results.close()
        process.join()
        with _lock:
            _running.discard(process)
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def stop_second_processes() -> None:
    """Stop every second process still running (the window is closing)."""
    with _lock:
        running = list(_running)
    for process in running:
        process.terminate()


def _child(work: Callable[[A], R], argument: A, results: Connection, lifeline: Connection) -> None:
    # Not daemonic in here, so that the work may start a process of its own (a large recompute's helper,
    # services/deadline_helper): multiprocessing refuses children to a daemonic process. The window still
    # treats this one as daemonic (its copy of the flag is its own), and the lifeline below ends it.
    multiprocessing.current_process().daemon = False

    def watch() -> None:
        with contextlib.suppress(EOFError):
            lifeline.recv()  # nothing is ever sent: this returns when the window's process is gone
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()
    try:
        outcome: tuple[bool, object] = (True, work(argument))
    except Exception as error:  # handed to the caller, which reports it
        outcome = (False, error)
    try:
        results.send(outcome)
    except Exception:  # an exception that does not pickle: its words still reach the caller
        results.send((False, RuntimeError(str(outcome[1]))))
