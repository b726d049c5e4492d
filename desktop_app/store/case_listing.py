"""What the Cases table lists, in screen order, a page at a time at any depth (issue 15).

A listing — the cases a filter shows, sorted by one column, ties by order then case — is read as index
ranges in a row: an empty value (an order not imported yet has no receiver) sorts first ascending and
last descending, as SQLite does, and a case without a timer sorts last either way by next due; so each
sort is one range of empty values and one of the rest, each read in the order of an index.

Every sort key is on the case row (the order-side ones, 买家/收货人, 订单号 and 店铺, are copies the
database keeps: migration 0018_sortkeys), and each sort has an index of the key, its ties and `is_open`
(更新时间 and 下一个时限: indexes led by `is_open`; 编号: the table itself), so that a page of the open
list, the closed list or the whole ledger is read from one index alone: no join probe, no case row, no
sort (`models.SORT_INDEXES`; tests/unit/test_case_page_plans.py). The open and closed lists step over
the other list's entries (index entries only); their `is_open` term is kept off the indexes led by it
(`filter_conditions`).

A page deep down is still not read with an OFFSET from the top: `CasePages` notes sort keys at depths
it has walked to (its anchors: the key of the row at a multiple of `ANCHOR_SPACING`) and reads a page as
a seek to the anchor above it plus an offset under the spacing. Rows after an anchor's key are again
index ranges: same value and later ties first, then later values (a row value `(value, id) > (?, ?)` is
not used: SQLite seeks on its first column only and steps through every tie of a value shared by half a
million cases). A depth not reached before is walked to from the nearest anchor above, once, in strides
of `WALK_STRIDE` spacings (an anchor each), over index entries only: at 1,000,000 cases (713,798 open)
a first visit anywhere costs 20–70 ms CPU, a page seen before or near one 4–12 ms (bench/README.md). A
filter on a column the index does not hold (platform, kind, a shop …) reads a case row per entry walked,
as it did before.

Anchors are positions in the data as they were read: a `CasePages` lives for one load of the table,
and the table builds a new one whenever it reloads (each write that changes cases makes it reload).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, null, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

from desktop_app.core.lifecycle import SETTLED_STATUSES
from desktop_app.store.case_filters import CaseFilter, CaseOrder, CaseSort, OpenState
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.search import SearchHits, in_searched_orders

# Rows between anchors: a page reads at most this many more index entries than it shows.
ANCHOR_SPACING = 1000
# A walk to a depth not reached before notes an anchor every this many spacings (one statement each). Over
# index entries alone a statement's overhead costs more than its rows: 16 spacings a statement took 38 ms
# median for a first visit at a million cases, 256 took 13 (scrolling back up then walks ≤ 256,000 entries).
WALK_STRIDE = 256
# The stride of a walk that reads a case row per entry (a filter the sort's index does not hold: a platform,
# a kind, a shop …): the per-row cost outweighs the statement's, and a range that ends within a step
# (下一个时限's dated cases) is walked again to be counted — up to 256 spacings of case rows, 1.2 → 1.8 s CPU
# for the last page of one platform's open cases at a million cases.
FILTERED_WALK_STRIDE = 16

SORT_COLUMNS: dict[CaseSort, QueryableAttribute[Any]] = {
    CaseSort.PLATFORM: Case.platform,
    CaseSort.SHOP: Case.sort_shop,
    CaseSort.ORDER_NO: Case.sort_order_no,
    CaseSort.RECEIVER: Case.sort_receiver,
    CaseSort.KIND: Case.kind,
    CaseSort.REASON: Case.reason,
    CaseSort.STATUS: Case.status,
    CaseSort.AMOUNT: Case.amount_fen,
    CaseSort.RESPONSIBLE: Case.responsible,
    CaseSort.NEXT_DUE: Case.next_due_at,
    CaseSort.UPDATED: Case.updated_at,
    CaseSort.ID: Case.id,
}
# Ties of the order-side sorts: by order, then case (their keys are the order's and its shop's, carried on
# the case: migration 0018_sortkeys).
ORDER_SIDE_SORTS = frozenset({CaseSort.SHOP, CaseSort.ORDER_NO, CaseSort.RECEIVER})
# Sorts whose indexes are led by `is_open` (ix_cases_is_open_updated_at, ix_cases_is_open_next_due_at): the
# open and closed lists are ranges of them. The others' indexes hold `is_open` last (or the table, for 编号).
OPEN_LED_SORTS = frozenset({CaseSort.UPDATED, CaseSort.NEXT_DUE})


def narrow(f: CaseFilter) -> bool:
    """The filter names its few cases (a search's orders, one order, a list of cases): they are looked up by
    those and sorted, the open state and the sort column tested on expressions so that no planner walks a
    sort index led by `is_open` instead (SQLite without statistics, as the app's ledgers are, took
    `is_open = 1` for a few rows: a search sorted by 平台 walked every open case, each looked up for its
    order)."""
    return bool(f.search.strip()) or f.order_id is not None or f.case_ids is not None


def filter_conditions(f: CaseFilter, dialect: str, hits: SearchHits | None = None,
                      sort: CaseSort | None = None) -> list[ColumnElement[bool]]:
    """The filter as WHERE terms (`hits`: the search's orders, read already). `sort`: the listing's sort.
    The open state is a term on an expression, which no index serves, for a narrow filter (`narrow`) and for
    a sort whose index holds `is_open` after its key (`models.SORT_INDEXES`) or that reads the table in id
    order (编号): SQLite without statistics takes `is_open = ?` for a few rows and would read the list
    through an index led by `is_open` (下一个时限's, 更新时间's) and sort every listed case, for each
    statement of a walk."""
    conds: list[ColumnElement[bool]] = []
    expression = narrow(f) or (sort is not None and sort not in OPEN_LED_SORTS)
    is_open: ColumnElement[Any] = func.coalesce(Case.is_open, False) if expression else Case.is_open.expression
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
    if f.open_state in (OpenState.OPEN, OpenState.NEEDS_ACTION):
        conds.append(is_open.is_(True))
    elif f.open_state == OpenState.CLOSED:
        conds.append(is_open.is_(False))
    if f.open_state == OpenState.NEEDS_ACTION:
        # NOT IN, which no index serves: the open list's index stays the one read, each entry's status tested.
        conds.append(Case.status.not_in(sorted(s.value for s in SETTLED_STATUSES)))
    if f.order_id is not None:
        conds.append(Case.order_id == f.order_id)
    if f.case_ids is not None:
        conds.append(Case.id.in_(sorted(f.case_ids)))
    if f.responsible:
        conds.append(Case.responsible == f.responsible)
    if f.carrier is not None:  # NULL and "" are both "no courier", as the 统计 tab counts them
        conds.append(func.coalesce(Case.carrier, "") == f.carrier)
    if f.product is not None:
        key = func.coalesce(func.nullif(OrderItem.sku_code, ""), OrderItem.title)
        conds.append(Case.order_id.in_(select(OrderItem.order_id).where(key == f.product)))
    requested = func.coalesce(Case.requested_at, Case.created_at)  # as the 统计 tab counts them
    if f.requested_from is not None:
        conds.append(requested >= f.requested_from)
    if f.requested_before is not None:
        conds.append(requested < f.requested_before)
    return conds


def _listed(f: CaseFilter, sort: CaseSort, dialect: str, hits: SearchHits | None) -> Select[Any]:
    """The filtered cases, unordered (every sort key is on the case; a shop filter joins the orders)."""
    stmt = select(Case.id)
    if f.shop_id is not None:
        stmt = stmt.join(Order, Order.id == Case.order_id)
    conds = filter_conditions(f, dialect, hits=hits, sort=sort)
    return stmt.where(and_(*conds)) if conds else stmt


@dataclass(frozen=True, slots=True)
class _Anchor:
    position: int  # listed rows before the first row after `key`
    key: tuple[Any, ...] | None  # the sort key (value, ties ...) of the row before; None: the top


_Range = tuple[list[ColumnElement[bool]], list[Any], bool]  # WHERE terms, sort keys, likely short


class CasePages:
    """The case ids a filter lists in `order`, by position; remembers its anchors between reads (see
    the module's doc). Used by one thread at a time."""

    def __init__(self, f: CaseFilter, order: CaseOrder, hits: SearchHits | None = None,
                 spacing: int = ANCHOR_SPACING, reverse: bool = False) -> None:
        """`reverse`: the same listing read from its end (`ids` of the last row first): every key the other
        way and the empty values' range on the other side."""
        self._filter, self._order, self._hits, self._spacing = f, order, hits, spacing
        self._descending = order.descending != reverse
        self._backward: CasePages | None = None
        self._column: Any = SORT_COLUMNS[order.column]
        self._ties: list[Any] = ([] if order.column is CaseSort.ID
                                 else [Case.order_id, Case.id] if order.column in ORDER_SIDE_SORTS else [Case.id])
        self._nullable = bool(self._column.expression.nullable)
        self._empty_last = (order.descending or order.column is CaseSort.NEXT_DUE) != reverse
        self._base: Select[Any] | None = None
        plain = replace(f, open_state=OpenState.ALL) == CaseFilter() and f.open_state != OpenState.NEEDS_ACTION
        self._stride = WALK_STRIDE if plain else FILTERED_WALK_STRIDE
        self._anchors = [_Anchor(0, None)]
        self._positions = [0]

    def ids(self, session: Session, offset: int, limit: int | None, total: int | None = None) -> list[int]:
        """The ids from `offset`, `limit` of them (None: all). Given the listing's `total` (its count in the
        same load), a page in the lower half is read from the end, in the listing reversed: a jump to the
        bottom of a filtered list (a platform's open cases by 更新时间, whose walk reads a case row per entry)
        took 0.8–2.4 s CPU at a million cases, and is now a page near the top of the other way."""
        if total is not None and limit is not None and offset > total - offset - limit:
            end = min(offset + limit, total)
            if end <= offset:
                return []
            if self._backward is None:
                self._backward = CasePages(self._filter, self._order, self._hits, self._spacing, reverse=True)
            return self._backward.ids(session, total - end, end - offset)[::-1]
        anchor = self._anchor_above(session, offset)
        return self._read(session, anchor.key, offset - anchor.position, limit, [Case.id], scalars=True)

    @property
    def anchors(self) -> int:
        return len(self._anchors)

    def _anchor_above(self, session: Session, offset: int) -> _Anchor:
        """The anchor at or above `offset` less than `spacing` rows away, walked to from the nearest one
        above if need be (noting one every WALK_STRIDE spacings on the way, so that scrolling back up is a
        short walk too)."""
        i = bisect_right(self._positions, offset) - 1
        anchor, keys = self._anchors[i], [self._column, *self._ties]
        while offset - anchor.position >= self._spacing:
            step = min(offset - anchor.position, self._spacing * self._stride) // self._spacing * self._spacing
            found = self._read(session, anchor.key, step - 1, 1, keys)
            if not found:  # `offset` is past the end
                break
            anchor, i = _Anchor(anchor.position + step, tuple(found[0])), i + 1
            self._anchors.insert(i, anchor)
            self._positions.insert(i, anchor.position)
        return anchor

    def _read(self, session: Session, key: tuple[Any, ...] | None, skip: int, limit: int | None,
              columns: list[Any], scalars: bool = False) -> list[Any]:
        """`columns` of the rows after `key`, from `skip` on, range by range; a range that ends within
        the skip is counted (at most `skip` entries) and the rest is skipped in the next."""
        if self._base is None:
            self._base = _listed(self._filter, self._order.column, session.get_bind().dialect.name, self._hits)
        rows: list[Any] = []
        for conds, sort_keys, few in self._ranges(key):
            stmt = self._base.where(*conds).order_by(*(k.desc() if self._descending else k.asc()
                                                       for k in sort_keys))
            if skip and few:  # the key's ties: usually fewer than the skip, so counted first (one statement)
                passed = self._count(session, stmt, skip)
                if passed < skip:
                    skip -= passed
                    continue
            want = None if limit is None else limit - len(rows)
            result = session.execute(stmt.with_only_columns(*columns).offset(skip).limit(want))
            got: Sequence[Any] = result.scalars().all() if scalars else result.all()
            if skip and not got and not few:  # the range ended within the skip
                skip -= self._count(session, stmt, skip)
            else:
                rows.extend(got)
                skip = 0
            if limit is not None and len(rows) >= limit:
                break
        return rows

    @staticmethod
    def _count(session: Session, stmt: Select[Any], upto: int) -> int:
        return int(session.execute(select(func.count()).select_from(stmt.limit(upto).subquery())).scalar_one())

    def _ranges(self, key: tuple[Any, ...] | None) -> Iterator[_Range]:
        """The listing after the row whose sort key is `key` (None: all of it), as index ranges in order."""
        column, ties = self._column, self._ties
        # A narrow filter's cases are looked up and sorted (`narrow`): with the empty test on the column
        # itself SQLite took it for an index range to walk (a search sorted by 下一个时限 looked every open case
        # without a timer up for its order: 0.2–0.4 s a keystroke at 1,000,000 cases).
        tested = func.coalesce(column, null()) if narrow(self._filter) else column
        valued: _Range = ([tested.is_not(None)] if self._nullable else [], [column, *ties], False)
        empty: _Range = ([tested.is_(None)], ties, False)
        segments = [valued] if not self._nullable else [valued, empty] if self._empty_last else [empty, valued]
        if key is None:
            yield from segments
            return
        value, tie_values = key[0], key[1:]
        same: ColumnElement[bool] = column.is_(None) if value is None else column == value
        if len(ties) == 2:  # same value, the key's order's later cases and later orders: one index range
            order_id, case_id = tie_values
            later_case = Case.id < case_id if self._descending else Case.id > case_id
            yield [same, or_(ties[0] != order_id, later_case),
                   ties[0] <= order_id if self._descending else ties[0] >= order_id], [column, *ties], True
        elif ties:
            yield [same, self._after(ties[0], tie_values[0])], [column, *ties], True
        if value is not None:
            yield [self._after(column, value)], [column, *ties], False  # later values (never an empty one)
        if self._nullable and (value is None) != self._empty_last:
            yield segments[-1]  # the segment after the key's

    def _after(self, key: Any, value: Any) -> ColumnElement[bool]:
        return key < value if self._descending else key > value  # type: ignore[no-any-return]
