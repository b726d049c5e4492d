"""撤销上一步 on a claim: a payout typed wrong is taken back with its step, 已到账 and 统计 follow, and the
escalation's next step reads the claim's history without the step taken back."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from desktop_app.cli import run
from desktop_app.core.claims import ClaimAction, ClaimIncident, ClaimStatus, PayoutChannel
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import ActionNotAllowed, StaleData
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_undo import undo_claim_step
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.store.claim_rows import ClaimDetail, ClaimFilter, OpenState, claim_detail, list_claims
from desktop_app.store.database import Database


def new_claim(db: Database, claimed: int = 15800) -> int:
    case_id = open_case(db, NewCase(platform=Platform.TAOBAO, order_no="4145384019161461003", kind=CaseKind.RESHIP,
                                    reason=CaseReason.LOST, refund_fen=claimed,
                                    requested=parse_moment("2026-11-20 10:00")), author="测试").case_id
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=claimed,
                                       at=parse_moment("2026-11-20 10:00")), author="测试").claim_id
    act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, at=parse_moment("2026-11-20 12:00"), author="测试")
    return claim_id


def detail(db: Database, claim_id: int) -> ClaimDetail:
    with db.reading() as s:
        return claim_detail(s, claim_id)


def received_in_report(db: Database) -> Decimal:
    return build_report(db, parse_period("2026-11-01", "2026-11-30")).money.received


def test_a_payout_typed_wrong_is_taken_back_with_its_step(db: Database) -> None:
    # 80 typed for 8.00 as a partial payment: 已到账 80 and 统计's received 80 until the step is taken back.
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=3000, channel=PayoutChannel.BANK,
                 at=parse_moment("2026-11-22 10:00"), author="测试")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=8000, at=parse_moment("2026-11-23 10:00"),
                 author="测试")
    assert received_in_report(db) == Decimal("110.00")
    undone = undo_claim_step(db, claim_id, author="测试")
    assert (undone.title, undone.status, undone.returned_fen) == ("部分赔付", ClaimStatus.PARTIALLY_PAID, 8000)
    d = detail(db, claim_id)
    assert (d.status, d.received_fen, [p.amount_fen for p in d.payouts]) == ("partially_paid", 3000, [3000])
    assert received_in_report(db) == Decimal("30.00")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=800, at=parse_moment("2026-11-23 10:00"),
                 author="测试")
    assert detail(db, claim_id).received_fen == 3800
    # The step stays on the timeline, marked, beside the undo that names the money taken back.
    events = detail(db, claim_id).events
    undone_rows = [e for e in events if e.undone_by is not None]
    assert [e.note for e in undone_rows] == ["到账 80.00 元，累计 110.00 元；下次跟进 2026-11-26 10:00"]
    assert any(e.kind == "undo" and "撤回到账 80.00 元，累计 30.00 元" in (e.note or "") for e in events)


def test_a_full_payment_taken_back_reopens_the_claim_and_its_follow_up(db: Database) -> None:
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY, amount_fen=15800, at=parse_moment("2026-11-24 10:00"), author="测试")
    with db.reading() as s:
        assert [r.id for r in list_claims(s, ClaimFilter(open_state=OpenState.OPEN))] == []
    undo_claim_step(db, claim_id, author="测试")
    d = detail(db, claim_id)
    assert (d.status, d.is_open, d.received_fen, d.payouts, d.closed_at) == ("submitted", True, None, (), None)
    # Back at 已提交货值说明 since 11-20 12:00: chased again three days after it, as the rule says.
    assert d.follow_up_at == parse_moment("2026-11-23 10:00").at
    with db.reading() as s:
        assert [r.id for r in list_claims(s, ClaimFilter(open_state=OpenState.OPEN))] == [claim_id]
    # The escalation reads the history without the payment: the claim is waiting on its statement.
    assert d.escalation is not None and d.escalation.title == "网点逾期未赔付则升级快递总部"
    assert received_in_report(db) == Decimal("0.00")


def test_undo_goes_back_step_by_step_and_stops_at_the_claim_itself(db: Database) -> None:
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.REFUSE, at=parse_moment("2026-11-25 10:00"), author="测试")
    act_on_claim(db, claim_id, ClaimAction.ESCALATE_HQ, at=parse_moment("2026-11-26 10:00"), author="测试")
    assert undo_claim_step(db, claim_id, author="测试").status is ClaimStatus.REFUSED
    # 升级快递总部 clicked too early and taken back: the courier's head office has not been asked, so the
    # next step is still to escalate there (not the 12305 appeal that follows 总部's refusal), due 3 days
    # after the refusal, in the pane and in the list alike.
    d = detail(db, claim_id)
    assert d.escalation is not None and d.escalation.title == "网点拒赔或少赔：升级快递总部"
    assert d.escalation.due_at == parse_moment("2026-11-28 10:00").at
    with db.reading() as s:
        row = next(r for r in list_claims(s, ClaimFilter()) if r.id == claim_id)
    assert row.escalation is not None and row.escalation.title == "网点拒赔或少赔：升级快递总部"
    assert undo_claim_step(db, claim_id, author="测试").status is ClaimStatus.SUBMITTED
    assert undo_claim_step(db, claim_id, author="测试").status is ClaimStatus.DRAFT
    assert detail(db, claim_id).submitted_at is None
    before = detail(db, claim_id)
    with pytest.raises(ActionNotAllowed, match="没有可以撤销的操作"):
        undo_claim_step(db, claim_id, author="测试")
    assert detail(db, claim_id).version == before.version


def test_a_stale_pane_cannot_undo(db: Database) -> None:
    claim_id = new_claim(db)
    seen = detail(db, claim_id).version
    act_on_claim(db, claim_id, ClaimAction.ACCEPT, author="测试")
    with pytest.raises(StaleData):
        undo_claim_step(db, claim_id, expected_version=seen, author="测试")
    assert detail(db, claim_id).status == "accepted"


def test_cli_claim_undo(db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERSALES_LEDGER_SEAT", "测试")  # the seat that took the steps (claim undo takes back its own)
    claim_id = new_claim(db)
    base = ["--db", ledger_target]
    assert run(["claim", "act", str(claim_id), "pay", "--amount", "158", "--at", "2026-11-24 10:00", *base]) == 0
    capsys.readouterr()
    assert run(["claim", "undo", str(claim_id), "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": claim_id, "undone": "已赔付", "status": "submitted",
                                                   "returned": "158.00"}
    assert run(["claim", "undo", str(claim_id), *base]) == 0
    assert capsys.readouterr().out.strip() == f"#{claim_id} 已撤销“提交货值说明” → 待提交"
    assert run(["claim", "undo", str(claim_id), *base]) == 2
    err = capsys.readouterr().err
    assert "没有可以撤销的操作" in err and "Traceback" not in err
    assert run(["claim", "show", str(claim_id), *base]) == 0
    assert "快递理赔：已赔付（已撤销）" in capsys.readouterr().out


def test_the_claimed_amount_cannot_fall_below_what_was_received(db: Database) -> None:
    from desktop_app.core.errors import UserError
    from desktop_app.services.claims import ClaimEdit, edit_claim

    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=8000, author="测试")
    d = detail(db, claim_id)

    def edit(claimed: int) -> ClaimEdit:
        return ClaimEdit(claimed_fen=claimed, declared_fen=d.declared_fen, carrier=d.carrier,
                         tracking_no=d.tracking_no, description=d.description, incident=ClaimIncident(d.incident))

    with pytest.raises(UserError, match=r"申请金额 50\.00 元少于已到账的 80\.00 元"):
        edit_claim(db, claim_id, edit(5000), author="测试")
    assert detail(db, claim_id).claimed_fen == 15800
    edit_claim(db, claim_id, edit(8000), author="测试")  # the courier paid 80 and the shop settles for it
    assert detail(db, claim_id).claimed_fen == 8000
