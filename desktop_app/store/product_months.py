"""The 统计's products per China month (migration 0026_goods_months): the whole months of a period read from a few
thousand rows per product instead of every case grouped by its goods string and each string split in Python.

`product_months` holds per month, platform, shop (-1: none), product and title the cases of orders holding it and
what they cost; `goods_months` the same per goods string for cases whose string was not split when written
(normally none: their order's lines no longer spell it). SQLite triggers keep both on every write of a case or
an order's shop; the two summed are exact (a string split later moves a case's share between them), so a read
sums both, and a product whose cases all went is left out. PostgreSQL keeps neither (`kept`): its report reads
the cases as before. `drift` compares what is kept with the same figures computed again from the cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, column, func, select, table
from sqlalchemy.orm import Session

from desktop_app.store.case_months import kept_in
from desktop_app.store.models import Case, Order
from desktop_app.store.order_sales import goods_lines, whole_months
from desktop_app.store.raw_reads import fetch_raw
from desktop_app.store.report_queries import ReportScope, case_cost, goods_rows

_PRODUCTS = table("product_months", column("month"), column("platform"), column("shop"), column("product"),
                  column("title"), column("n"), column("cost"))
_GOODS = table("goods_months", column("month"), column("platform"), column("shop"), column("goods"), column("n"),
               column("cost"))


@dataclass(slots=True)
class ProductRows:
    """What the products figure reads: `products` (key: [cases, cost, least title]) of the whole months, summed
    from the aggregate; `goods` the rest as `report_queries.goods_rows` gives it (goods string, cases, cost)."""

    products: dict[str, list[Any]] = field(default_factory=dict)
    goods: list[Any] = field(default_factory=list)


kept = kept_in  # the same ledgers keep both aggregates: SQLite files (`case_months.kept_in`)


def product_rows(session: Session, scope: ReportScope, aggregate: bool = True) -> ProductRows:
    """The products of a scope's cases: the whole China months from the aggregate (`aggregate` and `kept`), the
    part-months at the period's ends — or the whole period — from the cases by `goods_rows`."""
    months, edges = whole_months(scope.start, scope.end)
    if not aggregate or not months or not kept(session):
        return ProductRows(goods=goods_rows(session, scope))
    found = ProductRows(products=_whole_months(session, scope, months))
    for start, end in edges:
        found.goods += goods_rows(session, replace(scope, start=start, end=end))
    return found


def _whole_months(session: Session, scope: ReportScope, months: list[str]) -> dict[str, list[Any]]:
    """Per product, [cases, cost, least title] of these months, the titles of products gone left out."""
    by_title: dict[tuple[str, str], list[int]] = {}
    p = _PRODUCTS.c
    stmt = select(p.product, p.title, func.sum(p.n), func.sum(p.cost)).where(
        *_in(_PRODUCTS, scope, months)).group_by(p.product, p.title)
    for product, title, n, cost in fetch_raw(session, stmt):
        by_title[(str(product), str(title))] = [int(n), int(cost)]
    g = _GOODS.c
    stmt = select(g.goods, func.sum(g.n), func.sum(g.cost)).where(*_in(_GOODS, scope, months)).group_by(g.goods)
    for goods, n, cost in fetch_raw(session, stmt):
        for product, title in _products_of(str(goods)).items():
            figures = by_title.setdefault((product, title), [0, 0])
            figures[0] += int(n)
            figures[1] += int(cost)
    products: dict[str, list[Any]] = {}
    for (product, title), (n, cost) in by_title.items():
        if not n:  # every case under this title gone (the two tables summed are never below 0)
            continue
        summed = products.get(product)
        if summed is None:
            products[product] = [n, cost, title]
        else:
            summed[0] += n
            summed[1] += cost
            summed[2] = min(summed[2], title)
    return products


def _in(aggregate: Any, scope: ReportScope, months: list[str]) -> list[Any]:
    conds = [aggregate.c.month >= months[0], aggregate.c.month <= months[-1]]
    if scope.platform:
        conds.append(aggregate.c.platform == scope.platform)
    if scope.shop_id is not None:
        conds.append(aggregate.c.shop == scope.shop_id)
    return conds


def _products_of(goods: str) -> dict[str, str]:
    products: dict[str, str] = {}
    for product, title, _quantity in goods_lines(goods):
        products[product] = min(products.get(product, title), title)
    return products


def settle(connection: Connection) -> int:
    """Split every string `goods_months` holds and move its rows to the products (exact: the string's products
    are what its cases count for). A ledger copied back from a server gets its cases before their orders'
    lines (`ledger_copy`): every string lands there first. Returns how many strings were split."""
    strings = [str(g) for (g,) in connection.exec_driver_sql(
        "SELECT DISTINCT goods FROM goods_months WHERE goods NOT IN (SELECT goods FROM goods_products)")]
    rows = [(g, product, title) for g in strings for product, title in _products_of(g).items()]
    if rows:
        connection.exec_driver_sql("INSERT INTO goods_products (goods, product, title) VALUES (?, ?, ?)", rows)
    connection.exec_driver_sql(
        "INSERT INTO product_months (month, platform, shop, product, title, n, cost) SELECT g.month, g.platform, "
        "g.shop, gp.product, gp.title, g.n, g.cost FROM goods_months g JOIN goods_products gp ON gp.goods = g.goods "
        "WHERE true ON CONFLICT (month, platform, shop, product, title) DO UPDATE SET n = n + excluded.n, "
        "cost = cost + excluded.cost")
    connection.exec_driver_sql("DELETE FROM goods_months")
    return len(strings)


def drift(session: Session) -> list[tuple[Any, ...]]:
    """Where the kept figures differ from the cases: (month, platform, shop, product, title, kept, computed) for
    each key whose [cases, cost] differ, the two tables summed as a read sums them. Empty: exact."""
    month = func.strftime("%Y-%m", func.substr(func.coalesce(Case.requested_at, Case.created_at), 1, 19),
                          "+8 hours")
    shop = func.coalesce(Order.shop_id, -1)
    stmt = (select(month, Case.platform, shop, Case.goods, func.count(), func.sum(case_cost()))
            .join_from(Case, Order, Order.id == Case.order_id, isouter=True)
            .where(Case.goods.is_not(None), Case.goods != "").group_by(month, Case.platform, shop, Case.goods))
    computed = _by_key(fetch_raw(session, stmt))
    p, g = _PRODUCTS.c, _GOODS.c
    kept_rows = _by_key(fetch_raw(session, select(p.month, p.platform, p.shop, p.product, p.title, p.n, p.cost)),
                        split=False)
    for key, figures in _by_key(fetch_raw(session, select(g.month, g.platform, g.shop, g.goods, g.n, g.cost))).items():
        known = kept_rows.setdefault(key, [0, 0])
        known[0] += figures[0]
        known[1] += figures[1]
    return sorted((*key, kept_rows.get(key), computed.get(key))
                  for key in kept_rows.keys() | computed.keys()
                  if (kept_rows.get(key) or [0, 0]) != (computed.get(key) or [0, 0]))


def _by_key(rows: list[Any], split: bool = True) -> dict[tuple[Any, ...], list[int]]:
    """Rows of (month, platform, shop, goods string — or product and title —, cases, cost) per product key."""
    found: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        month, platform, shop, *what, n, cost = row
        pairs = _products_of(str(what[0])).items() if split else [(str(what[0]), str(what[1]))]
        for product, title in pairs:
            figures = found.setdefault((str(month), str(platform), int(shop), product, title), [0, 0])
            figures[0] += int(n)
            figures[1] += int(cost)
    return found
