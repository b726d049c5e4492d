"""`order_sales` (store/order_sales.py, migration 0010_dash): what the paid orders sold per China month stays
equal to a recompute after every writer (order imports new and restated, lines written through the ORM, an
after-sales import's placeholders), and the dashboard's pieces sold and parcels read from it (whole months)
plus the orders (the edges) equal the orders read alone, for any period."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from order_files import PDD_HEADER, pdd_row, run_import, write_csv
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.clock import CHINA
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database
from desktop_app.store.models import Order, OrderItem
from desktop_app.store.order_sales import (
    PARCELS,
    PIECES,
    goods_lines,
    recompute_sales,
    stored_sales,
    whole_months,
)
from desktop_app.store.report_queries import ReportScope, parcels_by_carrier, pieces_sold
from desktop_app.store.stored_values import stored_time

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


def _china(day: str, hour: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, 0), tzinfo=CHINA)


def test_a_period_is_its_whole_china_months_and_the_edges() -> None:
    assert whole_months(_china("2026-01-01"), _china("2027-01-01")) == (
        [f"2026-{m:02d}" for m in range(1, 13)], [])
    assert whole_months(_china("2026-05-15"), _china("2026-07-15")) == (
        ["2026-06"], [(_china("2026-05-15"), _china("2026-06-01")), (_china("2026-07-01"), _china("2026-07-15"))])
    assert whole_months(_china("2026-06-15"), _china("2026-07-15")) == (
        [], [(_china("2026-06-15"), _china("2026-07-15"))])
    assert whole_months(_china("2026-12-01"), _china("2027-01-01", 3)) == (
        ["2026-12"], [(_china("2027-01-01"), _china("2027-01-01", 3))])
    # Not at a China midnight (UTC bounds): the month still starts at China's midnight.
    start = datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # = 2026-03-01 00:00 China
    assert whole_months(start, datetime(2026, 3, 31, 17, tzinfo=UTC)) == (
        ["2026-03"], [(_china("2026-04-01"), datetime(2026, 3, 31, 17, tzinfo=UTC))])
    assert whole_months(_china("2026-03-01"), _china("2026-03-01")) == ([], [])


def _kept_equals_recompute(db: Database) -> list[tuple[object, ...]]:
    with db.transaction() as s:
        kept = stored_sales(s)
        recompute_sales(s)
        assert stored_sales(s) == kept
    return kept


def test_every_writer_keeps_order_sales_equal_to_a_recompute(db: Database, tmp_path: Path) -> None:
    files = [SAMPLES / "taobao_ExportOrderList.csv", SAMPLES / "taobao_ExportOrderDetailList.csv",
             SAMPLES / "douyin_orders.xlsx", SAMPLES / "pdd_orders.csv", SAMPLES / "jd_orders.csv"]
    assert not any(f.refused for f in import_files(db, files).files)
    kept = _kept_equals_recompute(db)
    assert {row[3] for row in kept} == {PIECES, PARCELS}

    # A case typed first (a placeholder: never paid, sells nothing), then an export that pays it in
    # November, another order in October; then a later export moving its payment to December, changing
    # its courier and its goods, and a fourth order of a month not seen before.
    open_case(db, NewCase(Platform.PDD, "261101-000000000000001", CaseKind.REFUND_ONLY, CaseReason.LOST,
                          refund_fen=100), author="测")
    _kept_equals_recompute(db)
    run_import(db, write_csv(tmp_path / "monday.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", quantity="2\t"),
        pdd_row("261101-000000000000002", paid_at="2026-10-31 20:00:00\t", carrier="中通快递"),
    ]))
    first = _kept_equals_recompute(db)
    assert ("2026-11", "pdd", None, PIECES, "宠物猫砂 豆腐砂 6L*4包", 2) in first
    run_import(db, write_csv(tmp_path / "tuesday.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001", paid_at="2026-12-01 00:30:00\t", carrier="圆通速递", title="猫粮 2kg"),
        pdd_row("261101-000000000000002", paid_at="2026-10-31 20:00:00\t", carrier="中通快递"),
        pdd_row("261101-000000000000003", paid_at="2027-01-31 16:30:00\t"),
    ]))
    later = _kept_equals_recompute(db)
    assert ("2026-12", "pdd", None, PARCELS, "圆通速递", 1) in later
    assert not any(row[0] == "2026-11" and row[1] == "pdd" and row[4] == "宠物猫砂 豆腐砂 6L*4包" and row[5] == 3
                   for row in later)

    # Lines written through the ORM on a paid order (and deleted again).
    with db.transaction() as s:
        order = s.scalars(select(Order).where(Order.order_no == "261101-000000000000002")).one()
        order.items.append(OrderItem(position=5, title="赠品 猫玩具", sku_code="TOY-1", quantity=4))
    assert ("2026-10", "pdd", None, PIECES, "TOY-1", 4) in _kept_equals_recompute(db)
    with db.transaction() as s:
        order = s.scalars(select(Order).where(Order.order_no == "261101-000000000000002")).one()
        s.delete(order.items[-1])
    assert not any(row[4] == "TOY-1" for row in _kept_equals_recompute(db))


def _orders_alone(s: Session, scope: ReportScope) -> tuple[dict[str, int], dict[str, int]]:
    """Pieces per product and parcels per courier of the orders paid in the scope, every order read."""
    pieces: dict[str, int] = {}
    parcels: dict[str, int] = {}
    for paid, platform, shop, carrier, goods in s.execute(
            select(Order.paid_at, Order.platform, Order.shop_id, Order.carrier, Order.goods)):
        if paid is None or not scope.start <= stored_time(paid) < scope.end:
            continue
        if (scope.platform and platform != scope.platform) or (scope.shop_id is not None and shop != scope.shop_id):
            continue
        if carrier:
            parcels[carrier] = parcels.get(carrier, 0) + 1
        for key, _title, quantity in goods_lines(goods or ""):
            pieces[key] = pieces.get(key, 0) + quantity
    return pieces, parcels


def test_pieces_and_parcels_of_any_period_equal_the_orders_read_alone(db: Database, tmp_path: Path) -> None:
    days = ["2026-01-31 16:00:00", "2026-01-31 15:59:59", "2026-02-14 09:00:00", "2026-02-28 23:59:59",
            "2026-03-01 00:00:00", "2026-03-15 12:00:00", "2026-04-30 16:00:01", "2026-05-01 08:00:00"]
    rows = [PDD_HEADER] + [
        pdd_row(f"261101-00000000000{i:04d}", paid_at=f"{days[i % len(days)]}\t", quantity=f"{1 + i % 3}\t",
                title=f"商品{i % 5}", carrier=["中通快递", "圆通速递", ""][i % 3])
        for i in range(40)]
    run_import(db, write_csv(tmp_path / "orders.csv", rows))
    assert not any(f.refused for f in import_files(db, [SAMPLES / "douyin_orders.xlsx"]).files)
    with db.reading() as s:
        products = {key for (goods,) in s.execute(select(Order.goods)) for key, _t, _q in goods_lines(goods or "")}
        periods = [("2026-01-01", "2027-01-01"), ("2026-02-01", "2026-03-01"), ("2026-02-10", "2026-04-20"),
                   ("2026-01-15", "2026-02-15"), ("2025-12-01", "2026-12-01"), ("2026-03-01", "2026-03-01"),
                   ("2026-01-01", "2026-03-10"), ("2026-02-14", "2026-05-01"), ("2026-01-20", "2026-03-10")]
        for first, end in periods:
            for platform in (None, "pdd", "douyin"):
                scope = ReportScope(_china(first), _china(end), platform)
                pieces, parcels = _orders_alone(s, scope)
                assert pieces_sold(s, scope, products) == pieces, (first, end, platform)
                assert parcels_by_carrier(s, scope) == parcels, (first, end, platform)
        whole = ReportScope(_china("2026-01-01"), _china("2027-01-01"))
        assert sum(pieces_sold(s, whole, products).values()) > 40
        shop = s.execute(select(Order.shop_id).where(Order.shop_id.is_not(None))).scalars().first()
        if shop is not None:
            scope = ReportScope(_china("2025-01-01"), _china("2027-01-01") + timedelta(days=1), shop_id=shop)
            assert pieces_sold(s, scope, products) == _orders_alone(s, scope)[0]
