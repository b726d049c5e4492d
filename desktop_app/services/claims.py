"""Courier claim use cases (快递理赔): open from a case or an order, act, follow up, link, attach evidence.

Each function is one transaction. Every change writes an AuditEvent (subject "claim", the case id
when the claim belongs to a case, so the case's timeline shows it) and refreshes the claim's
follow-up deadline (timer "claim_follow_up") for the deadline calendar. `core.claims` decides
which actions are allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.carriers import canonical_carrier, guess_carrier
from desktop_app.core.claims import (
    AmountRule,
    ClaimAction,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    PricedLine,
    follow_up_for,
    is_open,
    paid_per_line,
    part_of,
    transition,
)
from desktop_app.core.clock import Moment, format_china, now
from desktop_app.core.errors import NotFound, StaleData, UserError
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import Platform, family_members
from desktop_app.services.case_evidence import copy_case_evidence_to_claim
from desktop_app.services.cases import clean_order_no, current_author
from desktop_app.services.evidence_files import EVIDENCE_FOLDER, checked_sources, evidence_copies, forget_file
from desktop_app.store.case_queries import order_detail
from desktop_app.store.database import Database
from desktop_app.store.models import (
    AuditEvent,
    CarrierClaim,
    Case,
    ClaimEvidence,
    ClaimItem,
    ClaimPayout,
    Deadline,
    Order,
    Reship,
    utcnow,
)
from desktop_app.store.rows import OrderItemRow, OrderRow

FOLLOW_UP_TIMER = "claim_follow_up"
FOLLOW_UP_NAME = "快递理赔跟进"
FOLLOW_UP_ACTION = "联系快递催办理赔"  # what the shop does when it comes due (shown as the consequence)


# --- prefilling -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftLine:
    """An order line offered for the claim, with what the buyer paid for the whole line."""

    position: int  # 1-based, as `claim add --items` counts
    title: str
    spec: str | None
    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None

    def value_of(self, quantity: int) -> int | None:
        """What the buyer paid for `quantity` pieces of this line."""
        if self.paid_fen is None:
            return None
        return part_of(self.paid_fen, quantity, self.quantity)


@dataclass(frozen=True, slots=True)
class ClaimDraft:
    """A claim prefilled from an order: what the New Claim dialog and `claim add` start from."""

    order: OrderRow
    lines: tuple[DraftLine, ...]
    case_id: int | None = None

    def value(self, chosen: Sequence[ChosenLine] | None) -> int | None:
        """The default claimed value: what the buyer paid for the affected items."""
        if not self.lines:
            return self._goods_paid() if chosen is None else None
        picked = [(line, line.quantity) for line in self.lines] if chosen is None else \
            [(self.line(c.position), c.quantity) for c in chosen]
        values = [line.value_of(quantity) for line, quantity in picked]
        if any(v is None for v in values):
            return None
        return sum(v for v in values if v is not None)

    def line(self, position: int) -> DraftLine:
        for line in self.lines:
            if line.position == position:
                return line
        raise UserError(f"订单 {self.order.order_no} 没有第 {position} 件商品（共 {len(self.lines)} 行）")

    def _goods_paid(self) -> int | None:
        paid = self.order.paid_fen
        return None if paid is None else max(paid - (self.order.postage_fen or 0), 0)


@dataclass(frozen=True, slots=True)
class ChosenLine:
    """An affected order line and how many of its pieces were lost or damaged."""

    position: int
    quantity: int


def _draft_lines(order: OrderRow, items: Sequence[OrderItemRow]) -> tuple[DraftLine, ...]:
    priced = [PricedLine(i.quantity, i.unit_price_fen, i.paid_fen) for i in items]
    paid = paid_per_line(priced, order.paid_fen, order.postage_fen)
    return tuple(
        DraftLine(n, i.title, i.spec, i.quantity, i.unit_price_fen, line_paid)
        for n, (i, line_paid) in enumerate(zip(items, paid, strict=True), start=1)
    )


def draft_for_order(session: Session, order_id: int, case_id: int | None = None) -> ClaimDraft:
    detail = order_detail(session, order_id)
    return ClaimDraft(detail.order, _draft_lines(detail.order, detail.items), case_id)


def draft_for_case(session: Session, case_id: int) -> ClaimDraft:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"找不到售后单 #{case_id}")
    return draft_for_order(session, case.order_id, case_id)


def find_order(session: Session, order_no: str, platform: Platform | None = None) -> OrderRow:
    """The order with this number (on this platform if given); refuses none and ambiguity."""
    number = clean_order_no(order_no)
    stmt = select(Order.id, Order.platform).where(Order.order_no == number)
    if platform is not None:
        stmt = stmt.where(Order.platform.in_(family_members(platform)))
    found = session.execute(stmt.order_by(Order.id)).all()
    if not found:
        where = f"{platform.label}上" if platform is not None else ""
        raise NotFound(f"找不到{where}订单号为 {number} 的订单；请先导入该平台的订单")
    if len(found) > 1:
        platforms = "、".join(Platform(p).label if p in Platform._value2member_map_ else p for _, p in found)
        raise UserError(f"订单号 {number} 在多个平台都有（{platforms}），请用 --platform 指定平台")
    return order_detail(session, found[0][0]).order


def parse_items(text: str) -> tuple[ChosenLine, ...]:
    """'1,3' or '1,3:2' (line 3, two pieces) → the chosen lines; lines count from 1."""
    chosen: dict[int, int] = {}
    for part in text.replace("，", ",").split(","):
        piece = part.strip()
        if not piece:
            continue
        position_text, _, quantity_text = piece.replace("x", ":").replace("×", ":").replace("*", ":").partition(":")
        try:
            position = int(position_text)
            quantity = int(quantity_text) if quantity_text else 0
        except ValueError:
            raise UserError(f"商品选择“{text}”格式不对，应为行号列表，如 1,3 或 1,3:2（第 3 行 2 件）") from None
        if position < 1 or (quantity_text and quantity < 1):
            raise UserError(f"商品选择“{text}”中的行号和件数必须是正整数")
        if position in chosen:
            raise UserError(f"商品选择“{text}”中第 {position} 行重复")
        chosen[position] = quantity
    if not chosen:
        raise UserError("请至少选择一件商品")
    return tuple(ChosenLine(p, q) for p, q in chosen.items())


# --- opening ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewClaim:
    """What the New Claim dialog or `claim add` collected. Quantities of 0 mean the whole line."""

    incident: ClaimIncident
    order_id: int | None = None
    case_id: int | None = None
    lines: tuple[ChosenLine, ...] | None = None  # None: every line in full
    claimed_fen: int | None = None  # None: what the buyer paid for the affected items
    declared_fen: int | None = None
    description: str | None = None
    carrier: str | None = None  # None: the order's
    tracking_no: str | None = None
    at: Moment | None = None
    follow_up_at: datetime | None = None  # None: the rule for 待提交


def _event(session: Session, claim: CarrierClaim, *, kind: str, author: str, at: datetime | None = None,
           action: str | None = None, from_state: str | None = None, to_state: str | None = None,
           note: str | None = None, date_only: bool = False, case_id: int | None = None) -> None:
    session.add(AuditEvent(
        case_id=claim.case_id if case_id is None else case_id, subject="claim", subject_id=claim.id, kind=kind,
        action=action, from_state=from_state, to_state=to_state, note=note, author=author, at=at or utcnow(),
        date_only=date_only, recorded_at=utcnow(),
    ))


def open_claim(db: Database, new: NewClaim, author: str | None = None) -> int:
    """Record a claim for an order (or a case's order), prefilled from the order; returns its number."""
    who = current_author() if author is None else author
    when = new.at or Moment(now())
    with evidence_copies() as copies, db.transaction() as session:
        if new.case_id is not None:
            draft = draft_for_case(session, new.case_id)
            if new.order_id is not None and new.order_id != draft.order.id:
                raise UserError(f"售后单 #{new.case_id} 属于订单 {draft.order.order_no}，与所选订单不一致")
        elif new.order_id is not None:
            draft = draft_for_order(session, new.order_id)
        else:
            raise UserError("请选择订单或售后单")
        items = _claim_items(draft, new.lines)
        claimed = new.claimed_fen if new.claimed_fen is not None else draft.value(_whole(draft, new.lines))
        order = draft.order
        stamp = utcnow()
        status = ClaimStatus.DRAFT
        claim = CarrierClaim(
            order_id=order.id, case_id=new.case_id,
            carrier=canonical_carrier(_text(new.carrier) or order.carrier)
            or guess_carrier(_text(new.tracking_no) or order.tracking_no),
            tracking_no=_text(new.tracking_no) or order.tracking_no, incident=new.incident.value,
            description=_text(new.description), status=status.value, is_open=True,
            declared_fen=new.declared_fen, claimed_fen=claimed, received_fen=None, shipped_at=order.shipped_at,
            follow_up_at=new.follow_up_at or follow_up_for(status, when.at), created_at=stamp, updated_at=stamp,
            items=items,
        )
        session.add(claim)
        session.flush()
        summary = f"{new.incident.label}，申请 {format_yuan(claimed) or '—'} 元"
        if new.description and new.description.strip():
            summary += f"：{new.description.strip()}"
        _event(session, claim, kind="created", author=who, at=when.at, to_state=status.value, note=summary,
               date_only=when.date_only)
        _sync_follow_up(session, claim, when.at)
        if new.case_id is not None:  # the case's photos and weighing records go along
            names = copy_case_evidence_to_claim(session, new.case_id, claim.id, evidence_folder(claim.id), copies)
            if names:
                _event(session, claim, kind="evidence", author=who,
                       note=f"从售后单 #{new.case_id} 带入证据：" + "、".join(names))
        return claim.id


def _whole(draft: ClaimDraft, lines: tuple[ChosenLine, ...] | None) -> tuple[ChosenLine, ...] | None:
    if lines is None:
        return None
    return tuple(ChosenLine(c.position, c.quantity or draft.line(c.position).quantity) for c in lines)


def _claim_items(draft: ClaimDraft, lines: tuple[ChosenLine, ...] | None) -> list[ClaimItem]:
    if lines is not None and not draft.lines:
        raise UserError(f"订单 {draft.order.order_no} 没有商品明细，不能按商品选择；可直接填写申请金额")
    chosen = _whole(draft, lines)
    if chosen is None:
        picked = [(line, line.quantity) for line in draft.lines]
    else:
        picked = []
        for c in chosen:
            line = draft.line(c.position)
            if c.quantity > line.quantity:
                raise UserError(f"第 {c.position} 行“{line.title}”只有 {line.quantity} 件，不能理赔 {c.quantity} 件")
            picked.append((line, c.quantity))
    return [
        ClaimItem(title=line.title, spec=line.spec, quantity=quantity, unit_price_fen=line.unit_price_fen,
                  claimed_fen=line.value_of(quantity))
        for line, quantity in picked
    ]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _load(session: Session, claim_id: int, expected_version: int | None = None) -> CarrierClaim:
    claim = session.get(CarrierClaim, claim_id)
    if claim is None:
        raise NotFound(f"找不到理赔 #{claim_id}")
    if expected_version is not None and claim.version != expected_version:
        raise StaleData(f"理赔 #{claim_id} 已被他人修改，请刷新后再操作")
    return claim


# --- acting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    status: ClaimStatus
    received_fen: int | None
    follow_up_at: datetime | None


def act_on_claim(db: Database, claim_id: int, action: ClaimAction, *, amount_fen: int | None = None,
                 at: Moment | None = None, follow_up_at: datetime | None = None, note: str | None = None,
                 author: str | None = None, expected_version: int | None = None,
                 channel: PayoutChannel | None = None) -> ClaimOutcome:
    """Apply a lifecycle action. `amount_fen` is the money received with this action (赔付/部分赔付/
    关闭), recorded as a payout dated `at` paid through `channel`; `follow_up_at` overrides the
    follow-up rule of the new state."""
    who = current_author() if author is None else author
    when = at or Moment(now())
    with db.transaction() as session:
        claim = _load(session, claim_id, expected_version)
        before = ClaimStatus(claim.status)
        step = transition(before, action)
        received_before = claim.received_fen
        received = _received_after(claim, step.amount, amount_fen)
        after = step.target
        claim.status = after.value
        claim.is_open = is_open(after)
        claim.received_fen = received
        if action is ClaimAction.SUBMIT_STATEMENT:
            claim.submitted_at = when.at
        claim.closed_at = None if claim.is_open else when.at
        claim.follow_up_at = (follow_up_at or follow_up_for(after, when.at)) if claim.is_open else None
        claim.updated_at = utcnow()
        parts = [n for n in (_text(note),) if n]
        if received is not None and received != (received_before or 0):
            paid = received - (received_before or 0)
            session.add(ClaimPayout(claim_id=claim.id, amount_fen=paid, paid_at=when.at,
                                    channel=channel.value if channel else None, note=_text(note), recorded_at=utcnow()))
            how = f"（{channel.label}）" if channel else ""
            parts.append(f"到账 {format_yuan(paid)} 元{how}，累计 {format_yuan(received)} 元")
        elif channel is not None:
            raise UserError("此操作没有到账金额，不需要赔付方式")
        if claim.follow_up_at is not None:
            parts.append(f"下次跟进 {format_china(claim.follow_up_at)}")
        _event(session, claim, kind="action", author=who, at=when.at, action=action.value,
               from_state=before.value, to_state=after.value, note="；".join(parts) or None,
               date_only=when.date_only)
        _sync_follow_up(session, claim, when.at)
        return ClaimOutcome(after, claim.received_fen, claim.follow_up_at)


def _received_after(claim: CarrierClaim, rule: AmountRule, amount_fen: int | None) -> int | None:
    """The total received after an action, checking the amount the action was given."""
    so_far = claim.received_fen or 0
    claimed = claim.claimed_fen
    if amount_fen is not None and amount_fen < 0:
        raise UserError("金额不能为负数")
    if rule is AmountRule.NONE:
        if amount_fen is not None:
            raise UserError("此操作不需要金额")
        return claim.received_fen
    if rule is AmountRule.FULL:
        if amount_fen is None:
            if claimed is None:
                raise UserError("理赔未填写申请金额，请填写实际赔付金额")
            return max(claimed, so_far)
        if claimed is not None and so_far + amount_fen < claimed:
            raise UserError(
                f"赔付 {format_yuan(amount_fen)} 元后累计 {format_yuan(so_far + amount_fen)} 元，少于申请的 "
                f"{format_yuan(claimed)} 元：请用“部分赔付”，或接受这个金额并“关闭理赔”"
            )
        return so_far + amount_fen
    if rule is AmountRule.PARTIAL:
        if amount_fen is None or amount_fen == 0:
            raise UserError("部分赔付请填写本次到账金额")
        if claimed is not None and so_far + amount_fen >= claimed:
            raise UserError(
                f"到账 {format_yuan(amount_fen)} 元后累计已达申请金额 {format_yuan(claimed)} 元，请用“已赔付”"
            )
        return so_far + amount_fen
    # FINAL: closing, with whatever arrived at the end (often nothing).
    if amount_fen is None:
        return claim.received_fen if claim.received_fen is not None else 0
    return so_far + amount_fen


def set_follow_up(db: Database, claim_id: int, follow_up_at: datetime | None, note: str | None = None,
                  author: str | None = None) -> None:
    """Move (or clear) the date the shop should chase the courier next."""
    who = current_author() if author is None else author
    if follow_up_at is not None and follow_up_at.tzinfo is None:
        raise UserError("跟进时间缺少时区")
    with db.transaction() as session:
        claim = _load(session, claim_id)
        if not claim.is_open:
            raise UserError(f"理赔 #{claim_id} 已结束，不需要跟进")
        old = claim.follow_up_at
        if old == follow_up_at:
            return
        claim.follow_up_at = follow_up_at
        claim.updated_at = utcnow()
        change = f"跟进日期：{format_china(old) or '（无）'} → {format_china(follow_up_at) or '（无）'}"
        _event(session, claim, kind="edit", author=who,
               note="；".join(p for p in (change, _text(note)) if p))
        _sync_follow_up(session, claim, utcnow())


@dataclass(frozen=True, slots=True)
class ClaimEdit:
    """The descriptive fields of a claim (the claimed value is editable: cost price for some couriers)."""

    claimed_fen: int | None
    declared_fen: int | None
    carrier: str | None
    tracking_no: str | None
    description: str | None
    incident: ClaimIncident


_FIELD_NAMES = {
    "claimed_fen": "申请金额", "declared_fen": "保价金额", "carrier": "快递公司", "tracking_no": "运单号",
    "description": "说明", "incident": "理赔原因",
}


def edit_claim(db: Database, claim_id: int, edit: ClaimEdit, expected_version: int | None = None,
               author: str | None = None) -> None:
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = _load(session, claim_id, expected_version)
        values: dict[str, object] = {
            "claimed_fen": edit.claimed_fen, "declared_fen": edit.declared_fen,
            "carrier": canonical_carrier(_text(edit.carrier)),
            "tracking_no": _text(edit.tracking_no), "description": _text(edit.description),
            "incident": edit.incident.value,
        }
        changes: list[str] = []
        for column, value in values.items():
            old = getattr(claim, column)
            if old != value:
                changes.append(f"{_FIELD_NAMES[column]}：{_show(column, old)} → {_show(column, value)}")
                setattr(claim, column, value)
        if not changes:
            return
        claim.updated_at = utcnow()
        _event(session, claim, kind="edit", author=who, note="；".join(changes))


def _show(column: str, value: object) -> str:
    if value is None:
        return "（空）"
    if column.endswith("_fen") and isinstance(value, int):
        return format_yuan(value)
    if column == "incident":
        return ClaimIncident(str(value)).label
    return str(value)


def add_claim_note(db: Database, claim_id: int, text: str, author: str | None = None) -> None:
    body = text.strip()
    if not body:
        raise UserError("备注内容不能为空")
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = _load(session, claim_id)
        claim.updated_at = utcnow()
        _event(session, claim, kind="note", author=who, note=body)


# --- links: the case, and the reship the compensation funds -----------------------------------


def link_case(db: Database, claim_id: int, case_id: int | None, author: str | None = None) -> None:
    """Attach the claim to a case of the same order (its events then show on the case's timeline)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = _load(session, claim_id)
        if claim.case_id == case_id:
            return
        if case_id is not None:
            case = session.get(Case, case_id)
            if case is None:
                raise NotFound(f"找不到售后单 #{case_id}")
            if case.order_id != claim.order_id:
                raise UserError(f"售后单 #{case_id} 与理赔 #{claim_id} 不是同一个订单")
        old = claim.case_id
        claim.case_id = case_id
        claim.updated_at = utcnow()
        note = f"关联售后单 #{case_id}" if case_id is not None else f"取消关联售后单 #{old}"
        # Said on both timelines: the one it leaves and the one it joins.
        if old is not None and case_id is not None:
            _event(session, claim, kind="edit", author=who, note=note, case_id=old)
        _event(session, claim, kind="edit", author=who, note=note, case_id=case_id if case_id is not None else old)
        _sync_follow_up(session, claim, utcnow())


def link_reship(db: Database, claim_id: int, reship_id: int | None, author: str | None = None) -> int | None:
    """Record which reship the compensation pays for (courier pays → shop reships).

    Returns the reship's case id. The event goes on the reship case's timeline as well.
    """
    who = current_author() if author is None else author
    with db.transaction() as session:
        claim = _load(session, claim_id)
        reship_case: int | None = None
        if reship_id is not None:
            reship = session.get(Reship, reship_id)
            if reship is None:
                raise NotFound(f"找不到补发 #{reship_id}")
            reship_case = reship.case_id
        if claim.reship_id == reship_id:
            return reship_case
        claim.reship_id = reship_id
        claim.updated_at = utcnow()
        note = f"理赔款用于补发 #{reship_id}（售后单 #{reship_case}）" if reship_id is not None else "取消关联补发"
        _event(session, claim, kind="edit", author=who, note=note)
        if reship_case is not None and reship_case != claim.case_id:
            _event(session, claim, kind="edit", author=who, note=note, case_id=reship_case)
        return reship_case


def link_reship_case(db: Database, claim_id: int, case_id: int, author: str | None = None) -> int:
    """Link the claim to the latest reship of a case; returns the reship's id."""
    with db.reading() as session:
        if session.get(Case, case_id) is None:
            raise NotFound(f"找不到售后单 #{case_id}")
        reship_id = session.execute(
            select(Reship.id).where(Reship.case_id == case_id).order_by(Reship.id.desc()).limit(1)
        ).scalar_one_or_none()
    if reship_id is None:
        raise UserError(f"售后单 #{case_id} 还没有补发记录，请先登记补发")
    link_reship(db, claim_id, reship_id, author)
    return reship_id


# --- evidence ---------------------------------------------------------------------------------


def evidence_folder(claim_id: int) -> str:
    """The claim's files, relative to the files home."""
    return f"{EVIDENCE_FOLDER}/{claim_id}"


def add_evidence(db: Database, claim_id: int, files: Sequence[Path], author: str | None = None) -> list[int]:
    """Copy files (photos of the box and label, weighing records, chat screenshots) into the data
    folder and attach them; refuses the whole batch if any file is missing. Returns the new ids."""
    who = current_author() if author is None else author
    sources = checked_sources(files)
    with evidence_copies() as copies, db.transaction() as session:
        claim = _load(session, claim_id)
        folder = evidence_folder(claim_id)
        rows = [ClaimEvidence(claim_id=claim.id, stored_path=copies.copy(session, source, folder),
                              original_name=source.name, added_at=utcnow()) for source in sources]
        session.add_all(rows)
        claim.updated_at = utcnow()
        _event(session, claim, kind="evidence", author=who, note="添加证据：" + "、".join(p.name for p in sources))
        session.flush()
        return [row.id for row in rows]


def remove_evidence(db: Database, evidence_id: int, author: str | None = None) -> None:
    who = current_author() if author is None else author
    with db.transaction() as session:
        row = session.get(ClaimEvidence, evidence_id)
        if row is None:
            raise NotFound(f"找不到证据 #{evidence_id}")
        claim = _load(session, row.claim_id)
        path = forget_file(session, row.stored_path)
        name = row.original_name
        claim.evidence.remove(row)
        claim.updated_at = utcnow()
        _event(session, claim, kind="evidence", author=who, note=f"删除证据：{name}")
        session.flush()
    if path is not None:
        path.unlink(missing_ok=True)


# --- the follow-up deadline -------------------------------------------------------------------


def _sync_follow_up(session: Session, claim: CarrierClaim, at: datetime) -> None:
    """Keep the claim's row in the deadlines table in step with its follow-up date.

    Open with a date: an open deadline due then. Finished: the deadline is met (kept, so the
    calendar's history shows when the claim ended). Open without a date: no deadline.
    """
    session.flush()
    row = session.execute(
        select(Deadline).where(Deadline.claim_id == claim.id, Deadline.timer_id == FOLLOW_UP_TIMER)
    ).scalars().first()
    if claim.is_open and claim.follow_up_at is not None:
        if row is None:
            row = Deadline(claim_id=claim.id, timer_id=FOLLOW_UP_TIMER, name=FOLLOW_UP_NAME,
                           action=FOLLOW_UP_ACTION, starts_at=at, due_at=claim.follow_up_at,
                           estimated=False, status="open")
            session.add(row)
        elif row.status != "open" or row.due_at != claim.follow_up_at:
            row.starts_at = at
            row.due_at = claim.follow_up_at
        row.case_id = claim.case_id
        row.action = FOLLOW_UP_ACTION  # rows written before it was a Chinese text said "chase_carrier"
        row.status = "open"
        row.met_at = None
    elif row is not None:
        if claim.is_open:
            session.delete(row)
        else:
            row.case_id = claim.case_id
            row.status = "met"
            row.met_at = claim.closed_at or at

