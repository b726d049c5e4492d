"""Orders looked up inside a use case's unit of work: by their number (which platforms hold it), by
their key, and the open cases of one order."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.store.models import Case, Order


def orders_numbered(session: Session, order_no: str, platforms: Collection[str] | None = None) -> list[tuple[int, str]]:
    """(id, platform) of the orders with this number (on one of `platforms`, when given), by id."""
    stmt = select(Order.id, Order.platform).where(Order.order_no == order_no)
    if platforms is not None:
        stmt = stmt.where(Order.platform.in_(list(platforms)))
    return [(order_id, platform) for order_id, platform in session.execute(stmt.order_by(Order.id)).all()]


def order_by_key(session: Session, key: str) -> Order | None:
    return session.execute(select(Order).where(Order.order_key == key)).scalar_one_or_none()


def open_case_ids_of_order(session: Session, order_id: int) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.order_id == order_id, Case.is_open.is_(True))).all())
