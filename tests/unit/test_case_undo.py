"""Undo the last step of a case: what can be taken back, what cannot, and what an undo leaves behind."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.core.case_undo import IRREVERSIBLE, UNDO_KIND, undo_choice
from desktop_app.core.errors import ActionNotAllowed, StaleData
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions, transition
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import (
    CaseEdit,
    UndoneStep,
    act_on_case,
    add_note,
    edit_case,
    undo_last_step,
    undo_offer,
)
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Case
from desktop_app.store.rows import EventRow
from tests.unit.test_lifecycle_service import at, new_case, open_timers, status_of

A, S = CaseAction, CaseStatus


def undone(step: UndoneStep) -> tuple[str, S]:
    return step.title, step.status


def events(db: Database, case_id: int) -> list[AuditEvent]:
    with db.reading() as s:
        found = list(s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)))
        s.expunge_all()
        return found


def version(db: Database, case_id: int) -> int:
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.version


def test_an_agreement_is_taken_back_with_its_deadlines(db: Database) -> None:
    case_id = new_case(db, Platform.TAOBAO, CaseKind.RETURN_REFUND, CaseReason.QUALITY, "U1",
                       (A.AGREE_RETURN, "2026-11-20 12:00"), (A.BUYER_SHIPPED_RETURN, "2026-11-21 09:00"))
    assert "seller_confirm_return" in open_timers(db, case_id)
    offer = undo_offer(db, case_id)
    assert offer.possible and offer.title == "买家已寄回"

    assert undone(undo_last_step(db, case_id, version(db, case_id), author="店主")) == ("买家已寄回", S.AWAITING_RETURN)
    assert "seller_confirm_return" not in open_timers(db, case_id)  # its milestone is no longer read
    assert "buyer_ship_return" in open_timers(db, case_id)

    title, status = undone(undo_last_step(db, case_id, author="店主"))
    assert (title, status) == ("同意退货", S.PENDING)
    assert status_of(db, case_id)[:2] == ("pending", True)
    # The buyer's 7 days no longer run from the shop's agreement; only from the agreement the platform
    # gives by itself once the (assumed) 5 days to answer the 20 November request ran out.
    with db.reading() as s:
        ship = [d for d in case_deadlines(s, case_id) if d.timer_id == "buyer_ship_return"]
    assert [(d.starts_at, d.status.value) for d in ship] == [(at("2026-11-25 10:00"), "open")]

    # The audit trail keeps both steps, each marked with the undo that took it back.
    log = events(db, case_id)
    undos = [e for e in log if e.kind == UNDO_KIND]
    assert [u.note for u in undos] == ["撤销“买家已寄回”", "撤销“同意退货”"]
    assert [(u.from_state, u.to_state, u.author) for u in undos] == [
        ("awaiting_return", "awaiting_return", "店主"), ("awaiting_return", "pending", "店主")]
    taken_back = {e.action: e.undone_by for e in log if e.kind == "action"}
    assert taken_back == {"agree_return": undos[1].id, "buyer_shipped_return": undos[0].id}

    # Then only the creation is left, which is not undone; an undo is never undone either.
    with pytest.raises(ActionNotAllowed, match="新建的售后单不能撤销"):
        undo_last_step(db, case_id)
    # The case goes on as if the steps had not happened.
    act_on_case(db, case_id, A.AGREE_RETURN, author="店主")
    assert status_of(db, case_id)[0] == "awaiting_return"


@pytest.mark.parametrize(("kind", "steps", "action"), [
    (CaseKind.REFUND_ONLY, [], A.REFUND),
    (CaseKind.RETURN_REFUND, [A.AGREE_RETURN], A.REFUND_IN_TRANSIT),
    (CaseKind.PARTIAL_REFUND, [], A.COMPENSATE),
    (CaseKind.RESHIP, [A.AGREE_RESHIP], A.SHIP_RESHIP),
    (CaseKind.EXCHANGE, [A.AGREE_RETURN, A.RECEIVE_RETURN], A.SHIP_EXCHANGE),
])
def test_money_paid_or_a_parcel_sent_is_never_undone(db: Database, kind: CaseKind, steps: list[CaseAction],
                                                     action: CaseAction) -> None:
    case_id = new_case(db, Platform.DOUYIN, kind, CaseReason.DAMAGED, f"N-{action.value}",
                       *[(s, "2026-11-20 12:00") for s in steps], (action, "2026-11-20 13:00"))
    before = (status_of(db, case_id), len(events(db, case_id)))
    offer = undo_offer(db, case_id)
    assert not offer.possible and offer.refused is not None and IRREVERSIBLE[action] in offer.refused
    with pytest.raises(ActionNotAllowed, match="无法撤销"):
        undo_last_step(db, case_id)
    assert (status_of(db, case_id), len(events(db, case_id))) == before  # nothing written


def test_a_reship_agreement_moved_its_reship_and_is_not_undone(db: Database) -> None:
    case_id = new_case(db, Platform.DOUYIN, CaseKind.RESHIP, CaseReason.MISSING_ITEM, "R1",
                       (A.AGREE_RESHIP, "2026-11-20 12:00"))
    with pytest.raises(ActionNotAllowed, match="补发记录"):
        undo_last_step(db, case_id)
    # On other kinds the same closing is undone.
    other = new_case(db, Platform.DOUYIN, CaseKind.REFUND_ONLY, CaseReason.DAMAGED, "R2",
                     (A.START, "2026-11-20 12:00"), (A.CLOSE, "2026-11-20 13:00"))
    assert undone(undo_last_step(db, other)) == ("关闭", S.PROCESSING)
    assert status_of(db, other)[:2] == ("processing", True)


def test_notes_are_undone_edits_are_not_and_a_stale_window_is_refused(db: Database) -> None:
    case_id = new_case(db, Platform.PDD, CaseKind.REFUND_ONLY, CaseReason.QUALITY, "M1", (A.START, "2026-11-20 12:00"))
    add_note(db, case_id, "买家说周五前处理", author="店主")
    assert undo_offer(db, case_id).title == "备注"
    old = version(db, case_id)
    add_note(db, case_id, "第二条", author="店主")
    with pytest.raises(StaleData):
        undo_last_step(db, case_id, expected_version=old)
    assert undone(undo_last_step(db, case_id)) == ("备注", S.PROCESSING)
    assert [e.note for e in events(db, case_id) if e.kind == "note" and e.undone_by is None] == ["买家说周五前处理"]

    edit_case(db, case_id, CaseEdit(CaseReason.DAMAGED, None, None, None, None), version(db, case_id))
    with pytest.raises(ActionNotAllowed, match="修改不能撤销"):
        undo_last_step(db, case_id)


def row(event_id: int, kind: str, action: CaseAction | None, to_state: CaseStatus | None,
        subject: str = "case") -> EventRow:
    moment = at("2026-11-20 12:00")
    return EventRow(event_id, moment, moment, "", subject, kind, action.value if action else None, None, None,
                    to_state.value if to_state else None, None, False)


@pytest.mark.parametrize("kind", list(CaseKind))
def test_which_actions_can_be_undone(kind: CaseKind) -> None:
    """Every action a case of each kind can take from its first states: undoable unless it paid
    money or sent a parcel (or moved a reship record)."""
    created = row(1, "created", None, S.PENDING)
    for status in (S.PENDING, S.PROCESSING):
        for action in allowed_actions(kind, status):
            target = transition(kind, status, action).target or status
            choice = undo_choice(kind, target, [created, row(2, "action", action, target)])
            refused = action in IRREVERSIBLE or (kind is CaseKind.RESHIP and action in {
                A.AGREE_RESHIP, A.REJECT, A.CLOSE, A.REOPEN, A.RESUME})
            assert choice.possible is not refused, (kind, status, action, choice)
    # A later reship or claim record on the case, or a state changed since, blocks the undo.
    step = row(2, "action", A.START, S.PROCESSING)
    assert not undo_choice(kind, S.PROCESSING, [created, step, row(3, "action", None, None, "claim")]).possible
    assert not undo_choice(kind, S.CLOSED, [created, step]).possible


def test_case_undo_on_the_command_line(capsys: pytest.CaptureFixture[str], ledger_target: str) -> None:
    def cli(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    assert cli("case", "add", "--db", ledger_target, "--platform", "taobao", "--order", "123456",
               "--kind", "return_refund")[0] == 0
    assert cli("case", "act", "--db", ledger_target, "1", "agree_return")[0] == 0
    code, out, _ = cli("case", "undo", "--db", ledger_target, "1", "--json")
    assert code == 0 and json.loads(out) == {"id": 1, "undone": "同意退货", "status": "pending"}
    code, out, err = cli("case", "undo", "--db", ledger_target, "1")
    assert code == 2 and out == "" and "新建的售后单不能撤销" in err
