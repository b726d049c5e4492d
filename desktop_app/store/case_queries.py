"""Read-only queries over cases and orders, returning plain rows.

The Cases table asks for a count and then for pages (`offset`, `limit`) in the current sort
order, so a million cases cost one page of rows at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import QueryableAttribute, Session, contains_eager

from desktop_app.core.errors import NotFound
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.models import AuditEvent, Case, Order, OrderItem, Shop
from desktop_app.store.rows import (
    CaseDetail,
    CaseRow,
    EventRow,
    OrderDetail,
    OrderItemRow,
    OrderRow,
    ShopRow,
)
from desktop_app.store.search import SearchHits, in_searched_orders

_SORT_COLUMNS: dict[CaseSort, QueryableAttribute[Any]] = {
    CaseSort.PLATFORM: Case.platform,
    CaseSort.SHOP: Shop.name,
    CaseSort.ORDER_NO: Order.order_no,
    CaseSort.RECEIVER: Order.receiver,
    CaseSort.KIND: Case.kind,
    CaseSort.REASON: Case.reason,
    CaseSort.STATUS: Case.status,
    CaseSort.AMOUNT: Case.amount_fen,
    CaseSort.RESPONSIBLE: Case.responsible,
    CaseSort.NEXT_DUE: Case.next_due_at,
    CaseSort.UPDATED: Case.updated_at,
    CaseSort.ID: Case.id,
}


def _conditions(f: CaseFilter, dialect: str, drive_from_orders: bool = False,
                hits: SearchHits | None = None) -> list[ColumnElement[bool]]:
    """The filter as WHERE terms (`hits`: the search's orders, read already). `drive_from_orders`: the
    open state is tested on an expression, so that no planner walks the cases' `is_open` indexes and
    sorts what it found (SQLite, without statistics, takes `is_open = 1` for a few rows); the orders'
    sort index then drives the query and each order's cases are checked in `ix_cases_order_id_is_open`
    (portable: no index hint)."""
    conds: list[ColumnElement[bool]] = []
    is_open: ColumnElement[Any] = (func.coalesce(Case.is_open, False) if drive_from_orders
                                   else Case.is_open.expression)
    if f.search.strip():
        conds.append(in_searched_orders(Case.order_id, f.search, dialect, hits))
    if f.platforms:
        conds.append(Case.platform.in_(sorted(f.platforms)))
    if f.shop_id is not None:
        conds.append(Order.shop_id == f.shop_id)
    if f.kind:
        conds.append(Case.kind == f.kind)
    if f.status:
        conds.append(Case.status == f.status)
    if f.reason:
        conds.append(Case.reason == f.reason)
    if f.open_state == OpenState.OPEN:
        conds.append(is_open.is_(True))
    elif f.open_state == OpenState.CLOSED:
        conds.append(is_open.is_(False))
    if f.order_id is not None:
        conds.append(Case.order_id == f.order_id)
    if f.case_ids is not None:
        conds.append(Case.id.in_(sorted(f.case_ids)))
    if f.responsible:
        conds.append(Case.responsible == f.responsible)
    requested = func.coalesce(Case.requested_at, Case.created_at)  # as the 统计 tab counts them
    if f.requested_from is not None:
        conds.append(requested >= f.requested_from)
    if f.requested_before is not None:
        conds.append(requested < f.requested_before)
    return conds


def count_cases(session: Session, f: CaseFilter) -> int:
    stmt = select(func.count(Case.id))
    if f.shop_id is not None:  # the only filter that lives on the order
        stmt = stmt.join(Order, Order.id == Case.order_id)
    conds = _conditions(f, session.get_bind().dialect.name)
    if conds:
        stmt = stmt.where(and_(*conds))
    return int(session.execute(stmt).scalar_one())


def _case_row_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Case.id, Case.platform, Shop.name, Order.order_no, Order.receiver, Case.kind, Case.reason,
            Case.status, Case.amount_fen, Case.responsible, Case.next_due_at, Case.next_due_name,
            Case.updated_at, Case.is_open, Case.platform_case_no, Case.requested_at, Case.platform_status,
            Case.platform_due_at, Order.phone, Case.next_due_automatic, Case.after_due_at, Case.after_due_name,
        )
        .join(Order, Order.id == Case.order_id)
        .outerjoin(Shop, Shop.id == Order.shop_id)
    )


_ORDER_SIDE_SORTS = frozenset({CaseSort.SHOP, CaseSort.ORDER_NO, CaseSort.RECEIVER})


def _ids_select(f: CaseFilter, order: CaseOrder, dialect: str,
                hits: SearchHits | None = None) -> tuple[Select[int], list[Any]]:
    """The filtered case ids, and the sort keys after the sorted column (ties: by order, then case).

    Order-side sorts are driven by the orders' index in sort order, joined to each order's cases
    (`ix_cases_order_id_is_open`), so no page sorts every listed case (issue 15)."""
    stmt = select(Case.id)
    ties: list[Any] = [Case.id]
    if order.column in _ORDER_SIDE_SORTS or f.shop_id is not None:
        stmt = stmt.join(Order, Order.id == Case.order_id)
    if order.column is CaseSort.SHOP:
        stmt = stmt.outerjoin(Shop, Shop.id == Order.shop_id)
    if order.column in _ORDER_SIDE_SORTS:
        ties = [Order.id, Case.id]
    # A search's few thousand cases are found through their orders and sorted, not walked in sort order.
    drive = order.column in _ORDER_SIDE_SORTS and not f.search.strip()
    conds = _conditions(f, dialect, drive_from_orders=drive, hits=hits)
    if conds:
        stmt = stmt.where(and_(*conds))
    return stmt, ties


def _page_ids(session: Session, f: CaseFilter, order: CaseOrder, offset: int, limit: int | None,
              hits: SearchHits | None = None) -> list[int]:
    """Case ids in screen order from `offset`, `limit` of them (None: all)."""
    stmt, ties = _ids_select(f, order, session.get_bind().dialect.name, hits)
    column = _SORT_COLUMNS[order.column]

    # Empty values (an order not imported yet has no receiver) sort first ascending and last
    # descending, as SQLite does; PostgreSQL's default is the other way round, so it is told.
    nulls = session.get_bind().dialect.name == "postgresql"

    def sorted_by(*keys: Any) -> list[Any]:
        if order.descending:
            return [k.desc().nulls_last() if nulls else k.desc() for k in keys]
        return [k.asc().nulls_first() if nulls else k.asc() for k in keys]

    if order.column is not CaseSort.NEXT_DUE:
        return list(session.execute(stmt.order_by(*sorted_by(column, *ties)).offset(offset).limit(limit)).scalars())
    # Cases without a timer go last either way: two ranges, each read in index order (an ORDER BY on
    # `next_due_at IS NULL` sorted every listed case for each page). The undated range starts after
    # the dated one; its offset needs the dated count only for pages that start inside it.
    dated = stmt.where(Case.next_due_at.is_not(None))
    ids = list(session.execute(dated.order_by(*sorted_by(column, *ties)).offset(offset).limit(limit)).scalars())
    if len(ids) == limit:
        return ids
    skip = 0
    if not ids and offset:
        dated_count = session.execute(select(func.count()).select_from(dated.subquery())).scalar_one()
        skip = max(0, offset - int(dated_count))
    undated = stmt.where(Case.next_due_at.is_(None)).order_by(*sorted_by(*ties))
    rest = None if limit is None else limit - len(ids)
    return ids + list(session.execute(undated.offset(skip).limit(rest)).scalars())


def case_rows(session: Session, f: CaseFilter, order: CaseOrder, offset: int, limit: int) -> list[CaseRow]:
    """A page of the Cases table; ties broken by order and case id so paging is stable.

    The page's case ids are chosen from indexes alone (`_page_ids`), and only those rows are joined to
    orders and shops: a search matching thousands of orders then reads 200 order rows, not thousands.
    """
    return rows_of_cases(session, _page_ids(session, f, order, offset, limit))


def listed_case_ids(session: Session, f: CaseFilter, order: CaseOrder, hits: SearchHits) -> list[int]:
    """Every case the filter lists when its search matched `hits`, in screen order: a search lists the
    cases of at most SEARCH_LIMIT orders, so the Cases table counts and pages over this list."""
    return _page_ids(session, f, order, 0, None, hits)


def rows_of_cases(session: Session, ids: Sequence[int]) -> list[CaseRow]:
    """The rows of these cases, in this order (cases deleted meanwhile left out)."""
    if not ids:
        return []
    rows = {r[0]: CaseRow(*r) for r in session.execute(_case_row_select().where(Case.id.in_(ids))).all()}
    return [rows[i] for i in ids if i in rows]


def case_row(session: Session, case_id: int) -> CaseRow:
    r = session.execute(_case_row_select().where(Case.id == case_id)).one_or_none()
    if r is None:
        raise NotFound(f"找不到售后单 #{case_id}")
    return CaseRow(*r)


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
        raise NotFound(f"找不到订单 #{order_id}")
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
        raise NotFound(f"找不到售后单 #{case_id}")
    return CaseDetail(
        row=case_row(session, case_id), refund_fen=case.refund_fen, compensation_fen=case.compensation_fen,
        platform_case_no=case.platform_case_no, description=case.description,
        requested_at=case.requested_at, signed_at=case.signed_at, signed_date_only=case.signed_date_only,
        created_at=case.created_at, created_by=case.created_by, version=case.version,
        order=order_detail(session, case.order_id), events=case_events(session, case_id),
        platform_reason=case.platform_reason, return_carrier=case.return_carrier,
        return_tracking_no=case.return_tracking_no,
    )


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
