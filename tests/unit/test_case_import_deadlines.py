"""The deadlines an after-sales import computes for its new cases as it builds them are exactly what a
recompute from the stored cases, events and orders gives (rows, `next_due_*`, timer counts, digest)."""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from aftersales_files import copy_fixture
from sqlalchemy import select, update

from desktop_app.services.case_import import import_cases
from desktop_app.services.deadlines import recompute_open_cases
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Deadline, Order

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
PDD_HEADER = ["售后编号", "订单号", "商品名称", "商品规格", "售后类型", "售后状态", "申请时间", "申请退款金额",
              "售后原因", "退货物流公司", "退货物流单号"]
# Every kind in the states a PDD export shows them in, so most timers (the order's signing and
# shipping times included) start.
STATES = [("仅退款", "待商家处理"), ("仅退款", "退款成功"), ("仅退款", "售后关闭"), ("退货退款", "待商家处理"),
          ("退货退款", "待买家退货"), ("退货退款", "待商家收货"), ("退货退款", "退款成功"), ("补寄", "待商家处理"),
          ("补寄", "待商家补寄")]
REASONS = ["质量问题", "不喜欢/不想要", "七天无理由退货"]
CASE_COLUMNS = ["platform_case_key", "next_due_at", "next_due_name", "met_timers", "missed_timers", "open_timers",
                "open_due_first", "open_due_last", "deadline_digest"]


def pdd_requests(tmp_path: Path) -> Path:
    """Requests about the sample PDD orders (paid, shipped, some signed), and two about unknown orders."""
    with (SAMPLES / "pdd_orders.csv").open(encoding="utf-8-sig", newline="") as handle:
        orders = [row[1].strip() for row in list(csv.reader(handle))[1:]]
    orders += ["261130-999999999999901", "261130-999999999999902"]
    path = tmp_path / "pdd_requests.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(PDD_HEADER)
        for n, order in enumerate(orders):
            kind, status = STATES[n % len(STATES)]
            returned = status == "待商家收货"
            out.writerow([f"{400_000_000_000 + n}\t", order, "宠物猫砂", "默认", kind, status,
                          f"2026-11-{3 + n % 20:02d} {n % 24:02d}:15:00\t", "0.00" if kind == "补寄" else "19.90",
                          REASONS[n % len(REASONS)], "中通快递" if returned else "", f"7{n:013d}" if returned else ""])
    return path


def snapshot(db: Database) -> tuple[list[Any], list[Any]]:
    deadline_columns = [c for c in Deadline.__table__.c if c.name != "id"]
    with db.reading() as session:
        cases = session.execute(select(*(Case.__table__.c[name] for name in CASE_COLUMNS))
                                .order_by(Case.__table__.c.platform_case_key)).all()
        deadlines = session.execute(select(Case.__table__.c.platform_case_key, *deadline_columns)
                                    .join(Case.__table__, Case.__table__.c.id == Deadline.__table__.c.case_id)
                                    .order_by(Case.__table__.c.platform_case_key, Deadline.__table__.c.timer_id)).all()
    return [tuple(row) for row in cases], [tuple(row) for row in deadlines]


def test_new_cases_deadlines_are_what_a_recompute_from_the_store_gives(tmp_path: Path, db: Database) -> None:
    shutil.copy(SAMPLES / "pdd_orders.csv", tmp_path / "pdd_orders.csv")
    assert not import_files(db, [tmp_path / "pdd_orders.csv"]).files[0].errors
    with db.transaction() as session:  # signed and finished orders too: their timers read those times
        for n, order in enumerate(session.scalars(select(Order).where(Order.shipped_at.is_not(None)))):
            assert order.shipped_at is not None
            if n % 3:
                order.signed_at = order.shipped_at + timedelta(days=2)
            if n % 3 == 2:
                order.succeeded_at = order.shipped_at + timedelta(days=9)
    files = [pdd_requests(tmp_path), *copy_fixture(tmp_path, "tb_refunds.csv", "dy_aftersales.xlsx", "jd_service.csv")]
    inserted = sum(len(entry.inserted) for entry in import_cases(db, files).files)
    # A later export: new cases beside moved ones (the moved ones recomputed from the store).
    [later] = import_cases(db, copy_fixture(tmp_path, "tb_refunds_later.csv")).files
    assert inserted > 60 and later.inserted and later.updated
    imported = snapshot(db)
    assert len(imported[1]) > inserted  # most cases have a timer or two
    with db.transaction() as session:
        session.execute(update(Case).values(deadline_digest=None))  # compare every case in full
        recompute_open_cases(session, include_closed=True)
    assert snapshot(db) == imported
