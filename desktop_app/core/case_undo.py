"""Which step of a case can be taken back (编辑 → 撤销) and why another cannot.

Only the newest step still in force can be undone, and only when nothing left the ledger with it:
money paid to a buyer or a parcel sent cannot be called back by a click, so those actions are asked
for with a warning instead (`IRREVERSIBLE`) and never offered for undo. A reship case's agreement,
refusal, closing and reopening also moved its reship record; those are corrected with the next
action rather than undone. An undo is itself recorded (kind "undo"), so it is never undone again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from desktop_app.core import messages as msg
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind

UNDO_KIND = "undo"  # AuditEvent.kind of an undo

# What leaves the ledger with the action: said in the confirmation, and why undo is refused.
IRREVERSIBLE: dict[CaseAction, str] = {
    CaseAction.REFUND: "钱已经退给买家，台账里撤销不能把钱收回",
    CaseAction.REFUND_IN_TRANSIT: "钱已经退给买家，台账里撤销不能把钱收回",
    CaseAction.COMPENSATE: "补偿已经付给买家，台账里撤销不能把钱收回",
    CaseAction.SHIP_RESHIP: "补发的包裹已经寄出",
    CaseAction.SHIP_EXCHANGE: "换货的包裹已经寄出",
    CaseAction.SHIP_REPAIRED: "修好的商品已经寄回",
}
# Why the newest step cannot be taken back (shown translated: ui/labels.message).
NOTHING_TO_UNDO = "这张售后单没有可以撤销的操作"
LAST_IS_RESHIP_OR_CLAIM = "最后一步是补发或理赔的记录，请在对应的标签页中更正"
CREATION_STAYS = "新建的售后单不能撤销；不需要时请“关闭”它"
EDIT_STAYS = "修改不能撤销，请再点“编辑”改回去"
NOT_AN_ACTION = "最后一步不是可以撤销的操作"
NEWER_ACTION = "最后一步是新版本软件记录的操作，无法撤销"
MOVED_ON = "售后单的状态在这一步之后又变了，无法撤销"
MOVED_ON_SINCE_BATCH = "批量操作之后这张售后单又有了新的步骤，未撤销；请单独查看"
MOVES_RESHIP_NOTE = "补发记录会跟着改变，之后只能用下一步操作更正"  # said before the click (`lasting`)
# Every text above and IRREVERSIBLE's, for the translation (installer/update_translations.py).
UNDO_TEXTS = (*dict.fromkeys(IRREVERSIBLE.values()), NOTHING_TO_UNDO, LAST_IS_RESHIP_OR_CLAIM, CREATION_STAYS,
              EDIT_STAYS, NOT_AN_ACTION, NEWER_ACTION, MOVED_ON, MOVES_RESHIP_NOTE, MOVED_ON_SINCE_BATCH)
# On a reship case these also moved the reship record (`services.reship_records.follow_case_action`).
_MOVES_RESHIP = frozenset({CaseAction.AGREE_RESHIP, CaseAction.REJECT, CaseAction.CLOSE, CaseAction.REOPEN,
                           CaseAction.RESUME})


class EventLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def subject(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def action(self) -> str | None: ...
    @property
    def to_state(self) -> str | None: ...
    @property
    def undone_by(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class UndoChoice:
    """The step an undo would take back (`event_id`), or why there is none (`refused`)."""

    event_id: int | None
    title: str  # the step in the shop's words (同意退货, 备注 …); empty when there is no step
    refused: str | None = None

    @property
    def possible(self) -> bool:
        return self.refused is None and self.event_id is not None


def lasting(kind: CaseKind, action: CaseAction) -> str | None:
    """Why `action` on a case of `kind` cannot be undone once recorded — said in its confirmation, before
    the click — or None when 编辑 → 撤销 can take it back."""
    if action in IRREVERSIBLE:
        return IRREVERSIBLE[action]
    if kind is CaseKind.RESHIP and action in _MOVES_RESHIP:
        return MOVES_RESHIP_NOTE
    return None


def undo_choice(kind: CaseKind, status: CaseStatus, events: Iterable[EventLike]) -> UndoChoice:
    """The newest step of a case still in force, and whether undoing it is allowed."""
    live = [e for e in events if e.kind != UNDO_KIND and e.undone_by is None]
    if not live:
        return UndoChoice(None, "", NOTHING_TO_UNDO)
    last = max(live, key=lambda e: e.id)
    if last.subject != "case":
        return UndoChoice(last.id, "", LAST_IS_RESHIP_OR_CLAIM)
    if last.kind == "note":
        return UndoChoice(last.id, "备注")
    if last.kind == "created":
        return UndoChoice(last.id, "新建售后单", CREATION_STAYS)
    if last.kind == "edit":
        return UndoChoice(last.id, "修改", EDIT_STAYS)
    if last.kind != "action" or last.action is None:
        return UndoChoice(last.id, "", NOT_AN_ACTION)
    try:
        action = CaseAction(last.action)
    except ValueError:
        return UndoChoice(last.id, last.action, NEWER_ACTION)
    title = action.label
    if action in IRREVERSIBLE:
        return UndoChoice(last.id, title, msg.say(msg.UNDO_IRREVERSIBLE, title, IRREVERSIBLE[action]))
    if kind is CaseKind.RESHIP and action in _MOVES_RESHIP:
        return UndoChoice(last.id, title, msg.say(msg.UNDO_MOVED_RESHIP, title))
    if last.to_state != status.value:
        return UndoChoice(last.id, title, MOVED_ON)
    return UndoChoice(last.id, title)


class StepLike(EventLike, Protocol):
    @property
    def from_state(self) -> str | None: ...


def undos_to_reach(kind: CaseKind, status: CaseStatus, events: Iterable[StepLike], event_id: int) -> UndoChoice | int:
    """How many undos (编辑 → 撤销, `case undo`) take back the step `event_id`, newest first as an undo
    goes; or the step on the way that cannot be undone (its `UndoChoice`, `refused` saying why). A
    refusal's hint names `case undo` only where it reaches the step it names: a date-only step recorded
    after a timed one of its day, a note, or a parcel sent may come first."""
    live = [e for e in events if e.kind != UNDO_KIND and e.undone_by is None]
    count = 0
    while True:
        choice = undo_choice(kind, status, live)
        if not choice.possible:
            return choice
        count += 1
        if choice.event_id == event_id:
            return count
        step = next(e for e in live if e.id == choice.event_id)
        live.remove(step)
        if step.kind == "action" and step.from_state:
            status = CaseStatus(step.from_state)
