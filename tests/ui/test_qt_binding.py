"""Guards against a Qt binding that breaks us: PySide6 6.12.0 drops a reference to True/False on
every bool signal delivered to Python (QCheckBox.toggled, QPushButton.clicked ...) and the
interpreter aborts after a while. pyproject pins it out; this test fails if it comes back."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    flag = Signal(bool)


def test_bool_signals_keep_reference_counts(qapp: object) -> None:
    emitter = Emitter()
    received: list[bool] = []
    emitter.flag.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(2000):
        emitter.flag.emit(True)
    received.clear()
    assert abs(sys.getrefcount(True) - before) < 10


def test_a_result_for_a_closed_dialog_is_dropped(qtbot: object) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop_app.ui.background import BackgroundRunner

    runner = BackgroundRunner()
    label = QLabel()
    label.deleteLater()
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(label, QEvent.Type.DeferredDelete)
    done: list[int] = []
    runner.run(lambda: 1, lambda v: (label.setText(str(v)), done.append(v)))
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)  # type: ignore[attr-defined]
    assert done == []  # the callback hit a deleted widget; nothing raised into the event loop
    runner.shutdown()


def test_a_failure_after_the_window_closed_is_not_shown(qtbot: object) -> None:
    """A start-up job stopped by the window's close (a recompute in a second process) fails after the
    runner shut down: no error dialog may open then (it kept the closed app running, invisible)."""
    import threading

    from desktop_app.core.errors import UserError
    from desktop_app.ui.background import BackgroundRunner

    runner = BackgroundRunner()
    shown: list[str] = []
    runner.failed.connect(shown.append)
    release = threading.Event()

    def stopped() -> None:
        release.wait(5)
        raise UserError("重新计算时限的后台进程已结束")

    runner.write(stopped)
    threading.Timer(0.3, release.set).start()
    runner.shutdown()  # waits for the job, which fails meanwhile
    qtbot.wait(200)  # type: ignore[attr-defined]  # the failure's queued delivery
    assert shown == []
