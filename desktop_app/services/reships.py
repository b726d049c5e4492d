"""The reship queue (补发队列): promised reships, what to send, by when, and their tracking numbers.

One reship row (`store.models.Reship` + its items) belongs to each reship case and is created when
the reship is agreed (`CaseAction.AGREE_RESHIP`, from any caller: `services.cases.apply_action` calls
`after_case_action`), when a PDD-style chat promise is recorded, or when its items are edited
before agreeing. Reships are known to people by their *case* number.

Ship-by times and penalties are never figures in code: they are the stored deadlines the engine
computed from the platform's rule pack (a timer starting at `reship_agreed` and met by
`reship_shipped`), and the pack's own words for what happens when one runs out.

Use cases (one transaction each, every change audit-logged, deadlines recomputed): agree, refuse,
ship, bulk ship from a pasted Excel selection, out of stock → refund, record a chat promise,
edit the items. Queries return frozen `ReshipRow`s for the queue, soonest ship-by first.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.carriers import canonical_carrier, guess_carrier
from desktop_app.core.clock import Moment, format_china, now
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.errors import ActionNotAllowed, NotFound, UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, find_transition
from desktop_app.core.rule_packs import RulePack, TimerRule, pack_for_platform
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import cases as case_service
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_case
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, OrderItem, Reship, ReshipItem, utcnow


class ReshipStatus(StrEnum):
    REQUESTED = "requested"  # the buyer asked; not agreed yet (or agreed, then sent back by the platform)
    AGREED = "agreed"  # promised: in the queue until shipped
    SHIPPED = "shipped"
    REFUSED = "refused"
    OUT_OF_STOCK = "out_of_stock"  # switched to a refund
    CANCELLED = "cancelled"  # the case was refunded or closed some other way before shipping


OPEN_STATUSES = frozenset({ReshipStatus.REQUESTED, ReshipStatus.AGREED})
_ENDED = frozenset({ReshipStatus.SHIPPED, ReshipStatus.REFUSED, ReshipStatus.OUT_OF_STOCK,
                    ReshipStatus.CANCELLED})
_EARLY_CASE = frozenset({CaseStatus.PENDING.value, CaseStatus.PROCESSING.value})
# Case states in which a reship that was never agreed is still waiting for the shop's answer.
_ASKING_CASE = _EARLY_CASE | {CaseStatus.PLATFORM_INTERVENTION.value}
_RESHIP = CaseKind.RESHIP.value
_CHUNK = 500  # ids per IN (...) list: far below every database's parameter limit
T = TypeVar("T")
MAX_QUANTITY = 9999


# --- the rules, read from the platform's pack ----------------------------------------------------


def is_ship_timer(timer: TimerRule) -> bool:
    """The timer that says by when a promised reship must be shipped (Douyin 48 h, 3 working days ...)."""
    return timer.starts_from == "reship_agreed" and "reship_shipped" in timer.met_by


def is_answer_timer(timer: TimerRule) -> bool:
    """The timer for answering a reship request (Douyin: 48 h, else agreed automatically)."""
    return timer.starts_from == "requested" and "reship_agreed" in timer.met_by


def _timer_of(pack: RulePack, timer_id: str) -> TimerRule | None:
    try:
        return pack.timer(timer_id)
    except KeyError:  # a deadline computed by a timer the user has since removed from the pack
        return None


def _ship_rule(pack: RulePack, reason: str | None) -> TimerRule | None:
    return next((t for t in pack.applicable(_RESHIP, reason) if is_ship_timer(t)), None)


def penalty_of(timer: TimerRule) -> str:
    """What lateness costs, in the pack's words: its penalty text, else what happens on expiry."""
    return timer.penalty or timer.on_expiry


@dataclass(frozen=True, slots=True)
class Consequences:
    """What agreeing or refusing means for this case under its platform's rules (for the dialogs)."""

    agree: tuple[str, ...]
    refuse: tuple[str, ...]


def consequences(platform: str, reason: str | None, context: RuleContext | None = None) -> Consequences:
    """The pack's timers for a reship of this reason, as sentences: ship-by and penalty after
    agreeing; answer timer and its notes (e.g. Douyin: a refused 一直未收到货 goes to arbitration)."""
    pack = pack_for_platform((context or RuleContext.load()).packs, platform)
    agree: list[str] = []
    refuse: list[str] = []
    for timer in pack.applicable(_RESHIP, reason):
        if is_ship_timer(timer):
            agree.append(f"{timer.name}：同意后{timer.duration.label}内发出并填写运单号；逾期：{penalty_of(timer)}")
        elif is_answer_timer(timer):
            if "rejected" in timer.met_by and timer.note:
                refuse.append(timer.note)
            agree.append(f"{timer.name}：未及时处理则{timer.on_expiry}")
    return Consequences(tuple(agree), tuple(refuse))


# --- values the user types ----------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d+\.0+$")
_TRACKING = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]*$")
MIN_TRACKING = 6
MAX_TRACKING = 80  # reships.tracking_no is String(80)
MAX_CARRIER = 60


