"""The rules dialog opened from the window keeps a second process ready for the recompute after a save
(services/second_process.keep_one_ready), and its closing ends it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.services.second_process import ready_process_id
from desktop_app.ui.rules.rules_dialog import RulesDialog
from desktop_app.ui.window.main_window import MainWindow


def test_the_rules_dialog_keeps_a_second_process_ready_while_it_is_open(qtbot: QtBot, window: MainWindow) -> None:
    assert ready_process_id() is None
    window.open_rules()
    dialog = window.findChild(RulesDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ready)
    assert ready_process_id() is not None
    dialog.reject()
    assert ready_process_id() is None
