"""Qt objects left in reference cycles are freed on the GUI thread, not on a worker thread whose
allocations happen to start a collection (ui/gui_collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desktop_app.ui.gui_collector import GuiThreadCollector


class Closed(QObject):
    """A closed dialog's object: it and its callbacks hold each other."""

    def __init__(self) -> None:
        super().__init__()
        self.callback = lambda: self


def leave_in_a_cycle(freed_on: list[str]) -> None:
    closed = Closed()
    weakref.finalize(closed, lambda: freed_on.append(threading.current_thread().name))


def allocate() -> None:
    """What an import or a search does on its thread: many new objects, some in cycles."""
    for _ in range(50_000):
        cell: list[object] = []
        cell.append(cell)


def test_a_qt_object_in_a_cycle_is_freed_on_the_gui_thread(qtbot: QtBot) -> None:
    gc.enable()  # as in a process that just started (the tests' own collector is set aside here)
    collector = GuiThreadCollector()
    freed_on: list[str] = []
    leave_in_a_cycle(freed_on)
    worker = threading.Thread(target=allocate, name="ledger-db_0")
    worker.start()
    worker.join()
    assert freed_on == []  # the worker's allocations started no collection there
    qtbot.waitUntil(lambda: freed_on == [threading.current_thread().name], timeout=5000)
    collector.stop()
    assert gc.isenabled()
    gc.disable()  # the tests' own collector again, until the test's end
