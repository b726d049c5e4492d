"""The orders an export writes, in pages: chosen ids in the given order, or every order (of some
platforms) newest payment first, streamed from one read so a 100,000-order ledger stays in bounded
memory; and the item lines of a page's orders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.store.models import Order, OrderItem, Shop


class ExportedOrder(NamedTuple):
    order_id: int
    platform: str
    shop: str | None
    order_no: str
    status: str | None
    receiver: str | None
    phone: str | None
    address: str | None
    item_count: int | None
    paid_fen: int | None
    paid_at: datetime | None
    shipped_at: datetime | None
    carrier: str | None
    tracking_no: str | None


_COLUMNS = (Order.id, Order.platform, Shop.name, Order.order_no, Order.status, Order.receiver, Order.phone,
            Order.address, Order.item_count, Order.paid_fen, Order.paid_at, Order.shipped_at, Order.carrier,
            Order.tracking_no)


def exported_order_pages(session: Session, platforms: Sequence[str] | None, order_ids: Sequence[int] | None,
                         page_size: int) -> Iterator[list[ExportedOrder]]:
    """Pages of at most `page_size` orders: `order_ids` in their order (ids not found left out), or
    every order newest payment first, orders never paid last; only `platforms` when given."""
    base = select(*_COLUMNS).outerjoin(Shop, Shop.id == Order.shop_id)
    if platforms is not None:
        base = base.where(Order.platform.in_(list(platforms)))
    if order_ids is not None:
        for start in range(0, len(order_ids), page_size):
            wanted = list(order_ids[start:start + page_size])
            found = {row[0]: row for row in session.execute(base.where(Order.id.in_(wanted)))}
            yield [ExportedOrder._make(found[i]) for i in wanted if i in found]
        return
    ordered = base.order_by(Order.paid_at.is_(None), Order.paid_at.desc(), Order.id.desc())
    for page in session.execute(ordered.execution_options(yield_per=page_size)).partitions():
        yield [ExportedOrder._make(row) for row in page]


def item_lines(session: Session, order_ids: Sequence[int]) -> dict[int, list[tuple[str, str | None, int]]]:
    """(title, spec, quantity) of each order's items, by order id, in item order."""
    items: dict[int, list[tuple[str, str | None, int]]] = {}
    for order_id, title, spec, quantity in session.execute(
        select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
        .where(OrderItem.order_id.in_(list(order_ids)))
        .order_by(OrderItem.order_id, OrderItem.position)
    ):
        items.setdefault(order_id, []).append((title, spec, quantity))
    return items
