"""A claim's step (not a payout), 修改跟进时间 and 编辑 dialogs send their write against the claim as the
dialog showed it, not as the pane behind reloaded it meanwhile (another seat's change through LISTEN/NOTIFY or F5):
the OK took the pane's newer version, so 小王's 受理 arriving behind an open 升级总部 dialog was escalated over
unseen, and his new claimed amount or follow-up date was written back over, without a word. Now refused naming the
seat, with the form kept; OK again sends it on the claim as it is now. On SQLite and on PostgreSQL (two seats on one
server)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import now, parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_undo import claim_version
from desktop_app.services.claims import ClaimEdit, NewClaim, act_on_claim, edit_claim, open_claim, set_follow_up
from desktop_app.store.claim_rows import ClaimDetail, claim_detail
from desktop_app.store.database import Database, open_database
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog, EditClaimDialog, FollowUpDialog
from desktop_app.ui.claims.claims_tab import ClaimsTab
from desktop_app.ui.context import AppContext
from tests.ui.refused_writes import boxes  # noqa: F401  (autouse fixtures)
from tests.ui.test_claim_dialogs_kept import ok, refused

Seats = tuple[ClaimsTab, Database, Database, int]


@pytest.fixture
def seats_on_claim(qtbot: QtBot, ledger_target: str) -> Iterator[Seats]:
    """This seat's claims tab showing a submitted claim, and 小王's seat on the same ledger."""
    mine = open_database(ledger_target, seat="店主")
    other = open_database(ledger_target, seat="小王")
    case_id = open_case(mine, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.REFUND_ONLY,
                                      reason=CaseReason.LOST, requested=parse_moment("2026-11-20 10:00")),
                        author="店主").case_id
    claim_id = open_claim(mine, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=8000),
                          author="店主").claim_id
    act_on_claim(mine, claim_id, ClaimAction.SUBMIT_STATEMENT, author="店主")
    runner = BackgroundRunner()
    context = AppContext(runner)
    widget = ClaimsTab(context)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    context.set_database(mine)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    widget.detail.show_claim(claim_id)
    qtbot.waitUntil(lambda: widget.detail._detail is not None, timeout=10000)
    yield widget, mine, other, claim_id
    runner.shutdown()
    other.close()
    mine.close()


def fresh(db: Database, claim_id: int) -> ClaimDetail:
    with db.reading() as s:
        return claim_detail(s, claim_id)


def _reloaded(qtbot: QtBot, widget: ClaimsTab, db: Database, claim_id: int) -> None:
    """The pane behind the dialog shows the other seat's change, as it does when the notice arrives."""
    widget.detail.reload()
    qtbot.waitUntil(lambda: widget.detail._detail is not None
                    and widget.detail._detail.version == claim_version(db, claim_id), timeout=10000)


def test_a_step_typed_before_another_seats_step_is_refused_even_after_the_pane_reloaded(
        qtbot: QtBot, seats_on_claim: Seats) -> None:
    widget, mine, other, claim_id = seats_on_claim
    dialog = widget.detail.request_action(ClaimAction.ESCALATE_HQ)
    assert isinstance(dialog, ClaimActionDialog) and not dialog.brings_money()
    dialog.note.setPlainText("网点一直拖着，找总部")
    act_on_claim(other, claim_id, ClaimAction.ACCEPT, note="网点受理了", author="小王")  # while the dialog is open
    _reloaded(qtbot, widget, mine, claim_id)
    ok(dialog)
    text = refused(qtbot, dialog)
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in text, text
    assert dialog.note.toPlainText() == "网点一直拖着，找总部"
    assert fresh(mine, claim_id).status == "accepted"  # not escalated over the 受理 nobody here saw
    qtbot.waitUntil(lambda: dialog.version == claim_version(mine, claim_id), timeout=10000)
    ok(dialog)  # seen now: sent on the claim as it is
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(mine, claim_id).status == "escalated_hq", timeout=10000)


def test_a_follow_up_is_refused_when_the_pane_reloaded_another_seats_date(
        qtbot: QtBot, seats_on_claim: Seats) -> None:
    widget, mine, other, claim_id = seats_on_claim
    dialog = widget.detail.change_follow_up()
    assert isinstance(dialog, FollowUpDialog)
    dialog.clear.setChecked(True)
    theirs = (now() + timedelta(days=3)).replace(microsecond=0)
    set_follow_up(other, claim_id, theirs, "总部说三天后回电", author="小王",
                  expected_version=claim_version(other, claim_id))
    _reloaded(qtbot, widget, mine, claim_id)
    ok(dialog)
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in refused(qtbot, dialog)
    assert fresh(mine, claim_id).follow_up_at == theirs  # not cleared over 小王's new date
    qtbot.waitUntil(lambda: dialog.version == claim_version(mine, claim_id), timeout=10000)
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(mine, claim_id).follow_up_at is None, timeout=10000)


def test_an_edit_is_refused_when_the_pane_reloaded_another_seats_amount_and_then_keeps_it(
        qtbot: QtBot, seats_on_claim: Seats) -> None:
    widget, mine, other, claim_id = seats_on_claim
    dialog = widget.detail.edit_claim()
    assert isinstance(dialog, EditClaimDialog)
    dialog.description.setPlainText("外箱压坏，内件碎裂")
    edit_claim(other, claim_id, ClaimEdit(9900, None, "中通快递", "ZT555000111", None, ClaimIncident.LOST),
               claim_version(other, claim_id), author="小王")
    _reloaded(qtbot, widget, mine, claim_id)
    ok(dialog)
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in refused(qtbot, dialog)
    assert fresh(mine, claim_id).claimed_fen == 9900  # the 80.00 the form still showed not written back
    qtbot.waitUntil(lambda: dialog.version == claim_version(mine, claim_id), timeout=10000)
    assert dialog.claimed.text() in ("99", "99.0", "99.00")  # left alone here: follows 小王's save
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(mine, claim_id).description == "外箱压坏，内件碎裂", timeout=10000)
    assert fresh(mine, claim_id).claimed_fen == 9900

