"""Read-only queries over cases and orders, returning plain rows.

The Cases table asks for a count and then for pages (`offset`, `limit`) in the current sort
order, so a million cases cost one page of rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, contains_eager

from desktop_app.core import messages as msg
from desktop_app.core.deadline_display import OpenTimer
from desktop_app.core.errors import NotFound
from desktop_app.core.invisible_marks import without_invisible
from desktop_app.core.rule_pack_model import PENALTY_UNKNOWN
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState  # noqa: F401 (named from here)
from desktop_app.store.case_listing import CasePages, filter_conditions
from desktop_app.store.deadline_lists import open_timers_of
from desktop_app.store.id_arrays import any_id
from desktop_app.store.models import AuditEvent, Case, Deadline, Order, OrderItem, Shop
from desktop_app.store.rows import (
    CaseDetail,
    CaseRow,
    EventRow,
    OrderDetail,
    OrderItemRow,
    OrderRow,
    PenaltyRow,
    ShopRow,
)
from desktop_app.store.search import SearchHits, in_searched_orders

# The Cases table's default list, whose count on SQLite is every case less the closed ones (count_cases).
_EVERY_OPEN_CASE = CaseFilter(open_state=OpenState.OPEN)


def count_cases(session: Session, f: CaseFilter) -> int:
    if f == _EVERY_OPEN_CASE and session.get_bind().dialect.name == "sqlite":
        # The Cases table's default list (each reload, the tab titles): every case less the closed ones, in
        # one statement. SQLite counts a whole table from its b-tree pages without decoding an entry, and
        # the closed cases are the fewer; `is_open IS 1` walked every open case's index entry (35–45 ms CPU
        # against 14 at 760,000 cases, bench/README "Session 23 (million)"). As store/first_page counts them.
        every = select(func.count()).select_from(Case).scalar_subquery()
        closed = select(func.count()).select_from(Case).where(Case.is_open.is_(False)).scalar_subquery()
        return int(session.execute(select(every - closed)).scalar_one())
    stmt = select(func.count(Case.id))
    if f.shop_id is not None:  # the only filter that lives on the order
        stmt = stmt.join(Order, Order.id == Case.order_id)
    conds = filter_conditions(f, session.get_bind().dialect.name)
    if conds:
        stmt = stmt.where(and_(*conds))
    return int(session.execute(stmt).scalar_one())


def _case_row_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Case.id, Case.platform, Shop.name, Order.order_no, Order.receiver, Case.kind, Case.reason,
            Case.status, Case.amount_fen, Case.responsible, Case.next_due_at, Case.next_due_name,
            Case.updated_at, Case.is_open, Case.platform_case_no, Case.requested_at, Case.platform_status,
            Case.platform_due_at, Order.phone,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Shop, Shop.id == Order.shop_id)
    )


def case_rows(session: Session, f: CaseFilter, order: CaseOrder, offset: int, limit: int) -> list[CaseRow]:
    """A page of the Cases table; ties broken by order and case id so paging is stable.

    The page's case ids are chosen from indexes alone (store/case_listing), and only those rows are joined
    to orders and shops: a search matching thousands of orders then reads 200 order rows, not thousands.
    A table that reads many pages of one listing keeps its `CasePages` instead (its anchors).
    """
    return rows_of_cases(session, CasePages(f, order).ids(session, offset, limit))


def listed_case_ids(session: Session, f: CaseFilter, order: CaseOrder, hits: SearchHits) -> list[int]:
    """Every case the filter lists when its search matched `hits`, in screen order: a search lists the
    cases of at most SEARCH_LIMIT orders, so the Cases table counts and pages over this list."""
    return CasePages(f, order, hits).ids(session, 0, None)


def listed_case_states(session: Session, f: CaseFilter, limit: int) -> list[tuple[int, str, str]]:
    """(id, kind, status) of the cases the filter lists, the oldest `limit` of them: a batch on a whole list,
    not only on the rows a paged table has loaded."""
    stmt = select(Case.id, Case.kind, Case.status)
    if f.shop_id is not None:  # the only filter that lives on the order
        stmt = stmt.join(Order, Order.id == Case.order_id)
    conds = filter_conditions(f, session.get_bind().dialect.name)
    rows = session.execute(stmt.where(*conds).order_by(Case.id).limit(limit))
    return [(case_id, kind, status) for case_id, kind, status in rows]


def rows_of_cases(session: Session, ids: Sequence[int]) -> list[CaseRow]:
    """The rows of these cases, in this order (cases deleted meanwhile left out)."""
    if not ids:
        return []
    timers = open_timers_of(session, ids)
    # PostgreSQL: the ids as one array parameter (store/id_arrays), not 200 of them.
    which = any_id(Case.id, ids) if session.get_bind().dialect.name == "postgresql" else Case.id.in_(ids)
    rows = {r[0]: _case_row(r, timers.get(r[0], ())) for r in session.execute(_case_row_select().where(which)).all()}
    return [rows[i] for i in ids if i in rows]


def _case_row(values: Any, timers: tuple[OpenTimer, ...]) -> CaseRow:
    """A row of `_case_row_select` (every field of CaseRow but the timers) with the case's open timers."""
    return CaseRow(*values, timers=timers)  # type: ignore[misc]