def clean_tracking(text: str) -> str:
    """A tracking number is text: digits and letters, never a number Excel has rounded."""
    value = re.sub(r"\s+", "", text).lstrip("'")
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    if not value:
        raise UserError("运单号不能为空")
    if _SCIENTIFIC.match(value) or _FLOAT_TAIL.match(value):
        raise UserError(f"运单号“{text.strip()}”被 Excel 转成了数字（已丢失位数），请把该列设为文本后重新复制")
    if not _TRACKING.match(value):
        raise UserError(f"运单号“{text.strip()}”含有无效字符，只能包含数字、字母和“-”")
    if not MIN_TRACKING <= len(value) <= MAX_TRACKING:
        raise UserError(f"运单号“{value}”长度不对（应为 {MIN_TRACKING}–{MAX_TRACKING} 位）")
    return value


def clean_carrier(text: str | None) -> str | None:
    """The vocabulary's name for a typed carrier (顺丰 → 顺丰速运); an unknown one as typed."""
    value = (text or "").strip()
    if len(value) > MAX_CARRIER:
        raise UserError(f"快递公司名称太长（最多 {MAX_CARRIER} 个字）")
    return canonical_carrier(value)


@dataclass(frozen=True, slots=True)
class ReshipItemRow:
    title: str
    spec: str | None
    quantity: int


def clean_items(items: Iterable[ReshipItemRow]) -> list[ReshipItemRow]:
    cleaned: list[ReshipItemRow] = []
    for number, item in enumerate(items, start=1):
        title = item.title.strip()
        if not title:
            raise UserError(f"第 {number} 件商品没有名称")
        if not 1 <= item.quantity <= MAX_QUANTITY:
            raise UserError(f"“{title}”的数量应为 1–{MAX_QUANTITY}")
        cleaned.append(ReshipItemRow(title, (item.spec or "").strip() or None, item.quantity))
    if not cleaned:
        raise UserError("至少要有一件补发商品")
    return cleaned


def format_items(items: Iterable[ReshipItemRow]) -> str:
    """'袜子 白色 ×1；T恤 L ×2' — one line for tables, notes and the picking list."""
    return "；".join(f"{i.title}{' ' + i.spec if i.spec else ''} ×{i.quantity}" for i in items)


# --- the reship row of a case ------------------------------------------------------------------


def _reship_of(session: Session, case_id: int) -> Reship | None:
    """The case's reship (one per case; should an old database hold several, the latest counts)."""
    return session.execute(
        select(Reship).where(Reship.case_id == case_id).order_by(Reship.id.desc()).limit(1)
    ).scalar_one_or_none()


def _order_items(session: Session, order_id: int) -> list[ReshipItemRow]:
    return [
        ReshipItemRow(i.title, i.spec, i.quantity)
        for i in session.scalars(
            select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position, OrderItem.id)
        )
    ]


def _ensure_reship(session: Session, case: Case, status: ReshipStatus) -> Reship:
    """The case's reship, created with the order's items when it has none yet."""
    reship = _reship_of(session, case.id)
    if reship is None:
        reship = _new_reship(session, case, status, _order_items(session, case.order_id))
    return reship


def _new_reship(session: Session, case: Case, status: ReshipStatus, items: Iterable[ReshipItemRow]) -> Reship:
    reship = Reship(case_id=case.id, status=status.value)
    reship.items = [ReshipItem(title=i.title, spec=i.spec, quantity=i.quantity) for i in items]
    session.add(reship)
    session.flush()
    return reship


def _reship_event(session: Session, case: Case, reship: Reship, note: str, who: str,
                  at: datetime | None = None) -> None:
    """A change of the reship alone (its items): on the case's timeline, subject 'reship'."""
    session.add(AuditEvent(
        case_id=case.id, subject="reship", subject_id=reship.id, kind="edit", note=note, author=who,
        at=at or utcnow(), recorded_at=utcnow(),
    ))


def _sync_ship_by(session: Session, case: Case, reship: Reship, context: RuleContext) -> None:
    """Keep the promised ship-by on the reship row: the due time of its ship timer as computed now."""
    pack = pack_for_platform(context.packs, case.platform)
    dues = [
        due for timer_id, due in session.execute(
            select(Deadline.timer_id, Deadline.due_at).where(Deadline.case_id == case.id)
        ).all()
        if (timer := _timer_of(pack, timer_id)) is not None and is_ship_timer(timer)
    ]
    if dues:
        reship.ship_by = min(dues)


