"""A buyer who asks again after the shop's refusal (重新打开 of a refused case) makes a new request: the
shop's answer timers run again from it, and the platform acts again when they run out.

Seed 002 (天猫): "你申請退款後,「等待商家處理退款申請」回的期限是5天 …中途可以選擇「修改退款申請」", and a
modification is a request ("期間申請/修改退款的"); seed 004 (抖店 补寄): "若商家拒絕或超時未發貨,用戶可在48小時
內修改申請或申請平臺介入". Before, the reopened case showed no answer deadline at all (or the first
round's, long run out) while the platform refunded or agreed by itself days later."""

from __future__ import annotations

import pytest

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import list_deadlines
from tests.unit.test_reships import moment, reship_case, rows
from tests.unit.test_seed_rules import MET, OPEN, SEEDS, at, compute


def test_seed002_a_request_modified_after_the_refusal_has_the_shops_5_days_again() -> None:
    seed = SEEDS / "002_4d944ba41a3c78c9.txt"
    if seed.is_file():
        assert "中途可以選擇「修改退款申請」" in seed.read_text(encoding="utf-8")
    for pack, timer in (("tmall", "seller_answer_request"), ("taobao", "seller_answer_request")):
        found = compute(pack, "refund_only", "quality", requested="2026-11-20 10:00",
                        rejected="2026-11-21 10:00", reopened="2026-11-22 10:00")
        again = found[timer]
        assert (again.starts_at, again.due_at, again.status, again.automatic) == (
            at("2026-11-22 10:00"), at("2026-11-27 10:00"), OPEN, True)
        first = found[f"{timer}@1"]
        assert (first.due_at, first.status, first.met_at) == (at("2026-11-25 10:00"), MET, at("2026-11-21 10:00"))
        # The buyer may ask for the platform 72 h after the modified request.
        assert found["refund_intervention"].due_at == at("2026-11-25 10:00")


def test_seed004_a_reship_asked_again_after_the_refusal_is_answered_in_48_hours_again() -> None:
    seed = SEEDS / "004_e1a46d0aca1946af.txt"
    found = compute("douyin", "reship", "missing_item", requested="2026-11-25 10:00",
                    rejected="2026-11-25 12:00", reopened="2026-11-26 09:00")
    # A timer counted on the first request only (rounds = "first") still answers the new one.
    answer = found["reship_answer"]
    assert (answer.starts_at, answer.due_at, answer.automatic) == (at("2026-11-26 09:00"), at("2026-11-28 09:00"), True)
    assert found["reship_answer@1"].status is MET
    # Not answered: the platform agrees at 11-28 09:00 and the 48 h to ship run from then.
    assert found["reship_ship"].due_at == at("2026-11-30 09:00")
    if seed.is_file():
        # The seed's copy carries pinyin after some characters.
        assert "用戶可在48小時(shí)內(nèi)修改申請(qǐng)或申請(qǐng)平臺(tái)介入" in seed.read_text(encoding="utf-8")


def test_a_case_reopened_after_being_closed_is_no_new_request() -> None:
    # Closed (the buyer withdrew, or the shop by mistake) and reopened: the platform's clock is the first
    # request's; starting it again from the reopening would give a later deadline than the platform's.
    found = compute("tmall", "refund_only", "quality", requested="2026-11-20 10:00",
                    closed="2026-11-21 10:00", reopened="2026-11-22 10:00")
    assert "seller_answer_request@1" not in found
    assert found["seller_answer_request"].due_at == at("2026-11-25 10:00")
    # Refused, closed, then reopened: the last closing was no refusal either.
    found = compute("tmall", "refund_only", "quality", requested="2026-11-20 10:00", rejected="2026-11-21 08:00",
                    closed="2026-11-21 10:00", reopened="2026-11-22 10:00")
    assert "seller_answer_request@1" not in found


@pytest.mark.parametrize("platform", [Platform.TMALL, Platform.DOUYIN])
def test_reopening_a_refused_case_shows_the_new_answer_deadline(db: Database, platform: Platform) -> None:
    if platform is Platform.TMALL:
        case_id = open_case(db, NewCase(platform, "RE-1", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                                        requested=moment("2026-11-20 10:00")), author="小林").case_id
        timer, due = "seller_answer_request", "2026-11-27 10:00"
    else:
        case_id = reship_case(db, platform, "RE-2", "2026-11-20 10:00")
        timer, due = "reship_answer", "2026-11-24 10:00"
    act_on_case(db, case_id, CaseAction.REJECT, at=moment("2026-11-21 10:00"), author="小林")
    act_on_case(db, case_id, CaseAction.REOPEN, at=moment("2026-11-22 10:00"), author="小林")
    with db.reading() as s:
        found = {d.timer_id: d for d in list_deadlines(s, case_id=case_id, include_all=True)}
    assert (found[timer].due_at, found[timer].status) == (at(due), OPEN)
    if platform is Platform.DOUYIN:
        [row] = [r for r in rows(db) if r.case_id == case_id]
        assert row.answer_by == at(due)
