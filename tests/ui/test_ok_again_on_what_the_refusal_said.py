"""A step or ticket dialog refused because another seat changed the record sends OK again against the record as the
refusal said it (the version the refusal read under the record's lock), not against a version read afterwards nor
the pane's reloaded one.

Two ways this went wrong: the 理赔单号 dialog took the pane's version, so a third seat's ticket arriving behind the
refusal (the pane reloads it) was written over unseen; and every step dialog read the version again after the
refusal, so an OK pressed before that read came back (a loaded machine) was refused a second time — the reason
test_step_dialog_kept timed out under load. On SQLite and on PostgreSQL (two seats on one server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction
from desktop_app.core.clock import Moment, now
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.cases import CaseEdit, NewCase, case_version, edit_case, open_case
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claim_undo import claim_version
from desktop_app.services.claims import set_follow_up
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database, open_database
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_detail import CaseDetailPane
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog
from desktop_app.ui.claims.claim_ticket_dialog import ClaimTicketDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from tests.ui.refused_writes import boxes  # noqa: F401  (autouse fixtures)
from tests.ui.test_claim_dialogs_keep_what_they_showed import Seats, _reloaded, fresh, seats_on_claim  # noqa: F401
from tests.ui.test_claim_dialogs_kept import ok, refused


def _ok_the_instant_it_is_refused(dialog: WritingDialog) -> list[str]:
    """OK pressed again within the refusal's own callback, before anything the window queues after it has run:
    the quickest user on the busiest machine. Returns the refusals said, the first one as it was shown."""
    said: list[str] = []
    shown = dialog.not_written

    def not_written(why: str) -> None:
        shown(why)
        said.append(why)
        if len(said) == 1:
            ok(dialog)

    dialog.not_written = not_written  # type: ignore[method-assign]
    return said


def _edit_by_other(other: Database, case_id: int, platform_case_no: str) -> None:
    edit_case(other, case_id, CaseEdit(reason=CaseReason.WRONG_ITEM, refund_fen=4990, compensation_fen=None,
                                       responsible=ResponsibleParty.CARRIER, platform_case_no=platform_case_no),
              expected_version=case_version(other, case_id), author="小王")


@pytest.fixture
def case_seats(qtbot: QtBot, ledger_target: str) -> Iterator[tuple[CaseDetailPane, Database, Database, int]]:
    """This seat's case pane showing a new 仅退款 case, and 小王's seat on the same ledger."""
    mine = open_database(ledger_target, seat="店主")
    other = open_database(ledger_target, seat="小王")
    case_id = open_case(mine, NewCase(platform=Platform.TAOBAO, order_no="4100000000000000321",
                                      kind=CaseKind.REFUND_ONLY, reason=CaseReason.WRONG_ITEM, refund_fen=4990,
                                      requested=Moment(now() - timedelta(hours=1))), author="店主").case_id
    runner = BackgroundRunner()
    context = AppContext(runner)
    widget = CaseDetailPane(context)
    qtbot.addWidget(widget)
    widget.show()
    context.set_database(mine)
    widget.show_case(case_id)
    qtbot.waitUntil(lambda: widget._detail is not None and "reject" in widget.action_buttons(), timeout=10000)
    yield widget, mine, other, case_id
    runner.shutdown()
    other.close()
    mine.close()


def test_a_ticket_sent_again_after_a_refusal_is_refused_again_when_a_third_change_came_behind_it(
        qtbot: QtBot, seats_on_claim: Seats) -> None:  # noqa: F811
    """After one refusal the dialog keeps the version the refusal named; 小王's ticket saved after it, which the pane
    behind reloads, is refused too (OK again took the pane's version and wrote ZT-MINE over ZT-0009 unseen)."""
    widget, mine, other, claim_id = seats_on_claim
    dialog = widget.detail.edit_ticket()
    assert isinstance(dialog, ClaimTicketDialog)
    dialog.number.setText("ZT-MINE-01")
    set_follow_up(other, claim_id, None, author="小王", expected_version=claim_version(other, claim_id))
    ok(dialog)
    assert f"理赔 #{claim_id} 刚被 小王 修改了" in refused(qtbot, dialog)
    assert dialog.version == claim_version(mine, claim_id)  # named by the refusal, nothing read after it
    set_claim_ticket(other, claim_id, ClaimTicket("ZT-0009", None, "网点王经理", None),
                     expected_version=claim_version(other, claim_id), author="小王")
    _reloaded(qtbot, widget, mine, claim_id)
    dialog.write_problem.clear()
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.sending, timeout=10000)
    assert dialog.still_open() and "刚被 小王 修改了" in dialog.write_problem.text(), dialog.write_problem.text()
    assert fresh(mine, claim_id).ticket_no == "ZT-0009"  # not written over unseen
    assert dialog.number.text() == "ZT-MINE-01"
    ok(dialog)  # told now: saved over the claim as the refusal said it
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    qtbot.waitUntil(lambda: fresh(mine, claim_id).ticket_no == "ZT-MINE-01", timeout=10000)


@pytest.mark.parametrize("which", ["ticket", "step"])
def test_a_claim_dialog_ok_again_the_instant_it_is_refused_is_saved(
        qtbot: QtBot, seats_on_claim: Seats, which: str) -> None:  # noqa: F811
    widget, mine, other, claim_id = seats_on_claim
    dialog: WritingDialog | None
    saved: Callable[[], bool]
    if which == "ticket":
        dialog = widget.detail.edit_ticket()
        assert isinstance(dialog, ClaimTicketDialog)
        dialog.number.setText("ZT-MINE-01")
        saved = lambda: fresh(mine, claim_id).ticket_no == "ZT-MINE-01"  # noqa: E731
    else:
        dialog = widget.detail.request_action(ClaimAction.ESCALATE_HQ)
        assert isinstance(dialog, ClaimActionDialog)
        dialog.note.setPlainText("网点一直拖着，找总部")
        saved = lambda: fresh(mine, claim_id).status == "escalated_hq"  # noqa: E731
    said = _ok_the_instant_it_is_refused(dialog)
    set_follow_up(other, claim_id, None, note="网点说再等等", author="小王",
                  expected_version=claim_version(other, claim_id))
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    assert len(said) == 1 and f"理赔 #{claim_id} 刚被 小王 修改了" in said[0], said
    qtbot.waitUntil(saved, timeout=10000)


def test_a_case_step_ok_again_the_instant_it_is_refused_is_saved(
        qtbot: QtBot, case_seats: tuple[CaseDetailPane, Database, Database, int]) -> None:
    widget, mine, other, case_id = case_seats
    widget.request_action(CaseAction.REJECT)
    dialog = widget.findChild(ActionDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.note.setPlainText("买家已在平台撤回申请")
    said = _ok_the_instant_it_is_refused(dialog)
    _edit_by_other(other, case_id, "TB-OTHER-02")
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    assert len(said) == 1 and f"售后单 #{case_id} 刚被 小王 修改了" in said[0], said
    with mine.reading() as s:
        assert case_detail(s, case_id).row.status == "rejected"
        assert case_detail(s, case_id).platform_case_no == "TB-OTHER-02"
