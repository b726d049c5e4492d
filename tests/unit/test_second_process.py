"""Work in a second process: its answer and its exception come back, the window's close stops it, and it
does not outlive the window's process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from functools import partial

import pytest

from desktop_app.services.second_process import SecondProcessEnded, run_in_second_process, stop_second_processes


def test_the_answer_and_the_exception_come_back() -> None:
    assert run_in_second_process(int, "42") == 42
    with pytest.raises(ValueError, match="invalid literal"):
        run_in_second_process(int, "x")


def test_its_work_may_start_a_process_of_its_own() -> None:
    """A large recompute in the second process starts a helper beside itself (services/deadline_helper);
    multiprocessing refuses children to a daemonic process."""
    assert run_in_second_process(partial(run_in_second_process, int), "7") == 7


def test_closing_the_window_stops_it() -> None:
    outcome: list[BaseException] = []

    def wait() -> None:
        try:
            run_in_second_process(time.sleep, 60)
        except BaseException as error:  # what the worker thread would hand to its failure callback
            outcome.append(error)

    waiting = threading.Thread(target=wait)
    waiting.start()
    time.sleep(1.0)  # spawned and sleeping
    started = time.monotonic()
    stop_second_processes()
    waiting.join(30)
    assert not waiting.is_alive() and time.monotonic() - started < 10
    assert len(outcome) == 1 and isinstance(outcome[0], SecondProcessEnded)


def _gone(pid: int) -> bool:
    """Ended (a zombie nobody reaped yet counts: it runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="looks the process up in /proc")
def test_it_ends_when_the_window_process_dies() -> None:
    script = (
        "import os, sys, threading, time\n"
        "from desktop_app.services import second_process as sp\n"
        "threading.Thread(target=sp.run_in_second_process, args=(time.sleep, 60), daemon=True).start()\n"
        "while not sp._running: time.sleep(0.05)\n"
        "time.sleep(0.5)\n"
        "print(next(iter(sp._running)).pid, flush=True)\n"
        "os._exit(0)\n"  # as a kill would: no clean-up of the second process
    )
    parent = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    child = int(parent.stdout.strip())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if _gone(child):
            return
        time.sleep(0.1)
    os.kill(child, 9)
    pytest.fail("the second process outlived the window's process")
