"""The dashboard's copies on the case row (store/case_facts.py, migrations 0007_dash and 0008_dash) stay
equal to what their source tables say after every kind of write: typed cases, actions (back-dated too),
undo, a change of kind, cost edits, reships, claims, an order import after the case, after-sales imports,
order lines written through the ORM."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimAction, ClaimIncident, PayoutChannel
from desktop_app.core.clock import CHINA, Moment, now, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.case_import import import_cases
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case, undo_last_step
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.services.deadline_walk import timer_facts
from desktop_app.services.order_import import import_files
from desktop_app.store.case_facts import recompute_case_facts, resolve_seconds, stored_case_facts
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.order_sales import goods_lines
from tests.unit.aftersales_files import copy_fixture

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
TAOBAO_ORDER = "4145384019161461003"  # in taobao_ExportOrderList.csv, shipped with 韵达快递


def test_timer_facts_and_seconds() -> None:
    a, b = parse_moment("2026-11-01 10:00").at, parse_moment("2026-11-03 10:00").at
    assert timer_facts([("met", a), ("open", b), ("open", a), ("missed", b)]) == (1, 1, 2, a, b)
    assert timer_facts([]) == (0, 0, 0, None, None)
    assert resolve_seconds(a, b) == 2 * 24 * 3600 and resolve_seconds(b, a) == -2 * 24 * 3600


def test_the_copies_equal_a_recompute_from_scratch_after_a_mixed_history(db: Database, tmp_path: Path) -> None:
    day = now() - timedelta(days=6)
    # Typed before its order is imported: a placeholder without a courier; the import brings one.
    early = open_case(db, NewCase(Platform.TAOBAO, TAOBAO_ORDER, CaseKind.RESHIP, CaseReason.DAMAGED,
                                  requested=Moment(day)), author="测").case_id
    assert not import_files(db, [SAMPLES / "taobao_ExportOrderList.csv"]).refused
    reships.agree(db, early, at=Moment(day + timedelta(hours=3)), author="测")
    reships.ship(db, early, "中通快递", "78912345678901", at=Moment(day + timedelta(hours=20)), author="测")

    refund = open_case(db, NewCase(Platform.PDD, "261101-000000000001", CaseKind.REFUND_ONLY, CaseReason.LOST,
                                   refund_fen=4500, requested=Moment(day)), author="测").case_id
    act_on_case(db, refund, CaseAction.REFUND, at=Moment(day + timedelta(hours=30)), author="测")
    # Back-dated as far as the steps' order lets it be: given by the refund's day only (stored at its 00:00).
    refund_day = (day + timedelta(hours=30)).astimezone(CHINA).replace(hour=0, minute=0, second=0, microsecond=0)
    act_on_case(db, refund, CaseAction.COMPLETE, at=Moment(refund_day, date_only=True), author="测")
    undo_last_step(db, refund, author="测")  # taken back: the latest action still counts, as before

    kind = open_case(db, NewCase(Platform.JD, "300000000005", CaseKind.RETURN_REFUND, CaseReason.QUALITY,
                                 refund_fen=3000, requested=Moment(day)), author="测").case_id
    act_on_case(db, kind, CaseAction.AGREE_RETURN, at=Moment(day + timedelta(hours=2)), author="测")
    change_case_kind(db, kind, CaseKind.REFUND_ONLY, author="测")
    set_case_costs(db, kind, CaseCosts(postage_back_fen=800, written_off_fen=1200), author="测")

    claim = open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=early, claimed_fen=5000), author="测").claim_id
    act_on_claim(db, claim, ClaimAction.SUBMIT_STATEMENT, author="测")
    act_on_claim(db, claim, ClaimAction.PAY_PARTIALLY, amount_fen=2000, channel=PayoutChannel.BANK, author="测")

    first, later = copy_fixture(tmp_path, "tb_refunds.csv", "tb_refunds_later.csv")
    import_cases(db, [first])
    import_cases(db, [later])  # moves some cases forward (case actions)

    with db.transaction() as s:
        kept = stored_case_facts(s)
        recompute_case_facts(s)
        again = stored_case_facts(s)
        courier = s.execute(select(Case.carrier).where(Case.id == early)).scalar_one()
        early_goods = s.execute(select(Case.goods).where(Case.id == early)).scalar_one()
    assert kept == again
    assert courier == "韵达快递"  # the order import gave the typed case its courier
    assert early_goods and goods_lines(early_goods)  # and its order's lines
    assert sum(1 for f in kept.values() if f[7]) > 3  # imported cases have their orders' lines too
    assert kept[refund][5] == 30 * 3600  # the latest action, not the back-dated one nor the undo
    assert kept[refund][8] is True and kept[kind][8] is False  # refunded (the undo took the completion back)
    assert any(f[8] for k, f in kept.items() if k not in (early, refund, kind))  # an imported 退款成功
    assert kept[early][5] == 20 * 3600
    assert sum(f[2] for f in kept.values()) > 0 and sum(f[0] for f in kept.values()) > 0
    assert any(f[5] is not None for k, f in kept.items() if k not in (early, refund, kind))  # imported cases


def test_goods_lines_read_back_whatever_the_texts_hold() -> None:
    lines = (("SKU-01", "商品01:;2;", 3), ("a;b:1", "a;b:1", 12), ("", "", 1))
    goods = "".join(f"{len(k)}:{k}{len(t)}:{t}{q};" for k, t, q in lines)
    assert goods_lines(goods) == lines


def test_order_lines_written_through_the_orm_reach_the_order_and_its_cases(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261101-000000000009", CaseKind.REFUND_ONLY, CaseReason.LOST,
                                    refund_fen=100), author="测").case_id
    with db.transaction() as s:
        case = s.get_one(Case, case_id)
        assert case.goods is None  # a placeholder order without lines
        order = s.get_one(Order, case.order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
        order.items.append(OrderItem(position=1, title="赠品", sku_code="", quantity=1))
    with db.transaction() as s:
        goods = s.execute(select(Case.goods).where(Case.id == case_id)).scalar_one()
        assert sorted(goods_lines(goods)) == [("CUP-01", "陶瓷马克杯", 2), ("赠品", "赠品", 1)]
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        assert order.goods == goods
        order.items[0].quantity = 5
        s.delete(order.items[1])
    with db.transaction() as s:
        assert goods_lines(s.execute(select(Case.goods).where(Case.id == case_id)).scalar_one()) == (
            ("CUP-01", "陶瓷马克杯", 5),)
        kept = stored_case_facts(s)
        recompute_case_facts(s)
        assert stored_case_facts(s) == kept


def test_an_order_import_writes_the_goods_a_recompute_gives(db: Database) -> None:
    """New orders get their goods from the import itself (Python), a re-import restating lines from SQL:
    both equal what `recompute_case_facts` computes from the lines (multi-line orders too)."""
    files = [SAMPLES / "taobao_ExportOrderList.csv", SAMPLES / "taobao_ExportOrderDetailList.csv",
             SAMPLES / "douyin_orders.xlsx", SAMPLES / "pdd_orders.csv", SAMPLES / "jd_orders.csv"]
    assert not any(f.refused for f in import_files(db, files).files)
    with db.transaction() as s:
        kept = {i: g for i, g in s.execute(select(Order.id, Order.goods))}
        recompute_case_facts(s)
        assert {i: g for i, g in s.execute(select(Order.id, Order.goods))} == kept
    assert any(g and len(goods_lines(g)) > 1 for g in kept.values())