def case_row(session: Session, case_id: int) -> CaseRow:
    r = session.execute(_case_row_select().where(Case.id == case_id)).one_or_none()
    if r is None:
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    return _case_row(r, open_timers_of(session, [case_id]).get(case_id, ()))


def _order_row(order: Order, case_count: int = 0) -> OrderRow:
    return OrderRow(
        id=order.id, platform=order.platform, order_no=order.order_no,
        shop=order.shop.name if order.shop else None, status=order.status, buyer_nick=order.buyer_nick,
        receiver=order.receiver, phone=order.phone, address=order.address, goods_fen=order.goods_fen,
        postage_fen=order.postage_fen, paid_fen=order.paid_fen, item_count=order.item_count,
        paid_at=order.paid_at, shipped_at=order.shipped_at, signed_at=order.signed_at,
        succeeded_at=order.succeeded_at, carrier=order.carrier, tracking_no=order.tracking_no,
        buyer_note=order.buyer_note, seller_note=order.seller_note, imported=order.imported_at is not None,
        case_count=case_count, campaign=order.campaign,
    )


def order_detail(session: Session, order_id: int) -> OrderDetail:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound(msg.say(msg.NO_ORDER, order_id))
    count = session.execute(select(func.count(Case.id)).where(Case.order_id == order_id)).scalar_one()
    items = tuple(
        OrderItemRow(i.title, i.spec, i.quantity, i.unit_price_fen, i.paid_fen, i.sku_code, i.sub_order_no)
        for i in order.items
    )
    return OrderDetail(_order_row(order, int(count)), items)


def event_rows(session: Session, *conditions: ColumnElement[bool]) -> tuple[EventRow, ...]:
    """Audit events matching the conditions, oldest first, as timeline rows."""
    stmt = select(AuditEvent).where(*conditions).order_by(AuditEvent.at, AuditEvent.id)
    return tuple(
        EventRow(e.id, e.at, e.recorded_at, e.author, e.subject, e.kind, e.action, e.milestone,
                 e.from_state, e.to_state, e.note, e.date_only, e.undone_by)
        for e in session.execute(stmt).scalars()
    )


def case_events(session: Session, case_id: int) -> tuple[EventRow, ...]:
    return event_rows(session, AuditEvent.case_id == case_id)


def case_detail(session: Session, case_id: int) -> CaseDetail:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(msg.say(msg.NO_CASE, case_id))
    return CaseDetail(
        row=case_row(session, case_id), refund_fen=case.refund_fen, compensation_fen=case.compensation_fen,
        platform_case_no=case.platform_case_no, description=case.description,
        requested_at=case.requested_at, signed_at=case.signed_at, signed_date_only=case.signed_date_only,
        created_at=case.created_at, created_by=case.created_by, version=case.version,
        order=order_detail(session, case.order_id), events=case_events(session, case_id),
        platform_reason=case.platform_reason, return_carrier=case.return_carrier,
        return_tracking_no=case.return_tracking_no, penalties=case_penalties(session, case_id),
    )


def case_penalties(session: Session, case_id: int) -> tuple[PenaltyRow, ...]:
    """The case's deadlines with money at stake or lost, soonest first (`PenaltyRow`); one whose amount is a share of
    an order that was not imported (its name says so: `PENALTY_UNKNOWN`) with no amount."""
    stmt = (select(Deadline.name, Deadline.due_at, Deadline.penalty_fen, Deadline.status)
            .where(Deadline.case_id == case_id, Deadline.claim_id.is_(None),
                   or_(Deadline.penalty_fen.is_not(None), Deadline.name.contains(PENALTY_UNKNOWN, autoescape=True)))
            .order_by(Deadline.due_at, Deadline.timer_id))
    return tuple(PenaltyRow(name, due_at, fen, status) for name, due_at, fen, status in session.execute(stmt))


