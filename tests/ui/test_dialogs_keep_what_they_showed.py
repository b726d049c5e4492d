"""A case's step or edit dialog sends its write against the case as the dialog showed it, not as the pane behind it
reloaded meanwhile (another seat's change arriving through LISTEN/NOTIFY or F5): the OK then applied the step to a
state its user never saw (关闭 over another seat's 退款) or wrote the amount the form still showed over the other seat's
new one, without a word. Now refused naming the seat, the form kept; OK again acts on the case as it is now."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseReason
from desktop_app.services.cases import CaseEdit, act_on_case, case_version, edit_case
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database
from desktop_app.ui.cases.case_detail import CaseDetailPane
from desktop_app.ui.cases.case_dialogs import ActionDialog, EditCaseDialog
from tests.ui.refused_writes import boxes  # noqa: F401  (autouse fixtures)
from tests.ui.test_case_edits_kept import ok, pane, refused  # noqa: F401  (fixture)

REASON = "买家说不要了，关闭"


def _reloaded(qtbot: QtBot, widget: CaseDetailPane, db: Database, case_id: int) -> None:
    """The pane behind the dialog shows the other seat's change, as it does when the notice arrives."""
    widget.reload()
    qtbot.waitUntil(lambda: widget._detail is not None and widget._detail.version == case_version(db, case_id),
                    timeout=10000)


def test_a_close_typed_before_another_seats_refund_is_refused_even_after_the_pane_reloaded(
        qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    widget, db, case_id = pane
    monkeypatch.setattr(QMessageBox, "information", lambda *_args: None)  # 平台已先处理: the request was days ago
    widget.request_action(CaseAction.CLOSE)
    dialog = widget.findChild(ActionDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.note.setPlainText(REASON)
    act_on_case(db, case_id, CaseAction.REFUND, note="已退 49.90", author="小王")  # while the dialog is open
    _reloaded(qtbot, widget, db, case_id)
    ok(dialog)
    text = refused(qtbot, dialog)
    assert f"售后单 #{case_id} 刚被 小王 修改了" in text, text
    assert dialog.note.toPlainText() == REASON
    with db.reading() as s:
        assert case_detail(s, case_id).row.status == "refunded"  # not closed over the refund nobody here saw
    qtbot.waitUntil(lambda: dialog.version == case_version(db, case_id), timeout=10000)  # read again behind it
    ok(dialog)  # seen now: sent on the case as it is
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    with db.reading() as s:
        assert case_detail(s, case_id).row.status == "closed"


def test_an_edit_is_refused_when_the_pane_reloaded_another_seats_amount_and_then_keeps_it(
        qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:  # noqa: F811
    widget, db, case_id = pane
    dialog = widget.edit_case()
    assert isinstance(dialog, EditCaseDialog)
    dialog.platform_case_no.setText("TB-MINE-01")
    edit_case(db, case_id, CaseEdit(reason=CaseReason.WRONG_ITEM, refund_fen=3990, compensation_fen=None,
                                    responsible=None, platform_case_no=None),
              expected_version=case_version(db, case_id), author="小王")
    _reloaded(qtbot, widget, db, case_id)
    ok(dialog)
    text = refused(qtbot, dialog)
    assert f"售后单 #{case_id} 刚被 小王 修改了" in text, text
    with db.reading() as s:
        assert case_detail(s, case_id).refund_fen == 3990  # the old 49.90 the form showed not written back
    qtbot.waitUntil(lambda: dialog.version == case_version(db, case_id), timeout=10000)
    assert dialog.refund.text() in ("39.9", "39.90")  # left alone here: follows 小王's save
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    with db.reading() as s:
        saved = case_detail(s, case_id)
    assert (saved.platform_case_no, saved.refund_fen) == ("TB-MINE-01", 3990)
