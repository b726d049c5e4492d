"""What the imported orders sold per China month (migration 0010_dash): the 统计 dashboard's denominators
— pieces sold per product, parcels shipped per courier — as a few rows per month, platform and shop
(`OrderSale`) instead of every order paid in the period.

A period reads the whole China months inside it from `order_sales` and only its ragged edges (at most
two part-months) from the orders themselves (`whole_months`). Only the order import writes a payment
time, a courier or a shop on an order, so `order_sales` changes where order lines or orders do:

- the order import (`store.order_upsert`): the months of the payment times it wrote or replaced,
  recomputed once before the file commits (`recompute_sales` over the import's span);
- every other writer of order lines (`store.case_facts.refresh_goods`: the ORM flush listener, the
  bulk inserts of an after-sales import): the months of those orders, if they were paid;
- a ledger moved to a server (`store.ledger_copy`) copies the rows like any table; no order is deleted.

`recompute_sales` computes the months (or all) from the orders; tests hold every writer to it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, delete, func, insert, literal, literal_column, select
from sqlalchemy.orm import Session

from desktop_app.core.clock import CHINA
from desktop_app.store.models import Order, OrderItem, OrderSale
from desktop_app.store.raw_reads import fetch_raw, raw_column
from desktop_app.store.stored_values import stored_time

PIECES = "p"  # OrderSale.kind: pieces of a product (name: its key in `orders.goods`)
PARCELS = "c"  # OrderSale.kind: orders shipped with a courier (name: the courier)
_ORDERS = Order.__table__
_SALES = OrderSale.__table__
_ITEMS = OrderItem.__table__
GOODS_CACHE = 1 << 16  # goods strings kept split (`goods_lines`)


@lru_cache(maxsize=GOODS_CACHE)
def goods_lines(goods: str) -> tuple[tuple[str, str, int], ...]:
    """(product key, title, quantity) of each line of a `goods` string (`store.case_facts`). Cached: a
    dashboard reads the same few thousand strings from the cases and from the orders, at each refresh."""
    lines = []
    at = 0
    while at < len(goods):
        colon = goods.index(":", at)
        end = colon + 1 + int(goods[at:colon])
        key = goods[colon + 1:end]
        colon = goods.index(":", end)
        at = colon + 1 + int(goods[end:colon])
        title = goods[colon + 1:at]
        close = goods.index(";", at)
        lines.append((key, title, int(goods[at:close])))
        at = close + 1
    return tuple(lines)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_start(year: int, month: int) -> datetime:
    return datetime.combine(date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1), time(0, 0), tzinfo=CHINA)


def _china_day(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def whole_months(start: datetime, end: datetime) -> tuple[list[str], list[tuple[datetime, datetime]]]:
    """The China months lying wholly in [start, end) (their keys), and the rest of it as time ranges."""
    first = _china_day(start)
    at = _month_start(first.year, first.month)
    if at < start:
        at = _month_start(first.year, first.month + 1)
    months: list[str] = []
    while (following := _month_start(at.year, at.month + 1)) <= end:
        months.append(month_key(at.date()))
        at = following
    if not months:
        return [], [(start, end)] if start < end else []
    first_whole = _month_start(int(months[0][:4]), int(months[0][5:]))
    edges = [(a, b) for a, b in ((start, first_whole), (at, end)) if a < b]
    return months, edges


def _month_of(conn: Connection) -> Any:
    """SQL: the China month ('YYYY-MM') of an order's payment time (UTC + 8 h: China has no daylight
    saving). Whole seconds on SQLite, whose date functions round 23:59:59.999999 up."""
    paid = raw_column(_ORDERS.c.paid_at)
    if conn.dialect.name == "sqlite":
        return func.strftime("%Y-%m", func.substr(paid, 1, 19), "+8 hours")
    return func.to_char(paid + literal_column("interval '8 hours'"), "YYYY-MM")


def recompute_sales(connection: Session | Connection, first: Any = None, last: Any = None) -> None:
    """The rows of the China months from the payment time `first` to `last` (stored or aware times;
    every month when both are None) computed again from the orders paid in them and their lines, in SQL
    (two grouped INSERT … SELECT: ~20,000 orders of a month a few tens of ms)."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    paid = _ORDERS.c.paid_at
    where: list[ColumnElement[bool]] = [paid.is_not(None)]
    clear = delete(_SALES)
    if first is not None and last is not None:
        low, high = stored_time(first).astimezone(CHINA), stored_time(last).astimezone(CHINA)
        start, end = _month_start(low.year, low.month), _month_start(high.year, high.month + 1)
        where += [paid >= start, paid < end]
        clear = clear.where(_SALES.c.day >= month_key(start.date()), _SALES.c.day < month_key(end.date()))
    conn.execute(clear)
    month = _month_of(conn).label("day")
    columns = ["day", "platform", "shop_id", "kind", "name", "amount"]
    groups = (month, _ORDERS.c.platform, _ORDERS.c.shop_id)
    # Pieces per product: the key `orders.goods` gives a line (商家编码, else the title).
    key = func.coalesce(func.nullif(_ITEMS.c.sku_code, ""), _ITEMS.c.title)
    conn.execute(insert(_SALES).from_select(columns, select(
        *groups, literal(PIECES, String), key, func.sum(_ITEMS.c.quantity),
    ).join_from(_ORDERS, _ITEMS, _ITEMS.c.order_id == _ORDERS.c.id).where(*where).group_by(*groups, key)))
    conn.execute(insert(_SALES).from_select(columns, select(
        *groups, literal(PARCELS, String), _ORDERS.c.carrier, func.count(),
    ).where(*where, _ORDERS.c.carrier.is_not(None), _ORDERS.c.carrier != "").group_by(*groups, _ORDERS.c.carrier)))


def paid_span(connection: Session | Connection, order_ids: Any) -> tuple[Any, Any]:
    """The earliest and latest stored payment time of these orders (ids or a SELECT of ids): (None, None)
    when none was paid."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    paid = raw_column(_ORDERS.c.paid_at)
    low, high = conn.execute(select(func.min(paid), func.max(paid)).where(_ORDERS.c.id.in_(order_ids))).one()
    return low, high


def widen(span: tuple[Any, Any], low: Any, high: Any) -> tuple[Any, Any]:
    """A span of stored times grown to hold [low, high] (None: nothing)."""
    if low is None:
        return span
    if span[0] is None:
        return low, high
    return min(span[0], low), max(span[1], high)


def month_sales(session: Session, months: list[str], kind: str, platform: str | None,
                shop_id: int | None) -> dict[str, int]:
    """Pieces per product or parcels per courier of these months, on the platform and in the shop asked."""
    if not months:
        return {}
    conds = [_SALES.c.day.in_(months), _SALES.c.kind == kind]
    if platform:
        conds.append(_SALES.c.platform == platform)
    if shop_id is not None:
        conds.append(_SALES.c.shop_id == shop_id)
    stmt = select(_SALES.c.name, func.sum(_SALES.c.amount)).where(*conds).group_by(_SALES.c.name)
    return {str(name): int(n) for name, n in fetch_raw(session, stmt)}


def stored_sales(connection: Session | Connection) -> list[tuple[Any, ...]]:
    """Every row as (day, platform, shop, kind, name, amount), sorted (tests compare writers with a recompute)."""
    conn = connection.connection() if isinstance(connection, Session) else connection
    columns = (_SALES.c.day, _SALES.c.platform, _SALES.c.shop_id, _SALES.c.kind, _SALES.c.name, _SALES.c.amount)
    return sorted((tuple(row) for row in conn.execute(select(*columns))), key=repr)
