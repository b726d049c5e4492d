"""Acting on many cases at once (the 双11 morning): one transaction per case, a result per case.

Used by the Cases tab and the Reship queue (ship many reships with their own tracking numbers,
switch many to a refund) alike, and by `case act 3,5,8`.

One case failing (its state moved on, someone else changed it) never stops the others; the caller
gets every case's outcome in the order it gave the ids, and what the batch changed (`BulkOutcome`).
The plan shows beforehand what will happen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.case_undo import undo_choice
from desktop_app.core.clock import Moment
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions, find_transition
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind, ResponsibleParty
from desktop_app.services import reships as reship_service
from desktop_app.services.case_kind import change_kind_in_session
from desktop_app.services.case_writes import current_author
from desktop_app.services.cases import act_in_session, add_note, undo_last_step
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.returns import ReturnParcel, record_return_parcel
from desktop_app.store.case_lookups import case_states
from desktop_app.store.case_queries import case_events
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.models import AuditEvent, Case, utcnow
from desktop_app.store.row_locks import row_for_writing

MAX_BULK = 5000


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What happened to one case: its new status, or why it was refused."""

    case_id: int
    ok: bool
    status: CaseStatus | None = None
    error: str | None = None
    # The step 编辑 → 撤销 would take back right after this case's step (`undo_batch`); None: it cannot be.
    undo_event: int | None = None

    def as_json(self) -> dict[str, object]:
        if self.ok:
            return {"id": self.case_id, "ok": True, "status": self.status.value if self.status else None}
        return {"id": self.case_id, "ok": False, "error": self.error}


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """Every case's outcome in the order the ids were given, and what the cases that went through changed."""

    results: tuple[CaseResult, ...]
    changes: OpChanges

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.ok)


# One case's step: its status afterwards (None: not reported), what its transaction changed, and the
# step an undo would take back (None: none, e.g. money paid).
Step = tuple[CaseStatus | None, OpChanges, int | None]


@dataclass(frozen=True, slots=True)
class PlannedStep:
    case_id: int
    before: CaseStatus | None  # None: no such case
    after: CaseStatus | None  # None: the action is refused for this case

    @property
    def possible(self) -> bool:
        return self.after is not None


@dataclass(frozen=True, slots=True)
class BulkPlan:
    action: CaseAction
    steps: tuple[PlannedStep, ...]

    @property
    def possible(self) -> tuple[PlannedStep, ...]:
        return tuple(s for s in self.steps if s.possible)

    @property
    def refused(self) -> tuple[PlannedStep, ...]:
        return tuple(s for s in self.steps if not s.possible)

    def moves(self) -> dict[tuple[CaseStatus | None, CaseStatus | None], int]:
        """How many of the possible steps go from each state to each (in the order first met)."""
        moves: dict[tuple[CaseStatus | None, CaseStatus | None], int] = {}
        for step in self.possible:
            moves[(step.before, step.after)] = moves.get((step.before, step.after), 0) + 1
        return moves

    def summary(self) -> str:
        """'3 张售后单将执行“同意补发”：待处理 → 待补发 ×3；1 张不能执行（#7 已关闭）' (the command line; the
        window writes the same from the plan in its language)."""
        parts = [f"{len(self.possible)} 张售后单将执行“{self.action.label}”"]
        parts += [f"{a.label if a else ''} → {b.label if b else ''} ×{n}" for (a, b), n in self.moves().items()]
        text = "：".join(parts[:1]) + ("：" + "，".join(parts[1:]) if len(parts) > 1 else "")
        if self.refused:
            why = "，".join(f"#{s.case_id}（{s.before.label if s.before else '不存在'}）" for s in self.refused[:10])
            more = " 等" if len(self.refused) > 10 else ""
            text += f"；{len(self.refused)} 张不能执行：{why}{more}"
        return text