def after_case_action(session: Session, case: Case, action: CaseAction, when: Moment,
                      rules: RuleContext | None = None) -> None:
    """Keep the reship in step with its case; `services.cases.apply_action` calls this after every action.

    Agreeing creates the reship (items = the order's items) and records the promise and its ship-by;
    shipping, refusing, refunding, closing or reopening the case moves the reship with it.
    """
    if case.kind != _RESHIP:
        return
    if action is CaseAction.AGREE_RESHIP:
        reship = _ensure_reship(session, case, ReshipStatus.AGREED)
        if reship.status == ReshipStatus.SHIPPED:
            # Agreed again after a reshipment (the new parcel got lost too): a new round, the same
            # items; the shipped one keeps its tracking number as history.
            same = [ReshipItemRow(i.title, i.spec, i.quantity) for i in reship.items]
            reship = _new_reship(session, case, ReshipStatus.AGREED, same)
        reship.status = ReshipStatus.AGREED.value
        reship.promised_at = when.at
        context = rules or RuleContext.load()
        recompute_case(session, case.id, context)
        _sync_ship_by(session, case, reship, context)
        return
    if action is CaseAction.SHIP_RESHIP:
        reship = _ensure_reship(session, case, ReshipStatus.SHIPPED)
        reship.status = ReshipStatus.SHIPPED.value
        reship.shipped_at = when.at
        return
    reship = _reship_of(session, case.id)  # type: ignore[assignment]
    if reship is None or reship.status == ReshipStatus.SHIPPED:
        return
    if action is CaseAction.REJECT:
        reship.status = ReshipStatus.REFUSED.value
    elif action in (CaseAction.REFUND, CaseAction.CLOSE) and reship.status != ReshipStatus.OUT_OF_STOCK:
        reship.status = ReshipStatus.CANCELLED.value
    elif action is CaseAction.REOPEN and reship.status in (ReshipStatus.REFUSED, ReshipStatus.CANCELLED):
        reship.status = ReshipStatus.REQUESTED.value
    elif action is CaseAction.RESUME and reship.status == ReshipStatus.AGREED:
        # Back from platform intervention the case is 处理中: the reship must be agreed again.
        reship.status = ReshipStatus.REQUESTED.value


def after_kind_change(session: Session, case: Case, old_kind: CaseKind, who: str) -> None:
    """Keep the reship in step when a case's kind is corrected (services.case_kind).

    No longer a reship: a reship still waiting is cancelled (it leaves the queue). A reship again,
    still to be answered: a reship cancelled or refused earlier is asked again (back in the queue).
    A shipped reship stays as history either way."""
    reship = _reship_of(session, case.id)
    if reship is None:
        return
    if old_kind.value == _RESHIP and case.kind != _RESHIP and reship.status in OPEN_STATUSES:
        reship.status = ReshipStatus.CANCELLED.value
        _reship_event(session, case, reship, "售后类型已更改，补发取消", who)
    elif (case.kind == _RESHIP and case.status in _EARLY_CASE
          and reship.status in (ReshipStatus.CANCELLED.value, ReshipStatus.REFUSED.value)):
        reship.status = ReshipStatus.REQUESTED.value
        _reship_event(session, case, reship, "售后类型改为补发，等待答复", who)


# --- use cases -----------------------------------------------------------------------------


def _load_reship_case(session: Session, case_id: int, expected_version: int | None) -> Case:
    case = case_service._load_case(session, case_id, expected_version)
    if case.kind != _RESHIP:
        raise ActionNotAllowed(f"售后单 #{case_id} 是“{CaseKind(case.kind).label}”，不是补发售后单")
    return case


def _author(author: str | None) -> str:
    return case_service.current_author() if author is None else author


def agree(db: Database, case_id: int, at: Moment | None = None, note: str | None = None,
          author: str | None = None, expected_version: int | None = None) -> None:
    """同意补发: the reship joins the queue with its ship-by from the platform's rules."""
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        case_service.apply_action(session, case, CaseAction.AGREE_RESHIP, note, at or Moment(now()), who)
        recompute_case(session, case.id)


def refuse(db: Database, case_id: int, note: str, at: Moment | None = None, author: str | None = None,
           expected_version: int | None = None) -> None:
    """拒绝补发 (with a reason: the platform or the buyer will ask for it)."""
    if not note.strip():
        raise UserError("拒绝补发请写明原因")
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        case_service.apply_action(session, case, CaseAction.REJECT, note, at or Moment(now()), who)
        recompute_case(session, case.id)


def _ship_note(carrier: str | None, tracking: str, note: str | None) -> str:
    text = f"{carrier} {tracking}" if carrier else tracking
    extra = (note or "").strip()
    return f"{text}；{extra}" if extra else text


def _ship_one(session: Session, case: Case, carrier: str | None, tracking: str, when: Moment, note: str | None,
              who: str, context: RuleContext) -> None:
    reship = _reship_of(session, case.id)
    if reship is not None and reship.promised_at is not None and when.at < reship.promised_at:
        raise UserError(f"发货时间 {format_china(when.at)} 早于同意补发的时间 {format_china(reship.promised_at)}")
    case_service.apply_action(session, case, CaseAction.SHIP_RESHIP, _ship_note(carrier, tracking, note), when, who)
    reship = _ensure_reship(session, case, ReshipStatus.SHIPPED)
    reship.carrier = carrier or guess_carrier(tracking)  # none typed: the one the number shows (YT… 圆通)
    reship.tracking_no = tracking
    recompute_case(session, case.id, context)


def ship(db: Database, case_id: int, carrier: str | None, tracking: str, at: Moment | None = None,
         note: str | None = None, author: str | None = None, expected_version: int | None = None,
         rules: RuleContext | None = None) -> None:
    """补发已发出: the case action, the carrier and tracking number on the reship, the timer met
    (`rules` loaded once serves a batch)."""
    number = clean_tracking(tracking)
    company = clean_carrier(carrier)
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        _ship_one(session, case, company, number, at or Moment(now()), note, who, rules or RuleContext.load())


