"""A claim's 修改跟进时间, 编辑 and 关联 keep what was typed when the save is refused: they closed at OK and saved
afterwards, so a ledger locked by another program, another seat's edit meanwhile or a case number that does not
exist threw the typed values away behind a message box. Now the dialog stays open with the form as typed, says why
in it, and OK again (the cause gone) saves and closes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_undo import claim_version
from desktop_app.services.claims import ClaimEdit, edit_claim
from desktop_app.store.database import Database
from desktop_app.ui.claims.claim_dialogs import EditClaimDialog, FollowUpDialog, LinkDialog
from desktop_app.ui.claims.claims_tab import ClaimsTab
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from tests.ui.refused_writes import boxes, quick_lock  # noqa: F401  (autouse fixtures)
from tests.ui.test_claim_ticket import fresh, tab  # noqa: F401  (fixture)


def ok(dialog: WritingDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def refused(qtbot: QtBot, dialog: WritingDialog) -> str:
    qtbot.waitUntil(lambda: dialog.write_problem.isVisible(), timeout=10000)
    assert dialog.isVisible() and not dialog.sending
    text = dialog.write_problem.text()
    assert text.startswith("未保存：") and "填写的内容都还在" in text, text
    return text


def test_a_follow_up_typed_is_kept_while_another_program_holds_the_ledger(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int], db_path: Path) -> None:  # noqa: F811
    widget, db, claim_id = tab
    before = fresh(db, claim_id).follow_up_at
    dialog = widget.detail.change_follow_up()
    assert isinstance(dialog, FollowUpDialog)
    dialog.clear.setChecked(True)
    dialog.note.setText("网点说等总部审批")
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        ok(dialog)
        assert "另一个程序" in refused(qtbot, dialog)
        assert dialog.clear.isChecked() and dialog.note.text() == "网点说等总部审批"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert before is not None and fresh(db, claim_id).follow_up_at == before
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(db, claim_id).follow_up_at is None, timeout=10000)


def test_a_claim_edit_typed_is_kept_when_another_seat_saved_first(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:  # noqa: F811
    widget, db, claim_id = tab
    dialog = widget.detail.edit_claim()
    assert isinstance(dialog, EditClaimDialog)
    dialog.claimed.setText("95")
    dialog.description.setPlainText("外箱压坏，内件碎裂")
    edit_claim(db, claim_id, ClaimEdit(8000, None, "中通快递", "ZT555000111", "网点已确认丢件", ClaimIncident.LOST),
               claim_version(db, claim_id), author="小王")
    ok(dialog)
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in refused(qtbot, dialog)
    assert dialog.claimed.text() == "95" and dialog.description.toPlainText() == "外箱压坏，内件碎裂"
    assert fresh(db, claim_id).claimed_fen == 8000 and fresh(db, claim_id).description == "网点已确认丢件"
    qtbot.waitUntil(lambda: dialog.version == claim_version(db, claim_id), timeout=10000)
    assert dialog.tracking.text() == "ZT555000111"  # left alone here: follows 小王's save
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(db, claim_id).claimed_fen == 9500, timeout=10000)
    saved = fresh(db, claim_id)
    assert (saved.description, saved.tracking_no, saved.carrier) == ("外箱压坏，内件碎裂", "ZT555000111", "中通快递")


def test_a_link_to_a_case_that_does_not_exist_is_kept_to_correct(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:  # noqa: F811
    widget, db, claim_id = tab
    other = open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.RESHIP,
                                  reason=CaseReason.LOST), author="测试").case_id
    dialog = widget.detail.link_claim()
    assert isinstance(dialog, LinkDialog)
    dialog.case.setValue(999)  # a case number typed wrong
    ok(dialog)
    assert "999" in refused(qtbot, dialog)
    assert dialog.case.value() == 999
    assert fresh(db, claim_id).case_id != 999
    dialog.case.setValue(other)
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open() or not dialog.sending, timeout=10000)
    assert not dialog.still_open(), dialog.write_problem.text()
    qtbot.waitUntil(lambda: fresh(db, claim_id).case_id == other, timeout=10000)
