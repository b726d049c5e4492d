"""A claim's next step on the escalation path, its time limit and its checklist
(resources/claim_escalation.toml): outlet (网点) → head office (总部) → State Post Bureau (12305).

The rules are data; this module reads them, checks them against the claim state machine
(`core.claims`) and answers, for one claim, what to do next, by when (or from when), and which of the
documents the step needs the ledger already holds.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TypeVar

from desktop_app.core.claims import ClaimAction, ClaimStatus, find_transition
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.paths import resource


class ClockStart(StrEnum):
    CREATED = "created"
    ENTERED = "entered"
    REPORTED = "reported"


class DeadlineKind(StrEnum):
    BY = "by"  # do the step by then
    AFTER = "after"  # the courier has until then; the step is open from then on


class Holding(StrEnum):
    """What the ledger can check itself for a checklist line."""

    TICKET_NO = "ticket_no"
    REPORTED_AT = "reported_at"
    CONTACT = "contact"
    EVIDENCE = "evidence"
    TRACKING_NO = "tracking_no"
    STATEMENT = "statement"
    RECEIVER = "receiver"  # the buyer's delivery details: recipient, phone and address


def has_delivery_details(receiver: str | None, phone: str | None, address: str | None) -> bool:
    """Whether the order holds the buyer's recipient, phone and address in full: a value the platform
    masked (梁*桐, 138****5678) is no use to a courier tracing the parcel."""
    texts = [(value or "").strip() for value in (receiver, phone, address)]
    return all(text and "*" not in text for text in texts)


_E = TypeVar("_E", bound=StrEnum)

CONTACTS = {"outlet": "快递网点", "service": "快递客服", "hq": "快递总部", "post_bureau": "国家邮政局 12305"}


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    have: Holding | None = None


@dataclass(frozen=True, slots=True)
class EscalationStep:
    statuses: frozenset[ClaimStatus]
    reached: frozenset[ClaimStatus]
    title: str
    action: ClaimAction
    contact: str
    start: ClockStart
    days: int
    kind: DeadlineKind
    explain: str
    documents: tuple[Document, ...]

    @property
    def contact_label(self) -> str:
        return CONTACTS[self.contact]


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the next step of one claim depends on."""

    status: ClaimStatus
    created_at: datetime
    entered_at: datetime | None  # when it entered its current status (None: unknown, use created_at)
    reached: frozenset[ClaimStatus] = frozenset()  # statuses it was ever in
    reported_at: datetime | None = None
    submitted_at: datetime | None = None
    holding: frozenset[Holding] = frozenset()


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    name: str
    checkable: bool  # the ledger can tell whether it is there
    present: bool


@dataclass(frozen=True, slots=True)
class NextStep:
    step: EscalationStep
    due_at: datetime

    @property
    def title(self) -> str:
        return self.step.title

    def is_due(self, moment: datetime) -> bool:
        """By-steps are overdue after their time; after-steps are open from theirs."""
        return moment >= self.due_at

    def deadline_text(self, formatted: str) -> str:
        """'截止 …' or '… 起可办理', with the time already formatted by the caller."""
        return f"截止 {formatted}" if self.step.kind is DeadlineKind.BY else f"{formatted} 起可办理"

    def checklist(self, holding: Iterable[Holding]) -> list[ChecklistLine]:
        held = set(holding)
        return [ChecklistLine(d.name, d.have is not None, d.have in held) for d in self.step.documents]

    def missing(self, holding: Iterable[Holding]) -> list[str]:
        """Documents the ledger can check and does not hold."""
        return [line.name for line in self.checklist(holding) if line.checkable and not line.present]


@dataclass(frozen=True)
class EscalationRules:
    steps: tuple[EscalationStep, ...]

    def step_for(self, status: ClaimStatus, reached: frozenset[ClaimStatus] = frozenset()) -> EscalationStep | None:
        for step in self.steps:
            if status in step.statuses and (not step.reached or step.reached & reached):
                return step
        return None

    def next_step(self, facts: ClaimFacts) -> NextStep | None:
        step = self.step_for(facts.status, facts.reached)
        if step is None:
            return None
        entered = facts.entered_at or facts.created_at
        start = {
            ClockStart.CREATED: facts.created_at,
            ClockStart.ENTERED: entered,
            ClockStart.REPORTED: facts.reported_at or facts.submitted_at or entered,
        }[step.start]
        return NextStep(step, start + timedelta(days=step.days))


def _statuses(value: object, where: str) -> frozenset[ClaimStatus]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} 应为状态列表，例如 [\"submitted\"]")
    out = set()
    for v in value:
        try:
            out.add(ClaimStatus(v))
        except ValueError:
            known = " ".join(s.value for s in ClaimStatus)
            raise ValueError(f"{where} 中的“{v}”不是理赔状态（可用：{known}）") from None
    return frozenset(out)


def _choice(enum: type[_E], value: object, where: str) -> _E:
    try:
        return enum(str(value))
    except ValueError:
        known = " ".join(e.value for e in enum)
        raise ValueError(f"{where}“{value}”无效（可用：{known}）") from None


def parse_escalation(text: str, source: str = "claim_escalation.toml") -> EscalationRules:
    """The rules, checked: known statuses and actions, each action allowed from each status listed."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source} 不是有效的 TOML：{error}") from error
    steps = []
    for number, entry in enumerate(data.get("step", []), start=1):
        where = f"{source} 第 {number} 个 [[step]]"
        statuses = _statuses(entry.get("statuses"), f"{where} 的 statuses")
        if not statuses:
            raise ValueError(f"{where} 的 statuses 为空")
        reached = _statuses(entry.get("reached", []), f"{where} 的 reached")
        action = _choice(ClaimAction, entry.get("action"), f"{where} 的 action ")
        for status in sorted(statuses):
            if find_transition(status, action) is None:
                raise ValueError(f"{where}：状态“{status.label}”不能执行“{action.label}”")
        contact = str(entry.get("contact", ""))
        if contact not in CONTACTS:
            raise ValueError(f"{where} 的 contact“{contact}”无效（可用：{' '.join(CONTACTS)}）")
        days = entry.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise ValueError(f"{where} 的 days 应为 0–365 的整数")
        title = str(entry.get("title", "")).strip()
        if not title:
            raise ValueError(f"{where} 没有 title")
        documents = []
        for doc in entry.get("documents", []):
            name = str(doc.get("name", "")).strip() if isinstance(doc, dict) else ""
            if not name:
                raise ValueError(f"{where} 的 documents 中有一项没有 name")
            have = doc.get("have")
            documents.append(Document(name, None if have is None else _choice(Holding, have, f"{where} 的 have ")))
        steps.append(EscalationStep(
            statuses=statuses, reached=reached, title=title, action=action, contact=contact,
            start=_choice(ClockStart, entry.get("from", "entered"), f"{where} 的 from "),
            days=days, kind=_choice(DeadlineKind, entry.get("kind", "by"), f"{where} 的 kind "),
            explain=str(entry.get("explain", "")).strip(), documents=tuple(documents),
        ))
    return EscalationRules(tuple(steps))


@cache
def escalation_rules(path: Path | None = None) -> EscalationRules:
    """The shipped rules (read once per process); a damaged file is the user's to fix, said in Chinese."""
    source = path or resource("claim_escalation.toml")
    try:
        return parse_escalation(source.read_text(encoding="utf-8"), source.name)
    except OSError as error:
        raise UserError(f"无法读取理赔升级规则 {source}：{system_error_text(error)}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UserError(f"理赔升级规则有误（{source}）：{error}") from None
