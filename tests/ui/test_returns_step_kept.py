"""The returns desk's suggested refund keeps the amount typed when it cannot be recorded: the dialog closed at OK
and wrote afterwards, so a ledger locked by another program lost the amount actually refunded (say 59.25 of 79.00)
behind a line in the status bar. Now it stays open, says why, and OK again records it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.returns import InspectionResult
from desktop_app.store.case_queries import case_row
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.refused_writes import boxes, quick_lock  # noqa: F401  (autouse fixtures)
from tests.ui.test_returns_tab import scan_at_the_desk, seeded_path  # noqa: F401  (fixture)


def test_a_refund_amount_typed_is_kept_while_another_program_holds_the_ledger(
        qtbot: QtBot, window: MainWindow, seeded_path: Path) -> None:  # noqa: F811
    tab = scan_at_the_desk(qtbot, window, "75123456789012", shows="宠物猫砂 豆腐砂 6L")
    qtbot.mouseClick(tab.result_buttons[InspectionResult.MISSING], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.suggest_button.isVisible() and "已验货" in tab.found_label.text(), timeout=5000)
    wait_idle(qtbot, window)
    dialog = tab.take_suggestion()
    assert dialog is not None
    dialog.paid.setText("59.25")
    holder = sqlite3.connect(seeded_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.write_problem.isVisible(), timeout=10000)
        assert dialog.isVisible() and dialog.paid.text() == "59.25" and dialog.note.toPlainText() == "验货少件后"
        assert "另一个程序" in dialog.write_problem.text() and "填写的内容都还在" in dialog.write_problem.text()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert case_row(session, 1).status == "return_received"
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    wait_idle(qtbot, window)
    with db.reading() as session:
        row = case_row(session, 1)
        assert (row.status, row.amount_fen) == ("refunded", 5925)
    assert not tab.suggest_button.isVisible()