def mark_out_of_stock(db: Database, case_id: int, note: str | None = None, at: Moment | None = None,
                      author: str | None = None, expected_version: int | None = None) -> None:
    """缺货: the reship cannot be sent, so the case becomes a refund (仅退款, 处理中) for the shop to pay.

    The switch counts as the buyer's new refund request (milestone `requested` at `at`): the
    platforms' refund timers run from the changed request, not from the original reship request.
    """
    who = _author(author)
    when = at or Moment(now())
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, expected_version)
        before = case.status
        if before not in _EARLY_CASE | {CaseStatus.RESHIP_AGREED.value}:
            raise ActionNotAllowed(
                f"售后单 #{case_id} 当前状态为“{CaseStatus(before).label}”，不能改为缺货退款")
        reship = _ensure_reship(session, case, ReshipStatus.OUT_OF_STOCK)
        reship.status = ReshipStatus.OUT_OF_STOCK.value
        extra = (note or "").strip()
        reship.note = extra or reship.note
        case.kind = CaseKind.REFUND_ONLY.value
        case.status = CaseStatus.PROCESSING.value
        case.is_open = True
        case.updated_at = utcnow()
        text = "缺货，补发改为仅退款" + (f"：{extra}" if extra else "")
        case_service._event(session, case, kind="edit", author=who, at=when.at, milestone="requested",
                            from_state=before, to_state=case.status, note=text, date_only=when.date_only)
        recompute_case(session, case.id)


def record_promise(db: Database, platform: Platform, order_no: str, at: Moment | None = None,
                   note: str | None = None, reason: CaseReason | None = None, receiver: str | None = None,
                   author: str | None = None) -> int:
    """A reship promised in chat (PDD 承诺履约): a reship case, agreed at the promise; its case number."""
    when = at or Moment(now())
    new = case_service.NewCase(
        platform=platform, order_no=order_no, kind=CaseKind.RESHIP, reason=reason, note=note, requested=when,
        actions=((CaseAction.AGREE_RESHIP, when),), receiver=receiver,
    )
    return case_service.open_case(db, new, author)


def update_items(db: Database, case_id: int, items: Sequence[ReshipItemRow], author: str | None = None) -> None:
    """What to send (a missing sock is one sock, not the whole order)."""
    cleaned = clean_items(items)
    who = _author(author)
    with db.transaction() as session:
        case = _load_reship_case(session, case_id, None)
        reship = _reship_of(session, case.id)
        if reship is not None and ReshipStatus(reship.status) in _ENDED:
            raise ActionNotAllowed(f"售后单 #{case_id} 的补发已结束（{status_label(ReshipStatus(reship.status))}），"
                                   "不能再修改商品")
        if reship is None:
            reship = _ensure_reship(session, case, ReshipStatus.REQUESTED)
        before = [ReshipItemRow(i.title, i.spec, i.quantity) for i in reship.items]
        if before == cleaned:
            return
        reship.items = [ReshipItem(title=i.title, spec=i.spec, quantity=i.quantity) for i in cleaned]
        reship.updated_at = utcnow()
        _reship_event(session, case, reship,
                      f"补发商品：{format_items(before) or '（无）'} → {format_items(cleaned)}", who)
        recompute_case(session, case.id)


# --- bulk ship from a pasted Excel selection --------------------------------------------------


class LineOutcome(StrEnum):
    READY = "ready"  # matched; would be shipped (a check) or is about to be
    SHIPPED = "shipped"
    ALREADY = "already"  # already shipped with this very tracking number: nothing to do
    HEADER = "header"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_AGREED = "not_agreed"
    AMBIGUOUS = "ambiguous"
    CONFLICT = "conflict"  # already shipped with another tracking number
    DUPLICATE = "duplicate"  # the order appears twice in the paste


_OUTCOME_LABELS = {
    LineOutcome.READY: "可录入",
    LineOutcome.SHIPPED: "已录入",
    LineOutcome.ALREADY: "已录入过，跳过",
    LineOutcome.HEADER: "表头，跳过",
    LineOutcome.INVALID: "格式错误",
    LineOutcome.NOT_FOUND: "未找到",
    LineOutcome.NOT_AGREED: "尚未同意补发",
    LineOutcome.AMBIGUOUS: "有多张待补发售后单",
    LineOutcome.CONFLICT: "已发出（另一运单号）",
    LineOutcome.DUPLICATE: "重复",
}
_FINE = frozenset({LineOutcome.READY, LineOutcome.SHIPPED, LineOutcome.ALREADY, LineOutcome.HEADER})


def outcome_label(outcome: LineOutcome) -> str:
    return _OUTCOME_LABELS[outcome]


@dataclass(frozen=True, slots=True)
class PastedLine:
    line: int  # 1-based line number in the pasted text
    text: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BulkShipLine:
    line: int
    text: str
    outcome: LineOutcome
    order_no: str | None = None
    tracking: str | None = None
    carrier: str | None = None
    case_id: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in _FINE


