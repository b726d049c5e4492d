"""The cost price table by 商家编码, and what goods cost by it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.product_codes import code_key
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import OrderItem, ProductCost


@dataclass(frozen=True, slots=True)
class ProductCostRow:
    sku_code: str
    title: str | None
    cost_fen: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class GoodsCost:
    """What goods cost by the table; `missing` names the lines the table does not price."""

    cost_fen: int
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GoodsLine:
    """Pieces of one product: its 商家编码 (None: the line has none) and what names it when unpriced."""

    sku_code: str | None
    name: str
    quantity: int


def list_product_costs(session: Session) -> list[ProductCostRow]:
    stmt = select(ProductCost.sku_code, ProductCost.title, ProductCost.cost_fen, ProductCost.updated_at)
    return [ProductCostRow(*r) for r in session.execute(stmt.order_by(ProductCost.sku_code)).all()]


def cost_rows_by_key(session: Session) -> dict[str, ProductCost]:
    """Every row of the table by `code_key` of its code (an import compares the sheet's codes with it)."""
    return {code_key(row.sku_code): row for row in session.scalars(select(ProductCost).order_by(ProductCost.sku_code))}


def order_lines(session: Session, order_id: int) -> list[tuple[str, str | None, str | None, int]]:
    """(title, spec, 商家编码, quantity) of each line of an order, in its order."""
    stmt = (select(OrderItem.title, OrderItem.spec, OrderItem.sku_code, OrderItem.quantity)
            .where(OrderItem.order_id == order_id).order_by(OrderItem.position, OrderItem.id))
    return [(str(t), s, c, int(q or 0)) for t, s, c, q in session.execute(stmt).all()]


def order_goods_cost(session: Session, order_id: int) -> GoodsCost:
    """Every line of the order, each at its quantity."""
    return goods_cost(session, [GoodsLine(code, code or title, quantity)
                                for title, _spec, code, quantity in order_lines(session, order_id)])


def goods_cost(session: Session, lines: Sequence[GoodsLine]) -> GoodsCost:
    """The lines priced by the table, their codes compared by `code_key` (ＳＫＵ－０１ and sku-01 are SKU-01)."""
    keys = {code_key(line.sku_code) for line in lines if line.sku_code and code_key(line.sku_code)}
    costs: dict[str, int] = {}
    for chunk in in_lists(sorted(keys)):  # imports store the key: one look-up by index
        stmt = select(ProductCost.sku_code, ProductCost.cost_fen).where(ProductCost.sku_code.in_(chunk))
        costs.update((str(code), int(fen)) for code, fen in session.execute(stmt).all())
    if keys - costs.keys():  # rows imported before codes were stored so: compared one by one
        for code, fen in session.execute(select(ProductCost.sku_code, ProductCost.cost_fen)).all():
            costs.setdefault(code_key(str(code)), int(fen))
    total = 0
    missing: list[str] = []
    for line in lines:
        cost = costs.get(code_key(line.sku_code)) if line.sku_code else None
        if cost is not None:
            total += cost * line.quantity
        else:  # a line without a code no cost table can price: said, or the shop imports a sheet in vain
            missing.append(line.name if line.sku_code else f"{line.name}（没有商家编码）")
    return GoodsCost(total, tuple(missing))
