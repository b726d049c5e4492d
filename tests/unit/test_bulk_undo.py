"""A bulk step taken back as one (编辑 → 撤销 after 批量关闭): each case its own undo, a case acted on since
left alone with its reason, and the steps that cannot be undone (money paid, an edit) never offered."""

from __future__ import annotations

import pytest

from desktop_app.core.case_undo import MOVED_ON_SINCE_BATCH
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, Platform, ResponsibleParty
from desktop_app.services.bulk import act_on_cases, assign_responsible, note_on_cases, undo_batch
from desktop_app.services.cases import NewCase, add_note, open_case
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database


def refunds(db: Database, count: int) -> list[int]:
    return [open_case(db, NewCase(Platform.PDD, f"26112{n}-1", CaseKind.REFUND_ONLY),
                      author="小林").case_id for n in range(count)]


def status(db: Database, case_id: int) -> str:
    with db.reading() as session:
        return case_detail(session, case_id).row.status


def test_a_batch_is_undone_as_one_and_a_case_acted_on_since_is_left_alone(db: Database) -> None:
    ids = refunds(db, 4)
    before = {case_id: status(db, case_id) for case_id in ids}
    outcome = act_on_cases(db, ids, CaseAction.CLOSE, note="双11 重复申请", author="小林")
    assert all(r.ok and r.undo_event is not None for r in outcome.results)
    add_note(db, ids[2], "买家来电", author="小王")  # acted on since the batch
    undone = undo_batch(db, [(r.case_id, r.undo_event) for r in outcome.results if r.undo_event is not None],
                        author="小林")
    assert [r.ok for r in undone.results] == [True, True, False, True]
    assert undone.results[2].error == MOVED_ON_SINCE_BATCH
    assert undone.changes.cases
    for case_id in (ids[0], ids[1], ids[3]):
        assert status(db, case_id) == before[case_id]
    assert status(db, ids[2]) == CaseStatus.CLOSED.value
    again = undo_batch(db, [(ids[0], outcome.results[0].undo_event or 0)], author="小林")  # undone already
    assert not again.results[0].ok


def test_steps_that_cannot_be_undone_offer_no_undo(db: Database) -> None:
    ids = refunds(db, 2)
    paid = act_on_cases(db, ids, CaseAction.REFUND, author="小林")
    assert all(r.ok and r.undo_event is None for r in paid.results)  # money paid stays paid
    edited = assign_responsible(db, ids, ResponsibleParty.CARRIER, author="小林")
    assert all(r.ok and r.undo_event is None for r in edited.results)
    noted = note_on_cases(db, ids, "已统一联系", author="小林")
    assert all(r.ok and r.undo_event is not None for r in noted.results)
    add_note(db, ids[0], "买家来电", author="小王")
    undone = undo_batch(db, [(r.case_id, r.undo_event or 0) for r in noted.results], author="小林")
    assert [r.ok for r in undone.results] == [False, True]


def test_a_batchs_undo_reads_the_rules_once_as_its_step_did(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case's undo read and parsed every rule pack again (≈ 150 ms a case, 3/4 of it): 1,792 cases took 186 s
    against the batch's 63 (bench/bench_batch_undo.py). Loaded once for the batch, as `act_on_cases` does."""
    ids = refunds(db, 5)
    outcome = act_on_cases(db, ids, CaseAction.CLOSE, note="双11 重复申请", author="小林")
    loads: list[object] = []
    real = RuleContext.load.__func__  # type: ignore[attr-defined]

    def counted(cls: type[RuleContext], where: object = None) -> RuleContext:
        loads.append(where)
        return real(cls, where)  # type: ignore[no-any-return]

    monkeypatch.setattr(RuleContext, "load", classmethod(counted))
    undone = undo_batch(db, [(r.case_id, r.undo_event or 0) for r in outcome.results], author="小林")
    assert all(r.ok for r in undone.results)
    assert len(loads) <= 2, loads  # once (a team ledger: its Database, then the session that reads its rules)
    for case_id in ids:
        assert status(db, case_id) == CaseStatus.PENDING.value
