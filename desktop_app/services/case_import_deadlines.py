"""The deadlines of an after-sales import's *new* cases, computed from what the import already holds.

A new case's timeline is the one the import has just built (its events, in memory), its order's times
were read with the order, and it has no stored deadlines yet: so its deadlines are computed here in
one pass and inserted with the case (`next_due_*` in the case's own row), instead of reading cases,
events and deadlines back per 500 cases and updating each case again (`deadlines.recompute_cases`,
which the import still uses for the cases it moved). The milestones are assembled exactly as
`deadlines._recompute` does: the case's events, then its own columns, then its order's times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, compute_from_history
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.services.deadlines import RuleContext
from desktop_app.store.intake_queries import OrderTimes

_OPEN = DeadlineStatus.OPEN
# Milestones a new case may take from its order (the case's own events and columns come first).
_FROM_ORDER = (("paid", "paid_at"), ("shipped", "shipped_at"), ("signed", "signed_at"),
               ("trade_succeeded", "succeeded_at"))


class NewCaseDeadlines:
    """Computes new cases' deadlines with the packs in force; one instance per import."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context

    def compute(self, platform: str, kind: str, reason: str | None, case_open: bool,
                events: Iterable[Mapping[str, Any]], order: OrderTimes) -> list[ComputedDeadline]:
        """The case's deadlines, sorted by due time (as `compute_from_history` gives them). `events`:
        the new case's timeline rows (`milestone`, `at`, `date_only`), in the order they are inserted."""
        pack = pack_for_platform(self.context.packs, platform)
        read = pack.milestones_read(kind, reason)
        if not read:
            return []
        milestones: dict[str, list[tuple[datetime, bool]]] = {}
        # Stored order: time, then insertion (a stable sort keeps the insertion order of equal times).
        for event in sorted(events, key=_at):
            name = event["milestone"]
            if name is not None and name in read:
                milestones.setdefault(name, []).append((_utc(event["at"]), bool(event["date_only"])))
        for milestone, attribute in _FROM_ORDER:
            value = getattr(order, attribute)
            if value is not None and milestone in read and milestone not in milestones:
                milestones[milestone] = [(_utc(value), False)]
        return compute_from_history(pack, kind=kind, reason=reason, case_open=case_open, history=milestones,
                                    calendar=self.context.calendar, paid_fen=order.paid_fen)


def next_due(computed: list[ComputedDeadline]) -> tuple[datetime | None, str | None]:
    """The case's 下一个时限: its earliest open deadline (`computed` is sorted by due time)."""
    first = next((d for d in computed if d.status is _OPEN), None)
    return (None, None) if first is None else (first.due_at, first.name)


def deadline_row(case_id: int, d: ComputedDeadline) -> dict[str, Any]:
    """The `deadlines` row of one computed deadline (as the recompute writes it)."""
    return {"case_id": case_id, "timer_id": d.timer_id, "name": d.name, "starts_at": d.starts_at,
            "due_at": d.due_at, "action": d.action, "status": d.status.value, "met_at": d.met_at,
            "estimated": d.estimated, "penalty_fen": d.penalty_fen}


def _at(event: Mapping[str, Any]) -> datetime:
    value: datetime = event["at"]
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