def parse_case_ids(text: str) -> list[int]:
    """'3,5,8' → [3, 5, 8] (spaces and Chinese commas allowed, duplicates dropped, order kept)."""
    ids: list[int] = []
    for part in text.replace("，", ",").split(","):
        piece = part.strip().lstrip("#")
        if not piece:
            continue
        if not piece.isdigit() or int(piece) <= 0:
            raise UserError(f"售后单编号“{part.strip()}”不对：应为正整数，多个用逗号分隔，例如 3,5,8")
        if int(piece) not in ids:
            ids.append(int(piece))
    if not ids:
        raise UserError("请给出售后单编号，多个用逗号分隔，例如 3,5,8")
    if len(ids) > MAX_BULK:
        raise UserError(f"一次最多处理 {MAX_BULK} 张售后单（给出了 {len(ids)} 张）")
    return ids


def _states(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[CaseKind, CaseStatus]]:
    return {case_id: (CaseKind(kind), CaseStatus(status))
            for case_id, (kind, status) in case_states(session, case_ids).items()}


def common_actions(session: Session, case_ids: Sequence[int]) -> list[CaseAction]:
    """The actions every one of the cases allows now, in the usual order."""
    states = _states(session, case_ids)
    if not states or len(states) < len(set(case_ids)):
        return []
    allowed = [set(allowed_actions(kind, status)) for kind, status in states.values()]
    shared = set.intersection(*allowed)
    return [a for a in CaseAction if a in shared]


def plan(session: Session, case_ids: Sequence[int], action: CaseAction) -> BulkPlan:
    states = _states(session, case_ids)
    steps = []
    for case_id in case_ids:
        if case_id not in states:
            steps.append(PlannedStep(case_id, None, None))
            continue
        kind, status = states[case_id]
        found = find_transition(kind, status, action)
        steps.append(PlannedStep(case_id, status, (found.target or status) if found else None))
    return BulkPlan(action, tuple(steps))


def _undoable(session: Session, case_id: int) -> int | None:
    """The step 编辑 → 撤销 would take back now (the one just recorded), or None when it cannot."""
    kind, status = _states(session, [case_id])[case_id]
    choice = undo_choice(kind, status, case_events(session, case_id))
    return choice.event_id if choice.possible else None


