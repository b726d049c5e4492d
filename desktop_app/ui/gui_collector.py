"""Python's garbage collector runs on the GUI thread only.

A window, a dialog, a tab's context are Qt objects in reference cycles with their Python callbacks: once
closed, only the garbage collector frees them. Left automatic, it runs on whichever thread allocates when
a generation fills up — the worker importing orders, the reading thread searching — and destroys those Qt
objects there, beside the GUI thread that is using Qt at that moment: a test worker crashed in the GUI
thread's event loop, or hung with the ledger-db thread in QObject::~QObject inside gc_collect_main while
the GUI thread built a window (issue 18; stopped reads and the aside counts made such cycles common).
Here automatic collection is off and a timer on the GUI thread collects the generations Python would have
collected, by the same thresholds; a collection holds Python's lock as it always did, now at a known place.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiThreadCollector(QObject):
    """While it lives, the garbage collector runs on the thread it was made on (the GUI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as the automatic collector
        would (a younger one is collected with it)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Collect everything now, here, and give collecting back to Python (automatic again)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
