"""A step dialog whose write fails keeps what was typed (issue 18): another seat changed the case or claim while it
was open; the dialog closed at OK and a message box said why, and the reason typed was gone. Now it stays open with
the form as typed, says why above it (naming the seat), and OK again sends it on the record as it is now."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.core.claims import ClaimAction
from desktop_app.core.lifecycle import CaseAction
from desktop_app.services.cases import act_on_case
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claims import act_on_claim
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import AuditEvent, Case
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog
from desktop_app.ui.claims.claim_ticket_dialog import ClaimTicketDialog
from desktop_app.ui.claims.claims_tab import ClaimsTab
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path, visible_case_ids  # noqa: F401  (fixtures)
from tests.ui.test_claim_ticket import fresh, ok, tab  # noqa: F401  (fixture)

REASON = "买家已在平台撤回申请，不再补发"


def _as_another_seat(path: Path) -> Database:
    return open_database(path)


def test_a_reject_reason_typed_is_kept_when_another_seat_closed_the_case_and_sent_again(
        qtbot: QtBot, window: MainWindow, case_ids: list[int], seeded_path: Path) -> None:  # noqa: F811
    """小王 closes the case while 小李's 拒绝 dialog is open; the closed case leaves 小李's list of open cases and the
    pane behind the dialog with it. OK: refused naming 小王 (the version the dialog was opened on), the reason kept;
    小王 reopens it, and OK sends the reason again on the case as it is now (told once more, naming 小王, if the
    reopening had not reached this window yet)."""
    cases = window.cases_tab
    window.refresh()
    qtbot.waitUntil(lambda: len(visible_case_ids(window)) == 2, timeout=5000)
    case_id = case_ids[0]
    cases.select_case(case_id)
    qtbot.waitUntil(lambda: cases.detail.case_id == case_id and "reject" in cases.detail.action_buttons(),
                    timeout=5000)
    qtbot.mouseClick(cases.detail.action_buttons()["reject"], Qt.MouseButton.LeftButton)
    dialog = cases.detail.findChild(ActionDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.note.setPlainText(REASON)
    other = _as_another_seat(seeded_path)
    try:
        act_on_case(other, case_id, CaseAction.CLOSE, note="买家撤销", author="小王")  # while the dialog is open
        window.refresh()  # as the other seat's change arrives: the closed case leaves the list of open cases
        qtbot.waitUntil(lambda: case_id not in visible_case_ids(window), timeout=10000)
        dialog._accept()
        qtbot.waitUntil(lambda: dialog.write_problem.isVisible(), timeout=10000)
        assert dialog.isVisible() and dialog.note.toPlainText() == REASON  # what was typed is still there
        assert dialog.height() >= dialog.sizeHint().height()  # the lines said above it do not squeeze the form
        assert f"售后单 #{case_id} 刚被 小王 修改了" in dialog.write_problem.text(), dialog.write_problem.text()
        assert "未保存" in dialog.write_problem.text()
        wait_idle(qtbot, window)
        act_on_case(other, case_id, CaseAction.REOPEN, author="小王")
        window.refresh()
        wait_idle(qtbot, window)
        for _attempt in range(2):  # sent again, on the case as it is now
            dialog.write_problem.clear()
            dialog._accept()
            qtbot.waitUntil(lambda: not dialog.isVisible() or bool(dialog.write_problem.text()), timeout=10000)
            wait_idle(qtbot, window)
            if not dialog.isVisible():
                break
            assert "小王" in dialog.write_problem.text() and dialog.note.toPlainText() == REASON
        assert not dialog.isVisible()
        with other.reading() as s:
            assert s.get(Case, case_id).status == "rejected"  # type: ignore[union-attr]
            reject = s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                        AuditEvent.action == "reject")).one()
        assert reject.note == REASON
    finally:
        other.close()


def test_a_claim_step_and_a_ticket_typed_are_kept_when_another_seat_saved_first(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int], db_path: Path) -> None:  # noqa: F811
    """The window's side of two seats' ticket details at once: the second is told who saved first and keeps its
    number; sent again, it is saved over the claim as it is now."""
    widget, db, claim_id = tab
    ticket = widget.detail.edit_ticket()
    assert isinstance(ticket, ClaimTicketDialog)
    ticket.number.setText("ZT-MINE-01")
    set_claim_ticket(db, claim_id, ClaimTicket("ZT-OTHER-02", None, "网点 王经理", None), author="小王")
    ok(ticket)
    qtbot.waitUntil(lambda: ticket.write_problem.isVisible(), timeout=10000)
    assert ticket.isVisible() and ticket.number.text() == "ZT-MINE-01"
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in ticket.write_problem.text()
    assert fresh(db, claim_id).ticket_no == "ZT-OTHER-02"  # nothing written over it
    qtbot.waitUntil(lambda: "ZT-OTHER-02" in widget.detail.summary.toPlainText(), timeout=10000)
    ok(ticket)
    qtbot.waitUntil(lambda: not ticket.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(db, claim_id).ticket_no == "ZT-MINE-01", timeout=10000)

    step = widget.detail.request_action(ClaimAction.PAY_PARTIALLY)
    assert isinstance(step, ClaimActionDialog)
    step.amount.setText("30")
    step.note.setPlainText("网点说下周再赔剩下的")
    act_on_claim(db, claim_id, ClaimAction.ESCALATE_HQ, note="升级到总部", author="小王")
    ok(step)
    qtbot.waitUntil(lambda: step.write_problem.isVisible(), timeout=10000)
    assert step.isVisible() and step.amount.text() == "30" and step.note.toPlainText() == "网点说下周再赔剩下的"
    assert "小王" in step.write_problem.text()
    qtbot.waitUntil(lambda: widget.detail.detail is not None and widget.detail.detail.status == "escalated_hq",
                    timeout=10000)
    ok(step)
    qtbot.waitUntil(lambda: not step.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: len(fresh(db, claim_id).payouts) == 1, timeout=10000)
    assert fresh(db, claim_id).payouts[0].amount_fen == 3000


def test_a_payout_typed_while_another_seat_recorded_one_is_refused_once_even_after_the_pane_reloaded(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:  # noqa: F811
    """小李's 部分赔付 dialog is open with the bank's 10.00 typed; 小王 records that transfer meanwhile and the pane
    behind the dialog reloads to 已到账 10.00 (another seat's change arriving). OK sent the payout against the reloaded
    claim and it counted 20.00 received, nobody told. Now refused naming 小王, the form kept; OK again (seen: another
    payment) records it."""
    widget, db, claim_id = tab
    step = widget.detail.request_action(ClaimAction.PAY_PARTIALLY)
    assert isinstance(step, ClaimActionDialog)
    step.amount.setText("10")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=1000, author="小王")
    widget.detail.reload()
    qtbot.waitUntil(lambda: widget.detail.detail is not None and widget.detail.detail.received_fen == 1000,
                    timeout=10000)
    ok(step)
    qtbot.waitUntil(lambda: step.write_problem.isVisible(), timeout=10000)
    assert step.isVisible() and step.amount.text() == "10"
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in step.write_problem.text(), step.write_problem.text()
    assert len(fresh(db, claim_id).payouts) == 1
    qtbot.waitUntil(lambda: step.version == fresh(db, claim_id).version, timeout=10000)  # the claim read again
    ok(step)
    qtbot.waitUntil(lambda: not step.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: len(fresh(db, claim_id).payouts) == 2, timeout=10000)
