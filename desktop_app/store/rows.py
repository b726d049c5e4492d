"""Plain, frozen rows that leave the store: the UI and the CLI never hold live ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.deadline_display import OpenTimer, ShownDue, case_next_due


@dataclass(frozen=True, slots=True)
class ShopRow:
    id: int
    platform: str
    name: str


@dataclass(frozen=True, slots=True)
class OrderItemRow:
    title: str
    spec: str | None
    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None
    sku_code: str | None = None
    sub_order_no: str | None = None

    @property
    def line_fen(self) -> int | None:
        """What the line cost: as paid, else unit price × quantity; None when neither is known."""
        if self.paid_fen is not None:
            return self.paid_fen
        return self.unit_price_fen * self.quantity if self.unit_price_fen is not None else None


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: int
    platform: str
    order_no: str
    shop: str | None
    status: str | None
    buyer_nick: str | None
    receiver: str | None
    phone: str | None
    address: str | None
    goods_fen: int | None
    postage_fen: int | None
    paid_fen: int | None
    item_count: int | None
    paid_at: datetime | None
    shipped_at: datetime | None
    signed_at: datetime | None
    succeeded_at: datetime | None
    carrier: str | None
    tracking_no: str | None
    buyer_note: str | None
    seller_note: str | None
    imported: bool
    case_count: int = 0
    campaign: str | None = None  # the rule packs' campaign id the shop marked it with ("juhuasuan")


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderRow
    items: tuple[OrderItemRow, ...]


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of the Cases table."""

    id: int
    platform: str
    shop: str | None
    order_no: str
    receiver: str | None
    kind: str
    reason: str | None
    status: str
    amount_fen: int | None
    responsible: str | None
    next_due_at: datetime | None
    next_due_name: str | None
    updated_at: datetime
    is_open: bool
    platform_case_no: str | None = None
    requested_at: datetime | None = None
    platform_status: str | None = None
    platform_due_at: datetime | None = None
    phone: str | None = None  # the order's, to show which phone a last-four search matched
    # The case's open deadlines in due order (store.deadline_lists.open_timers_of): what the 下一个时限
    # column shows is read from them with the clock (`shown`); `next_due_*` is its sort key.
    timers: tuple[OpenTimer, ...] = ()

    def shown(self, now: datetime) -> ShownDue:
        """The 下一个时限 at `now`: its earliest deadline still work (after one the platform settled by
        itself, what follows), or, nothing left, the timer the platform settled last."""
        if not self.is_open:
            return ShownDue(None, None, None)
        return case_next_due(self.timers, now)

    def next_due(self, now: datetime) -> tuple[datetime | None, str | None]:
        """(due time, name) the 下一个时限 column shows at `now`; (None, None) for a closed case."""
        timer = self.shown(now).timer
        return (None, None) if timer is None else (timer.due_at, timer.name)

    def acted_alone(self, now: datetime) -> str | None:
        """The name of the timer the platform settled by itself when nothing follows it (抖店 refunds a
        refund-only request not answered in 48 h): the case shows that instead of no deadline at all."""
        return self.shown(now).acted


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    at: datetime
    recorded_at: datetime
    author: str
    subject: str
    kind: str
    action: str | None
    milestone: str | None
    from_state: str | None
    to_state: str | None
    note: str | None
    date_only: bool
    undone_by: int | None = None  # the undo event that took this one back (编辑 → 撤销)


@dataclass(frozen=True, slots=True)
class PenaltyRow:
    """A deadline of the case with money on it (Deadline.penalty_fen): at stake while open, lost once
    missed (淘宝's late shipment 5 % up to 30 元, 抖店's 3 元 a late reship)."""

    name: str
    due_at: datetime
    penalty_fen: int | None  # None: a share of an order that was not imported (the name says 赔付金额未知)
    status: str  # DeadlineStatus value: open or missed


@dataclass(frozen=True, slots=True)
class CaseDetail:
    row: CaseRow
    refund_fen: int | None
    compensation_fen: int | None
    platform_case_no: str | None
    description: str | None
    requested_at: datetime | None
    signed_at: datetime | None
    signed_date_only: bool
    created_at: datetime
    created_by: str
    version: int
    order: OrderDetail
    events: tuple[EventRow, ...]
    platform_reason: str | None = None
    return_carrier: str | None = None
    return_tracking_no: str | None = None
    penalties: tuple[PenaltyRow, ...] = ()

    @property
    def return_shipped(self) -> bool:
        """The buyer's return is on its way: the latest 同意退货/买家寄回 in force is the shipping (as
        `case_lookups.return_on_its_way` reads it; a return agreed again waits for a new parcel)."""
        steps = [e for e in self.events if e.subject == "case" and e.undone_by is None
                 and e.milestone in ("return_agreed", "return_shipped")]
        return bool(steps) and max(steps, key=lambda e: e.id).milestone == "return_shipped"
