"""Plain rows about courier claims: the claims table, its totals, and one claim in full.

`ClaimDetail` is a contract with the statement document: keep its field names stable. Status and
incident are the stable ids of `core.claims.ClaimStatus` / `ClaimIncident` (their `.label` is the
Chinese name); money is integer fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.carriers import vocabulary as carrier_vocabulary
from desktop_app.core.claim_escalation import ClaimFacts, Holding, NextStep, escalation_rules, has_delivery_details
from desktop_app.core.claims import ClaimStatus
from desktop_app.core.clock import CHINA
from desktop_app.core.errors import NotFound
from desktop_app.store.case_queries import OpenState, event_rows, order_detail
from desktop_app.store.models import AuditEvent, CarrierClaim, ClaimEvidence, ClaimItem, Order, Reship
from desktop_app.store.rows import EventRow, OrderItemRow, OrderRow


@dataclass(frozen=True, slots=True)
class ClaimItemRow:
    title: str
    spec: str | None
    quantity: int
    unit_price_fen: int | None
    claimed_fen: int | None


@dataclass(frozen=True, slots=True)
class ClaimEvidenceRow:
    id: int
    stored_path: str  # relative to the data folder
    original_name: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimPayoutRow:
    id: int
    amount_fen: int
    paid_at: datetime
    channel: str | None  # a core.claims.PayoutChannel id
    note: str | None


@dataclass(frozen=True, slots=True)
class ClaimDetail:
    """Everything about one claim: what the claims tab's detail pane and the statement show."""

    id: int
    status: str
    incident: str
    description: str | None
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    claimed_fen: int | None
    declared_fen: int | None
    received_fen: int | None
    items: tuple[ClaimItemRow, ...]
    order: OrderRow
    case_id: int | None
    reship_case_id: int | None
    reship_id: int | None = None
    is_open: bool = True
    submitted_at: datetime | None = None
    follow_up_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    order_items: tuple[OrderItemRow, ...] = ()
    evidence: tuple[ClaimEvidenceRow, ...] = ()
    events: tuple[EventRow, ...] = ()
    # What the courier asks for (migration 0005_money); contact_level is a core.claims.ClaimContactLevel id.
    ticket_no: str | None = None
    contact_level: str | None = None
    contact: str | None = None
    reported_at: datetime | None = None
    payouts: tuple[ClaimPayoutRow, ...] = ()
    # The next step on the escalation path (resources/claim_escalation.toml) and what the ledger holds
    # of the documents steps ask for; None when the claim is finished.
    escalation: NextStep | None = None
    holding: frozenset[Holding] = frozenset()


def claim_events(session: Session, claim_id: int) -> tuple[EventRow, ...]:
    return event_rows(session, AuditEvent.subject == "claim", AuditEvent.subject_id == claim_id)


def claim_detail(session: Session, claim_id: int) -> ClaimDetail:
    """One claim with its items, its order (receiver, phone, address, amount paid ...) and history."""
    claim = session.get(CarrierClaim, claim_id)
    if claim is None:
        raise NotFound(msg.say(msg.NO_CLAIM, claim_id))
    reship_case_id = None
    if claim.reship_id is not None:
        reship = session.get(Reship, claim.reship_id)
        reship_case_id = reship.case_id if reship is not None else None
    order = order_detail(session, claim.order_id)
    events = claim_events(session, claim.id)
    holding = _holding(claim.ticket_no, claim.reported_at, claim.contact, bool(claim.evidence), claim.tracking_no,
                       bool(claim.items) and bool(claim.claimed_fen),
                       has_delivery_details(order.order.receiver, order.order.phone, order.order.address))
    in_force = [e for e in events if e.undone_by is None and e.kind != "undo"]  # a step taken back never happened
    entered = [e.at for e in in_force if e.to_state == claim.status]
    facts = None if claim.status not in _KNOWN else ClaimFacts(
        status=ClaimStatus(claim.status), created_at=claim.created_at, entered_at=max(entered) if entered else None,
        reached=_statuses(e.to_state for e in in_force), reported_at=claim.reported_at,
        submitted_at=claim.submitted_at, holding=holding,
    )
    return ClaimDetail(
        id=claim.id, status=claim.status, incident=claim.incident, description=claim.description,
        carrier=claim.carrier, tracking_no=claim.tracking_no, shipped_at=claim.shipped_at,
        claimed_fen=claim.claimed_fen, declared_fen=claim.declared_fen, received_fen=claim.received_fen,
        items=tuple(
            ClaimItemRow(i.title, i.spec, i.quantity, i.unit_price_fen, i.claimed_fen) for i in claim.items
        ),
        order=order.order, case_id=claim.case_id, reship_case_id=reship_case_id, reship_id=claim.reship_id,
        is_open=claim.is_open, submitted_at=claim.submitted_at, follow_up_at=claim.follow_up_at,
        closed_at=claim.closed_at, created_at=claim.created_at, updated_at=claim.updated_at,
        version=claim.version, order_items=order.items,
        evidence=tuple(
            ClaimEvidenceRow(e.id, e.stored_path, e.original_name, e.added_at) for e in claim.evidence
        ),
        events=events,
        ticket_no=claim.ticket_no, contact_level=claim.contact_level, contact=claim.contact,
        reported_at=claim.reported_at,
        payouts=tuple(ClaimPayoutRow(p.id, p.amount_fen, p.paid_at, p.channel, p.note) for p in claim.payouts),
        escalation=escalation_rules().next_step(facts) if facts and claim.is_open else None, holding=holding,
    )


