"""The order-side sort keys carried on the case (`cases.sort_receiver`, `sort_order_no`, `sort_shop`,
migration 0018_sortkeys) equal their order's receiver and number and its shop's name after every kind of
write, on both databases: a typed case, the order import filling its placeholder order, after-sales
imports, the ORM changing an order or moving a case, an order's shop changed or a shop renamed, a bulk
insert with wrong or no values (issue 15: the Cases table sorts by them)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import insert, select, update

from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.order_import import import_files
from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.database import Database, alembic_config, open_database
from desktop_app.store.models import SORT_INDEXES, Case, Order, Shop
from tests.unit.aftersales_files import copy_fixture

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
TAOBAO_ORDER = "4145384019161461003"  # in taobao_ExportOrderList.csv
NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


Keys = tuple[str | None, str | None, str | None]


def _copies(db: Database) -> dict[int, tuple[Keys, Keys]]:
    """case id → (its copies, its order's receiver and number and its shop's name)."""
    with db.reading() as s:
        rows = s.execute(select(Case.id, Case.sort_receiver, Case.sort_order_no, Case.sort_shop, Order.receiver,
                                Order.order_no, Shop.name)
                         .join(Order, Order.id == Case.order_id).outerjoin(Shop, Shop.id == Order.shop_id)).all()
    return {r[0]: ((r[1], r[2], r[3]), (r[4], r[5], r[6])) for r in rows}


def _assert_kept(db: Database) -> None:
    copies = _copies(db)
    assert copies
    assert {k: v[0] for k, v in copies.items()} == {k: v[1] for k, v in copies.items()}


def test_typed_and_imported_cases_carry_their_orders_receiver_and_number(db: Database, tmp_path: Path) -> None:
    typed = open_case(db, NewCase(Platform.TAOBAO, TAOBAO_ORDER, CaseKind.RESHIP, CaseReason.DAMAGED,
                                  receiver="临时名"), author="测").case_id
    assert _copies(db)[typed][0] == ("临时名", TAOBAO_ORDER, None)
    assert not import_files(db, [SAMPLES / "taobao_ExportOrderList.csv"]).refused  # the order's own receiver
    first, later = copy_fixture(tmp_path, "tb_refunds.csv", "tb_refunds_later.csv")
    import_cases(db, [first])
    import_cases(db, [later])
    _assert_kept(db)
    copies = _copies(db)
    assert copies[typed][0][0] not in (None, "临时名") and copies[typed][0][2]  # the export names the shop
    assert len(copies) > 3 and all(v[0][1] for v in copies.values())  # the refund lists name no receiver


def test_an_order_changed_or_a_case_moved_through_the_orm_carries_on(db: Database) -> None:
    a = open_case(db, NewCase(Platform.PDD, "261101-000000000001", CaseKind.REFUND_ONLY, receiver="王伟"),
                  author="测").case_id
    b = open_case(db, NewCase(Platform.PDD, "261101-000000000002", CaseKind.REFUND_ONLY), author="测").case_id
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, a).order_id)
        order.receiver = "李娜"
    assert _copies(db)[a][0] == ("李娜", "261101-000000000001", None)
    with db.transaction() as s:
        s.get_one(Case, a).order_id = s.get_one(Case, b).order_id
    assert _copies(db)[a][0] == (None, "261101-000000000002", None)
    with db.transaction() as s:  # statements too (the order import's upsert writes orders so)
        s.execute(update(Order).where(Order.id == s.get_one(Case, b).order_id).values(receiver="张敏"))
    assert _copies(db)[a][0] == _copies(db)[b][0] == ("张敏", "261101-000000000002", None)
    with db.transaction() as s:  # the order given a shop, the shop renamed
        shop = Shop(platform="pdd", name="甲店")
        s.add(shop)
        s.flush()
        s.get_one(Order, s.get_one(Case, b).order_id).shop_id = shop.id
    assert _copies(db)[a][0] == ("张敏", "261101-000000000002", "甲店")
    with db.transaction() as s:
        s.execute(update(Shop).values(name="乙店"))
    assert _copies(db)[a][0] == _copies(db)[b][0] == ("张敏", "261101-000000000002", "乙店")
    _assert_kept(db)


def test_a_bulk_insert_with_wrong_or_no_copies_is_corrected(db: Database) -> None:
    with db.transaction() as s:
        s.execute(insert(Order), [
            {"id": 1, "order_key": "pdd:1", "platform": "pdd", "order_no": "1", "receiver": "陈静"},
            {"id": 2, "order_key": "pdd:2", "platform": "pdd", "order_no": "2"}])
        s.execute(insert(Case), [
            {"id": 1, "order_id": 1, "platform": "pdd", "kind": "reship", "status": "pending"},
            {"id": 2, "order_id": 2, "platform": "pdd", "kind": "reship", "status": "pending",
             "sort_receiver": "错的", "sort_order_no": "9"},
            {"id": 3, "order_id": 1, "platform": "pdd", "kind": "reship", "status": "pending",
             "sort_receiver": "陈静", "sort_order_no": "1"}])
    assert {k: v[0] for k, v in _copies(db).items()} == {1: ("陈静", "1", None), 2: (None, "2", None),
                                                           3: ("陈静", "1", None)}
    with db.transaction() as s:  # a write of the copies themselves is taken back to the order's
        s.execute(update(Case).where(Case.id == 3).values(sort_receiver="别的"))
    _assert_kept(db)


def test_the_bulk_insert_of_new_cases_writes_each_row_once_on_sqlite(tmp_path: Path) -> None:
    """An after-sales import's new cases take their order's keys in the insert itself: the trigger finds them
    right and writes nothing more (a second write of each case moved it in six indexes)."""
    db = open_database(tmp_path / "ledger.sqlite3")
    try:
        with db.transaction() as s:
            s.execute(insert(Shop), [{"id": 1, "platform": "pdd", "name": "甲店"}])
            s.execute(insert(Order), [{"id": i, "order_key": f"pdd:{i}", "platform": "pdd", "order_no": f"{i}",
                                       "receiver": "王伟" if i % 2 else None, "shop_id": 1 if i % 3 else None}
                                      for i in range(1, 11)])
        with db.transaction() as s:
            raw = s.connection().connection.driver_connection
            assert raw is not None
            before = raw.total_changes
            insert_rows(s, Case, [{"id": i, "order_id": i, "platform": "pdd", "kind": "reship", "status": "pending",
                                   "is_open": True, "signed_date_only": False, "created_by": "测", "created_at": NOW,
                                   "updated_at": NOW, "version": 1} for i in range(1, 11)])
            # The rows themselves and, on SQLite, each one's share of the 统计's per-month aggregate (case_months'
            # own trigger: one UPSERT a case); nothing written by the sort keys' trigger.
            assert raw.total_changes - before == 10 + 10
        _assert_kept(db)
    finally:
        db.close()


def test_the_migration_fills_the_keys_of_a_ledger_from_before(tmp_path: Path) -> None:
    """A ledger from before 0018_sortkeys (analysed, as the benchmark's seed is) gets every case's keys, statistics
    for the new indexes, and triggers that keep the keys from then on."""
    path = tmp_path / "ledger.sqlite3"
    db = open_database(path)
    typed = open_case(db, NewCase(Platform.TAOBAO, TAOBAO_ORDER, CaseKind.RESHIP, receiver="临时名"),
                      author="测").case_id
    assert not import_files(db, [SAMPLES / "taobao_ExportOrderList.csv"]).refused
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0017_money")
        conn.exec_driver_sql("ANALYZE")
    db.close()
    db = open_database(path)
    try:
        _assert_kept(db)
        assert _copies(db)[typed][0][0] not in (None, "临时名")
        with sqlite3.connect(path) as conn:
            analysed = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases'")}
        assert {name for name, _columns in SORT_INDEXES} <= analysed
        with db.transaction() as s:
            s.execute(update(Order).where(Order.order_no == TAOBAO_ORDER).values(receiver="改过的"))
        assert _copies(db)[typed][0][0] == "改过的"
    finally:
        db.close()
