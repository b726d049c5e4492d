"""Reads about reships: a case's reship row, the items of its order, the due times of its deadlines,
and the reship cases of pasted order numbers. The queue's list is `store.reship_queue_rows`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.vocabulary import CaseKind
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import Case, Deadline, Order, OrderItem, Reship

_RESHIP = CaseKind.RESHIP.value

# The id of a case's latest reship row (correlated to `Case`): one per case; should an old database
# hold several, the latest counts.
LATEST_RESHIP = (
    select(func.max(Reship.id)).where(Reship.case_id == Case.id).correlate(Case).scalar_subquery()
)


def reship_of(session: Session, case_id: int) -> Reship | None:
    """The case's reship (one per case; should an old database hold several, the latest counts)."""
    return session.execute(
        select(Reship).where(Reship.case_id == case_id).order_by(Reship.id.desc()).limit(1)
    ).scalar_one_or_none()


def latest_reship_id(session: Session, case_id: int) -> int | None:
    """The id of `reship_of`, without loading the row."""
    return session.execute(
        select(Reship.id).where(Reship.case_id == case_id).order_by(Reship.id.desc()).limit(1)
    ).scalar_one_or_none()


def order_items(session: Session, order_id: int) -> list[ReshipItemRow]:
    return [
        ReshipItemRow(i.title, i.spec, i.quantity)
        for i in session.scalars(
            select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position, OrderItem.id)
        )
    ]


def deadline_dues(session: Session, case_id: int) -> list[tuple[str, datetime]]:
    """(timer id, due time) of every stored deadline of the case."""
    return [(timer_id, due) for timer_id, due in session.execute(
        select(Deadline.timer_id, Deadline.due_at).where(Deadline.case_id == case_id)
    ).all()]


@dataclass(frozen=True, slots=True)
class PastedReshipCase:
    """A reship case (or a case with a reship row) of an order number, with its latest reship."""

    case_id: int
    kind: str
    case_status: str
    order_no: str
    reship_id: int | None
    reship_status: str | None
    tracking_no: str | None


def reship_cases_of_orders(session: Session, order_nos: Iterable[str]) -> list[PastedReshipCase]:
    """The reship cases of these order numbers, by case id within each chunk of numbers."""
    found: list[PastedReshipCase] = []
    for chunk in in_lists(sorted(set(order_nos))):
        found.extend(PastedReshipCase(*row) for row in session.execute(
            select(Case.id, Case.kind, Case.status, Order.order_no, Reship.id, Reship.status, Reship.tracking_no)
            .join(Order, Order.id == Case.order_id)
            .outerjoin(Reship, Reship.id == LATEST_RESHIP)
            .where(Order.order_no.in_(chunk), or_(Case.kind == _RESHIP, Reship.id.is_not(None)))
            .order_by(Case.id)
        ).all())
    return found
