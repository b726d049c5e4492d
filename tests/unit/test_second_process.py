"""Work in a second process: its answer and its exception come back, the window's close stops it, it
does not outlive the window's process, and one kept ready takes the next work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from desktop_app.services.second_process import (
    SecondProcessEnded,
    after_the_answer,
    keep_one_ready,
    ready_process_id,
    release_ready,
    run_in_second_process,
    stop_second_processes,
)


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


def _who(names: list[str]) -> tuple[int, list[bool]]:
    """In the second process: its id, and which of `names` it had imported when the work came."""
    return os.getpid(), [name in sys.modules for name in names]


def _ended(pid: int, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _gone(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def kept_ready() -> Iterator[None]:
    keep_one_ready(["colorsys"])  # a module nothing else here imports
    yield
    release_ready()


@pytest.mark.usefixtures("kept_ready")
def test_a_process_kept_ready_takes_the_next_work_and_another_is_started() -> None:
    """While the rules dialog is open, the recompute after a save starts in a process that has imported its
    modules already (services/recompute_aside.keep_ready_for); each process does one work."""
    first = ready_process_id()
    assert first is not None
    assert run_in_second_process(_who, ["colorsys"]) == (first, [True])
    second = ready_process_id()
    assert second is not None and second != first
    assert run_in_second_process(partial(run_in_second_process, int), "7") == 7  # it may start its own too
    with pytest.raises(ValueError, match="invalid literal"):
        run_in_second_process(int, "x")
    release_ready()
    assert ready_process_id() is None
    _pid, imported = run_in_second_process(_who, ["colorsys"])  # none kept: one spawned for the work
    assert imported == [False] and ready_process_id() is None


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="looks the process up in /proc")
@pytest.mark.usefixtures("kept_ready")
def test_released_or_stopped_the_waiting_process_ends_and_a_dead_one_is_not_used() -> None:
    waiting = ready_process_id()
    assert waiting is not None
    release_ready()
    assert _ended(waiting)
    keep_one_ready(["colorsys"])
    dead = ready_process_id()
    assert dead is not None
    os.kill(dead, signal.SIGKILL)
    assert _ended(dead)
    assert run_in_second_process(int, "3") == 3  # in a new one
    waiting = ready_process_id()
    assert waiting is not None and waiting != dead
    stop_second_processes()  # the window closes
    assert _ended(waiting) and ready_process_id() is None
    assert run_in_second_process(int, "4") == 4 and ready_process_id() is None


def _answer_then_wait(folder: str) -> str:
    """In the second process: answer at once, then wait for the window to say it has the answer."""

    def then() -> None:
        go = Path(folder) / "go"
        deadline = time.monotonic() + 30
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (Path(folder) / "after").write_text("went on after the answer" if go.exists() else "the answer waited")

    after_the_answer(then)
    return "answered"


def test_what_follows_the_answer_is_not_waited_for(tmp_path: Path) -> None:
    """A pack save's recompute copies its WAL into the file after it has answered (`after_the_answer`): the window
    has the answer while that runs, and the process ends once it is done."""
    assert run_in_second_process(_answer_then_wait, str(tmp_path)) == "answered"
    (tmp_path / "go").touch()
    deadline = time.monotonic() + 60
    while not (tmp_path / "after").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (tmp_path / "after").read_text() == "went on after the answer"
