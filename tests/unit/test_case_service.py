"""Case services on real SQLite files: placeholders, transitions, audit events, optimistic locking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import ActionNotAllowed, NotFound, StaleData, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.cases import CaseEdit, NewCase, act_on_case, add_note, edit_case, open_case
from desktop_app.services.search_index import catch_up, waiting
from desktop_app.store.case_queries import (
    CaseFilter,
    CaseOrder,
    CaseSort,
    OpenState,
    case_detail,
    case_rows,
    count_cases,
    find_orders,
)
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Order, OrderItem
from desktop_app.store.search import build_search_text


def add_order(db: Database, platform: str, order_no: str, receiver: str, phone: str, title: str,
              tracking: str | None = None) -> int:
    with db.transaction() as s:
        family = "taobao" if platform in ("taobao", "tmall") else platform
        order = Order(order_key=f"{family}:{order_no}", platform=platform, order_no=order_no, receiver=receiver,
                      phone=phone, tracking_no=tracking, paid_fen=15800,
                      imported_at=parse_moment("2026-11-01").at,
                      search_text=build_search_text([order_no, receiver, phone, tracking, title]))
        order.items.append(OrderItem(title=title, quantity=2, paid_fen=15800))
        s.add(order)
        s.flush()
        return order.id


def test_case_for_an_unimported_order_keeps_a_placeholder(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.TMALL, " 4145384019161461003 ", CaseKind.RESHIP,
                                    CaseReason.MISSING_ITEM, refund_fen=None, note="少发袜子"), author="小林").case_id
    with db.reading() as s:
        d = case_detail(s, case_id)
        assert d.order.order.order_no == "4145384019161461003"
        assert not d.order.order.imported
        assert d.row.status == "pending" and d.row.is_open
        assert [e.kind for e in d.events] == ["created"]
        assert d.events[0].author == "小林" and d.events[0].note == "少发袜子"
        # Taobao and Tmall share a numbering: a second case on the Taobao side finds the same order.
    second = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.PARTIAL_REFUND)).case_id
    with db.reading() as s:
        assert s.get(Case, second).order_id == s.get(Case, case_id).order_id
        assert s.execute(select(func.count(Order.id))).scalar_one() == 1


def test_case_links_to_an_imported_order(db: Database) -> None:
    order_id = add_order(db, "pdd", "261111-755306313554903", "梁军桐", "18252435900", "宠物猫砂")
    case_id = open_case(db, NewCase(Platform.PDD, "261111-755306313554903", CaseKind.REFUND_ONLY,
                                    refund_fen=7900, responsible=ResponsibleParty.CARRIER)).case_id
    with db.reading() as s:
        d = case_detail(s, case_id)
    assert d.order.order.id == order_id and d.order.order.imported
    assert d.order.items[0].title == "宠物猫砂"
    assert d.row.amount_fen == 7900 and d.refund_fen == 7900 and d.row.responsible == "carrier"


def test_actions_follow_the_state_machine_and_write_audit_events(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.TAOBAO, "100", CaseKind.RETURN_REFUND,
                                    requested=parse_moment("2026-11-11 09:00")), author="a").case_id
    with pytest.raises(ActionNotAllowed, match="不能执行“退款”"):
        act_on_case(db, case_id, CaseAction.REFUND, author="a")
    assert act_on_case(db, case_id, CaseAction.AGREE_RETURN, at=parse_moment("2026-11-11 10:00"),
                       author="a").status is CaseStatus.AWAITING_RETURN
    at = parse_moment("2026-11-12 10:00")
    act_on_case(db, case_id, CaseAction.BUYER_SHIPPED_RETURN, note="SF123", at=at, author="b")
    act_on_case(db, case_id, CaseAction.RECEIVE_RETURN, author="b")
    assert act_on_case(db, case_id, CaseAction.REFUND, author="b").status is CaseStatus.REFUNDED
    act_on_case(db, case_id, CaseAction.COMPLETE, author="b")
    with db.reading() as s:
        d = case_detail(s, case_id)
        events = s.execute(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)).scalars()
        rows = [(e.action, e.from_state, e.to_state, e.milestone) for e in events]
    assert rows[1:] == [
        ("agree_return", "pending", "awaiting_return", "return_agreed"),
        ("buyer_shipped_return", "awaiting_return", "awaiting_return", "return_shipped"),
        ("receive_return", "awaiting_return", "return_received", "return_received"),
        ("refund", "return_received", "refunded", "refunded"),
        ("complete", "refunded", "completed", "completed"),
    ]
    assert not d.row.is_open and d.row.status == "completed"
    shipped = next(e for e in d.events if e.action == "buyer_shipped_return")
    assert shipped.at == at.at and shipped.note == "SF123" and shipped.author == "b"


def test_refused_action_changes_nothing(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "200", CaseKind.RESHIP)).case_id
    with pytest.raises(ActionNotAllowed):
        act_on_case(db, case_id, CaseAction.SHIP_RESHIP)
    with db.reading() as s:
        assert s.get(Case, case_id).status == "pending"
        assert s.execute(select(func.count(AuditEvent.id))).scalar_one() == 1


def test_stale_version_is_refused_saying_who_changed_it_and_its_state_now(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "300", CaseKind.RESHIP), author="小王").case_id
    act_on_case(db, case_id, CaseAction.START, expected_version=1, author="小李")  # another seat, first
    with pytest.raises(StaleData, match="售后单 #1 刚被 小李 修改了（现在是“处理中”），本次操作未保存"):
        act_on_case(db, case_id, CaseAction.AGREE_RESHIP, expected_version=1, author="小王")


def test_notes_and_edits_appear_in_the_timeline(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.DOUYIN, "400", CaseKind.PARTIAL_REFUND)).case_id
    add_note(db, case_id, "  买家要求补偿 5 元  ", author="客服")
    with pytest.raises(UserError):
        add_note(db, case_id, "   ")
    with db.reading() as s:
        version = case_detail(s, case_id).version
    assert version == 2  # the note touched the case
    edit_case(db, case_id, CaseEdit(CaseReason.DAMAGED, None, 500, ResponsibleParty.CARRIER, "DY-1"),
              expected_version=version, author="客服")
    with db.reading() as s:
        d = case_detail(s, case_id)
    assert [e.kind for e in d.events] == ["created", "note", "edit"]
    assert d.events[1].note == "买家要求补偿 5 元"
    assert "补偿金额：（空） → 5.00" in (d.events[2].note or "")
    assert d.row.amount_fen == 500 and d.platform_case_no == "DY-1"


@pytest.mark.parametrize("bad", ["6.92345678901235E+18", "", "12 34", "订单"])
def test_bad_order_numbers_are_refused(db: Database, bad: str) -> None:
    with pytest.raises(UserError):
        open_case(db, NewCase(Platform.TAOBAO, bad, CaseKind.RESHIP))
    with db.reading() as s:
        assert s.execute(select(func.count(Case.id))).scalar_one() == 0


def test_unknown_case_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="#99"):
        act_on_case(db, 99, CaseAction.START)


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "queued for the index"])
def test_search_matches_number_receiver_phone_tail_tracking_and_product(db: Database, indexed: bool) -> None:
    add_order(db, "taobao", "4145384019161461003", "秦文红", "19328792174", "宠物猫砂 豆腐砂", "YT4793834701746")
    add_order(db, "pdd", "261118-961877507213020", "廖华雨", "15071611015", "儿童保温杯 316不锈钢")
    for platform, number in ((Platform.TAOBAO, "4145384019161461003"), (Platform.PDD, "261118-961877507213020")):
        open_case(db, NewCase(platform, number, CaseKind.RESHIP))
    queued = 2 if db.engine.dialect.name == "sqlite" else 0  # PostgreSQL's trigram index is never behind
    assert waiting(db) == queued
    if indexed:
        assert catch_up(db) == queued
        assert waiting(db) == 0
    with db.reading() as s:
        def hits(q: str) -> list[str]:
            return [r.order_no for r in case_rows(s, CaseFilter(search=q), CaseOrder(), 0, 50)]

        assert hits("41453840") == ["4145384019161461003"]
        assert hits("秦文") == ["4145384019161461003"]  # two characters: receiver prefix
        assert hits("秦文红") == ["4145384019161461003"]
        assert hits("2174") == ["4145384019161461003"]  # last four digits of the phone
        assert hits("yt47938") == ["4145384019161461003"]
        assert hits("保温杯") == ["261118-961877507213020"]
        assert hits("不存在的") == []
        assert count_cases(s, CaseFilter(search="2174")) == 1
        assert [o.order_no for o in find_orders(s, "1015")] == ["261118-961877507213020"]
        # Four digits are a phone's tail only: "3840" is inside 秦文红's order number, "4793" inside a
        # tracking number, "9879" inside a phone but not at its end — none of them is a phone tail.
        assert hits("3840") == [] and hits("4793") == [] and hits("8792") == []
        assert hits("38401") == ["4145384019161461003"]  # five digits: any field again


@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "queued for the index"])
def test_a_phone_tail_also_matches_before_an_extension(db: Database, indexed: bool) -> None:
    add_order(db, "taobao", "4145384019161461003", "秦文红", "17012345678-2174", "宠物猫砂")
    add_order(db, "pdd", "261118-961877507213020", "廖华雨", "150****2174", "保温杯")
    for platform, number in ((Platform.TAOBAO, "4145384019161461003"), (Platform.PDD, "261118-961877507213020")):
        open_case(db, NewCase(platform, number, CaseKind.RESHIP))
    if indexed:
        catch_up(db)
    with db.reading() as s:
        found = {o.order_no for o in find_orders(s, "5678")} | {o.order_no for o in find_orders(s, "2174")}
    assert found == {"4145384019161461003", "261118-961877507213020"}


@pytest.mark.sqlite_only  # the FTS5 index and its queue; PostgreSQL's index is never behind
def test_search_never_finds_the_old_text_of_an_order_changed_after_indexing(db: Database) -> None:
    order_id = add_order(db, "pdd", "261118-961877507213020", "廖华雨", "15071611015", "儿童保温杯 316不锈钢")
    open_case(db, NewCase(Platform.PDD, "261118-961877507213020", CaseKind.RESHIP))
    catch_up(db)
    with db.transaction() as s:
        order = s.scalars(select(Order)).one()
        order.search_text = build_search_text([order.order_no, "欧阳修远", order.phone, "保温杯"])

    def hits(q: str) -> list[str]:
        with db.reading() as s:
            return [r.order_no for r in case_rows(s, CaseFilter(search=q), CaseOrder(), 0, 50)]

    assert waiting(db) == 1
    assert hits("廖华雨") == []  # the stale index entry is ignored while the order waits
    assert hits("欧阳修远") == ["261118-961877507213020"]
    assert catch_up(db) == 1
    assert hits("廖华雨") == []
    assert hits("欧阳修远") == ["261118-961877507213020"]
    with db.transaction() as s:
        s.delete(s.scalars(select(Case)).one())
        s.delete(s.scalars(select(Order)).one())
    assert waiting(db) == 0
    raw = sqlite3.connect(db.path)
    assert raw.execute("select count(*) from order_search").fetchone()[0] == 0
    # The freed id is taken by the next order (SQLite reuses max(rowid) + 1): it queues like any other.
    assert add_order(db, "pdd", "261118-2", "欧阳修远", "15071611015", "保温杯") == order_id
    assert waiting(db) == 1 and catch_up(db) == 1
    assert raw.execute("select rowid from order_search where order_search match '\"欧阳修远\"'").fetchall() == [
        (order_id,)]


def test_filters_and_sorting(db: Database) -> None:
    a = open_case(db, NewCase(Platform.TAOBAO, "1", CaseKind.RESHIP, refund_fen=300)).case_id
    b = open_case(db, NewCase(Platform.PDD, "2", CaseKind.REFUND_ONLY, refund_fen=100)).case_id
    c = open_case(db, NewCase(Platform.PDD, "3", CaseKind.REFUND_ONLY, refund_fen=200)).case_id
    act_on_case(db, c, CaseAction.CLOSE)
    with db.reading() as s:
        def ids(f: CaseFilter, order: CaseOrder = CaseOrder(CaseSort.ID, False)) -> list[int]:  # noqa: B008
            return [r.id for r in case_rows(s, f, order, 0, 50)]

        assert ids(CaseFilter(platforms=frozenset({"pdd"}))) == [b, c]
        assert ids(CaseFilter(kind="reship")) == [a]
        assert ids(CaseFilter(open_state=OpenState.OPEN)) == [a, b]
        assert ids(CaseFilter(open_state=OpenState.CLOSED)) == [c]
        assert ids(CaseFilter(status="closed")) == [c]
        assert ids(CaseFilter(), CaseOrder(CaseSort.AMOUNT, False)) == [b, c, a]
        assert ids(CaseFilter(), CaseOrder(CaseSort.AMOUNT, True)) == [a, c, b]
        assert ids(CaseFilter(), CaseOrder(CaseSort.ORDER_NO, True)) == [c, b, a]
        for sort in CaseSort:  # every column sorts without error and pages are stable
            first = case_rows(s, CaseFilter(), CaseOrder(sort, False), 0, 2)
            rest = case_rows(s, CaseFilter(), CaseOrder(sort, False), 2, 2)
            assert len({r.id for r in first + rest}) == 3


@pytest.mark.sqlite_only
def test_database_is_wal_with_foreign_keys(db: Database, db_path: Path) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    raw = sqlite3.connect(db_path)
    assert raw.execute("select count(*) from sqlite_master where name='order_search'").fetchone()[0] == 1


def test_importing_the_order_later_fills_the_placeholder(db: Database) -> None:
    from pathlib import Path

    from desktop_app.services.order_import import import_files

    samples = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4910237409546111393", CaseKind.RESHIP), author="a").case_id
    with db.reading() as s:
        assert case_detail(s, case_id).order.order.receiver is None
    result = import_files(db, [samples / "taobao_ExportOrderList.csv"])
    assert not result.refused
    with db.reading() as s:
        d = case_detail(s, case_id)
    assert d.order.order.imported and d.order.order.receiver == "蔡伟华"
    assert d.order.order.paid_at is not None