def undo_batch(db: Database, steps: Sequence[tuple[int, int]], author: str | None = None,
               progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """Take back a bulk step as one (编辑 → 撤销 after 批量关闭 30 单): each (case, step) its own undo, in its
    own transaction, as the step was taken. A case whose newest step is no longer the batch's (someone
    acted on it since) is refused on its own line and keeps its state."""
    who = current_author() if author is None else author
    by_case = dict(steps)
    rules = RuleContext.load(db)  # once for the batch, as its step did: read per case, the undo took 3× the batch

    def one(case_id: int) -> Step:
        undone = undo_last_step(db, case_id, author=who, only_event=by_case[case_id], rules=rules)
        return undone.status, undone.changes, None

    return _each(list(by_case), one, progress)


def _each(case_ids: Sequence[int], one: Callable[[int], Step],
          progress: Callable[[int], None] | None) -> BulkOutcome:
    results: list[CaseResult] = []
    changes = OpChanges()
    for done, case_id in enumerate(case_ids, start=1):
        try:
            status, changed, undo_event = one(case_id)
        except UserError as exc:
            results.append(CaseResult(case_id, False, error=exc.message))
        except SQLAlchemyError as exc:  # e.g. the file is locked by another seat: this case only
            known = as_user_error(exc, None)  # it said "数据库错误（StaleDataError）" for a case changed meanwhile
            results.append(CaseResult(case_id, False, error=known.message if known is not None
                                      else f"数据库错误（{type(exc).__name__}），此单未修改"))
        else:
            results.append(CaseResult(case_id, True, status, undo_event=undo_event))
            changes |= changed
        if progress is not None:
            progress(done)
    return BulkOutcome(tuple(results), changes)


def act_on_cases(db: Database, case_ids: Sequence[int], action: CaseAction, note: str | None = None,
                 at: Moment | None = None, author: str | None = None, parcel: ReturnParcel | None = None,
                 progress: Callable[[int], None] | None = None, paid_fen: int | None = None) -> BulkOutcome:
    """Apply `action` to each case in its own transaction; `parcel` goes with 买家已寄回, `paid_fen` (what each
    case's 退款 / 补偿 paid) with a paying step."""
    if parcel is not None and action is not CaseAction.BUYER_SHIPPED_RETURN:
        raise UserError(f"快递公司和运单号只能与“{CaseAction.BUYER_SHIPPED_RETURN.label}”一起使用")
    who = current_author() if author is None else author
    rules = RuleContext.load(db)  # once for the batch

    def one(case_id: int) -> Step:
        # No time given: each case's step is dated when that case is done (once it is ours: at its turn after
        # another seat's step on it), not when the batch began — a later case's step came before the steps
        # other seats took on it meanwhile and was refused as out of order.
        with db.transaction() as session:
            if parcel is not None:
                status = record_return_parcel(session, case_id, parcel, note, at, who, rules=rules).status
            else:
                status = act_in_session(session, case_id, action, note, at, who, rules=rules, paid_fen=paid_fen)
            return status, changes_in(session), _undoable(session, case_id)

    return _each(case_ids, one, progress)


def assign_responsible(db: Database, case_ids: Sequence[int], party: ResponsibleParty | None,
                       author: str | None = None,
                       progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """责任方 on each case (None clears it); the timeline records the change, unchanged cases write nothing."""
    who = current_author() if author is None else author
    value = party.value if party else None

    def one(case_id: int) -> Step:
        with db.transaction() as session:
            case = row_for_writing(session, Case, case_id)
            if case is None:
                raise NotFound(msg.say(msg.NO_CASE, case_id))
            if case.responsible != value:
                old = ResponsibleParty(case.responsible).label if case.responsible else "（空）"
                case.responsible = value
                case.updated_at = utcnow()
                session.add(AuditEvent(case_id=case_id, subject="case", subject_id=case_id, kind="edit", author=who,
                                       note=f"责任方：{old} → {party.label if party else '（空）'}", at=utcnow(),
                                       recorded_at=utcnow()))
            return CaseStatus(case.status), changes_in(session), None  # an edit is not undone (core.case_undo)

    return _each(case_ids, one, progress)


def note_on_cases(db: Database, case_ids: Sequence[int], text: str, author: str | None = None,
                  progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """The same note on each case (e.g. '已统一联系，等待买家回复')."""
    if not text.strip():
        raise UserError("备注内容不能为空")

    def one(case_id: int) -> Step:
        changes = add_note(db, case_id, text, author)
        with db.reading() as session:
            return None, changes, _undoable(session, case_id)

    return _each(case_ids, one, progress)


def change_kind_of_cases(db: Database, case_ids: Sequence[int], new_kind: CaseKind, note: str | None = None,
                         author: str | None = None,
                         progress: Callable[[int], None] | None = None, at: Moment | None = None) -> BulkOutcome:
    """Correct the kind of each case (services.case_kind); a closed case or one of that kind already is refused."""
    who = current_author() if author is None else author
    rules = RuleContext.load(db)

    def one(case_id: int) -> Step:
        with db.transaction() as session:
            return (change_kind_in_session(session, case_id, new_kind, note, who, rules=rules, at=at),
                    changes_in(session), None)

    return _each(case_ids, one, progress)


@dataclass(frozen=True, slots=True)
class ShipLine:
    """One reship to mark shipped: its case, the courier (None: the one its number shows), the number."""

    case_id: int
    carrier: str | None
    tracking: str


def ship_reships(db: Database, lines: Sequence[ShipLine], note: str | None = None, author: str | None = None,
                 progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """补发已发出 for each reship with its own tracking number; a line without a number, or with a bad
    one, is refused on its own line."""
    who = current_author() if author is None else author
    rules = RuleContext.load(db)
    by_case = {line.case_id: line for line in lines}

    def one(case_id: int) -> Step:
        line = by_case[case_id]
        if not line.tracking.strip():
            raise UserError("未填写运单号，未录入")
        return CaseStatus.RESHIPPED, reship_service.ship(db, case_id, line.carrier, line.tracking, note=note,
                                                          author=who, rules=rules), None

    return _each([line.case_id for line in lines], one, progress)


def reships_out_of_stock(db: Database, case_ids: Sequence[int], note: str | None = None, author: str | None = None,
                         progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """缺货改退款 for each reship: it becomes a refund-only case (处理中) for the shop to pay."""
    who = current_author() if author is None else author

    def one(case_id: int) -> Step:
        return CaseStatus.PROCESSING, reship_service.mark_out_of_stock(db, case_id, note, author=who), None

    return _each(case_ids, one, progress)
