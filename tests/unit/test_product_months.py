"""`product_months` (store/product_months.py, migration 0026_goods_months): the 统计's products per China month,
kept by SQLite triggers, stay equal to the same figures computed again from the cases after every writer (ORM
edits of goods, money, kind, request time and an order's shop; the after-sales import new and again; the order
import changing goods and shops; an undo of a batch; deletes; hand-made rows whose order no longer spells their
goods), after the migration fills an existing ledger, and after a ledger moves to a team server and back."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import delete, select, text

from desktop_app.core.case_costs import GOODS_RETURNED_KINDS, CaseCosts
from desktop_app.core.clock import Moment, now
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.bulk import act_on_cases, undo_batch
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.case_import import import_cases
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.order_import import import_files
from desktop_app.store.case_facts import goods_text
from desktop_app.store.database import Database, alembic_config, open_database
from desktop_app.store.ledger_copy import copy_rows
from desktop_app.store.models import Case, Order, OrderItem, Shop
from desktop_app.store.product_months import drift, kept, settle
from tests.conftest import PG_URL
from tests.unit.aftersales_files import copy_fixture
from tests.unit.script_modules import load_script

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
TAOBAO = ("taobao_ExportOrderList.csv", "taobao_ExportOrderDetailList.csv")
MIGRATION = Path(__file__).resolve().parents[2] / "desktop_app/store/migrations/versions/0026_goods_months.py"


def assert_exact(db: Database) -> int:
    """The kept products equal a rebuild from the cases (SQLite); returns how many product rows are kept."""
    with db.reading() as s:
        assert kept(s)
        assert drift(s) == []
        return int(s.execute(text("SELECT count(*) FROM product_months WHERE n != 0")).scalar_one())


def _taobao(tmp_path: Path, name: str, shop: str | None = None, title: str | None = None) -> list[Path]:
    """The Taobao sample pair, its shop name or its first order's first line title changed."""
    out = []
    for file in TAOBAO:
        with (SAMPLES / file).open(encoding="gb18030", newline="") as f:
            rows = list(csv.reader(f))
        column = rows[0].index("店铺名称") if shop and "店铺名称" in rows[0] else None
        for row in rows[1:]:
            if column is not None:
                row[column] = shop or ""
        if title and "商家编码" in rows[0]:
            rows[1][rows[0].index("标题")] = title
        path = tmp_path / name / file
        path.parent.mkdir(exist_ok=True)
        with path.open("w", encoding="gb18030", newline="") as f:
            csv.writer(f).writerows(rows)
        out.append(path)
    return out


