"""The cost of a case: the service (audit-logged, the postage rule), the `costs` command, net loss."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import run
from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import StaleData, UserError
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.case_costs import case_money, set_case_costs
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database


def a_case(db: Database, kind: CaseKind = CaseKind.RESHIP, reason: CaseReason = CaseReason.WRONG_ITEM,
           refund: int | None = None) -> int:
    return open_case(db, NewCase(platform=Platform.TAOBAO, order_no="4100000000000000777", kind=kind, reason=reason,
                                 refund_fen=refund, requested=parse_moment("2026-11-20 10:00")), author="测试").case_id


def test_costs_are_recorded_with_the_postage_rule_and_audited(db: Database) -> None:
    case_id = a_case(db)
    stored = set_case_costs(db, case_id, CaseCosts(postage_out_fen=800, postage_back_fen=1000, written_off_fen=3500),
                            author="测试").value
    assert stored.postage_back_payer is ResponsibleParty.MERCHANT  # wrong item: the shop pays both ways
    with db.reading() as s:
        money = case_money(s, case_id)
        note = case_events(s, case_id)[-1].note or ""
    assert money.costs.postage_paid_fen == 1800 and str(money.net_loss) == "53.00"
    assert "寄出运费：（空） → 8.00" in note and "退回运费承担方：（空） → 商家" in note
    with pytest.raises(UserError, match="不能为负数"):
        set_case_costs(db, case_id, CaseCosts(penalty_fen=-1), author="测试")
    with pytest.raises(StaleData):
        set_case_costs(db, case_id, CaseCosts(), author="测试", expected_version=money.version - 1)


def test_the_courier_payout_lowers_the_net_loss(db: Database) -> None:
    case_id = a_case(db, CaseKind.REFUND_ONLY, CaseReason.LOST, refund=6000)
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=6000),
                          author="测试").claim_id
    act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, author="测试")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=2500, author="测试")
    with db.reading() as s:
        money = case_money(s, case_id)
    # The refund is not paid yet: the courier's 25.00 is all there is.
    assert (str(money.received), str(money.net_loss), money.paid_out) == ("25.00", "-25.00", False)
    act_on_case(db, case_id, CaseAction.REFUND, author="测试")
    with db.reading() as s:
        money = case_money(s, case_id)
    assert (str(money.received), str(money.net_loss), money.paid_out) == ("25.00", "35.00", True)


def test_costs_cli_shows_changes_only_what_is_given_and_refuses_nonsense(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = a_case(db, CaseKind.RETURN_REFUND, CaseReason.NO_REASON_7D, refund=5990)
    base = [str(case_id), "--db", ledger_target]
    assert run(["costs", *base, "--postage-back", "10", "--written-off", "12.5"]) == 0
    assert run(["costs", *base, "--penalty", "3", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out[out.index("{"):])
    assert data["back_payer"] == "buyer" and data["postage_paid"] == "0.00"  # 7-day return: the buyer pays
    assert (data["written_off"], data["penalty"], data["net_loss"]) == ("12.50", "3.00", "15.50")
    assert run(["costs", *base, "--written-off", "none", "--back-payer", "商家", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["written_off"], data["postage_paid"], data["net_loss"]) == (None, "10.00", "13.00")
    assert data["refund"] == "59.90" and data["paid_out"] is False
    assert run(["costs", *base]) == 0
    assert "退款 59.90  补偿 —（尚未付给买家，不计入净损失）" in capsys.readouterr().out
    bad_input = ((["--penalty", "-3"], "负数"), (["--back-payer", "老板"], "责任方"),
                 (["--postage-out", "1.234"], "两位小数"))
    for bad, words in bad_input:
        assert run(["costs", *base, *bad]) == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
    assert run(["costs", "999", "--db", ledger_target]) == 1  # only looked at: nothing found (README)
    assert "找不到售后单" in capsys.readouterr().err
    assert run(["costs", "999", "--postage-out", "3", "--db", ledger_target]) == 2  # a change: a user error
    assert "找不到售后单" in capsys.readouterr().err


def test_an_ended_unpaid_case_is_not_said_to_be_paid_later(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A refused request's amount was never paid: `costs` said 尚未付给买家 (not yet), as if the shop still
    owed it, where 统计's 待退款 leaves it out."""
    case_id = a_case(db, CaseKind.REFUND_ONLY, CaseReason.NO_REASON_7D, refund=5990)
    act_on_case(db, case_id, CaseAction.REJECT, note="已发货未签收", author="测试")
    assert run(["costs", str(case_id), "--db", ledger_target]) == 0
    out = capsys.readouterr().out
    assert "退款 59.90  补偿 —（售后单已结束，没有付给买家，不计入净损失）" in out and "尚未" not in out
