"""The claim's next step on the escalation path (resources/claim_escalation.toml): outlet → head office
→ State Post Bureau 12305, its time limit, its checklist; in `claim show` / `claim list`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_app.core.claim_escalation import (
    ClaimFacts,
    DeadlineKind,
    Holding,
    escalation_rules,
    parse_escalation,
)
from desktop_app.core.claims import ClaimAction, ClaimIncident, ClaimStatus, find_transition
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import UserError
from desktop_app.paths import resource
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.claim_rows import ClaimFilter, list_claims
from desktop_app.store.database import Database
from desktop_app.store.models import Order
from tests.unit.test_claims import add_order, cli, detail

S, A = ClaimStatus, ClaimAction
T0 = parse_moment("2026-11-05 09:30").at


def test_every_open_status_has_a_step_whose_action_it_allows() -> None:
    rules = escalation_rules()
    for status in S:
        step = rules.step_for(status)
        if status in (S.PAID, S.CLOSED):
            assert step is None
            continue
        assert step is not None, status
        assert find_transition(status, step.action) is not None


def test_the_path_outlet_head_office_post_bureau() -> None:
    rules = escalation_rules()
    draft = rules.next_step(ClaimFacts(S.DRAFT, created_at=T0, entered_at=T0))
    assert draft is not None and draft.step.action is A.SUBMIT_STATEMENT and draft.step.contact == "outlet"
    assert draft.due_at == T0 + timedelta(days=1) and draft.step.kind is DeadlineKind.BY
    # Reported to the outlet on 11-06 (typed in): the head office is open 7 days later.
    reported = parse_moment("2026-11-06 15:00").at
    waiting = rules.next_step(ClaimFacts(S.ACCEPTED, created_at=T0, entered_at=T0 + timedelta(days=3),
                                         reported_at=reported, submitted_at=T0))
    assert waiting is not None and waiting.step.action is A.ESCALATE_HQ
    assert waiting.due_at == reported + timedelta(days=7) and waiting.step.kind is DeadlineKind.AFTER
    assert not waiting.is_due(reported + timedelta(days=6)) and waiting.is_due(reported + timedelta(days=7))
    # Without a report time the goods value statement's submission starts the clock.
    assert rules.next_step(ClaimFacts(S.SUBMITTED, created_at=T0, entered_at=T0 + timedelta(hours=2),
                                      submitted_at=T0 + timedelta(hours=1))).due_at == T0 + timedelta(days=7, hours=1)
    # At the head office: the courier has 7 days, then the 12305 complaint.
    at_hq = T0 + timedelta(days=9)
    hq = rules.next_step(ClaimFacts(S.ESCALATED_HQ, created_at=T0, entered_at=at_hq))
    assert hq is not None and hq.step.action is A.APPEAL_POST_BUREAU and "12305" in hq.title
    assert hq.due_at == at_hq + timedelta(days=7)
    # A refusal: from the outlet → head office; once the head office had it → 12305.
    refused_at = T0 + timedelta(days=4)
    first = rules.next_step(ClaimFacts(S.REFUSED, created_at=T0, entered_at=refused_at))
    again = rules.next_step(ClaimFacts(S.REFUSED, created_at=T0, entered_at=refused_at,
                                       reached=frozenset({S.SUBMITTED, S.ESCALATED_HQ})))
    assert first is not None and first.step.action is A.ESCALATE_HQ and first.due_at == refused_at + timedelta(days=3)
    assert again is not None and again.step.action is A.APPEAL_POST_BUREAU


def test_the_checklist_ticks_what_the_ledger_holds() -> None:
    step = escalation_rules().next_step(ClaimFacts(S.SUBMITTED, created_at=T0, entered_at=T0))
    assert step is not None
    lines = step.checklist({Holding.TICKET_NO, Holding.STATEMENT})
    assert [(line.name, line.present) for line in lines if line.checkable] == [
        ("网点的理赔单号/工单号", True), ("报案时间", False), ("网点联系人及电话", False), ("货值说明", True),
        ("与网点的沟通记录截图", False)]
    assert step.missing({Holding.TICKET_NO, Holding.STATEMENT}) == [
        "报案时间", "网点联系人及电话", "与网点的沟通记录截图"]


def test_the_shipped_file_and_bad_rules_are_refused_with_where() -> None:
    text = resource("claim_escalation.toml").read_text(encoding="utf-8")
    assert len(parse_escalation(text).steps) == 6
    bad_action = text.replace('action = "submit_statement"', 'action = "escalate_hq"', 1)
    with pytest.raises(ValueError, match="第 1 个 \\[\\[step\\]\\]：状态“待提交”不能执行“升级快递总部”"):
        parse_escalation(bad_action)
    with pytest.raises(ValueError, match="不是理赔状态"):
        parse_escalation(text.replace('statuses = ["draft"]', 'statuses = ["drafted"]', 1))
    with pytest.raises(ValueError, match="days 应为"):
        parse_escalation(text.replace("days = 1\n", "days = -1\n", 1))
    with pytest.raises(ValueError, match="have"):
        parse_escalation(text.replace('have = "statement"', 'have = "photo"', 1))


def test_a_damaged_rules_file_is_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "claim_escalation.toml"
    broken.write_text('[[step]]\nstatuses = ["draft"]\naction = "pay"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"理赔升级规则有误.*不能执行“已赔付”"):
        escalation_rules(broken)
    with pytest.raises(UserError, match="无法读取理赔升级规则"):
        escalation_rules(tmp_path / "missing.toml")


def test_detail_and_list_carry_the_next_step(db: Database) -> None:
    order_id = add_order(db)
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id,
                                       at=parse_moment("2026-11-04 18:00"))).claim_id
    d = detail(db, claim_id)
    assert d.escalation is not None and d.escalation.step.action is A.SUBMIT_STATEMENT
    assert d.escalation.due_at == parse_moment("2026-11-05 18:00").at
    assert Holding.STATEMENT in d.holding and Holding.TRACKING_NO in d.holding and Holding.TICKET_NO not in d.holding
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, at=parse_moment("2026-11-05 10:00"))
    act_on_claim(db, claim_id, A.ESCALATE_HQ, at=parse_moment("2026-11-13 11:00"))
    act_on_claim(db, claim_id, A.REFUSE, at=parse_moment("2026-11-15 09:00"))
    with db.reading() as s:
        [row] = list_claims(s, ClaimFilter())
    assert row.escalation is not None and row.escalation.step.action is A.APPEAL_POST_BUREAU
    assert row.escalation.due_at == parse_moment("2026-11-18 09:00").at
    assert detail(db, claim_id).escalation == row.escalation
    act_on_claim(db, claim_id, A.PAY, at=parse_moment("2026-11-16 09:00"))
    with db.reading() as s:
        [row] = list_claims(s, ClaimFilter())
    assert row.escalation is None and detail(db, claim_id).escalation is None


@pytest.mark.parametrize(("receiver", "masked", "ticked"), [
    ("梁军桐", False, True), ("梁*桐", False, False), ("梁军桐", True, False), ("  ", False, False)])
def test_the_buyers_delivery_details_are_ticked_when_held_in_full(db: Database, receiver: str, masked: bool,
                                                                  ticked: bool) -> None:
    """买家收货信息 (recipient, phone, address) was never ticked; a masked or blank one is no use to a courier."""
    order_id = add_order(db, receiver=receiver)
    if masked:
        with db.transaction() as s:
            order = s.get(Order, order_id)
            assert order is not None
            order.phone = "182****5900"
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id,
                                       at=parse_moment("2026-11-04 18:00"))).claim_id
    d = detail(db, claim_id)
    with db.reading() as s:
        [row] = list_claims(s, ClaimFilter())
    assert (Holding.RECEIVER in d.holding) is ticked and (Holding.RECEIVER in row.holding) is ticked
    assert d.escalation is not None
    [line] = [line for line in d.escalation.checklist(d.holding) if line.name.startswith("买家收货信息")]
    assert line.checkable and line.present is ticked


def test_cli_show_and_list_print_the_next_step(capsys: pytest.CaptureFixture[str], db: Database,
                                               ledger_target: str) -> None:
    order_id = add_order(db)
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, order_id=order_id,
                                       at=parse_moment("2026-11-04 18:00"))).claim_id
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, at=parse_moment("2026-11-05 10:00"))
    set_claim_ticket(db, claim_id, ClaimTicket("ZT-LP-889", None, None, parse_moment("2026-11-05 11:30").at))
    path = ledger_target
    code, out, _ = cli(capsys, "claim", "show", str(claim_id), "--db", path)
    assert code == 0
    assert "下一步：网点逾期未赔付则升级快递总部（2026-11-12 11:30 起可办理）  找：快递总部" in out
    assert "  ✓ 网点的理赔单号/工单号" in out and "  ✓ 报案时间" in out and "  ✗ 网点联系人及电话" in out
    code, out, _ = cli(capsys, "claim", "show", str(claim_id), "--db", path, "--json")
    step = json.loads(out)["next_step"]
    assert step["action"] == "escalate_hq" and step["kind"] == "after"
    assert step["due_at"] == "2026-11-12T11:30:00+08:00"
    assert step["missing"] == ["网点联系人及电话", "与网点的沟通记录截图"]
    code, out, _ = cli(capsys, "claim", "list", "--db", path, "--json")
    assert json.loads(out)[0]["next_step"]["due_at"] == "2026-11-12T11:30:00+08:00"
    code, out, _ = cli(capsys, "claim", "list", "--db", path)
    assert "网点逾期未赔付则升级快递总部（2026-11-12 11:30 起可办理）" in out.splitlines()[0]
