"""The lifecycle dead ends (issue 13, item 8) through the services, on every platform's rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.errors import ActionNotAllowed
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import Case

A, S = CaseAction, CaseStatus
PLATFORMS = [Platform.TAOBAO, Platform.TMALL, Platform.PDD, Platform.DOUYIN, Platform.JD, Platform.OTHER]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def new_case(db: Database, platform: Platform, kind: CaseKind, reason: CaseReason, order: str,
             *steps: tuple[CaseAction, str]) -> int:
    case_id = open_case(db, NewCase(platform, order, kind, reason, requested=Moment(at("2026-11-20 10:00"))),
                        author="测试").case_id
    for action, when in steps:
        act_on_case(db, case_id, action, at=Moment(at(when)), author="测试")
    return case_id


def status_of(db: Database, case_id: int) -> tuple[str, bool, str]:
    with db.reading() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case.status, case.is_open, case.kind


def open_timers(db: Database, case_id: int) -> set[str]:
    with db.reading() as s:
        return {d.timer_id for d in case_deadlines(s, case_id) if d.status.value == "open"}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_refund_while_the_return_is_in_transit(db: Database, platform: Platform) -> None:
    case_id = new_case(db, platform, CaseKind.RETURN_REFUND, CaseReason.QUALITY, f"T-{platform.value}",
                       (A.AGREE_RETURN, "2026-11-20 12:00"), (A.BUYER_SHIPPED_RETURN, "2026-11-21 09:00"),
                       (A.REFUND_IN_TRANSIT, "2026-11-21 10:00"))
    assert status_of(db, case_id)[:2] == ("refunded", True)
    assert not {"buyer_ship_return", "seller_confirm_return"} & open_timers(db, case_id)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_return_failing_inspection_is_refused(db: Database, platform: Platform) -> None:
    case_id = new_case(db, platform, CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D, f"I-{platform.value}",
                       (A.AGREE_RETURN, "2026-11-20 12:00"), (A.BUYER_SHIPPED_RETURN, "2026-11-21 09:00"),
                       (A.RECEIVE_RETURN, "2026-11-23 09:00"), (A.REJECT, "2026-11-23 10:00"))
    assert status_of(db, case_id)[:2] == ("rejected", False)
    assert open_timers(db, case_id) == set()


@pytest.mark.parametrize("platform", PLATFORMS)
def test_resume_goes_back_to_the_agreed_reship(db: Database, platform: Platform) -> None:
    case_id = new_case(db, platform, CaseKind.RESHIP, CaseReason.MISSING_ITEM, f"R-{platform.value}",
                       (A.AGREE_RESHIP, "2026-11-20 12:00"), (A.ESCALATE, "2026-11-21 09:00"),
                       (A.RESUME, "2026-11-22 09:00"))
    assert status_of(db, case_id)[0] == "reship_agreed"
    act_on_case(db, case_id, A.SHIP_RESHIP, at=Moment(at("2026-11-22 10:00")), author="测试")
    assert status_of(db, case_id)[0] == "reshipped"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_repair_ends_in_a_refund(db: Database, platform: Platform) -> None:
    case_id = new_case(db, platform, CaseKind.REPAIR, CaseReason.QUALITY, f"P-{platform.value}",
                       (A.AGREE_RETURN, "2026-11-20 12:00"), (A.RECEIVE_RETURN, "2026-11-24 09:00"),
                       (A.START_REPAIR, "2026-11-24 10:00"), (A.REFUND, "2026-11-26 10:00"))
    assert status_of(db, case_id)[:2] == ("refunded", True)


def test_douyin_refused_never_received_reship_goes_to_arbitration(db: Database) -> None:
    # seed 004: "若商家拒絕會直接進入仲裁流程": the refusal itself puts the case in the platform's hands (session 23:
    # the pack's refusal_records; before, it stayed 已拒绝 until the shop recorded the escalation).
    case_id = new_case(db, Platform.DOUYIN, CaseKind.RESHIP, CaseReason.NOT_RECEIVED, "DY-ARB",
                       (A.REJECT, "2026-11-20 12:00"))
    assert status_of(db, case_id)[:2] == ("platform_intervention", True)
    act_on_case(db, case_id, A.RESUME, at=Moment(at("2026-11-23 12:00")), author="测试")
    assert status_of(db, case_id)[0] == "processing"  # the ruling: reship after all


@pytest.mark.parametrize("platform", PLATFORMS)
def test_return_and_refund_becomes_refund_only(db: Database, platform: Platform) -> None:
    case_id = new_case(db, platform, CaseKind.RETURN_REFUND, CaseReason.QUALITY, f"K-{platform.value}",
                       (A.AGREE_RETURN, "2026-11-20 12:00"))
    before = open_timers(db, case_id)
    assert change_case_kind(db, case_id, CaseKind.REFUND_ONLY, note="买家不退货了", at=Moment(at("2026-11-21 09:00")),
                            author="测试").status is S.PROCESSING
    assert status_of(db, case_id) == ("processing", True, "refund_only")
    assert "buyer_ship_return" not in open_timers(db, case_id)
    if "buyer_ship_return" in before:
        assert before != open_timers(db, case_id)
    act_on_case(db, case_id, A.REFUND, at=Moment(at("2026-11-21 10:00")), author="测试")
    assert status_of(db, case_id)[0] == "refunded"
    with pytest.raises(ActionNotAllowed, match="已经是"):
        change_case_kind(db, case_id, CaseKind.REFUND_ONLY)
