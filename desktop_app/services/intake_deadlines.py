"""An after-sales import's deadlines: its new cases' computed from what it writes instead of read back,
its moved cases' recomputed from the store, and the platform's deadlines compared with ours.

A new case's timeline, its columns and its order's times are all in hand while the import builds its
row, so its deadlines are computed there, as `services.deadlines` would compute them from the stored
rows (the same milestones, in the same order, from the same sources): its `next_due_*`, timer counts
and digest go into the case's own INSERT, its deadline rows into one insert afterwards. Reading 50,000
new cases and their events back, and updating every case row once more, cost more than the engine.
The moved cases of a file are still recomputed from the store (`recompute_moved`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.core.case_intake import CaseRecord
from desktop_app.core.deadlines import ComputedDeadline, DeadlineStatus, compute_from_history, deadline_digest
from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_cases, recompute_id_range
from desktop_app.store.bulk_rows import insert_rows
from desktop_app.store.case_facts import timer_facts
from desktop_app.store.case_upsert import case_id_spans
from desktop_app.store.deadline_rows import TIMER_FACTS
from desktop_app.store.intake_queries import OrderTimes, case_deadlines, case_ids_by_key
from desktop_app.store.models import Deadline

_OPEN = DeadlineStatus.OPEN
MISMATCH_TOLERANCE = timedelta(hours=1)


class NewCaseDeadlines:
    """The deadlines of one file's new cases: `columns` while each case's row is built, `insert` once
    their ids are known (after the file's moved cases were recomputed, so the deadline rows are
    numbered as a recompute of all of them in id order numbers them)."""

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self._plans: dict[tuple[str, str, str | None], tuple[RulePack, frozenset[str]]] = {}
        self._computed: dict[str, list[ComputedDeadline]] = {}  # case key → its deadlines, in insert order

    def columns(self, key: str, platform: str, kind: str, reason: str | None, case_open: bool,
                events: Iterable[Mapping[str, Any]], requested_at: datetime | None,
                order: OrderTimes) -> dict[str, Any]:
        """The case's `next_due_*`, timer counts and digest; `events`: its timeline (in insert order)
        with `milestone` and `at`. A new case has no signing time of its own."""
        plan = self._plans.get((platform, kind, reason))
        if plan is None:
            pack = pack_for_platform(self.context.packs, platform)
            plan = self._plans[(platform, kind, reason)] = (pack, pack.milestones_read(kind, reason))
        pack, read = plan
        computed: list[ComputedDeadline] = []
        if read:
            # As the store returns them: each milestone's occurrences by time, then as inserted; in UTC.
            milestones: dict[str, list[tuple[datetime, bool]]] = {}
            for event in events:
                name = event["milestone"]
                if name in read:
                    found = milestones.get(name)
                    if found is None:
                        milestones[name] = [(event["at"].astimezone(UTC), False)]
                    else:
                        found.append((event["at"].astimezone(UTC), False))
                        found.sort(key=_first)  # stable
            # Then the case's own columns, then the order's times, where nothing more specific gave one.
            for name, value in (("requested", requested_at), ("signed", order.signed_at), ("paid", order.paid_at),
                                ("shipped", order.shipped_at), ("trade_succeeded", order.succeeded_at)):
                if value is not None and name in read and name not in milestones:
                    milestones[name] = [(value.astimezone(UTC), False)]
            computed = compute_from_history(pack, kind=kind, reason=reason, case_open=case_open, history=milestones,
                                            calendar=self.context.calendar, paid_fen=order.paid_fen,
                                            campaign=order.campaign)
        self._computed[key] = computed
        first = next((d for d in computed if d.status is _OPEN), None)  # sorted by due time
        counted = timer_facts((d.status.value, d.due_at) for d in computed)
        return {"next_due_at": None if first is None else first.due_at,
                "next_due_name": None if first is None else first.name,
                **dict(zip(TIMER_FACTS, counted, strict=True)), "deadline_digest": deadline_digest(computed)}

    def insert(self, session: Session, ids: Mapping[str, int]) -> None:
        """Store the deadline rows of the cases `columns` saw, given their ids (by key)."""
        rows = [{"case_id": ids[key], "timer_id": d.timer_id, "name": d.name, "starts_at": d.starts_at,
                 "due_at": d.due_at, "action": d.action, "status": d.status.value, "met_at": d.met_at,
                 "estimated": d.estimated, "penalty_fen": d.penalty_fen}
                for key, computed in self._computed.items() for d in computed]
        self._computed.clear()
        insert_rows(session, Deadline, rows)


def recompute_moved(session: Session, case_ids: list[int], context: RuleContext) -> None:
    """The deadlines of the moved cases (the new ones' are computed as they are built:
    `NewCaseDeadlines`). Runs of consecutive ids recomputed by id range (slices of the engine's full
    recompute) instead of IN lists of 500 ids, whose statements were rendered with every id for each
    of the recompute's three reads. In ascending id order either way, as `recompute_cases` goes."""
    session.flush()  # the moved cases' events added through the ORM
    for part in case_id_spans(case_ids):
        if isinstance(part, list):
            recompute_cases(session, part, context)
        else:
            recompute_id_range(session, *part, context)


def deadline_mismatches(session: Session, records: dict[str, CaseRecord], context: RuleContext,
                        inferred: set[str]) -> list[int]:
    """Cases whose platform deadline differs from ours for the same timer by more than an hour (not
    those whose step time was inferred from that very deadline)."""
    checks = {key: record for key, record in records.items()
              if record.platform_due_at is not None and record.target is not None
              and record.target.due_from is not None and key not in inferred}
    ids = case_ids_by_key(session, checks)
    ours = case_deadlines(session, list(ids.values()))
    found: list[int] = []
    for key, record in checks.items():
        case_id = ids.get(key)
        if case_id is None:
            continue
        pack = pack_for_platform(context.packs, record.platform.value)
        dues = []
        for timer_id, due_at, _status in ours.get(case_id, []):
            try:
                timer = pack.timer(timer_id)
            except KeyError:
                continue
            if timer.starts_from == record.target.due_from:  # type: ignore[union-attr]
                dues.append(due_at)
        assert record.platform_due_at is not None
        if dues and min(abs(d - record.platform_due_at) for d in dues) > MISMATCH_TOLERANCE:
            found.append(case_id)
    return found


def _first(occurrence: tuple[datetime, bool]) -> datetime:
    return occurrence[0]