def _holding(ticket_no: str | None, reported_at: datetime | None, contact: str | None, evidence: bool,
             tracking_no: str | None, statement: bool, delivery: bool) -> frozenset[Holding]:
    """What the claim already holds of the documents escalation steps ask for."""
    present = {
        Holding.TICKET_NO: bool((ticket_no or "").strip()), Holding.REPORTED_AT: reported_at is not None,
        Holding.CONTACT: bool((contact or "").strip()), Holding.EVIDENCE: evidence,
        Holding.TRACKING_NO: bool((tracking_no or "").strip()), Holding.STATEMENT: statement,
        Holding.RECEIVER: delivery,
    }
    return frozenset(h for h, there in present.items() if there)


_KNOWN = frozenset(s.value for s in ClaimStatus)


def _statuses(values: Iterable[str | None]) -> frozenset[ClaimStatus]:
    """Claim statuses among stored ids (one written by a newer version is left out)."""
    return frozenset(ClaimStatus(v) for v in values if v in _KNOWN)


# --- the claims table -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One line of the claims table."""

    id: int
    platform: str
    order_no: str
    receiver: str | None
    carrier: str | None
    tracking_no: str | None
    incident: str
    status: str
    is_open: bool
    claimed_fen: int | None
    received_fen: int | None
    outstanding_fen: int
    follow_up_at: datetime | None
    case_id: int | None
    reship_id: int | None
    created_at: datetime
    updated_at: datetime
    # Filled by `list_claims` from the claim's history and details (see ClaimDetail).
    escalation: NextStep | None = None
    holding: frozenset[Holding] = frozenset()


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    carrier: str | None = None
    status: str | None = None
    open_state: OpenState = OpenState.ALL
    # Only open claims whose follow-up falls on or before this moment (the end of today, usually).
    follow_up_by: datetime | None = None
    order_id: int | None = None
    case_id: int | None = None
    ids: frozenset[int] = field(default_factory=frozenset)
    # Ctrl+F in the 快递理赔 tab: part of a tracking, ticket or order number, the buyer, or "#12" (the claim).
    search: str = ""


def end_of_china_day(moment: datetime) -> datetime:
    """The first moment of the next China-time day: 'due today' means due before it."""
    day = moment.astimezone(CHINA).date() + timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=CHINA)