@dataclass(frozen=True, slots=True)
class BulkShipReport:
    lines: tuple[BulkShipLine, ...]
    applied: bool  # False for a check (nothing written)

    @property
    def shipped(self) -> int:
        return sum(1 for line in self.lines if line.outcome is LineOutcome.SHIPPED)

    @property
    def ready(self) -> int:
        return sum(1 for line in self.lines if line.outcome is LineOutcome.READY)

    @property
    def problems(self) -> tuple[BulkShipLine, ...]:
        return tuple(line for line in self.lines if not line.ok)


def split_pasted(text: str) -> list[PastedLine]:
    """Excel pastes tab-separated cells; a CSV or a chat message uses commas (also '，')."""
    lines: list[PastedLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if "\t" in raw:
            delimiter = "\t"
        elif "," in raw:
            delimiter = ","
        else:
            delimiter = "，"
        cells = next(csv.reader([raw.replace("，", ",") if delimiter == "，" else raw],
                                delimiter="," if delimiter == "，" else delimiter))
        lines.append(PastedLine(number, raw, tuple(c.strip() for c in cells)))
    return lines


@dataclass(frozen=True, slots=True)
class _Candidate:
    case_id: int
    status: ReshipStatus
    case_status: str
    tracking: str | None


def _candidates(session: Session, order_nos: Iterable[str]) -> dict[str, list[_Candidate]]:
    found: dict[str, list[_Candidate]] = {}
    for chunk in _chunks(sorted(set(order_nos))):
        rows = session.execute(
            select(Case.id, Case.kind, Case.status, Order.order_no, Reship.id, Reship.status, Reship.tracking_no)
            .join(Order, Order.id == Case.order_id)
            .outerjoin(Reship, Reship.id == _LATEST_RESHIP)
            .where(Order.order_no.in_(chunk), or_(Case.kind == _RESHIP, Reship.id.is_not(None)))
            .order_by(Case.id)
        ).all()
        for case_id, kind, case_status, order_no, reship_id, reship_status, tracking in rows:
            status = derive_status(kind, case_status, reship_status if reship_id is not None else None)
            found.setdefault(order_no, []).append(_Candidate(case_id, status, case_status, tracking))
    return found


def _match(order_no: str, tracking: str, candidates: list[_Candidate]) -> tuple[LineOutcome, int | None, str]:
    ready = [c for c in candidates if c.status is ReshipStatus.AGREED
             and c.case_status == CaseStatus.RESHIP_AGREED.value]
    if len(ready) == 1:
        return LineOutcome.READY, ready[0].case_id, f"售后单 #{ready[0].case_id}"
    if len(ready) > 1:
        numbers = "、".join(f"#{c.case_id}" for c in ready)
        return LineOutcome.AMBIGUOUS, None, f"订单 {order_no} 有多张待补发售后单（{numbers}），请逐个录入"
    shipped = [c for c in candidates if c.status is ReshipStatus.SHIPPED]
    same = [c for c in shipped if c.tracking == tracking]
    if same:
        return LineOutcome.ALREADY, same[0].case_id, f"售后单 #{same[0].case_id} 已用此运单号发出"
    if shipped:
        c = shipped[-1]
        return LineOutcome.CONFLICT, c.case_id, f"售后单 #{c.case_id} 已发出，运单号为 {c.tracking or '（无）'}"
    asking = [c for c in candidates if c.status is ReshipStatus.REQUESTED]
    if asking:
        return LineOutcome.NOT_AGREED, asking[0].case_id, f"售后单 #{asking[0].case_id} 尚未同意补发，请先同意"
    if candidates:
        c = candidates[-1]
        return LineOutcome.NOT_FOUND, c.case_id, f"售后单 #{c.case_id} 的补发已结束（{status_label(c.status)}）"
    return LineOutcome.NOT_FOUND, None, f"没有订单号为 {order_no} 的补发售后单"


def _check_lines(session: Session, text: str, carrier: str | None) -> list[BulkShipLine]:
    default_carrier = clean_carrier(carrier)
    pasted = split_pasted(text)
    parsed: list[BulkShipLine] = []
    for index, p in enumerate(pasted):
        cells = list(p.cells)
        while cells and not cells[-1]:
            cells.pop()
        if index == 0 and cells and not any(ch.isdigit() for ch in cells[0]):
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.HEADER, message="第一行没有订单号，按表头跳过"))
            continue
        if len(cells) < 2:
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.INVALID,
                                       message="每行需要两列：订单号、运单号（第三列可写快递公司）"))
            continue
        try:
            order_no = case_service.clean_order_no(cells[0])
            tracking = clean_tracking(cells[1])
            company = clean_carrier(cells[2]) if len(cells) > 2 and cells[2] else default_carrier
        except UserError as error:
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.INVALID, message=error.message))
            continue
        parsed.append(BulkShipLine(p.line, p.text, LineOutcome.READY, order_no, tracking, company))
    candidates = _candidates(session, (line.order_no for line in parsed if line.order_no))
    seen: dict[str, int] = {}
    checked: list[BulkShipLine] = []
    for line in parsed:
        if line.outcome is not LineOutcome.READY or line.order_no is None or line.tracking is None:
            checked.append(line)
            continue
        if line.order_no in seen:
            first = seen[line.order_no]
            checked.append(BulkShipLine(line.line, line.text, LineOutcome.DUPLICATE, line.order_no, line.tracking,
                                        line.carrier, message=f"订单 {line.order_no} 在第 {first} 行已出现"))
            continue
        seen[line.order_no] = line.line
        outcome, case_id, message = _match(line.order_no, line.tracking, candidates.get(line.order_no, []))
        checked.append(BulkShipLine(line.line, line.text, outcome, line.order_no, line.tracking, line.carrier,
                                    case_id, message))
    return checked


