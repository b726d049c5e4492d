"""The 统计's products read from `product_months` (whole months) and the cases (part-months) equal the cases read
alone, every figure of the report, for the tab's kinds of period: the year, one month, the year on one platform,
one shop, 今年 to a moment, 近 30 天, 近 30 天 in one shop — on a ledger whose orders hold several products, one
product on several lines and under several titles, cases at the months' very edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import desktop_app.services.report as report_service
from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.clock import Moment, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_costs import set_case_costs
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import Period
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem, Shop
from desktop_app.store.product_months import ProductRows, kept, product_rows
from desktop_app.store.report_queries import ReportScope

MOMENT = parse_moment("2026-12-02 12:00").at
GOODS = (
    [("CUP-01", "陶瓷马克杯", 2)],
    [("CUP-01", "马克杯 白", 1), ("", "猫砂 6L", 1)],
    [("TOY-1", "猫玩具", 1), ("TOY-1", "猫玩具 蓝", 1), ("CUP-01", "陶瓷马克杯", 1)],
    [("", "猫砂 6L", 3)],
    [("BOWL", "猫碗", 1), ("TOY-1", "逗猫棒", 2)],
)
# Request times (China): the months' first and last minutes, the moment's day on both sides of it, other years.
REQUESTED = ("2025-12-31 23:59", "2026-01-01 00:00", "2026-02-14 10:00", "2026-03-31 23:59", "2026-04-01 00:00",
             "2026-05-31 23:59", "2026-06-01 00:00", "2026-06-15 12:00", "2026-06-30 23:59", "2026-07-01 00:00",
             "2026-08-08 08:00", "2026-09-30 23:59", "2026-10-31 23:59", "2026-11-02 23:59", "2026-11-03 00:00",
             "2026-11-20 10:00", "2026-11-30 23:59", "2026-12-01 00:00", "2026-12-02 11:00", "2026-12-02 13:00",
             "2026-12-31 23:59", "2027-01-01 00:00")
PLATFORMS = (Platform.TAOBAO, Platform.PDD, Platform.DOUYIN)


def build(db: Database) -> str:
    """The ledger; returns the shop's name."""
    ids = []
    for n, requested in enumerate(REQUESTED):
        platform = PLATFORMS[n % 3]
        number = f"26{n:04d}-000000000{n:03d}" if platform == Platform.PDD else f"41{n:017d}"
        kind = (CaseKind.REFUND_ONLY, CaseKind.RETURN_REFUND, CaseKind.RESHIP)[n % 3 if n % 4 else 0]
        ids.append(open_case(db, NewCase(platform, number, kind, CaseReason.DAMAGED, refund_fen=1000 + 10 * n,
                                         requested=parse_moment(requested)), author="测").case_id)
        # Refunds paid (a returned one's goods came back: no loss), others asked only.
        steps = {CaseKind.REFUND_ONLY: (CaseAction.REFUND,),
                 CaseKind.RETURN_REFUND: (CaseAction.AGREE_RETURN, CaseAction.REFUND_IN_TRANSIT)}.get(kind, ())
        for hours, action in enumerate(steps if n % 2 == 0 else ()):
            act_on_case(db, ids[-1], action, at=Moment(parse_moment(requested).at + timedelta(hours=hours + 1)),
                        author="测")
        if n % 3 == 1:
            set_case_costs(db, ids[-1], CaseCosts(postage_out_fen=800 + n, postage_back_fen=600, written_off_fen=n,
                                                  penalty_fen=300 if n % 5 == 0 else None), author="测")
    with db.transaction() as s:
        shop = Shop(platform="pdd", name="小林家居pdd店")
        s.add(shop)
        s.flush()
        for n, case_id in enumerate(ids):
            case = s.get_one(Case, case_id)
            order = s.get_one(Order, case.order_id)
            for position, (sku, title, quantity) in enumerate(GOODS[n % len(GOODS)]):
                order.items.append(OrderItem(position=position, title=title, sku_code=sku or None, quantity=quantity))
            if case.platform == Platform.PDD.value and n % 2:
                order.shop_id = shop.id
        name = shop.name
    # A second case on one order: it counts once more for each of the order's products.
    open_case(db, NewCase(Platform.TAOBAO, f"41{3:017d}", CaseKind.REFUND_ONLY, CaseReason.LOST,
                          requested=parse_moment("2026-06-10 10:00")), author="测")
    return name


SCOPES = {
    "the year": (Period(date(2026, 1, 1), date(2026, 12, 31)), None, False),
    "June": (Period(date(2026, 6, 1), date(2026, 6, 30)), None, False),
    "the year on 拼多多": (Period(date(2026, 1, 1), date(2026, 12, 31)), Platform.PDD, False),
    "one shop": (Period(date(2026, 1, 1), date(2026, 12, 31)), None, True),
    "今年 to the moment": (Period(date(2026, 1, 1), date(2026, 12, 2)), None, False),
    "近 30 天": (Period(date(2026, 11, 3), date(2026, 12, 2)), None, False),
    "近 30 天 in one shop": (Period(date(2026, 11, 3), date(2026, 12, 2)), Platform.PDD, True),
}


def test_the_products_from_the_months_equal_the_cases_read_alone(db: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shop = build(db)
    for name, (period, platform, in_shop) in SCOPES.items():
        new = build_report(db, period, platform, shop if in_shop else None, MOMENT)
        with monkeypatch.context() as patched:
            patched.setattr(report_service, "product_rows",
                            lambda s, scope: product_rows(s, scope, aggregate=False))
            old = build_report(db, period, platform, shop if in_shop else None, MOMENT)
        assert repr(new) == repr(old), name
        assert new.products, name
    year = build_report(db, *SCOPES["the year"][:2], None, MOMENT)
    by_key = {p.key: p for p in year.products}
    assert by_key["CUP-01"].title == "陶瓷马克杯" and by_key["TOY-1"].title == "猫玩具"  # the least title
    with db.reading() as s:
        if kept(s):  # whole months: the aggregate alone, no goods string read
            for period in (SCOPES["the year"][0], SCOPES["June"][0]):
                read = product_rows(s, ReportScope(period.start, period.end))
                assert isinstance(read, ProductRows) and read.products and not read.goods
