"""What the deadline engine (`core.deadlines`) gives for one timer of one case: its status and the
`ComputedDeadline` row, the event log it reads (`History`), and the mark of a clock the platform's automatic
agreement started. The engine and the per-round walk (`core.deadline_rounds`) both build on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

# name → (aware time, date_only). `clock.Moment` converts as (m.at, m.date_only).
Milestones = Mapping[str, tuple[datetime, bool]]
# name → every occurrence, in time order (the case's event log).
History = Mapping[str, Sequence[tuple[datetime, bool]]]

# After the name of a clock started by the platform's automatic agreement, until the shop records it
# ("counted from the platform's automatic agreement": true before the answer runs out and after).
AUTO_MARK = "（按平台自动同意起算）"


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {DeadlineStatus.OPEN: "进行中", DeadlineStatus.MET: "已完成", DeadlineStatus.MISSED: "已超时"}


class ComputedDeadline(NamedTuple):
    """One timer on one case. Immutable; a NamedTuple because recomputing 100,000 cases builds
    over 100,000 of them and a tuple is several times cheaper to create than a frozen dataclass.
    Fields 1..7 (name … estimated) are exactly what the store keeps and compares."""

    timer_id: str
    name: str
    starts_at: datetime
    due_at: datetime
    action: str  # what happens when it runs out
    status: DeadlineStatus
    met_at: datetime | None
    estimated: bool  # working days counted on a holiday calendar that is not yet official
    penalty: str | None = None
    window: str | None = None  # id of the date window whose duration applied, if any
    # Money at stake (open) or lost (missed) by the timer's `penalty_amount`, in fen; None when met,
    # when the timer names no amount, or when it is a share of an order amount nobody imported.
    penalty_fen: int | None = None
    # The platform acts by itself when it runs out unmet (`auto_records`: 抖店 agrees to the reship):
    # an open one past its due is then settled by the platform, not overdue (`deadline_display.settled_by_platform`).
    automatic: bool = False