def check_bulk_ship(session: Session, text: str, carrier: str | None = None) -> BulkShipReport:
    """What a paste would do, line by line, without writing anything (the dialog's preview)."""
    return BulkShipReport(tuple(_check_lines(session, text, carrier)), applied=False)


def bulk_ship(db: Database, text: str, carrier: str | None = None, at: Moment | None = None,
              author: str | None = None) -> BulkShipReport:
    """Ship every line that matches one agreed reship, in one transaction; report every line.

    Lines: order number, tracking number, optionally the carrier (else `carrier`). Lines that do
    not match (or are malformed) are reported and skipped; the others are shipped together.
    """
    who = _author(author)
    when = at or Moment(now())
    with db.transaction() as session:
        lines = _check_lines(session, text, carrier)
        context = RuleContext.load()
        done: list[BulkShipLine] = []
        for line in lines:
            if line.outcome is not LineOutcome.READY or line.case_id is None or line.tracking is None:
                done.append(line)
                continue
            case = case_service._load_case(session, line.case_id, None)
            try:
                _ship_one(session, case, line.carrier, line.tracking, when, None, who, context)
            except UserError as error:  # checked before any write of this line: nothing to undo
                done.append(BulkShipLine(line.line, line.text, LineOutcome.INVALID, line.order_no, line.tracking,
                                         line.carrier, line.case_id, error.message))
                continue
            done.append(BulkShipLine(line.line, line.text, LineOutcome.SHIPPED, line.order_no, line.tracking,
                                     line.carrier, line.case_id, line.message))
        return BulkShipReport(tuple(done), applied=True)


# --- the queue -------------------------------------------------------------------------------

_STATUS_LABELS = {
    ReshipStatus.REQUESTED: "待答复",
    ReshipStatus.AGREED: "待补发",
    ReshipStatus.SHIPPED: "已发出",
    ReshipStatus.REFUSED: "已拒绝",
    ReshipStatus.OUT_OF_STOCK: "缺货改退款",
    ReshipStatus.CANCELLED: "已取消",
}


def status_label(status: ReshipStatus) -> str:
    return _STATUS_LABELS[status]


def derive_status(kind: str, case_status: str, reship_status: str | None) -> ReshipStatus:
    """The reship's status; for a reship case without a reship row yet, read from the case."""
    if reship_status is not None:
        return ReshipStatus(reship_status)
    if case_status in _ASKING_CASE and kind == _RESHIP:
        return ReshipStatus.REQUESTED
    if case_status == CaseStatus.RESHIP_AGREED.value:
        return ReshipStatus.AGREED
    if case_status == CaseStatus.RESHIPPED.value:
        return ReshipStatus.SHIPPED
    if case_status == CaseStatus.REJECTED.value:
        return ReshipStatus.REFUSED
    return ReshipStatus.CANCELLED


class QueueScope(StrEnum):
    OPEN = "open"  # agreed (or asked) and not shipped: the work to do
    WITH_SHIPPED = "with_shipped"  # ... and the shipped ones, with their tracking numbers
    ALL = "all"  # ... and refused, out of stock, cancelled


@dataclass(frozen=True, slots=True)
class ReshipRow:
    """One line of the reship queue. Known by its case number; never a live ORM object."""

    case_id: int
    case_version: int
    reship_id: int | None
    platform: str
    order_no: str
    receiver: str | None
    phone: str | None
    address: str | None
    items: tuple[ReshipItemRow, ...]
    items_from_order: bool  # no items chosen yet: the order's items are shown
    reason: str | None
    status: ReshipStatus
    case_kind: str
    case_status: str
    case_open: bool
    requested_at: datetime | None
    promised_at: datetime | None
    ship_by: datetime | None  # from the platform's ship timer
    ship_timer: str | None  # its name
    ship_estimated: bool  # counted on a holiday calendar that is not yet official
    answer_by: datetime | None  # for a request not answered yet (Douyin: 48 h)
    answer_timer: str | None
    answer_expiry: str | None  # what happens then (自动同意补寄)
    penalty: str | None  # what a late shipment costs, in the pack's words
    late: bool  # shipped (or cancelled) after its ship-by
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    note: str | None

    @property
    def due_at(self) -> datetime | None:
        """The time that matters now: answer-by while asked, ship-by while promised."""
        if self.status is ReshipStatus.REQUESTED:
            return self.answer_by
        return self.ship_by if self.status is ReshipStatus.AGREED else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and self.case_open

    def can(self, action: CaseAction) -> bool:
        """Whether the case's state allows the action now (for enabling buttons)."""
        return find_transition(CaseKind(self.case_kind), CaseStatus(self.case_status), action) is not None

    @property
    def can_mark_out_of_stock(self) -> bool:
        return (self.case_kind == _RESHIP and self.case_open
                and self.case_status in _EARLY_CASE | {CaseStatus.RESHIP_AGREED.value})

    @property
    def can_edit_items(self) -> bool:
        return self.case_kind == _RESHIP and self.status not in _ENDED