def list_shops(session: Session) -> list[ShopRow]:
    rows = session.execute(select(Shop.id, Shop.platform, Shop.name).order_by(Shop.platform, Shop.name)).all()
    return [ShopRow(*r) for r in rows]


# --- orders ---------------------------------------------------------------------------------


class OrderSort(StrEnum):
    PLATFORM = "platform"
    SHOP = "shop"
    ORDER_NO = "order_no"
    STATUS = "status"
    RECEIVER = "receiver"
    PHONE = "phone"
    PAID = "paid"
    PAID_AT = "paid_at"
    CARRIER = "carrier"
    TRACKING = "tracking"


_ORDER_SORT: dict[OrderSort, QueryableAttribute[Any]] = {
    OrderSort.PLATFORM: Order.platform,
    OrderSort.SHOP: Shop.name,
    OrderSort.ORDER_NO: Order.order_no,
    OrderSort.STATUS: Order.status,
    OrderSort.RECEIVER: Order.receiver,
    OrderSort.PHONE: Order.phone,
    OrderSort.PAID: Order.paid_fen,
    OrderSort.PAID_AT: Order.paid_at,
    OrderSort.CARRIER: Order.carrier,
    OrderSort.TRACKING: Order.tracking_no,
}


@dataclass(frozen=True, slots=True)
class OrderFilter:
    search: str = ""
    platforms: frozenset[str] = field(default_factory=frozenset)
    shop_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", without_invisible(self.search))  # as CaseFilter's


def _order_conditions(f: OrderFilter, dialect: str, hits: SearchHits | None = None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.search.strip():
        conds.append(in_searched_orders(Order.id, f.search, dialect, hits))
    if f.platforms:
        conds.append(Order.platform.in_(sorted(f.platforms)))
    if f.shop_id is not None:
        conds.append(Order.shop_id == f.shop_id)
    return conds


def count_orders(session: Session, f: OrderFilter, hits: SearchHits | None = None) -> int:
    """Orders the filter lists (`hits`: its search's orders, read already)."""
    stmt = select(func.count(Order.id))
    conds = _order_conditions(f, session.get_bind().dialect.name, hits)
    if conds:
        stmt = stmt.where(and_(*conds))
    return int(session.execute(stmt).scalar_one())


def order_rows(session: Session, f: OrderFilter, sort: OrderSort = OrderSort.PAID_AT, descending: bool = True,
               offset: int = 0, limit: int = 100, hits: SearchHits | None = None) -> list[OrderRow]:
    column = _ORDER_SORT[sort]
    case_count = (
        select(func.count(Case.id)).where(Case.order_id == Order.id).correlate(Order).scalar_subquery()
    )
    stmt = (
        select(Order, case_count)
        .outerjoin(Shop, Shop.id == Order.shop_id)
        .options(contains_eager(Order.shop))
    )
    conds = _order_conditions(f, session.get_bind().dialect.name, hits)
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(
        column.desc() if descending else column.asc(), Order.id.desc() if descending else Order.id.asc()
    ).offset(offset).limit(limit)
    return [_order_row(order, int(count)) for order, count in session.execute(stmt).all()]


def order_ids(session: Session, f: OrderFilter, sort: OrderSort = OrderSort.PAID_AT,
              descending: bool = True) -> list[int]:
    """Every order id the filter shows, in screen order (for "export what I see")."""
    column = _ORDER_SORT[sort]
    stmt = select(Order.id).outerjoin(Shop, Shop.id == Order.shop_id)
    conds = _order_conditions(f, session.get_bind().dialect.name)
    if conds:
        stmt = stmt.where(and_(*conds))
    stmt = stmt.order_by(column.desc() if descending else column.asc(),
                         Order.id.desc() if descending else Order.id.asc())
    return list(session.execute(stmt).scalars())


def find_orders(session: Session, query: str, limit: int = 50) -> list[OrderRow]:
    """Orders matching a search text (number, receiver, phone, tracking, product), newest first."""
    if not query.strip():
        return []
    return order_rows(session, OrderFilter(search=query), limit=limit)


def order_items(session: Session, order_id: int) -> list[OrderItemRow]:
    stmt = select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.position, OrderItem.id)
    return [
        OrderItemRow(i.title, i.spec, i.quantity, i.unit_price_fen, i.paid_fen, i.sku_code, i.sub_order_no)
        for i in session.execute(stmt).scalars()
    ]
