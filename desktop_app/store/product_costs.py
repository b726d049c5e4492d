"""The cost price table by 商家编码, and what an order's goods cost by it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.store.models import OrderItem, ProductCost


@dataclass(frozen=True, slots=True)
class ProductCostRow:
    sku_code: str
    title: str | None
    cost_fen: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GoodsCost:
    """What an order's goods cost by the table; `missing` names the lines the table does not price."""

    cost_fen: int
    missing: tuple[str, ...]


def list_product_costs(session: Session) -> list[ProductCostRow]:
    stmt = select(ProductCost.sku_code, ProductCost.title, ProductCost.cost_fen, ProductCost.updated_at)
    return [ProductCostRow(*r) for r in session.execute(stmt.order_by(ProductCost.sku_code)).all()]


def order_goods_cost(session: Session, order_id: int) -> GoodsCost:
    stmt = (
        select(OrderItem.title, OrderItem.sku_code, OrderItem.quantity, ProductCost.cost_fen)
        .outerjoin(ProductCost, ProductCost.sku_code == func.trim(OrderItem.sku_code))
        .where(OrderItem.order_id == order_id)
        .order_by(OrderItem.position, OrderItem.id)
    )
    total = 0
    missing: list[str] = []
    for title, sku, quantity, cost in session.execute(stmt).all():
        if cost is None:
            missing.append(str(sku or title))
        else:
            total += int(cost) * int(quantity)
    return GoodsCost(total, tuple(missing))
