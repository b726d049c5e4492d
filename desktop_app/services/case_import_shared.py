"""What the two halves of the after-sales import share: the insert half (`case_import`, new
requests) and the update half (`case_import_update`, requests the ledger already has): the ids of
what a file did to its cases, when a step the platform took happened, the note on the platform's
steps and a request's amounts by kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from desktop_app.core import event_notes
from desktop_app.core.case_intake import CaseRecord
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.services.cases import COMPENSATION_KINDS
from desktop_app.services.deadline_rules import RuleContext


@dataclass
class Outcome:
    """Case ids by what the file did to them."""

    inserted: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)


def request_amounts(record: CaseRecord) -> tuple[int | None, int | None, int | None]:
    """refund, compensation, total (fen) of the request's amount for its kind."""
    if not record.amount_fen:  # 0.00: an exchange or reship asks for no money
        return None, None, None
    if record.kind in COMPENSATION_KINDS:
        return None, record.amount_fen, record.amount_fen
    return record.amount_fen, None, record.amount_fen


class StepTimes:
    """When a step the platform took happened. The file gives the request and the end (退款完结时间);
    a step in between is dated by the platform's own deadline for the timer it starts where that
    timer runs plain hours or days (due − the duration the engine gives it there, a date window's
    included: `RulePack.start_for_due`), else at the earliest it can have been (after
    everything already on the case's timeline), so no timer it starts shows later than the
    platform counts it."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.inferred: set[str] = set()  # keys of cases with a step dated from the platform's deadline

    def when(self, key: str, record: CaseRecord, kind: str, reason: str | None, milestone: str | None, last: bool,
             earliest: datetime) -> datetime:
        if last and record.finished_at is not None:
            return record.finished_at
        target = record.target
        if (milestone is not None and milestone != "requested" and target is not None
                and target.due_from == milestone and record.platform_due_at is not None):
            pack = pack_for_platform(self.context.packs, record.platform.value)
            requested = {"requested": (record.requested_at,)} if record.requested_at is not None else {}
            for timer in pack.applicable(kind, reason):
                if timer.starts_from == milestone and timer.duration.delta is not None:
                    start = pack.start_for_due(timer, record.platform_due_at, kind, requested)
                    if start is not None and start >= earliest:
                        self.inferred.add(key)
                        return start
        return earliest


    def round_start(self, record: CaseRecord, kind: str, reason: str | None) -> datetime | None:
        """When the round the platform's row shows began: its 超时时间 less the duration of the timer it
        counts (a request asked again starts a new round); None when the row does not tell."""
        target = record.target
        if target is None or target.due_from is None or record.platform_due_at is None:
            return None
        pack = pack_for_platform(self.context.packs, record.platform.value)
        requested = {"requested": (record.requested_at,)} if record.requested_at is not None else {}
        for timer in pack.applicable(kind, reason):
            if timer.starts_from == target.due_from and timer.duration.delta is not None:
                start = pack.start_for_due(timer, record.platform_due_at, kind, requested)
                if start is not None:
                    return start
        return None


def platform_note(record: CaseRecord) -> str:
    if record.platform_status:
        return event_notes.note(event_notes.PLATFORM_EXPORT_SAYING, record.platform_status)
    return event_notes.note(event_notes.PLATFORM_EXPORT)
