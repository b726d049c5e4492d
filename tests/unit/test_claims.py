"""Courier claims: the lifecycle, the services on a real SQLite file, totals, evidence and the CLI."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.core.claims import (
    FOLLOW_UP_DAYS,
    ClaimAction,
    ClaimIncident,
    ClaimStatus,
    PricedLine,
    allowed_actions,
    claim_event_title,
    follow_up_for,
    is_open,
    outstanding_fen,
    paid_per_line,
    part_of,
    transition,
)
from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.errors import ActionNotAllowed, NotFound, StaleData, UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import (
    FOLLOW_UP_TIMER,
    ChosenLine,
    ClaimEdit,
    ClaimExists,
    NewClaim,
    act_on_claim,
    add_claim_note,
    add_evidence,
    draft_for_order,
    edit_claim,
    find_order,
    link_case,
    link_reship,
    link_reship_case,
    open_claim,
    parse_items,
    remove_evidence,
    set_follow_up,
)
from desktop_app.store.case_queries import OpenState, case_events
from desktop_app.store.claim_rows import (
    ClaimDetail,
    ClaimFilter,
    claim_carriers,
    claim_detail,
    claim_totals,
    end_of_china_day,
    list_claims,
)
from desktop_app.store.database import Database
from desktop_app.store.models import CarrierClaim, ClaimEvidence, Deadline, Order, OrderItem, Reship
from desktop_app.store.search import build_search_text

S, A = ClaimStatus, ClaimAction
T0 = parse_moment("2026-11-05 09:30")


def add_order(db: Database, order_no: str = "261101-555", *, platform: str = "pdd", carrier: str | None = "中通快递",
              tracking: str | None = "ZT7788", paid_fen: int | None = 10600, postage_fen: int | None = 600,
              items: tuple[tuple[str, int, int | None, int | None], ...] = (
                  ("陶瓷马克杯", 2, 3000, None), ("汤碗", 1, 6000, None)),
              receiver: str = "梁军桐") -> int:
    """An imported order; items are (title, quantity, unit price fen, line paid fen)."""
    with db.transaction() as s:
        family = "taobao" if platform in ("taobao", "tmall") else platform
        order = Order(
            order_key=f"{family}:{order_no}", platform=platform, order_no=order_no, receiver=receiver,
            phone="18252435900", address="广东省深圳市宝安区文一西路535号", carrier=carrier, tracking_no=tracking,
            paid_fen=paid_fen, postage_fen=postage_fen, shipped_at=parse_moment("2026-11-01 16:26").at,
            imported_at=parse_moment("2026-11-02").at,
            search_text=build_search_text([order_no, receiver, tracking, *(i[0] for i in items)]),
        )
        for n, (title, quantity, unit, paid) in enumerate(items):
            order.items.append(OrderItem(position=n, title=title, spec="白色", quantity=quantity,
                                         unit_price_fen=unit, paid_fen=paid))
        s.add(order)
        s.flush()
        return order.id


def detail(db: Database, claim_id: int) -> ClaimDetail:
    with db.reading() as s:
        return claim_detail(s, claim_id)


def follow_up_rows(db: Database, claim_id: int) -> list[Deadline]:
    with db.reading() as s:
        rows = list(s.scalars(select(Deadline).where(Deadline.claim_id == claim_id)))
        s.expunge_all()
        return rows


# --- the lifecycle ----------------------------------------------------------------------------


def test_the_seed_path_submit_accept_pay() -> None:
    assert allowed_actions(S.DRAFT) == [A.SUBMIT_STATEMENT, A.CLOSE]
    assert transition(S.DRAFT, A.SUBMIT_STATEMENT).target is S.SUBMITTED
    assert transition(S.SUBMITTED, A.ACCEPT).target is S.ACCEPTED
    assert transition(S.ACCEPTED, A.PAY).target is S.PAID
    assert transition(S.ACCEPTED, A.PAY_PARTIALLY).target is S.PARTIALLY_PAID
    assert transition(S.ACCEPTED, A.REFUSE).target is S.REFUSED
    assert not is_open(S.PAID) and not is_open(S.CLOSED) and is_open(S.REFUSED)
    assert allowed_actions(S.PAID) == [A.REOPEN]


def test_escalation_goes_head_office_then_post_bureau() -> None:
    for stalled in (S.SUBMITTED, S.ACCEPTED, S.REFUSED, S.PARTIALLY_PAID):
        assert transition(stalled, A.ESCALATE_HQ).target is S.ESCALATED_HQ
    assert transition(S.ESCALATED_HQ, A.APPEAL_POST_BUREAU).target is S.POST_BUREAU
    # The State Post Bureau hears what the courier did not settle, not a statement not yet sent.
    assert A.APPEAL_POST_BUREAU not in allowed_actions(S.SUBMITTED)
    assert A.APPEAL_POST_BUREAU not in allowed_actions(S.DRAFT)
    assert transition(S.POST_BUREAU, A.PAY).target is S.PAID
    with pytest.raises(ActionNotAllowed) as caught:
        transition(S.DRAFT, A.ESCALATE_HQ)
    assert "待提交" in caught.value.message and "升级快递总部" in caught.value.message
    assert "提交货值说明" in caught.value.message  # what is possible instead


def test_every_open_state_has_a_follow_up_rule_and_closed_ones_none() -> None:
    at = datetime(2026, 11, 5, 21, 40, tzinfo=CHINA)
    for status in ClaimStatus:
        due = follow_up_for(status, at)
        if is_open(status):
            assert due is not None and due.hour == 10 and due.tzinfo is not None
            assert due.date() == (at + timedelta(days=FOLLOW_UP_DAYS[status])).date()
        else:
            assert due is None
    assert follow_up_for(S.ESCALATED_HQ, at) == datetime(2026, 11, 12, 10, 0, tzinfo=CHINA)
    assert follow_up_for(S.POST_BUREAU, at) == datetime(2026, 12, 5, 10, 0, tzinfo=CHINA)
    assert follow_up_for(S.SUBMITTED, at) != follow_up_for(S.ESCALATED_HQ, at)


def test_labels_ids_and_outstanding() -> None:
    assert ClaimIncident.parse("丢件") is ClaimIncident.LOST
    assert ClaimIncident.parse("signed_not_received").label == "签收未收到"
    assert ClaimIncident.MISSING.label == "少件/内件缺失"
    assert ClaimStatus.parse("国家邮政局申诉") is S.POST_BUREAU
    with pytest.raises(UserError, match="无法识别的理赔原因"):
        ClaimIncident.parse("fire")
    assert outstanding_fen(S.PARTIALLY_PAID, 5000, 2000) == 3000
    assert outstanding_fen(S.CLOSED, 5000, 2000) == 0
    assert outstanding_fen(S.SUBMITTED, None, None) == 0
    event = dataclasses.make_dataclass("E", ["action", "kind"])("pay_partially", "action")
    assert claim_event_title(event) == "快递理赔：部分赔付"


def test_what_the_buyer_paid_per_line() -> None:
    lines = [PricedLine(2, 3000, None), PricedLine(1, 6000, None)]
    # No line states a payment: the order's payment less postage spreads by listed value.
    assert paid_per_line(lines, 10600, 600) == [5000, 5000]
    assert paid_per_line(lines, 10001, 0) == [5000, 5001]  # rounding fen go to the last line
    assert paid_per_line([PricedLine(3, None, None)], 9900, 0) == [9900]
    assert paid_per_line(lines, None, None) == [6000, 6000]
    assert paid_per_line([PricedLine(2, 3000, 5500), PricedLine(1, 6000, None)], 10000, 0) == [5500, 6000]
    assert part_of(5000, 1, 2) == 2500 and part_of(1001, 1, 2) == 501 and part_of(999, 1, 3) == 333


# --- opening ----------------------------------------------------------------------------------


def test_open_from_an_order_is_prefilled(db: Database) -> None:
    order_id = add_order(db)
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, at=T0, description="网点失火"),
                          author="小林").claim_id
    d = detail(db, claim_id)
    assert (d.carrier, d.tracking_no, d.status, d.incident) == ("中通快递", "ZT7788", "draft", "lost")
    assert d.shipped_at == parse_moment("2026-11-01 16:26").at
    assert d.claimed_fen == 10000  # what was paid for the goods, postage excluded
    assert [(i.title, i.quantity, i.unit_price_fen, i.claimed_fen) for i in d.items] == [
        ("陶瓷马克杯", 2, 3000, 5000), ("汤碗", 1, 6000, 5000)]
    assert d.order.receiver == "梁军桐" and d.order.paid_fen == 10600 and d.order.address
    assert d.follow_up_at == datetime(2026, 11, 6, 10, 0, tzinfo=CHINA)
    assert d.case_id is None and d.reship_case_id is None and d.is_open
    assert [(e.kind, e.author, e.to_state) for e in d.events] == [("created", "小林", "draft")]
    assert "网点失火" in (d.events[0].note or "")


def test_partial_claim_of_one_damaged_piece(db: Database) -> None:
    order_id = add_order(db)
    claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id, lines=(ChosenLine(1, 1),))).claim_id
    d = detail(db, claim_id)
    assert [(i.title, i.quantity, i.claimed_fen) for i in d.items] == [("陶瓷马克杯", 1, 2500)]
    assert d.claimed_fen == 2500
    # The value is editable (a courier may pay cost price): the items keep what the buyer paid.
    # The parcel's other damaged piece, asked for again (a second open claim of one parcel is refused).
    other = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id, lines=parse_items("2"),
                                    claimed_fen=3800, declared_fen=5000, again=True)).claim_id
    d = detail(db, other)
    assert d.claimed_fen == 3800 and d.declared_fen == 5000 and d.items[0].claimed_fen == 5000


def test_bad_item_choices_are_refused(db: Database) -> None:
    order_id = add_order(db)
    with pytest.raises(UserError, match="没有第 5 件商品"):
        open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, lines=(ChosenLine(5, 0),)))
    with pytest.raises(UserError, match="只有 2 件"):
        open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, lines=(ChosenLine(1, 3),)))
    assert parse_items("1, 3:2") == (ChosenLine(1, 0), ChosenLine(3, 2))
    assert parse_items("2x1") == (ChosenLine(2, 1),)
    for bad in ("a", "0", "1,1", ""):
        with pytest.raises(UserError):
            parse_items(bad)
    with db.reading() as s:
        assert s.execute(select(func.count(CarrierClaim.id))).scalar_one() == 0


def test_an_order_without_items_claims_its_goods_payment(db: Database) -> None:
    order_id = add_order(db, items=())
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    assert detail(db, claim_id).claimed_fen == 10000 and detail(db, claim_id).items == ()
    with pytest.raises(UserError, match="没有商品明细"):
        open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, lines=(ChosenLine(1, 0),)))


def test_open_from_a_case_shows_on_the_case_timeline(db: Database) -> None:
    add_order(db, "4145384019161461003", platform="taobao")
    case_id = open_case(db, NewCase(Platform.TMALL, "4145384019161461003", CaseKind.RESHIP)).case_id
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, case_id=case_id)).claim_id
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT)
    d = detail(db, claim_id)
    assert d.case_id == case_id and d.order.order_no == "4145384019161461003"
    with db.reading() as s:
        events = case_events(s, case_id)
    claim_events = [e for e in events if e.subject == "claim"]
    assert [(e.kind, e.action) for e in claim_events] == [("created", None), ("action", "submit_statement")]
    other_order = add_order(db, "999")
    with pytest.raises(UserError, match="不一致"):
        open_claim(db, NewClaim(ClaimIncident.LOST, case_id=case_id, order_id=other_order))
    with pytest.raises(NotFound):
        open_claim(db, NewClaim(ClaimIncident.LOST, case_id=77))


def test_find_order_by_number_refuses_ambiguity(db: Database) -> None:
    add_order(db, "12345", platform="pdd")
    add_order(db, "12345", platform="douyin")
    add_order(db, "777", platform="tmall")
    with db.reading() as s:
        with pytest.raises(UserError, match="多个平台") as caught:
            find_order(s, "12345")
        assert "拼多多" in caught.value.message and "抖店" in caught.value.message
        assert find_order(s, "12345", Platform.DOUYIN).platform == "douyin"
        assert find_order(s, "777", Platform.TAOBAO).platform == "tmall"  # one numbering
        with pytest.raises(NotFound, match="找不到"):
            find_order(s, "404")


# --- acting -----------------------------------------------------------------------------------


def test_amount_rules_of_payments(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db))).claim_id
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, at=T0)
    with pytest.raises(UserError, match="请填写本次到账金额"):
        act_on_claim(db, claim_id, A.PAY_PARTIALLY)
    with pytest.raises(UserError, match="部分赔付"):
        act_on_claim(db, claim_id, A.PAY, amount_fen=4000)
    with pytest.raises(UserError, match="已赔付"):
        act_on_claim(db, claim_id, A.PAY_PARTIALLY, amount_fen=10000)
    with pytest.raises(UserError, match="不需要金额"):
        act_on_claim(db, claim_id, A.ACCEPT, amount_fen=100)
    outcome = act_on_claim(db, claim_id, A.PAY_PARTIALLY, amount_fen=4000, note="网点先赔一半")
    assert outcome.status is S.PARTIALLY_PAID and outcome.received_fen == 4000
    outcome = act_on_claim(db, claim_id, A.PAY)  # the rest
    assert outcome.status is S.PAID and outcome.received_fen == 10000 and outcome.follow_up_at is None
    d = detail(db, claim_id)
    assert not d.is_open and d.closed_at is not None and d.submitted_at == T0.at
    assert "到账 60.00 元，累计 100.00 元" in (d.events[-1].note or "")
    assert d.events[-2].note is not None and d.events[-2].note.startswith("网点先赔一半")


def test_close_with_what_arrived_and_reopen(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=add_order(db))).claim_id
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT)
    act_on_claim(db, claim_id, A.REFUSE, note="网点称包装不合格")
    act_on_claim(db, claim_id, A.ESCALATE_HQ)
    act_on_claim(db, claim_id, A.APPEAL_POST_BUREAU)
    outcome = act_on_claim(db, claim_id, A.CLOSE, amount_fen=3000, note="协商赔 30 元")
    assert outcome.status is S.CLOSED and outcome.received_fen == 3000
    with db.reading() as s:
        totals = claim_totals(s, ClaimFilter())
    assert (totals.total.claimed_fen, totals.total.received_fen, totals.total.outstanding_fen) == (10000, 3000, 0)
    assert act_on_claim(db, claim_id, A.REOPEN).status is S.SUBMITTED
    assert detail(db, claim_id).is_open and detail(db, claim_id).closed_at is None
    act_on_claim(db, claim_id, A.REFUSE)
    with pytest.raises(ActionNotAllowed, match="不能执行“网点已受理”"):
        act_on_claim(db, claim_id, A.ACCEPT)
    with pytest.raises(NotFound, match="找不到理赔 #99"):
        act_on_claim(db, 99, A.CLOSE)


def test_stale_version_is_refused(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db))).claim_id
    version = detail(db, claim_id).version
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, expected_version=version, author="小李")
    with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小李 修改了（现在是“已提交货值说明”）"):
        act_on_claim(db, claim_id, A.ACCEPT, expected_version=version)


def test_follow_up_is_a_deadline_in_the_calendar(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db), at=T0)).claim_id
    [row] = follow_up_rows(db, claim_id)
    assert (row.timer_id, row.status, row.case_id) == (FOLLOW_UP_TIMER, "open", None)
    assert row.due_at == datetime(2026, 11, 6, 10, 0, tzinfo=CHINA)
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, at=T0)
    act_on_claim(db, claim_id, A.ESCALATE_HQ, at=parse_moment("2026-11-10 15:00"))
    [row] = follow_up_rows(db, claim_id)
    assert row.due_at == datetime(2026, 11, 17, 10, 0, tzinfo=CHINA) and row.status == "open"
    chosen = datetime(2026, 11, 20, 14, 0, tzinfo=CHINA)
    set_follow_up(db, claim_id, chosen, note="总部客服说周五回电")
    [row] = follow_up_rows(db, claim_id)
    assert row.due_at == chosen
    assert detail(db, claim_id).events[-1].note == "跟进日期：2026-11-17 10:00 → 2026-11-20 14:00；总部客服说周五回电"
    explicit = datetime(2026, 11, 25, 9, 0, tzinfo=CHINA)
    act_on_claim(db, claim_id, A.APPEAL_POST_BUREAU, follow_up_at=explicit)
    assert follow_up_rows(db, claim_id)[0].due_at == explicit
    set_follow_up(db, claim_id, None)
    assert follow_up_rows(db, claim_id) == []
    act_on_claim(db, claim_id, A.PAY, at=parse_moment("2026-11-30 11:00"))
    with pytest.raises(UserError, match="已结束"):
        set_follow_up(db, claim_id, chosen)


def test_finishing_meets_the_follow_up(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db), at=T0)).claim_id
    act_on_claim(db, claim_id, A.SUBMIT_STATEMENT, at=T0)
    act_on_claim(db, claim_id, A.PAY, at=parse_moment("2026-11-08 11:00"))
    [row] = follow_up_rows(db, claim_id)
    assert row.status == "met" and row.met_at == parse_moment("2026-11-08 11:00").at
    act_on_claim(db, claim_id, A.REOPEN, at=parse_moment("2026-11-09 11:00"))
    [row] = follow_up_rows(db, claim_id)
    assert row.status == "open" and row.met_at is None and row.due_at == datetime(2026, 11, 12, 10, 0, tzinfo=CHINA)


def test_edit_and_note_write_events(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db))).claim_id
    edit_claim(db, claim_id, ClaimEdit(claimed_fen=8800, declared_fen=None, carrier="中通快递",
                                       tracking_no="ZT7788", description="按成本价申请",
                                       incident=ClaimIncident.DAMAGED), author="阿May")
    add_claim_note(db, claim_id, "网点王经理电话 0755-1234")
    d = detail(db, claim_id)
    assert d.claimed_fen == 8800 and d.incident == "damaged" and d.description == "按成本价申请"
    assert d.events[-2].kind == "edit" and "申请金额：100.00 → 88.00" in (d.events[-2].note or "")
    assert "理赔原因：丢件 → 破损" in (d.events[-2].note or "") and d.events[-2].author == "阿May"
    assert d.events[-1].kind == "note"
    with pytest.raises(UserError):
        add_claim_note(db, claim_id, "  ")


# --- links ------------------------------------------------------------------------------------


def test_links_to_the_case_and_the_reship_it_funds(db: Database) -> None:
    add_order(db, "555")
    case_id = open_case(db, NewCase(Platform.PDD, "555", CaseKind.RESHIP)).case_id
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=draft_order_id(db, "555"))).claim_id
    with pytest.raises(UserError, match="还没有补发记录"):
        link_reship_case(db, claim_id, case_id)
    with db.transaction() as s:
        reship = Reship(case_id=case_id, status="agreed")
        s.add(reship)
        s.flush()
        reship_id = reship.id
    assert link_reship_case(db, claim_id, case_id).value == reship_id
    d = detail(db, claim_id)
    assert d.reship_id == reship_id and d.reship_case_id == case_id and d.case_id is None
    with db.reading() as s:
        notes = [e.note for e in case_events(s, case_id) if e.subject == "claim"]
    assert notes and "补发" in (notes[-1] or "")
    link_case(db, claim_id, case_id)
    assert detail(db, claim_id).case_id == case_id
    assert follow_up_rows(db, claim_id)[0].case_id == case_id  # the calendar names the case too
    add_order(db, "556")
    other_case = open_case(db, NewCase(Platform.PDD, "556", CaseKind.RESHIP)).case_id
    with pytest.raises(UserError, match="不是同一个订单"):
        link_case(db, claim_id, other_case)
    link_reship(db, claim_id, None)
    assert detail(db, claim_id).reship_case_id is None
    with pytest.raises(NotFound):
        link_reship(db, claim_id, 999)


def draft_order_id(db: Database, order_no: str) -> int:
    with db.reading() as s:
        return find_order(s, order_no).id


def test_a_parcel_with_an_open_claim_gets_no_second_one_unless_asked_again(db: Database) -> None:
    # A courier takes one claim per waybill: a second open claim of a parcel is mostly a double entry
    # (the OK clicked twice, the CLI run again), which would count the money twice in 统计.
    order_id = add_order(db)
    first = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    with pytest.raises(ClaimExists) as refused:
        open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id))
    assert refused.value.claim_id == first
    assert refused.value.message == "运单 ZT7788 已有进行中的理赔 #1（待提交，申请 100.00 元），请在那张理赔上继续跟进"
    # Another parcel of the order (a tracking number typed in) is another claim.
    assert open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, tracking_no="ZT9900")).claim_id == 2
    # Once the first is closed, the parcel can be claimed afresh.
    act_on_claim(db, first, A.CLOSE, note="重复登记")
    assert open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id)).claim_id == 3
    # An order without a tracking number: its open claim without one is the parcel's.
    bare = add_order(db, "261101-556", carrier=None, tracking=None)
    open_claim(db, NewClaim(ClaimIncident.OTHER, order_id=bare, claimed_fen=1000))
    with pytest.raises(ClaimExists) as refused:
        open_claim(db, NewClaim(ClaimIncident.OTHER, order_id=bare, claimed_fen=1000))
    assert refused.value.message.startswith("这个订单的包裹已有进行中的理赔 #4（待提交，申请 10.00 元）")
    assert open_claim(db, NewClaim(ClaimIncident.OTHER, order_id=bare, claimed_fen=1000, again=True)).claim_id == 5


# --- the table's queries and totals -----------------------------------------------------------


def test_filters_totals_and_carrier_subtotals(db: Database) -> None:
    zto = add_order(db, "1")
    sf = add_order(db, "2", carrier="顺丰速运", tracking="SF100", paid_fen=20000, postage_fen=0,
                   items=(("蓝牙耳机", 1, 20000, None),))
    nobody = add_order(db, "3", carrier=None, tracking=None)
    a = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=zto, at=T0)).claim_id  # 100.00, stays open
    b = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=sf, at=T0)).claim_id  # 200.00, partially paid 50
    c = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=zto, lines=parse_items("2"), at=T0,
                                again=True)).claim_id  # 50.00 paid
    d = open_claim(db, NewClaim(ClaimIncident.OTHER, order_id=nobody, claimed_fen=1000, at=T0)).claim_id  # closed, 0
    act_on_claim(db, b, A.SUBMIT_STATEMENT, at=T0)
    act_on_claim(db, b, A.PAY_PARTIALLY, amount_fen=5000, at=T0)
    act_on_claim(db, c, A.SUBMIT_STATEMENT)
    act_on_claim(db, c, A.PAY)
    act_on_claim(db, d, A.CLOSE)
    with db.reading() as s:
        totals = claim_totals(s, ClaimFilter())
        assert (totals.total.count, totals.total.claimed_fen, totals.total.received_fen,
                totals.total.outstanding_fen) == (4, 36000, 10000, 25000)
        assert totals.total.outstanding_fen == 25000
        assert [(t.carrier, t.sums.count, t.sums.claimed_fen, t.sums.received_fen, t.sums.outstanding_fen)
                for t in totals.by_carrier] == [
            ("顺丰速运", 1, 20000, 5000, 15000), ("中通快递", 2, 15000, 5000, 10000), ("", 1, 1000, 0, 0)]
        assert [r.id for r in list_claims(s, ClaimFilter(carrier="中通快递"))] == [a, c]
        assert [r.id for r in list_claims(s, ClaimFilter(carrier=""))] == [d]
        assert {r.id for r in list_claims(s, ClaimFilter(open_state=OpenState.OPEN))} == {a, b}
        assert {r.id for r in list_claims(s, ClaimFilter(open_state=OpenState.CLOSED))} == {c, d}
        assert [r.id for r in list_claims(s, ClaimFilter(status="partially_paid"))] == [b]
        rows = {r.id: r for r in list_claims(s, ClaimFilter())}
        assert rows[b].outstanding_fen == 15000 and rows[c].outstanding_fen == 0 and rows[a].order_no == "1"
        # Follow-up due: a is due 2026-11-06 10:00, b three days after its partial payment.
        due = list_claims(s, ClaimFilter(follow_up_by=end_of_china_day(parse_moment("2026-11-06 08:00").at)))
        assert [r.id for r in due] == [a]
        assert claim_totals(s, ClaimFilter(carrier="顺丰速运")).total.outstanding_fen == 15000
        assert claim_carriers(s) == ["中通快递", "顺丰速运"]


def test_end_of_china_day() -> None:
    late = datetime(2026, 11, 5, 23, 30, tzinfo=CHINA)
    assert end_of_china_day(late) == datetime(2026, 11, 6, 0, 0, tzinfo=CHINA)
    # 20:00 UTC is already the next morning in China.
    assert end_of_china_day(late.astimezone(UTC).replace(hour=20)) == datetime(2026, 11, 7, 0, 0, tzinfo=CHINA)


# --- evidence ---------------------------------------------------------------------------------


@pytest.mark.sqlite_only  # names on a team ledger: tests/unit/test_team_files.py
def test_evidence_is_copied_into_the_data_folder(db: Database, tmp_path: Path, data_home: Path) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=add_order(db))).claim_id
    photo = tmp_path / "外箱面单.jpg"
    photo.write_bytes(b"\xff\xd8jpeg")
    other = tmp_path / "other"
    other.mkdir()
    (other / "外箱面单.jpg").write_bytes(b"second")
    ids = add_evidence(db, claim_id, [photo, other / "外箱面单.jpg"]).value
    folder = data_home / "evidence" / str(claim_id)
    assert sorted(p.name for p in folder.iterdir()) == ["外箱面单-2.jpg", "外箱面单.jpg"]
    assert (folder / "外箱面单.jpg").read_bytes() == b"\xff\xd8jpeg"
    d = detail(db, claim_id)
    assert [e.id for e in d.evidence] == ids
    assert d.evidence[1].stored_path == f"evidence/{claim_id}/外箱面单-2.jpg"
    assert d.evidence[1].original_name == "外箱面单.jpg"
    assert d.events[-1].kind == "evidence"
    photo.unlink()  # the copy stays when the original goes
    assert (folder / "外箱面单.jpg").exists()
    remove_evidence(db, ids[0])
    assert not (folder / "外箱面单.jpg").exists() and len(detail(db, claim_id).evidence) == 1


def test_missing_evidence_is_refused_and_nothing_is_copied(db: Database, tmp_path: Path, data_home: Path) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=add_order(db))).claim_id
    real = tmp_path / "称重.png"
    real.write_bytes(b"png")
    with pytest.raises(NotFound, match="找不到文件"):
        add_evidence(db, claim_id, [real, tmp_path / "不存在.png"])
    with pytest.raises(NotFound):
        add_evidence(db, 404, [real])
    assert not (data_home / "evidence" / "404").exists()
    with db.reading() as s:
        assert s.execute(select(func.count(ClaimEvidence.id))).scalar_one() == 0
    assert not (data_home / "evidence" / str(claim_id)).exists()


# --- the statement's contract -----------------------------------------------------------------


def test_claim_detail_keeps_the_fields_the_statement_reads(db: Database) -> None:
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(db))).claim_id
    d = detail(db, claim_id)
    names = {f.name for f in dataclasses.fields(ClaimDetail)}
    assert {"id", "status", "incident", "description", "carrier", "tracking_no", "shipped_at", "claimed_fen",
            "declared_fen", "received_fen", "items", "order", "case_id", "reship_case_id"} <= names
    assert {f.name for f in dataclasses.fields(d.items[0])} == {"title", "spec", "quantity", "unit_price_fen",
                                                                "claimed_fen"}
    assert d.order.platform == "pdd" and d.order.order_no == "261101-555" and d.order.phone == "18252435900"
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.status = "paid"  # type: ignore[misc]
    with db.reading() as s, pytest.raises(NotFound, match="找不到理赔 #42"):
        claim_detail(s, 42)
    with db.reading() as s:
        assert draft_for_order(s, d.order.id).value(None) == 10000


# --- the CLI ----------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_add_list_act_show(capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str) -> None:
    add_order(db)
    path = ledger_target
    code, out, err = cli(capsys, "claim", "add", "--db", path, "--order", "261101-555", "--incident", "lost",
                         "--note", "网点失火", "--at", "2026-11-04 18:00")
    assert (code, out.strip(), err) == (0, "1", "")
    # The same parcel again: refused, unless asked with --again (another damaged piece of it).
    code, out, err = cli(capsys, "claim", "add", "--db", path, "--order", "261101-555", "--incident", "破损")
    assert (code, out) == (2, "")
    assert "运单 ZT7788 已有进行中的理赔 #1（待提交，申请 100.00 元），请在那张理赔上继续跟进；" in err
    assert "--again" in err and "Traceback" not in err
    code, out, _ = cli(capsys, "claim", "add", "--db", path, "--order", "261101-555", "--platform", "拼多多",
                       "--incident", "破损", "--items", "1:1", "--follow-up", "2026-12-01", "--json", "--again")
    data = json.loads(out)
    assert code == 0 and data["id"] == 2 and data["claimed"] == "25.00" and data["status"] == "draft"
    assert data["items"] == [{"title": "陶瓷马克杯", "spec": "白色", "quantity": 1, "unit_price": "30.00",
                              "claimed": "25.00"}]
    assert data["carrier"] == "中通快递" and data["tracking"] == "ZT7788" and data["incident"] == "damaged"
    code, out, _ = cli(capsys, "claim", "act", "1", "submit_statement", "--db", path, "--at", "2026-11-05 10:00")
    assert code == 0 and "已提交货值说明" in out
    code, out, _ = cli(capsys, "claim", "act", "1", "部分赔付", "--db", path, "--amount", "40", "--json",
                       "--follow-up", "2026-11-09")
    data = json.loads(out)
    assert data["status"] == "partially_paid" and data["received"] == "40.00"
    assert data["follow_up_at"] == "2026-11-09T10:00:00+08:00"
    code, out, _ = cli(capsys, "claim", "list", "--db", path, "--json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == [1, 2]  # nearest follow-up first
    by_id = {r["id"]: r for r in rows}
    assert by_id[1]["outstanding"] == "60.00" and by_id[1]["status_label"] == "部分赔付"
    code, out, _ = cli(capsys, "claim", "list", "--db", path, "--status", "draft", "--json")
    assert [r["id"] for r in json.loads(out)] == [2]
    code, out, _ = cli(capsys, "claim", "list", "--db", path)
    assert code == 0 and "合计：2 条  已申请 125.00  已到账 40.00  待追回 85.00" in out
    cli(capsys, "claim", "act", "2", "close", "--db", path)
    _, out, _ = cli(capsys, "claim", "list", "--db", path, "--closed", "--json")
    assert [r["id"] for r in json.loads(out)] == [2]
    _, out, _ = cli(capsys, "claim", "list", "--db", path, "--open", "--carrier", "中通快递", "--json")
    assert [r["id"] for r in json.loads(out)] == [1]
    code, out, _ = cli(capsys, "claim", "show", "1", "--db", path, "--json")
    data = json.loads(out)
    assert [e["action"] for e in data["events"]] == [None, "submit_statement", "pay_partially"]
    assert "escalate_hq" in data["allowed_actions"] and data["receiver"] == "梁军桐"
    code, out, _ = cli(capsys, "claim", "show", "1", "--db", path)
    assert code == 0 and "记录：" in out and "部分赔付" in out and "陶瓷马克杯" in out


def test_cli_errors_are_chinese_with_exit_code_2(capsys: pytest.CaptureFixture[str], db: Database,
                                                  ledger_target: str) -> None:
    add_order(db, "12345", platform="pdd")
    add_order(db, "12345", platform="douyin")
    path = ledger_target
    code, out, err = cli(capsys, "claim", "add", "--db", path, "--order", "12345", "--incident", "lost")
    assert code == 2 and out == "" and "--platform" in err and "多个平台" in err
    code, _, err = cli(capsys, "claim", "add", "--db", path, "--order", "404", "--incident", "lost")
    assert code == 2 and "找不到" in err
    code, _, err = cli(capsys, "claim", "add", "--db", path, "--order", "12345", "--platform", "pdd",
                       "--incident", "fire")
    assert code == 2 and "无法识别的理赔原因" in err
    code, _, err = cli(capsys, "claim", "add", "--db", path, "--incident", "lost")
    assert code == 2 and "--order" in err
    code, _, err = cli(capsys, "claim", "add", "--db", path, "--order", "12345", "--platform", "pdd",
                       "--incident", "lost", "--amount", "abc")
    assert code == 2 and "金额" in err
    assert cli(capsys, "claim", "add", "--db", path, "--order", "12345", "--platform", "pdd",
               "--incident", "lost")[0] == 0
    code, out, err = cli(capsys, "claim", "act", "1", "pay", "--db", path)
    assert code == 2 and out == "" and "不能执行“已赔付”" in err
    code, _, err = cli(capsys, "claim", "act", "1", "fly", "--db", path)
    assert code == 2 and "无法识别的理赔操作" in err
    code, _, err = cli(capsys, "claim", "show", "9", "--db", path)
    assert code == 1 and "找不到理赔 #9" in err  # nothing found (README's exit codes)
    with db.reading() as s:
        assert s.execute(select(func.count(CarrierClaim.id))).scalar_one() == 1


@pytest.mark.sqlite_only
def test_cli_case_evidence_follow_up_and_link(capsys: pytest.CaptureFixture[str], db: Database, db_path: Path,
                                              tmp_path: Path, data_home: Path) -> None:
    add_order(db, "555")
    path = str(db_path)
    case_id = open_case(db, NewCase(Platform.PDD, "555", CaseKind.RESHIP)).case_id
    code, out, _ = cli(capsys, "claim", "add", "--db", path, "--case", str(case_id), "--incident", "丢件", "--json")
    assert code == 0 and json.loads(out)["case"] == case_id and json.loads(out)["order"] == "555"
    photo = tmp_path / "damage.png"
    photo.write_bytes(b"png")
    code, out, _ = cli(capsys, "claim", "evidence", "1", str(photo), "--db", path)
    assert code == 0 and "1 个" in out and (data_home / "evidence" / "1" / "damage.png").is_file()
    code, _, err = cli(capsys, "claim", "evidence", "1", str(tmp_path / "nope.png"), "--db", path)
    assert code == 2 and "找不到文件" in err
    assert cli(capsys, "claim", "follow-up", "1", "2026-12-01 09:00", "--db", path)[0] == 0
    assert detail(db, 1).follow_up_at == datetime(2026, 12, 1, 9, 0, tzinfo=CHINA)
    assert cli(capsys, "claim", "follow-up", "1", "none", "--db", path)[0] == 0
    assert detail(db, 1).follow_up_at is None
    code, _, err = cli(capsys, "claim", "link", "1", "--reship-case", str(case_id), "--db", path)
    assert code == 2 and "补发记录" in err
    assert cli(capsys, "claim", "note", "1", "快递员说下周赔", "--db", path)[0] == 0
    assert detail(db, 1).events[-1].note == "快递员说下周赔"


def test_follow_up_of_a_claim_without_a_case_is_listed_with_its_order(db: Database) -> None:
    from desktop_app.store.deadline_lists import count_open_by_day, list_deadlines

    order_id = add_order(db)
    open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id, at=T0), author="小林")
    with db.reading() as s:
        rows = [r for r in list_deadlines(s, include_all=True) if r.timer_id == "claim_follow_up"]
        assert rows and rows[0].case_id is None and rows[0].order_no == "261101-555"
        assert rows[0].platform == "pdd"
        day = rows[0].due_at.astimezone(CHINA).date()
        assert count_open_by_day(s, day, day)[day].total >= 1