_LATEST_RESHIP = (
    select(func.max(Reship.id)).where(Reship.case_id == Case.id).correlate(Case).scalar_subquery()
)


def _scope_condition(scope: QueueScope) -> ColumnElement[bool]:
    is_reship_case = or_(Case.kind == _RESHIP, Reship.id.is_not(None))
    open_condition = and_(
        Case.is_open.is_(True), Case.kind == _RESHIP,
        or_(and_(Reship.id.is_(None), Case.status.in_(sorted(_ASKING_CASE))),
            Reship.status.in_(sorted(OPEN_STATUSES))),
    )
    if scope is QueueScope.OPEN:
        return open_condition
    if scope is QueueScope.WITH_SHIPPED:
        return or_(open_condition, Reship.status == ReshipStatus.SHIPPED.value,
                   and_(Reship.id.is_(None), Case.kind == _RESHIP, Case.status == CaseStatus.RESHIPPED.value))
    return is_reship_case


def _chunks(values: Sequence[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start:start + _CHUNK])


@dataclass
class _Due:
    ship: tuple[datetime, str, bool, DeadlineStatus] | None = None
    answer: tuple[datetime, str, str] | None = None


@dataclass
class _Gathered:
    items: dict[int, list[ReshipItemRow]] = field(default_factory=dict)
    dues: dict[int, _Due] = field(default_factory=dict)


def _reship_timer_ids(packs: Mapping[str, RulePack]) -> list[str]:
    """Ids of every pack's ship and answer timers: the only deadlines the queue reads."""
    return sorted({t.id for pack in packs.values() for t in pack.timers if is_ship_timer(t) or is_answer_timer(t)})


def _gather(session: Session, chosen: ColumnElement[bool], platforms: Mapping[int, str],
            packs: Mapping[str, RulePack]) -> _Gathered:
    """Items and reship deadlines of the chosen cases: one query each, however long the queue."""
    got = _Gathered()
    chosen_cases = select(Case.id).outerjoin(Reship, Reship.id == _LATEST_RESHIP).where(chosen)
    chosen_reships = select(Reship.id).select_from(Case).join(Reship, Reship.id == _LATEST_RESHIP).where(chosen)
    for reship_id, title, spec, quantity in session.execute(
        select(ReshipItem.reship_id, ReshipItem.title, ReshipItem.spec, ReshipItem.quantity)
        .where(ReshipItem.reship_id.in_(chosen_reships)).order_by(ReshipItem.reship_id, ReshipItem.id)
    ).all():
        got.items.setdefault(reship_id, []).append(ReshipItemRow(title, spec, quantity))
    by_platform = {platform: pack_for_platform(packs, platform) for platform in set(platforms.values())}
    open_status = DeadlineStatus.OPEN.value
    for case_id, timer_id, name, due_at, action, status, estimated in session.execute(
        select(Deadline.case_id, Deadline.timer_id, Deadline.name, Deadline.due_at, Deadline.action,
               Deadline.status, Deadline.estimated)
        .where(Deadline.case_id.in_(chosen_cases), Deadline.timer_id.in_(_reship_timer_ids(packs)))
        .order_by(Deadline.case_id, Deadline.due_at)
    ).all():
        if case_id is None:  # (selected by case id: never)
            continue
        timer = _timer_of(by_platform[platforms[case_id]], timer_id)
        if timer is None:
            continue
        due = got.dues.setdefault(case_id, _Due())
        if is_ship_timer(timer) and due.ship is None:
            due.ship = (due_at, name, bool(estimated), DeadlineStatus(status))
        elif is_answer_timer(timer) and due.answer is None and status == open_status:
            due.answer = (due_at, name, action)
    return got


def _gather_order_items(session: Session, order_ids: list[int]) -> dict[int, list[ReshipItemRow]]:
    found: dict[int, list[ReshipItemRow]] = {}
    for chunk in _chunks(order_ids):
        for order_id, title, spec, quantity in session.execute(
            select(OrderItem.order_id, OrderItem.title, OrderItem.spec, OrderItem.quantity)
            .where(OrderItem.order_id.in_(chunk)).order_by(OrderItem.order_id, OrderItem.position, OrderItem.id)
        ).all():
            found.setdefault(order_id, []).append(ReshipItemRow(title, spec, quantity))
    return found


def count_reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN,
                      overdue_at: datetime | None = None) -> int:
    """How many rows `reship_rows` would list; with `overdue_at`, only those whose case's next deadline
    is due by then (what a cut queue says about the rows it does not list)."""
    stmt = (select(func.count()).select_from(Case).outerjoin(Reship, Reship.id == _LATEST_RESHIP)
            .where(_scope_condition(scope)))
    if overdue_at is not None:
        stmt = stmt.where(Case.next_due_at <= overdue_at)
    return int(session.execute(stmt).scalar_one())


