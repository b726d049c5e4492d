"""A step's time more than a day ahead of the clock (2062 typed for 2026) is asked about in the window
before it is recorded, as the command line says so on stderr (cli/common.event_moment)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.widgets.china_time import china_now_qt


def _ok(dialog: QDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes], ids=["no", "yes"])
def test_a_time_years_ahead_is_asked_about_before_it_is_recorded(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, answer: QMessageBox.StandardButton) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_a: (asked.append(text), answer)[1])
    dialog = ActionDialog(CaseAction.RECEIVE_RETURN, "#1 退货退款")
    qtbot.addWidget(dialog)
    dialog.at.setDateTime(china_now_qt().addYears(36))  # 2062 for 2026: the 10-day timers then show 2062
    _ok(dialog)
    assert len(asked) == 1 and "在将来" in asked[0] and "输错了年份" in asked[0]
    if answer is QMessageBox.StandardButton.No:
        assert dialog.result() != QDialog.DialogCode.Accepted
    else:
        assert dialog.result() == QDialog.DialogCode.Accepted  # a scenario entered ahead on purpose


def test_a_time_now_in_the_past_or_within_the_day_is_not_asked_about(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: pytest.fail("asked"))
    for shift in (0, -3 * 86400, 6 * 3600):
        dialog = ActionDialog(CaseAction.RECEIVE_RETURN, "#1 退货退款")
        qtbot.addWidget(dialog)
        dialog.at.setDateTime(china_now_qt().addSecs(shift))
        _ok(dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted
