"""The 统计 dashboard's figures, aggregated in SQL: a handful of GROUP BY queries over the cases of a
period, never a row per case into Python (100,000 cases in well under 300 ms, bench/bench_report.py).

The period filters on when the buyer asked (`cases.requested_at`); a case without that time counts by
when it was recorded. A claim belongs to the period of its case, or (without a case) to the day it
was recorded. Deadlines, products and couriers are those of the cases in scope; goods sold and
parcels shipped are the imported orders paid in the period. Money is integer fen.

Refunds and compensation count once the buyer was paid (`Case.paid_out`, see `core.case_costs`); what
open cases still ask for and were not paid is counted apart (`CaseGroup.pending_fen`, 待退款).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from desktop_app.core.case_costs import GOODS_RETURNED_KINDS, GOODS_SETTLED_KINDS
from desktop_app.core.vocabulary import CaseReason, ResponsibleParty
from desktop_app.store.models import CarrierClaim, Case, Deadline, Order
from desktop_app.store.order_sales import PARCELS, PIECES, goods_lines, month_sales, whole_months
from desktop_app.store.raw_reads import fetch_raw


@dataclass(frozen=True, slots=True)
class ReportScope:
    """Which cases a report covers: requested in [start, end), on a platform, in a shop."""

    start: datetime
    end: datetime
    platform: str | None = None
    shop_id: int | None = None


@dataclass(slots=True)  # not frozen: a frozen one cost 2.5× the time to build (2,640 a year, ≈ 8 ms)
class CaseGroup:
    """The cases in scope sharing kind, platform, reason and responsible party: how many, how many of
    them are open, their money in fen and their platform timers (from the copies on the case row)."""

    kind: str
    platform: str
    reason: str | None
    responsible: str | None
    count: int
    open: int = 0
    refund_fen: int = 0  # refunds paid (`Case.paid_out`)
    compensation_fen: int = 0  # compensation paid
    postage_fen: int = 0  # postage the shop paid
    written_off_fen: int = 0
    penalty_fen: int = 0
    penalised: int = 0  # cases with a penalty recorded
    met: int = 0
    missed: int = 0
    open_timers: int = 0
    overdue: int = 0  # open timers of cases whose every open timer is past the moment
    straddling: int = 0  # cases with open timers both before and after the moment (counted apart)
    resolved: int = 0  # cases with an action (their time to resolve is known)
    pending_fen: int = 0  # refund and compensation asked on open cases for money, not yet paid


@dataclass(frozen=True, slots=True)
class ProductLine:
    key: str  # 商家编码, or the title when the line has none
    title: str
    cases: int
    sold: int | None  # pieces of it in orders paid in the period; None when no order of it is imported
    # What the cases of orders holding it cost (see `case_cost`) and what couriers paid on the claims of
    # those orders, in fen: a case counts in full for each product of its order, like `cases`.
    cost_fen: int = 0
    received_fen: int = 0

    @property
    def net_loss_fen(self) -> int:
        return self.cost_fen - self.received_fen


@dataclass(frozen=True, slots=True)
class OrderLoss:
    """The cases of one order and their net loss, in fen."""

    cases: int
    cost_fen: int
    received_fen: int

    @property
    def net_loss_fen(self) -> int:
        return self.cost_fen - self.received_fen


def case_conditions(scope: ReportScope, cases: type[Case] | Any = Case) -> list[ColumnElement[bool]]:
    """The cases a scope covers (`cases`: the Case entity or an alias of it)."""
    # One scan of the cases table: faster than any index for a year (the dashboard's usual period) and
    # fast enough for a month; an index on the request time was slower for a year (measured).
    requested = func.coalesce(cases.requested_at, cases.created_at)
    return [requested >= scope.start, requested < scope.end, *scope_filters(scope, cases)]


def scope_filters(scope: ReportScope, cases: type[Case] | Any = Case) -> list[ColumnElement[bool]]:
    """The scope's platform and shop, without its period (the penalties' period is their due time)."""
    conds: list[ColumnElement[bool]] = []
    if scope.platform:
        conds.append(cases.platform == scope.platform)
    if scope.shop_id is not None:
        conds.append(cases.order_id.in_(select(Order.id).where(Order.shop_id == scope.shop_id)))
    return conds


def _sum(column: Any) -> ColumnElement[int]:
    return func.coalesce(func.sum(column), 0)


_MERCHANT = ResponsibleParty.MERCHANT.value
_RETURNED = sorted(k.value for k in GOODS_RETURNED_KINDS)
_GOODS_SETTLED = sorted(k.value for k in GOODS_SETTLED_KINDS)


def case_groups(session: Session, scope: ReportScope,
                moment: datetime) -> tuple[list[CaseGroup], dict[str, list[int]]]:
    """The case groups of a scope and the times to resolve per platform (`case_group_rows`)."""
    return case_groups_of(case_group_rows(session, scope, moment))


def case_group_rows(session: Session, scope: ReportScope, moment: datetime,
                    where: list[ColumnElement[bool]] | None = None) -> list[Any]:
    """The one pass over the cases of a period: counts, money and timers per (platform, kind, reason,
    responsible), read from `ix_cases_report` alone, already in group order (open and closed cases in
    one group: half the groups of the index's five keys, ~2,600 for a year of the benchmark); and per
    platform, the seconds from the request to the last action of every finished case, sorted (the
    medians need the values). A case whose last step is dated at its request has no known time to
    resolve and is left out: an after-sales export that says a request was closed or refused without its
    end time (退款完结时间) has that step dated at the request (`case_import_shared.StepTimes`); counted, those
    made the median of a platform's exports 0.0 h. `where`: other conditions than the scope's (the part-months
    of `store.case_months`)."""
    keys = (Case.platform, Case.kind, Case.reason, Case.responsible)
    # A finished case with a known time to resolve. (`IS NOT true`, not `IS false`: SQLite
    # took `ix_cases_is_open_next_due_at` for the latter.)
    finished = and_(Case.is_open.is_not(True), Case.resolve_seconds > 0)
    back_paid = case(
        (or_(Case.postage_back_payer.is_(None), Case.postage_back_payer == _MERCHANT), Case.postage_back_fen),
        else_=None,
    )
    paid = Case.paid_out.is_(True)
    # Asked and not paid: open, and a request for money (a reship's or exchange's amount is not owed).
    pending = and_(Case.is_open.is_(True), Case.paid_out.is_not(True), Case.kind.not_in(_GOODS_SETTLED))
    stmt = select(
        *keys, func.count(), func.count(case((Case.is_open.is_(True), 1), else_=None)),
        _sum(case((paid, Case.refund_fen), else_=None)), _sum(case((paid, Case.compensation_fen), else_=None)),
        _sum(Case.postage_out_fen) + _sum(back_paid), _sum(Case.written_off_fen), _sum(Case.penalty_fen),
        func.count(Case.penalty_fen),
        _sum(Case.met_timers), _sum(Case.missed_timers), _sum(Case.open_timers),
        _sum(case((Case.open_due_last < moment, Case.open_timers), else_=None)),
        func.count(case((and_(Case.open_due_first < moment, Case.open_due_last >= moment), 1), else_=None)),
        func.count(Case.resolve_seconds),
        _sum(case((pending, func.coalesce(Case.refund_fen, 0) + func.coalesce(Case.compensation_fen, 0)), else_=None)),
        # In the same pass rather than a pass of its own: +15 ms here, −30–40 ms there (bench_report.py).
        func.aggregate_strings(cast(case((finished, Case.resolve_seconds), else_=None), String), ","),
    ).where(*(case_conditions(scope) if where is None else where)).group_by(*keys)
    return fetch_raw(session, stmt)


def case_groups_of(rows: list[Any]) -> tuple[list[CaseGroup], dict[str, list[int]]]:
    """The groups of `case_group_rows`, and the sorted times to resolve per platform."""
    groups: list[CaseGroup] = []
    texts: dict[str, list[str]] = {}
    for platform, kind, reason, responsible, *figures, resolve in rows:
        groups.append(CaseGroup(str(kind), str(platform), reason, responsible, *map(int, figures)))
        if resolve is not None:
            texts.setdefault(str(platform), []).append(str(resolve))
    # One split per platform, not per group: 59,000 values a year in a few large strings.
    seconds = {platform: sorted(map(int, ",".join(parts).split(","))) for platform, parts in texts.items()}
    return groups, seconds


_LOST = sorted(r.value for r in (CaseReason.LOST, CaseReason.SIGNED_NOT_RECEIVED))
_DAMAGED = CaseReason.DAMAGED.value


def carrier_cases(session: Session, scope: ReportScope) -> dict[str, tuple[int, int, int]]:
    """Per courier of the cases' orders ("" for none): the cases in scope, how many were lost (or signed
    for but not received) and how many damaged (`ix_cases_carrier` alone, in courier order: grouped by
    the column itself, not by "" for none, which made SQLite sort the period's cases again)."""
    stmt = (
        select(Case.carrier, func.count(), func.count(case((Case.reason.in_(_LOST), 1), else_=None)),
               func.count(case((Case.reason == _DAMAGED, 1), else_=None)))
        .where(*case_conditions(scope)).group_by(Case.carrier)
    )
    found: dict[str, tuple[int, int, int]] = {}
    for carrier, n, lost, damaged in fetch_raw(session, stmt):
        before = found.get(carrier or "", (0, 0, 0))  # NULL and "" are both "no courier"
        found[carrier or ""] = (before[0] + int(n), before[1] + int(lost), before[2] + int(damaged))
    return found


def case_cost(cases: type[Case] | Any = Case) -> ColumnElement[int]:
    """A case's net loss before courier payouts, in SQL (`core.case_costs.net_loss_fen`): the refund paid
    unless the goods came back, compensation paid, the postage the shop paid, goods written off, penalty."""
    back_paid = case(
        (or_(cases.postage_back_payer.is_(None), cases.postage_back_payer == _MERCHANT),
         func.coalesce(cases.postage_back_fen, 0)),
        else_=0,
    )
    paid = cases.paid_out.is_(True)
    refund = case((and_(paid, cases.kind.not_in(_RETURNED)), func.coalesce(cases.refund_fen, 0)), else_=0)
    compensation = case((paid, func.coalesce(cases.compensation_fen, 0)), else_=0)
    return (refund + compensation + func.coalesce(cases.postage_out_fen, 0) + back_paid
            + func.coalesce(cases.written_off_fen, 0) + func.coalesce(cases.penalty_fen, 0))


def order_loss(session: Session, order_id: int) -> OrderLoss:
    """Every case of one order, what they cost, and what couriers paid on the order's claims."""
    cases, cost = session.execute(
        select(func.count(Case.id), _sum(case_cost())).where(Case.order_id == order_id)).one()
    received = session.execute(
        select(_sum(CarrierClaim.received_fen)).where(CarrierClaim.order_id == order_id)).scalar_one()
    return OrderLoss(int(cases), int(cost), int(received))


# --- timeliness ---------------------------------------------------------------------------------


def straddling_overdue(session: Session, scope: ReportScope, moment: datetime) -> dict[str, int]:
    """Per platform, the overdue open timers of the cases in scope whose open timers fall on both sides
    of the moment (the case row's counts cannot tell how many of theirs are past it): those cases from
    `ix_cases_report`, then their deadlines by case."""
    platforms = dict(fetch_raw(session, select(Case.id, Case.platform).where(
        *case_conditions(scope), Case.open_due_first < moment, Case.open_due_last >= moment)))
    found: dict[str, int] = {}
    ids = sorted(platforms)
    for start in range(0, len(ids), 500):
        stmt = (
            select(Deadline.case_id, func.count())
            .where(Deadline.case_id.in_(ids[start:start + 500]), Deadline.claim_id.is_(None),
                   Deadline.status == "open", Deadline.due_at < moment, Deadline.automatic.is_(False),
                   Deadline.met_at.is_(None))
            .group_by(Deadline.case_id)
        )
        for case_id, n in session.execute(stmt).all():
            platform = str(platforms[case_id])
            found[platform] = found.get(platform, 0) + int(n)
    return found


# --- products and couriers ----------------------------------------------------------------------


def _paid_in(scope: ReportScope, start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The orders paid in [start, end) (only imports carry a payment time), on the platform and in the
    shop asked for: `ix_orders_paid_report` answers alone."""
    conds: list[ColumnElement[bool]] = [Order.paid_at >= start, Order.paid_at < end]
    if scope.platform:
        conds.append(Order.platform == scope.platform)
    if scope.shop_id is not None:
        conds.append(Order.shop_id == scope.shop_id)
    return conds


def product_lines(session: Session, scope: ReportScope, received_by_goods: dict[str, int],
                  limit: int = 20) -> list[ProductLine]:
    """The products whose orders had the most cases, and what couriers paid on them (see `top_products`
    and `with_received`)."""
    return with_received(top_products(session, scope, limit), received_by_goods)


def top_products(session: Session, scope: ReportScope, limit: int = 20) -> list[ProductLine]:
    """The products whose orders had the most cases (a case counts once for each line of its order),
    their cost and pieces sold; nothing yet of what couriers paid (`with_received`: the claims are read
    beside this)."""
    return top_products_of(session, scope, goods_rows(session, scope), limit)


def goods_rows(session: Session, scope: ReportScope) -> list[Any]:
    """The cases of the period grouped by their order's `goods` (`ix_cases_goods` alone, in index order):
    the goods string, the cases and what they cost. Each distinct string is split into its lines by
    `top_products_of`: a few thousand groups instead of a join of every case to its order lines and a
    sort of those."""
    stmt = (
        select(Case.goods, func.count(), _sum(case_cost()))
        .where(*case_conditions(scope), Case.goods.is_not(None), Case.goods != literal(""))
        .group_by(Case.goods)
    )
    return fetch_raw(session, stmt)


def recent_goods(session: Session, since: datetime, limit: int) -> list[str]:
    """The distinct `goods` strings of the cases requested since `since`, at most `limit` of them
    (`ix_cases_goods` alone, as `goods_rows` reads it)."""
    stmt = (
        select(Case.goods)
        .where(func.coalesce(Case.requested_at, Case.created_at) >= since, Case.goods.is_not(None),
               Case.goods != literal(""))
        .group_by(Case.goods)
        .limit(limit)
    )
    return [goods for goods, in fetch_raw(session, stmt)]


def top_products_of(session: Session, scope: ReportScope, rows: list[Any], limit: int = 20,
                    products: dict[str, list[Any]] | None = None) -> list[ProductLine]:
    """The top products of `goods_rows` and of `products` already summed (`store.product_months`: product →
    [cases, cost, least title]), with their pieces sold (read on `session`)."""
    found: dict[str, list[Any]] = {k: list(v) for k, v in (products or {}).items()}  # product: [cases, cost, title]
    for goods, n, fen in rows:
        for product, title in _products_of(goods).items():
            figures = found.get(product)
            if figures is None:
                found[product] = [n, fen, title]
            else:
                figures[0] += n
                figures[1] += fen
                if title < figures[2]:
                    figures[2] = title
    top = sorted(found, key=lambda k: (-found[k][0], k))[:limit]
    if not top:
        return []
    sold = pieces_sold(session, scope, set(top))
    return [ProductLine(k, found[k][2], found[k][0], sold.get(k), found[k][1]) for k in top]


def _products_of(goods: str) -> dict[str, str]:
    """The products of an order's goods, each once (with its least title): two lines of one product (two colours
    under one 商家编码, two sizes of one title without a code) are one product its cases count for once."""
    products: dict[str, str] = {}
    for product, title, _quantity in goods_lines(goods):
        products[product] = min(products.get(product, title), title)
    return products


def with_received(lines: list[ProductLine], received_by_goods: dict[str, int]) -> list[ProductLine]:
    """The products with what couriers paid on them (`received_by_goods`: the claims in scope by their
    order's goods, each line of the order counting the claim's payout, as the cases do)."""
    wanted = {line.key for line in lines}
    received: dict[str, int] = {}
    for goods, fen in received_by_goods.items():
        for product in _products_of(goods):
            if product in wanted:
                received[product] = received.get(product, 0) + fen
    return [replace(line, received_fen=received.get(line.key, 0)) for line in lines]


def pieces_sold(session: Session, scope: ReportScope, keys: set[str]) -> dict[str, int]:
    """Pieces of these products in the orders paid in the period (a product no such order holds is left
    out): the whole China months from `order_sales`, the rest of the period from the orders paid in it
    grouped by `goods` (`ix_orders_paid_report` alone)."""
    months, edges = whole_months(scope.start, scope.end)
    sold = {k: n for k, n in month_sales(session, months, PIECES, scope.platform, scope.shop_id).items() if k in keys}
    for start, end in edges:
        stmt = (select(Order.goods, func.count()).where(*_paid_in(scope, start, end), Order.goods.is_not(None))
                .group_by(Order.goods))
        for goods, n in fetch_raw(session, stmt):
            for key, _title, quantity in goods_lines(goods):
                if key in keys:
                    sold[key] = sold.get(key, 0) + n * quantity
    return sold


def parcels_by_carrier(session: Session, scope: ReportScope) -> dict[str, int]:
    """Per courier, the orders paid in the period shipped with it: the whole China months from
    `order_sales`, the rest from the orders (`ix_orders_paid_report` alone)."""
    months, edges = whole_months(scope.start, scope.end)
    parcels = month_sales(session, months, PARCELS, scope.platform, scope.shop_id)
    for start, end in edges:
        stmt = (
            select(Order.carrier, func.count())
            .where(*_paid_in(scope, start, end), Order.carrier.is_not(None), Order.carrier != literal(""))
            .group_by(Order.carrier)
        )
        for carrier, n in fetch_raw(session, stmt):
            parcels[str(carrier)] = parcels.get(str(carrier), 0) + int(n)
    return parcels


def case_received_fen(session: Session, case_id: int) -> int:
    """What couriers paid on the claims of one case, and on claims recorded for its order without a case when it
    is the order's first case: an order of two cases subtracted such a claim's payout from both, so the cases'
    net losses added up to less than the order's."""
    order_id = select(Case.order_id).where(Case.id == case_id).scalar_subquery()
    first = select(func.min(Case.id)).where(Case.order_id == order_id).scalar_subquery()
    stmt = select(_sum(CarrierClaim.received_fen)).where(or_(
        CarrierClaim.case_id == case_id,
        and_(CarrierClaim.case_id.is_(None), CarrierClaim.order_id == order_id, first == case_id)))
    return int(session.execute(stmt).scalar_one())