def reship_rows(session: Session, scope: QueueScope = QueueScope.OPEN, case_ids: Iterable[int] | None = None,
                context: RuleContext | None = None, limit: int | None = None) -> list[ReshipRow]:
    """The queue, soonest due first (ship-by, or answer-by for requests); those without one last.

    With `limit`, only that many rows: the cases whose next deadline comes first (an indexed read),
    then in queue order.
    """
    chosen = _scope_condition(scope)
    if case_ids is not None:
        chosen = and_(chosen, Case.id.in_(sorted(set(case_ids))))
    stmt = (
        select(
            Case.id, Case.version, Case.platform, Case.kind, Case.reason, Case.status, Case.is_open,
            Case.requested_at, Order.id, Order.order_no, Order.receiver, Order.phone, Order.address,
            Reship.id, Reship.status, Reship.promised_at, Reship.ship_by, Reship.carrier, Reship.tracking_no,
            Reship.shipped_at, Reship.note,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Reship, Reship.id == _LATEST_RESHIP)
        .where(chosen)
    )
    if limit is not None:
        stmt = stmt.order_by(Case.is_open.desc(), Case.next_due_at.is_(None), Case.next_due_at, Case.id).limit(limit)
    found = session.execute(stmt).all()
    if not found:
        return []
    if limit is not None:  # what follows gathers items and deadlines for the listed cases only
        chosen = and_(chosen, Case.id.in_([r[0] for r in found]))
    packs = (context or RuleContext.load()).packs
    platforms = {r[0]: r[2] for r in found}
    got = _gather(session, chosen, platforms, packs)
    # The order's items stand in where no items were chosen: fetched only for those.
    missing = sorted({r[8] for r in found if r[13] is None or r[13] not in got.items})
    order_items = _gather_order_items(session, missing)
    rules = {(platform, reason): _ship_rule(pack_for_platform(packs, platform), reason)
             for platform, reason in {(r[2], r[4]) for r in found}}
    rows: list[ReshipRow] = []
    for (case_id, version, platform, kind, reason, case_status, case_open, requested_at, order_id, order_no,
         receiver, phone, address, reship_id, reship_status, promised_at, stored_ship_by, carrier, tracking,
         shipped_at, note) in found:
        status = derive_status(kind, case_status, reship_status if reship_id is not None else None)
        chosen_items = got.items.get(reship_id, []) if reship_id is not None else []
        items = chosen_items or order_items.get(order_id, [])
        due = got.dues.get(case_id, _Due())
        rule = rules[(platform, reason)]
        ship_by = due.ship[0] if due.ship else stored_ship_by
        late = bool(due.ship and due.ship[3] is DeadlineStatus.MISSED)
        rows.append(ReshipRow(
            case_id=case_id, case_version=version, reship_id=reship_id, platform=platform, order_no=order_no,
            receiver=receiver, phone=phone, address=address, items=tuple(items), items_from_order=not chosen_items,
            reason=reason, status=status, case_kind=kind, case_status=case_status, case_open=bool(case_open),
            requested_at=requested_at, promised_at=promised_at,
            ship_by=None if status is ReshipStatus.REQUESTED else ship_by,
            ship_timer=due.ship[1] if due.ship else (rule.name if rule else None),
            ship_estimated=bool(due.ship and due.ship[2]),
            answer_by=due.answer[0] if due.answer and status is ReshipStatus.REQUESTED else None,
            answer_timer=due.answer[1] if due.answer else None,
            answer_expiry=due.answer[2] if due.answer else None,
            penalty=penalty_of(rule) if rule else None, late=late, carrier=carrier, tracking_no=tracking,
            shipped_at=shipped_at, note=note,
        ))
    rows.sort(key=_queue_order)
    return rows


def _queue_order(row: ReshipRow) -> tuple[int, float, int]:
    due = row.due_at
    if row.status in OPEN_STATUSES and row.case_open:
        return (0, due.timestamp(), row.case_id) if due else (1, 0.0, row.case_id)
    # Ended ones after the open work, the most recent first.
    moment = row.shipped_at or row.promised_at or row.requested_at
    return (2, -moment.timestamp() if moment else 0.0, -row.case_id)


def reship_row(session: Session, case_id: int, context: RuleContext | None = None) -> ReshipRow:
    rows = reship_rows(session, QueueScope.ALL, [case_id], context)
    if not rows:
        raise NotFound(f"售后单 #{case_id} 不是补发售后单，或不存在")
    return rows[0]


def total_items(rows: Iterable[ReshipRow]) -> list[ReshipItemRow]:
    """Everything to pick for these reships, one line per product and spec (the picking list's top)."""
    totals: dict[tuple[str, str | None], int] = {}
    for row in rows:
        for item in row.items:
            key = (item.title, item.spec)
            totals[key] = totals.get(key, 0) + item.quantity
    return [ReshipItemRow(title, spec, quantity) for (title, spec), quantity in totals.items()]