@pytest.mark.sqlite_only
def test_every_writer_keeps_the_products_equal_to_a_rebuild(db: Database, tmp_path: Path) -> None:
    assert not any(f.refused for f in import_files(db, [SAMPLES / n for n in TAOBAO]).files)
    day = now() - timedelta(days=40)
    with db.reading() as s:
        numbers = [n for (n,) in s.execute(select(Order.order_no).where(Order.goods.is_not(None)).limit(4))]
    ids = [open_case(db, NewCase(Platform.TAOBAO, n, CaseKind.REFUND_ONLY, CaseReason.QUALITY, refund_fen=1000 + i,
                                 requested=Moment(day + timedelta(days=i * 9))), author="测").case_id
           for i, n in enumerate(numbers)]
    typed = open_case(db, NewCase(Platform.PDD, "261101-000000000009", CaseKind.RESHIP, CaseReason.DAMAGED),
                      author="测").case_id  # an order typed by hand: no lines, no goods
    assert assert_exact(db) > 0

    act_on_case(db, ids[0], CaseAction.REFUND, author="测")  # money paid
    set_case_costs(db, ids[1], CaseCosts(postage_out_fen=800, postage_back_fen=600, written_off_fen=1200,
                                         penalty_fen=300), author="测")
    change_case_kind(db, ids[0], CaseKind.RETURN_REFUND, author="测")  # its refund no longer a loss
    assert_exact(db)
    with db.transaction() as s:
        case = s.get_one(Case, ids[2])
        case.requested_at = case.requested_at - timedelta(days=35)  # another month
        s.get_one(Case, ids[3]).responsible = ResponsibleParty.BUYER.value  # read by no product figure
        shop = Shop(platform="taobao", name="小林家居")
        s.add(shop)
        s.flush()
        s.get_one(Order, s.get_one(Case, ids[1]).order_id).shop_id = shop.id  # its order's shop
        order = s.get_one(Order, s.get_one(Case, typed).order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
        order.items.append(OrderItem(position=1, title="马克杯 白", sku_code="CUP-01", quantity=1))
    assert_exact(db)
    with db.transaction() as s:  # goods changed: a line added to a case's order, one of another's deleted
        gift = s.get_one(Order, s.get_one(Case, ids[2]).order_id)
        gift.items.append(OrderItem(position=9, title="赠品 猫玩具", sku_code="", quantity=1))
        order = s.get_one(Order, s.get_one(Case, typed).order_id)
        s.delete(order.items[0])
    assert_exact(db)

    first, later = copy_fixture(tmp_path, "tb_refunds.csv", "tb_refunds_later.csv")
    import_cases(db, [first])
    assert_exact(db)
    import_cases(db, [first])  # the same file again
    import_cases(db, [later])  # moves cases forward
    assert_exact(db)
    # The order import: its lines restated (a title changed), then every order moved to a named shop.
    assert not any(f.refused for f in import_files(db, _taobao(tmp_path, "titles", title="猫砂 新款")).files)
    assert_exact(db)
    assert not any(f.refused for f in import_files(db, _taobao(tmp_path, "shop", shop="小林家居")).files)
    with db.reading() as s:
        assert s.execute(text("SELECT count(*) FROM product_months WHERE shop > 0 AND n > 0")).scalar_one()
    assert_exact(db)

    batch = act_on_cases(db, ids, CaseAction.CLOSE, note="重复申请", author="测")
    undo_batch(db, [(r.case_id, r.undo_event) for r in batch.results if r.undo_event is not None], author="测")
    assert_exact(db)
    with db.transaction() as s:
        s.execute(delete(Case).where(Case.id.in_([ids[1], ids[3]])))
        s.delete(s.get_one(Case, typed))
    assert_exact(db)


@pytest.mark.sqlite_only
def test_a_case_whose_order_no_longer_spells_its_goods_is_counted_by_its_string(db: Database) -> None:
    """A hand-made goods string (the order's lines say otherwise) is kept per string and split at the read;
    once another case splits the string, the shares taken off the products still sum right."""
    ids = [open_case(db, NewCase(Platform.PDD, f"261101-00000000001{n}", CaseKind.REFUND_ONLY, CaseReason.LOST,
                                 refund_fen=500), author="测").case_id for n in range(2)]
    goods = goods_text([("TOY-99", "猫玩具", 1), ("Q1", "猫砂 6L 蓝", 2)])
    with db.transaction() as s:
        s.execute(text("UPDATE cases SET goods = :g, penalty_fen = 700 WHERE id = :i"), {"g": goods, "i": ids[0]})
        assert s.execute(text("SELECT n FROM goods_months")).scalars().all() == [1]
    assert_exact(db)
    with db.transaction() as s:  # the other case's order spells that string: it is split
        order = s.get_one(Order, s.get_one(Case, ids[1]).order_id)
        order.items.append(OrderItem(position=0, title="猫玩具", sku_code="TOY-99", quantity=1))
        order.items.append(OrderItem(position=1, title="猫砂 6L 蓝", sku_code="Q1", quantity=2))
    with db.reading() as s:
        assert s.execute(text("SELECT count(*) FROM goods_products WHERE goods = :g"), {"g": goods}).scalar_one() == 2
    assert_exact(db)
    with db.transaction() as s:  # the first case's share now comes off the products, not the string
        s.execute(text("UPDATE cases SET penalty_fen = 100 WHERE id = :i"), {"i": ids[0]})
    assert_exact(db)
    with db.transaction() as s:
        s.execute(text("UPDATE cases SET goods = :g WHERE id = :i"), {"g": goods_text([("X", "未知", 1)]), "i": ids[0]})
        assert settle(s.connection()) == 1
        assert not s.execute(text("SELECT count(*) FROM goods_months")).scalar_one()
    assert_exact(db)
    with db.transaction() as s:
        s.execute(text("DELETE FROM cases WHERE id = :i"), {"i": ids[0]})
    assert_exact(db)


@pytest.mark.sqlite_only
def test_the_migration_fills_an_existing_ledger_from_its_cases(db: Database, tmp_path: Path) -> None:
    assert not any(f.refused for f in import_files(db, [SAMPLES / n for n in TAOBAO]).files)
    import_cases(db, copy_fixture(tmp_path, "tb_refunds.csv"))
    with db.reading() as s:
        before = s.execute(text("SELECT * FROM product_months WHERE n != 0 ORDER BY 1, 2, 3, 4, 5")).all()
    assert before
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0024_names")
        assert not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'product_months'").first()
        command.upgrade(alembic_config(conn), "head")
    with db.reading() as s:
        assert s.execute(text("SELECT * FROM product_months ORDER BY 1, 2, 3, 4, 5")).all() == before
    assert_exact(db)


def test_the_migration_spells_the_kinds_and_the_party_the_cost_reads() -> None:
    migration = load_script(MIGRATION, "migration_0026_goods_months")
    assert set(migration.RETURNED_KINDS) == {k.value for k in GOODS_RETURNED_KINDS}
    assert ResponsibleParty.MERCHANT.value == migration.MERCHANT
    two_colours = "6:TOY-993:猫玩具1;6:TOY-995:猫玩具 蓝1;3:猫砂 3:猫砂 2;"
    assert migration.split(two_colours) == {"TOY-99": "猫玩具", "猫砂 ": "猫砂 "}


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_a_ledger_moved_to_a_server_and_back_counts_each_case_once(tmp_path: Path, empty_server_db: str) -> None:
    """The server keeps no aggregate (its report reads the cases); the tables are not copied either way, so a
    ledger copied back to a file is filled by its triggers alone: never twice."""
    db = open_database(tmp_path / "shop.sqlite3")
    assert not any(f.refused for f in import_files(db, [SAMPLES / n for n in TAOBAO]).files)
    import_cases(db, copy_fixture(tmp_path, "tb_refunds.csv"))
    rows = assert_exact(db)
    server = open_database(empty_server_db)
    back = open_database(tmp_path / "back.sqlite3")
    try:
        with db.engine.connect() as reading, server.engine.begin() as writing:
            copy_rows(reading, writing)
        with server.reading() as s:
            assert not kept(s)
            assert not s.execute(text("SELECT to_regclass('product_months')")).scalar_one()
        with server.engine.connect() as reading, back.engine.begin() as writing:
            copy_rows(reading, writing)
        assert assert_exact(back) == rows
        with back.reading() as b:  # its cases came before their orders' lines: their strings split after
            assert not b.execute(text("SELECT count(*) FROM goods_months")).scalar_one()
        with db.reading() as s, back.reading() as b:
            query = text("SELECT * FROM product_months WHERE n != 0 ORDER BY 1, 2, 3, 4, 5")
            assert b.execute(query).all() == s.execute(query).all()
    finally:
        server.close()
        back.close()
        db.close()
