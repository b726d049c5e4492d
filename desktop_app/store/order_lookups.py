"""Orders looked up inside a use case's unit of work: by their number (which platforms hold it), by
their key, and the open cases of one order."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
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


def order_or_placeholder(session: Session, key: str, placeholder: Mapping[str, Any]) -> Order:
    """The order with this key; else a new placeholder of these columns. Two seats opening a case for one
    unimported order at once (or one while an import brings it in): the later INSERT waits for the
    earlier one's commit and then leaves the row it finds, which both use; a plain INSERT failed on the
    unique key."""
    order = order_by_key(session, key)
    if order is not None:
        return order
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(Order).values(order_key=key, **placeholder)
                    .on_conflict_do_nothing(index_elements=["order_key"]))
    found = order_by_key(session, key)
    assert found is not None
    return found


def open_case_ids_of_order(session: Session, order_id: int) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.order_id == order_id, Case.is_open.is_(True))).all())
