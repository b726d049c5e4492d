"""The 统计 read's warm-up (services.report.warm_up): what the first read of a launch paid beyond a later
one — splitting the goods strings of its cases into product lines — paid ahead, with the figures unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from report_ledger import build

from desktop_app.core.clock import parse_moment
from desktop_app.services.report import WARM_DAYS, WARM_EDGE_DAYS, build_report, warm_up
from desktop_app.services.report_figures import parse_period
from desktop_app.store.database import Database
from desktop_app.store.order_sales import goods_lines
from desktop_app.store.product_months import kept
from desktop_app.store.report_queries import recent_goods

NOVEMBER = parse_period("2026-11-01", "2026-11-30")
DECEMBER = parse_moment("2026-12-10 12:00").at


@pytest.fixture
def ledger(db: Database) -> dict[str, int]:
    return build(db)


def test_after_the_warm_up_the_first_read_splits_no_goods(db: Database, ledger: dict[str, int]) -> None:
    """At 100,000 cases the first read of a launch split 13,000 goods strings (≈ 40 ms); the warm-up the
    window runs after start-up leaves it none to split."""
    goods_lines.cache_clear()
    cold = build_report(db, NOVEMBER)
    assert goods_lines.cache_info().misses == 1  # the mug's order: the one case with goods
    goods_lines.cache_clear()
    assert warm_up(db, DECEMBER) == 1
    split = goods_lines.cache_info().misses
    warm = build_report(db, NOVEMBER)
    assert goods_lines.cache_info().misses == split
    assert warm == cold and warm.products[0].key == "CUP-01"


def test_the_warm_up_splits_the_goods_of_the_recent_cases_only(db: Database, ledger: dict[str, int]) -> None:
    """The cases of the tab's periods (今年 at most); a ledger's older goods may not fit the cache."""
    goods_lines.cache_clear()
    later = parse_moment("2026-11-30 23:59").at + timedelta(days=WARM_DAYS + 1)
    assert warm_up(db, later) == 0 and goods_lines.cache_info().currsize == 0


def test_a_ledger_keeping_its_products_per_month_splits_only_the_part_months(db: Database,
                                                                           ledger: dict[str, int]) -> None:
    """Where the whole months come from `product_months` (SQLite), the tab's periods read goods strings from the
    cases only at their ends: the last WARM_EDGE_DAYS. A team ledger reads them all, as before."""
    goods_lines.cache_clear()
    later = parse_moment("2026-11-30 23:59").at + timedelta(days=WARM_EDGE_DAYS + 1)
    with db.reading() as session:
        kept_here = kept(session)
    assert warm_up(db, later) == (0 if kept_here else 1)
    assert warm_up(db, later - timedelta(days=2)) == 1


def test_recent_goods_stops_at_its_limit(db: Database, ledger: dict[str, int]) -> None:
    since = parse_moment("2026-01-01 00:00").at
    with db.reading() as session:
        assert len(recent_goods(session, since, 5)) == 1
        assert recent_goods(session, since, 0) == []