def _conditions(f: ClaimFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.carrier == "":
        conds.append(func.coalesce(CarrierClaim.carrier, "") == "")
    elif f.carrier is not None:  # every spelling of the carrier (rows stored before the vocabulary)
        conds.append(CarrierClaim.carrier.in_(carrier_vocabulary().spellings(f.carrier)))
    if f.status:
        conds.append(CarrierClaim.status == f.status)
    if f.open_state == OpenState.OPEN:
        conds.append(CarrierClaim.is_open.is_(True))
    elif f.open_state == OpenState.CLOSED:
        conds.append(CarrierClaim.is_open.is_(False))
    if f.follow_up_by is not None:
        conds.append(CarrierClaim.is_open.is_(True))
        conds.append(CarrierClaim.follow_up_at < f.follow_up_by)
    if f.order_id is not None:
        conds.append(CarrierClaim.order_id == f.order_id)
    if f.case_id is not None:
        conds.append(CarrierClaim.case_id == f.case_id)
    if f.ids:
        conds.append(CarrierClaim.id.in_(sorted(f.ids)))
    if f.search.strip():
        conds.append(_searched(f.search.strip()))
    return conds


def _searched(text: str) -> ColumnElement[bool]:
    """A claim whose numbers or buyer contain the text (the order's columns through a subquery: the totals
    read has no join to orders)."""
    of_order = select(Order.id).where(or_(Order.order_no.icontains(text, autoescape=True),
                                          Order.receiver.icontains(text, autoescape=True)))
    found = [CarrierClaim.tracking_no.icontains(text, autoescape=True),
             CarrierClaim.ticket_no.icontains(text, autoescape=True), CarrierClaim.order_id.in_(of_order)]
    number = text.lstrip("#")
    if number.isdigit() and len(number) <= 9:  # a claim's own number (longer digits: a tracking number)
        found.append(CarrierClaim.id == int(number))
    return or_(*found)


# 待追回: what an open claim still waits for; a closed one accepted what it got.
_OUTSTANDING = case(
    (and_(CarrierClaim.is_open.is_(True),
          func.coalesce(CarrierClaim.claimed_fen, 0) > func.coalesce(CarrierClaim.received_fen, 0)),
     func.coalesce(CarrierClaim.claimed_fen, 0) - func.coalesce(CarrierClaim.received_fen, 0)),
    else_=0,
)


def list_claims(session: Session, f: ClaimFilter, limit: int | None = None) -> list[ClaimRow]:
    """Claims matching the filter, open ones with the nearest follow-up first, then newest first."""
    stmt = (
        select(
            CarrierClaim.id, Order.platform, Order.order_no, Order.receiver, CarrierClaim.carrier,
            CarrierClaim.tracking_no, CarrierClaim.incident, CarrierClaim.status, CarrierClaim.is_open,
            CarrierClaim.claimed_fen, CarrierClaim.received_fen, _OUTSTANDING, CarrierClaim.follow_up_at,
            CarrierClaim.case_id, CarrierClaim.reship_id, CarrierClaim.created_at, CarrierClaim.updated_at,
            CarrierClaim.ticket_no, CarrierClaim.reported_at, CarrierClaim.contact, CarrierClaim.submitted_at,
            exists().where(ClaimEvidence.claim_id == CarrierClaim.id),
            exists().where(ClaimItem.claim_id == CarrierClaim.id), Order.phone, Order.address,
        )
        .join(Order, Order.id == CarrierClaim.order_id)
        .order_by(
            CarrierClaim.is_open.desc(), CarrierClaim.follow_up_at.is_(None).asc(), CarrierClaim.follow_up_at.asc(),
            CarrierClaim.id.desc(),
        )
    )
    conds = _conditions(f)
    if conds:
        stmt = stmt.where(and_(*conds))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows: list[ClaimRow] = []
    facts: dict[int, ClaimFacts] = {}
    for r in session.execute(stmt).all():
        ticket_no, reported_at, contact, submitted_at, evidence, items, phone, address = tuple(r)[17:]
        row = ClaimRow(*tuple(r)[:17])
        holding = _holding(ticket_no, reported_at, contact, bool(evidence), row.tracking_no,
                           bool(items) and bool(row.claimed_fen), has_delivery_details(row.receiver, phone, address))
        rows.append(replace(row, holding=holding))
        if row.is_open and row.status in _KNOWN:
            facts[row.id] = ClaimFacts(
                status=ClaimStatus(row.status), created_at=row.created_at, entered_at=None,
                reported_at=reported_at, submitted_at=submitted_at, holding=holding)
    return _with_escalation(session, rows, facts)


def _with_escalation(session: Session, rows: list[ClaimRow], facts: dict[int, ClaimFacts]) -> list[ClaimRow]:
    """Each open row's next step: when it entered its status and which statuses it reached come from
    its history (one grouped read of the claims' events; claims are hundreds, not millions)."""
    history: dict[int, dict[str, datetime]] = {}
    ids = sorted(facts)
    for start in range(0, len(ids), 500):
        stmt = (
            select(AuditEvent.subject_id, AuditEvent.to_state, func.max(AuditEvent.at))
            .where(AuditEvent.subject == "claim", AuditEvent.subject_id.in_(ids[start:start + 500]),
                   AuditEvent.to_state.is_not(None), AuditEvent.undone_by.is_(None), AuditEvent.kind != "undo")
            .group_by(AuditEvent.subject_id, AuditEvent.to_state)
        )
        for claim_id, state, at in session.execute(stmt).all():
            history.setdefault(int(claim_id), {})[str(state)] = at
    rules = escalation_rules()
    out = []
    for row in rows:
        known = facts.get(row.id)
        if known is None:
            out.append(row)
            continue
        seen = history.get(row.id, {})
        step = rules.next_step(replace(known, entered_at=seen.get(row.status), reached=_statuses(seen)))
        out.append(replace(row, escalation=step))
    return out


@dataclass(frozen=True, slots=True)
class ClaimSums:
    """已申请 / 已到账 / 待追回 over a set of claims, in fen."""

    count: int = 0
    claimed_fen: int = 0
    received_fen: int = 0
    outstanding_fen: int = 0


@dataclass(frozen=True, slots=True)
class CarrierSubtotal:
    carrier: str  # "" for claims without a carrier
    sums: ClaimSums


@dataclass(frozen=True, slots=True)
class ClaimTotals:
    total: ClaimSums
    by_carrier: tuple[CarrierSubtotal, ...]


def claim_totals(session: Session, f: ClaimFilter) -> ClaimTotals:
    """Totals of the claims the filter lists, and per carrier (largest amount to recover first)."""
    carrier = func.coalesce(CarrierClaim.carrier, "")
    stmt = select(
        carrier, func.count(CarrierClaim.id), func.coalesce(func.sum(CarrierClaim.claimed_fen), 0),
        func.coalesce(func.sum(CarrierClaim.received_fen), 0), func.coalesce(func.sum(_OUTSTANDING), 0),
    ).group_by(carrier)
    conds = _conditions(f)
    if conds:
        stmt = stmt.where(and_(*conds))
    # One line per carrier, whatever spelling a row was stored with (顺丰 and 顺丰速运 are one carrier).
    folded: dict[str, list[int]] = {}
    for name, n, claimed, received, outstanding in session.execute(stmt).all():
        sums = folded.setdefault(carrier_vocabulary().canonical(str(name)) or "", [0, 0, 0, 0])
        for i, value in enumerate((n, claimed, received, outstanding)):
            sums[i] += int(value)
    subtotals = [CarrierSubtotal(name, ClaimSums(*sums)) for name, sums in folded.items()]
    subtotals.sort(key=lambda s: (-s.sums.outstanding_fen, -s.sums.claimed_fen, s.carrier))
    total = ClaimSums(
        sum(s.sums.count for s in subtotals), sum(s.sums.claimed_fen for s in subtotals),
        sum(s.sums.received_fen for s in subtotals), sum(s.sums.outstanding_fen for s in subtotals),
    )
    return ClaimTotals(total, tuple(subtotals))


def claim_carriers(session: Session) -> list[str]:
    """The carriers claims were made against, for the filter box."""
    stmt = select(CarrierClaim.carrier).where(CarrierClaim.carrier.is_not(None)).distinct()
    names = {carrier_vocabulary().canonical(str(c)) for c in session.execute(stmt).scalars()}
    return sorted(n for n in names if n)


@dataclass(frozen=True, slots=True)
class OpenClaimOfParcel:
    id: int
    status: str
    claimed_fen: int | None


def open_claim_of_parcel(session: Session, order_id: int, tracking_no: str | None) -> OpenClaimOfParcel | None:
    """The oldest open claim for this parcel: its tracking number, or the order's claims without one."""
    parcel = CarrierClaim.tracking_no == tracking_no if tracking_no else and_(
        CarrierClaim.order_id == order_id, CarrierClaim.tracking_no.is_(None))
    found = session.execute(select(CarrierClaim.id, CarrierClaim.status, CarrierClaim.claimed_fen)
                            .where(CarrierClaim.is_open.is_(True), parcel)
                            .order_by(CarrierClaim.id).limit(1)).first()
    return None if found is None else OpenClaimOfParcel(*found)

