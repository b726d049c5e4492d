"""After a payout is recorded in the window, the status bar says what was recorded: the claim, the amount this
time, the total received and what is still outstanding. It said only "理赔 #1 已部分赔付，当前状态：部分赔付"."""

from __future__ import annotations

from PySide6.QtCore import QTranslator
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction, ClaimStatus
from desktop_app.core.op_changes import OpChanges
from desktop_app.services.claims import ClaimOutcome
from desktop_app.store.database import Database
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog
from desktop_app.ui.claims.claims_tab import ClaimsTab
from tests.ui.refused_writes import boxes  # noqa: F401  (autouse fixtures)
from tests.ui.test_claim_ticket import ok, tab  # noqa: F401  (fixture)


def _recorded(qtbot: QtBot, widget: ClaimsTab, action: ClaimAction, amount: str) -> str:
    dialog = widget.detail.request_action(action)
    assert isinstance(dialog, ClaimActionDialog)
    dialog.amount.setText(amount)
    with qtbot.waitSignal(widget.message, timeout=10000) as said:  # the window shows it in its status bar
        ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    return str(said.args[0])


def test_the_status_bar_says_the_payout_the_total_and_what_is_still_owed(
        qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:  # noqa: F811
    widget, _db, claim_id = tab  # claimed 80.00 yuan, statement submitted
    text = _recorded(qtbot, widget, ClaimAction.PAY_PARTIALLY, "30")
    assert text == (f"理赔 #{claim_id} 已部分赔付：本次到账 30.00 元，累计到账 30.00 元，还差 50.00 元未赔；"
                    "当前状态：部分赔付"), text
    qtbot.waitUntil(lambda: widget.detail._detail is not None and widget.detail._detail.status == "partially_paid",
                    timeout=10000)
    text = _recorded(qtbot, widget, ClaimAction.PAY, "")  # the rest, as claimed
    assert "本次到账 50.00 元，累计到账 80.00 元，申请的金额已全部到账" in text, text


def test_the_payout_line_reads_in_english(tab: tuple[ClaimsTab, Database, int], english: QTranslator) -> None:  # noqa: F811
    widget, _db, claim_id = tab
    outcome = ClaimOutcome(ClaimStatus.PARTIALLY_PAID, 3000, None, OpChanges(), 8000, 3000)
    text = widget.detail.said(claim_id, ClaimAction.PAY_PARTIALLY, outcome)
    assert "30.00 yuan received now, 30.00 yuan in all, 50.00 yuan still outstanding" in text, text
    unclaimed = ClaimOutcome(ClaimStatus.PARTIALLY_PAID, 3000, None, OpChanges(), None, 3000)
    assert "no amount claimed entered" in widget.detail.said(claim_id, ClaimAction.PAY_PARTIALLY, unclaimed)
