"""A background thread at the system's lowest priority: the GUI thread and the reading thread the user waits for get the
cores first (a complete integrity check at a million cases is 7.5 s of a core; the search pages' warming reads a
gigabyte). Where the system ties a thread's disk priority to it (Linux's default, Windows' background mode), its
reads wait behind theirs too."""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

_WINDOWS_BACKGROUND_MODE = 0x00010000  # THREAD_MODE_BACKGROUND_BEGIN: low CPU, disk and memory priority


def lower_this_threads_priority() -> None:
    """The calling thread at the system's lowest priority (its disk reads too, where the system ties them to it)."""
    try:
        if sys.platform == "win32":
            import ctypes  # here: loaded with the main window, it cost every start-up 7–50 ms

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), _WINDOWS_BACKGROUND_MODE)
        elif sys.platform.startswith("linux"):  # a thread is a task of its own; its disk priority follows
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    except OSError as error:
        log.info("thread priority unchanged: %s", error)
