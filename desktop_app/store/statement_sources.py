"""What goods value statements are made from: for cases, their orders, their latest carrier claims and
which of those orders have items; the shop of an order or of a claim's order (whose profile signs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.store.models import CarrierClaim, Case, Order, OrderItem


@dataclass(frozen=True, slots=True)
class CaseStatementFacts:
    """For a batch of case ids: each existing case's order, each case's latest claim, and the orders
    among those that have items."""

    orders: dict[int, int]
    claims: dict[int | None, int]
    orders_with_items: set[int]


def case_statement_facts(session: Session, case_ids: Sequence[int]) -> CaseStatementFacts:
    """See `CaseStatementFacts`; `case_ids` at most a few hundred (one IN list each)."""
    chunk = list(case_ids)
    orders: dict[int, int] = {
        case_id: order_id
        for case_id, order_id in session.execute(select(Case.id, Case.order_id).where(Case.id.in_(chunk)))}
    claims: dict[int | None, int] = {
        case_id: claim_id
        for case_id, claim_id in session.execute(
            select(CarrierClaim.case_id, func.max(CarrierClaim.id)).where(CarrierClaim.case_id.in_(chunk))
            .group_by(CarrierClaim.case_id))}
    with_items = set(session.scalars(
        select(OrderItem.order_id).where(OrderItem.order_id.in_(sorted(set(orders.values())))).distinct()))
    return CaseStatementFacts(orders, claims, with_items)


def shop_of_claim(session: Session, claim_id: int) -> int | None:
    """The shop of the claim's order."""
    return session.execute(
        select(Order.shop_id).join(CarrierClaim, CarrierClaim.order_id == Order.id)
        .where(CarrierClaim.id == claim_id)).scalar_one_or_none()


def shop_of_order(session: Session, order_id: int) -> int | None:
    return session.execute(select(Order.shop_id).where(Order.id == order_id)).scalar_one_or_none()
