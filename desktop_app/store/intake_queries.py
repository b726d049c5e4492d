"""Look-ups an after-sales import makes in bulk: cases by platform number, orders by number, what
each case has recorded, and the deadlines computed for them. Chunked IN lists keep every query far
below the database's parameter limit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.store.models import AuditEvent, Case, Deadline, Order, OrderItem

_CHUNK = 500
T = TypeVar("T")


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cases_by_key(session: Session, keys: Iterable[str]) -> dict[str, Case]:
    found: dict[str, Case] = {}
    for chunk in _chunks(keys):
        for case in session.scalars(select(Case).where(Case.platform_case_key.in_(chunk))):
            assert case.platform_case_key is not None
            found[case.platform_case_key] = case
    return found


def orders_by_key(session: Session, keys: Iterable[str]) -> dict[str, Order]:
    found: dict[str, Order] = {}
    for chunk in _chunks(keys):
        for order in session.scalars(select(Order).where(Order.order_key.in_(chunk))):
            found[order.order_key] = order
    return found


def orders_with_items(session: Session, order_ids: Iterable[int]) -> set[int]:
    found: set[int] = set()
    for chunk in _chunks(order_ids):
        found.update(session.scalars(select(OrderItem.order_id).where(OrderItem.order_id.in_(chunk)).distinct()))
    return found


@dataclass
class CaseHistory:
    milestones: set[str] = field(default_factory=set)
    latest: datetime | None = None  # the time of the latest event on the timeline


def case_history(session: Session, case_ids: Iterable[int]) -> dict[int, CaseHistory]:
    """What each case's timeline holds: its milestones and the time of its latest event."""
    found: dict[int, CaseHistory] = {}
    for chunk in _chunks(case_ids):
        rows = session.execute(
            select(AuditEvent.case_id, AuditEvent.milestone, AuditEvent.at)
            .where(AuditEvent.case_id.in_(chunk), AuditEvent.subject == "case")
        )
        for case_id, milestone, at in rows:
            history = found.setdefault(case_id, CaseHistory())
            if milestone:
                history.milestones.add(milestone)
            if history.latest is None or at > history.latest:
                history.latest = at
    return found


def case_deadlines(session: Session, case_ids: Sequence[int]) -> dict[int, list[tuple[str, datetime, str]]]:
    """case id → (timer id, due, status) of every deadline computed for it."""
    found: dict[int, list[tuple[str, datetime, str]]] = {}
    for chunk in _chunks(case_ids):
        rows = session.execute(
            select(Deadline.case_id, Deadline.timer_id, Deadline.due_at, Deadline.status)
            .where(Deadline.case_id.in_(chunk))
        )
        for case_id, timer_id, due_at, status in rows:
            found.setdefault(case_id, []).append((timer_id, due_at, status))
    return found
