"""The claims tab: the courier's ticket details and the payout channel, through the real dialogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.claim_rows import ClaimDetail, claim_detail
from desktop_app.store.database import Database, open_database
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog
from desktop_app.ui.claims.claim_ticket_dialog import ClaimTicketDialog
from desktop_app.ui.claims.claims_tab import ClaimsTab
from desktop_app.ui.context import AppContext


@pytest.fixture
def tab(qtbot: QtBot, db_path: Path) -> Iterator[tuple[ClaimsTab, Database, int]]:
    db = open_database(db_path)
    case_id = open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.REFUND_ONLY,
                                    reason=CaseReason.LOST, requested=parse_moment("2026-11-20 10:00")),
                        author="测试").case_id
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=8000),
                          author="测试").claim_id
    act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, author="测试")
    runner = BackgroundRunner()
    context = AppContext(runner)
    widget = ClaimsTab(context)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    context.set_database(db)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    widget.detail.show_claim(claim_id)
    qtbot.waitUntil(lambda: widget.detail._detail is not None, timeout=10000)
    yield widget, db, claim_id
    runner.shutdown()
    db.close()


def fresh(db: Database, claim_id: int) -> ClaimDetail:
    with db.reading() as s:
        return claim_detail(s, claim_id)


def ok(dialog: ClaimTicketDialog | ClaimActionDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_ticket_details_are_saved_and_shown(qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:
    widget, db, claim_id = tab
    dialog = widget.detail.edit_ticket()
    assert dialog is not None
    dialog.number.setText("ZT-LP-0091")
    dialog.level.setCurrentIndex(dialog.level.findData("outlet"))
    dialog.contact.setText("西湖网点 王经理")
    dialog.reported_known.setChecked(True)
    ok(dialog)
    qtbot.waitUntil(lambda: fresh(db, claim_id).ticket_no == "ZT-LP-0091", timeout=10000)
    d = fresh(db, claim_id)
    assert (d.contact_level, d.contact) == ("outlet", "西湖网点 王经理") and d.reported_at is not None
    qtbot.waitUntil(lambda: "ZT-LP-0091" in widget.detail.summary.toPlainText(), timeout=10000)
    assert "网点" in widget.detail.summary.toPlainText()


def test_a_partial_payment_keeps_its_channel(qtbot: QtBot, tab: tuple[ClaimsTab, Database, int]) -> None:
    widget, db, claim_id = tab
    dialog = widget.detail.request_action(ClaimAction.PAY_PARTIALLY)
    assert isinstance(dialog, ClaimActionDialog)
    assert dialog.channel.isVisibleTo(dialog)
    dialog.amount.setText("30")
    dialog.channel.setCurrentIndex(dialog.channel.findData("freight_deduction"))
    ok(dialog)
    qtbot.waitUntil(lambda: len(fresh(db, claim_id).payouts) == 1, timeout=10000)
    payout = fresh(db, claim_id).payouts[0]
    assert (payout.amount_fen, payout.channel) == (3000, "freight_deduction")
    qtbot.waitUntil(lambda: "运费抵扣" in widget.detail.summary.toPlainText(), timeout=10000)
    refuse = widget.detail.request_action(ClaimAction.ESCALATE_HQ)
    assert isinstance(refuse, ClaimActionDialog) and not refuse.channel.isVisibleTo(refuse)
    refuse.reject()
