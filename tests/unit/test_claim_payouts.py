"""Claims to the last yuan: every payout with its date and channel, the courier's ticket details, the
CLI for both, and claims that had money before migration 0005_money."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from desktop_app.cli import run
from desktop_app.core.claims import ClaimAction, ClaimContactLevel, ClaimIncident, PayoutChannel
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import StaleData, UserError
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claims import NewClaim, act_on_claim, add_evidence, open_claim
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.store.claim_rows import ClaimDetail, claim_detail
from desktop_app.store.database import Database, alembic_config, open_database


def new_claim(db: Database, claimed: int = 10000) -> int:
    case_id = open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.REFUND_ONLY,
                                    reason=CaseReason.LOST, refund_fen=claimed,
                                    requested=parse_moment("2026-11-20 10:00")), author="测试").case_id
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=claimed),
                          author="测试").claim_id
    act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, author="测试")
    return claim_id


def detail(db: Database, claim_id: int) -> ClaimDetail:
    with db.reading() as s:
        return claim_detail(s, claim_id)


def test_partial_payouts_keep_their_dates_and_channels(db: Database) -> None:
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=3000, channel=PayoutChannel.FREIGHT_DEDUCTION,
                 at=parse_moment("2026-11-25 15:00"), author="测试")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=2550, at=parse_moment("2026-11-28"), author="测试")
    act_on_claim(db, claim_id, ClaimAction.PAY, channel=PayoutChannel.BANK, at=parse_moment("2026-12-01 09:00"),
                 author="测试")
    d = detail(db, claim_id)
    assert [(p.amount_fen, p.channel) for p in d.payouts] == [(3000, "freight_deduction"), (2550, None), (4450, "bank")]
    assert [p.paid_at for p in d.payouts] == [parse_moment(t).at for t in
                                              ("2026-11-25 15:00", "2026-11-28", "2026-12-01 09:00")]
    assert sum(p.amount_fen for p in d.payouts) == d.received_fen == 10000
    assert any("运费抵扣" in (e.note or "") for e in d.events)


def test_a_channel_without_money_is_refused_and_nothing_changes(db: Database) -> None:
    claim_id = new_claim(db)
    before = detail(db, claim_id)
    with pytest.raises(UserError, match="不需要赔付方式"):
        act_on_claim(db, claim_id, ClaimAction.ACCEPT, channel=PayoutChannel.CASH, author="测试")
    after = detail(db, claim_id)
    assert (after.status, after.version, after.payouts, len(after.events)) == \
        (before.status, before.version, (), len(before.events))


def test_ticket_details_are_recorded_and_the_timeline_says_what_changed(db: Database) -> None:
    claim_id = new_claim(db)
    reported = parse_moment("2026-11-21 09:30").at
    set_claim_ticket(db, claim_id, ClaimTicket(" ZT-LP-0091 ", ClaimContactLevel.OUTLET, "西湖网点 王经理", reported),
                     author="测试")
    d = detail(db, claim_id)
    assert (d.ticket_no, d.contact_level, d.contact, d.reported_at) == ("ZT-LP-0091", "outlet", "西湖网点 王经理",
                                                                        reported)
    assert "理赔单号：（空） → ZT-LP-0091" in (d.events[-1].note or "")
    set_claim_ticket(db, claim_id, ClaimTicket("ZT-LP-0091", ClaimContactLevel.HQ, None, reported), author="测试")
    d = detail(db, claim_id)
    assert d.contact_level == "hq" and d.contact is None
    assert "对接方：网点 → 总部" in (d.events[-1].note or "")
    with pytest.raises(StaleData):
        set_claim_ticket(db, claim_id, ClaimTicket(None, None, None, None), expected_version=d.version - 1)


def test_the_dashboard_no_longer_lists_a_claim_with_its_ticket_and_evidence(db: Database, tmp_path: Path) -> None:
    claim_id = new_claim(db)
    november = parse_period("2026-11-01", "2026-11-30")
    assert [a.id for a in build_report(db, november).attention] == [claim_id]
    photo = tmp_path / "箱子.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    add_evidence(db, claim_id, [photo], author="测试")
    set_claim_ticket(db, claim_id, ClaimTicket("ZT-1", None, None, None), author="测试")
    assert build_report(db, november).attention == ()


def test_cli_ticket_changes_only_what_is_given_and_act_takes_a_channel(db: Database, ledger_target: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    claim_id = new_claim(db)
    base = ["--db", ledger_target]
    assert run(["claim", "ticket", str(claim_id), "--number", "YT-889", "--contact-level", "客服", *base]) == 0
    assert run(["claim", "ticket", str(claim_id), "--contact", "圆通客服 95554", "--reported-at", "2026-11-21",
                *base]) == 0
    assert run(["claim", "act", str(claim_id), "pay_partially", "--amount", "12.50", "--channel", "现金",
                "--at", "2026-11-30 18:00", *base]) == 0
    capsys.readouterr()
    assert run(["claim", "show", str(claim_id), "--json", *base]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["ticket"], data["contact_level"], data["contact"]) == ("YT-889", "service", "圆通客服 95554")
    assert data["reported_at"].startswith("2026-11-21T00:00")
    assert data["payouts"] == [{"amount": "12.50", "paid_at": "2026-11-30T18:00:00+08:00", "channel": "cash",
                                "note": None}]
    assert run(["claim", "ticket", str(claim_id), "--number", "none", *base]) == 0
    assert detail(db, claim_id).ticket_no is None and detail(db, claim_id).contact == "圆通客服 95554"


@pytest.mark.parametrize(("args", "words"), [
    (["--contact-level", "老板"], "对接方"),
    (["--reported-at", "昨天"], "报案时间"),
    ([], "至少给出"),
])
def test_cli_ticket_refuses_bad_input(db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str],
                                      args: list[str], words: str) -> None:
    claim_id = new_claim(db)
    assert run(["claim", "ticket", str(claim_id), *args, "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_money_received_before_the_upgrade_becomes_one_payout(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = open_database(path)
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=4000, author="测试")
    db.close()
    db = open_database(path, migrate=False)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0004_case_intake")
    db.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")}
    assert "claim_payouts" not in tables
    db = open_database(path)
    try:
        d = detail(db, claim_id)
        assert [(p.amount_fen, p.channel) for p in d.payouts] == [(4000, None)]
        assert d.ticket_no is None
    finally:
        db.close()


@pytest.mark.parametrize("action", [ClaimAction.PAY, ClaimAction.CLOSE])
def test_a_payout_past_the_claimed_amount_is_refused_and_nothing_changes(db: Database, action: ClaimAction) -> None:
    # 500 typed for 50.00 on a claim of 100 元 with 30 received: 已到账 530 and 统计 counted 430 元 the
    # courier never paid against the net loss.
    claim_id = new_claim(db)
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=3000, author="测试")
    before = detail(db, claim_id)
    with pytest.raises(UserError, match=r"超过申请金额 100\.00 元.*最多还能到账 70\.00 元"):
        act_on_claim(db, claim_id, action, amount_fen=50000, author="测试")
    after = detail(db, claim_id)
    assert (after.status, after.received_fen, len(after.payouts), after.version) == \
        (before.status, 3000, 1, before.version)
    act_on_claim(db, claim_id, action, amount_fen=7000, author="测试")  # exactly the rest is fine
    assert detail(db, claim_id).received_fen == 10000


def test_a_courier_paying_more_than_claimed_is_recorded_from_the_command_line(
        db: Database, ledger_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Claimed 100.00, the courier paid 120.00 (the postage with the goods): `claim act N pay --amount 120` is
    refused and names `claim edit N --amount`, which raises the claim; then the payout goes in and 统计 counts
    120.00 received against the case's 100.00 refund asked (unpaid: 待退款), outstanding 0.00. The command line
    had no way to raise a claim (the message named the window's 快递理赔 → 编辑 only)."""
    claim_id = new_claim(db)
    assert run(["claim", "act", str(claim_id), "pay", "--amount", "120", "--channel", "bank",
                "--db", ledger_target]) == 2
    assert "claim edit N --amount" in capsys.readouterr().err
    assert run(["claim", "edit", str(claim_id), "--amount", "80", "--db", ledger_target]) == 0
    capsys.readouterr()
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=5000, author="测试")
    assert run(["claim", "edit", str(claim_id), "--amount", "40", "--db", ledger_target]) == 2  # below 50 received
    assert "少于已到账的 50.00 元" in capsys.readouterr().err
    assert run(["claim", "edit", str(claim_id), "--amount", "120", "--json", "--db", ledger_target]) == 0
    assert json.loads(capsys.readouterr().out) == {"id": claim_id, "claimed": "120.00", "declared": None,
                                                   "received": "50.00"}
    assert run(["claim", "act", str(claim_id), "pay", "--amount", "70", "--channel", "bank",
                "--db", ledger_target]) == 0
    money = build_report(db, parse_period("2026-11-01", "2026-11-30")).money.as_strings()
    assert (money["claimed"], money["received"], money["outstanding"], money["net_loss"]) == \
        ("120.00", "120.00", "0.00", "-120.00")
    assert run(["claim", "edit", str(claim_id), "--db", ledger_target]) == 2
