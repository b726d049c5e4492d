"""Prefilling a courier claim from its order: the lines offered, what the buyer paid for them, the
order found by number, and the lines a claim covers (`claim add --items 1,3:2`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.claims import INCIDENT_OF_REASON, ClaimIncident, PricedLine, paid_per_line, part_of
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.vocabulary import CaseReason, Platform, family_members
from desktop_app.services.cases import clean_order_no
from desktop_app.store.case_queries import order_detail
from desktop_app.store.models import Case, ClaimItem
from desktop_app.store.order_lookups import orders_numbered
from desktop_app.store.rows import OrderItemRow, OrderRow


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
    incident: ClaimIncident | None = None  # what the case's reason says happened (None: the user says)

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
        raise UserError(msg.say(msg.NO_SUCH_LINE, self.order.order_no, position, len(self.lines)))

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
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    draft = draft_for_order(session, case.order_id, case_id)
    reason = next((r for r in CaseReason if r.value == case.reason), None)
    return replace(draft, incident=INCIDENT_OF_REASON.get(reason) if reason is not None else None)


def find_order(session: Session, order_no: str, platform: Platform | None = None) -> OrderRow:
    """The order with this number (on this platform if given); refuses none and ambiguity."""
    number = clean_order_no(order_no)
    found = orders_numbered(session, number, family_members(platform) if platform is not None else None)
    if not found:
        raise NotFound(msg.say(msg.NO_ORDER_NUMBERED_ON, platform.label, number) if platform is not None
                       else msg.say(msg.NO_ORDER_NUMBERED, number))
    if len(found) > 1:
        platforms = "、".join(Platform(p).label if p in Platform._value2member_map_ else p for _, p in found)
        raise UserError(msg.say(msg.ORDER_ON_PLATFORMS, number, platforms))
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


def whole_lines(draft: ClaimDraft, lines: tuple[ChosenLine, ...] | None) -> tuple[ChosenLine, ...] | None:
    if lines is None:
        return None
    return tuple(ChosenLine(c.position, c.quantity or draft.line(c.position).quantity) for c in lines)


def claim_items(draft: ClaimDraft, lines: tuple[ChosenLine, ...] | None) -> list[ClaimItem]:
    if lines is not None and not draft.lines:
        raise UserError(msg.say(msg.ORDER_WITHOUT_LINES, draft.order.order_no))
    chosen = whole_lines(draft, lines)
    if chosen is None:
        picked = [(line, line.quantity) for line in draft.lines]
    else:
        picked = []
        for c in chosen:
            line = draft.line(c.position)
            if c.quantity > line.quantity:
                raise UserError(msg.say(msg.LINE_TOO_FEW, c.position, line.title, line.quantity, c.quantity))
            picked.append((line, c.quantity))
    return [
        ClaimItem(title=line.title, spec=line.spec, quantity=quantity, unit_price_fen=line.unit_price_fen,
                  claimed_fen=line.value_of(quantity))
        for line, quantity in picked
    ]
