"""The 统计 dashboard's claims, in one read: the claims of the cases in scope (see `_claims_in_scope`),
grouped per courier and open state here, the open ones to chase, and what couriers paid by the goods of
the claims' orders (for the products figure). Claims are few (one per 15 cases in the benchmark): one
pass over them with Python sums instead of three reads that each looked every claim's case up again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import CarrierClaim, Case, ClaimEvidence, Order
from desktop_app.store.raw_reads import fetch_raw
from desktop_app.store.report_queries import ReportScope, case_conditions
from desktop_app.store.stored_values import stored_time


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    carrier: str  # "" when the claim names none
    is_open: bool
    count: int
    claimed_fen: int
    received_fen: int
    outstanding_fen: int


@dataclass(frozen=True, slots=True)
class AttentionClaim:
    """An open claim the dashboard lists: old, or missing what the courier will ask for."""

    id: int
    carrier: str | None
    order_no: str
    status: str
    created_at: datetime
    outstanding_fen: int
    is_old: bool
    evidence_missing: bool
    ticket_missing: bool


@dataclass(frozen=True, slots=True)
class ClaimFigures:
    groups: tuple[ClaimGroup, ...]
    attention: tuple[AttentionClaim, ...]  # oldest first
    received_by_goods: dict[str, int]  # what couriers paid on the claims in scope, by their order's goods


# Given the evidence files of some claims (claim id: stored paths), the claims that have one of them on
# this computer (services/evidence_files.claims_with_files: the store does not look at the disk).
FilesCheck = Callable[[Session, dict[int, list[str]]], set[int]]


_OUTSTANDING = case(
    (and_(CarrierClaim.is_open.is_(True),
          func.coalesce(CarrierClaim.claimed_fen, 0) > func.coalesce(CarrierClaim.received_fen, 0)),
     func.coalesce(CarrierClaim.claimed_fen, 0) - func.coalesce(CarrierClaim.received_fen, 0)),
    else_=0,
)


def _claims_in_scope(stmt: Select[*tuple[Any, ...]], scope: ReportScope) -> Select[*tuple[Any, ...]]:
    """Claims of cases in scope; a claim recorded without a case belongs to its order's cases in scope,
    or (an order without any case) to the day it was recorded, on the order's platform and shop.
    Claims are few: each looks up its case (or its order's cases) by index."""
    own = aliased(Case)
    of_order = aliased(Case)
    order_in_scope = exists().where(of_order.order_id == CarrierClaim.order_id, *case_conditions(scope, of_order))
    loose = [CarrierClaim.created_at >= scope.start, CarrierClaim.created_at < scope.end,
             ~exists().where(of_order.order_id == CarrierClaim.order_id)]
    if scope.platform:
        loose.append(Order.platform == scope.platform)
    if scope.shop_id is not None:
        loose.append(Order.shop_id == scope.shop_id)
    return (
        stmt.join(Order, Order.id == CarrierClaim.order_id)
        .outerjoin(own, own.id == CarrierClaim.case_id)
        .where(or_(
            and_(CarrierClaim.case_id.is_not(None), *case_conditions(scope, own)),
            and_(CarrierClaim.case_id.is_(None), or_(order_in_scope, and_(*loose))),
        ))
    )


def claim_figures(session: Session, scope: ReportScope, older_than: datetime, limit: int = 200,
                  files_check: FilesCheck | None = None) -> ClaimFigures:
    """The claims in scope per (courier, open); the open ones recorded before `older_than`, or without
    evidence files, or sent to the courier without its ticket number (oldest first, at most `limit`);
    and what couriers paid, by the goods of the claims' orders.

    With `files_check`, an open claim whose evidence rows name no file this computer has (deleted or
    moved by hand, a ledger restored without its data folder) is without evidence too, as its pane
    says; only the open claims' files are looked at."""
    return claim_figures_of(session, claim_rows(session, scope, older_than), limit, files_check)


def claim_rows(session: Session, scope: ReportScope, older_than: datetime) -> list[Any]:
    """The claims in scope, oldest first, with what `claim_figures_of` needs of each."""
    no_evidence = ~exists().where(ClaimEvidence.claim_id == CarrierClaim.id)
    no_ticket = and_(CarrierClaim.status != "draft", func.coalesce(CarrierClaim.ticket_no, "") == "")
    stmt = _claims_in_scope(select(
        CarrierClaim.id, CarrierClaim.carrier, CarrierClaim.is_open, func.coalesce(CarrierClaim.claimed_fen, 0),
        func.coalesce(CarrierClaim.received_fen, 0), _OUTSTANDING, CarrierClaim.created_at,
        CarrierClaim.created_at < older_than, no_evidence, no_ticket, CarrierClaim.status, Order.order_no, Order.goods,
    ).select_from(CarrierClaim), scope).order_by(CarrierClaim.created_at, CarrierClaim.id)  # oldest first
    return fetch_raw(session, stmt)


def claim_figures_of(session: Session, rows: list[Any], limit: int = 200,
                     files_check: FilesCheck | None = None) -> ClaimFigures:
    """The figures of `claim_rows` (see `claim_figures`; the evidence files are looked up on `session`)."""
    groups: dict[tuple[str, bool], list[int]] = {}
    chase: list[tuple[Any, ...]] = []
    unsure: list[tuple[Any, ...]] = []  # open claims listed for nothing yet: their files decide
    received_by_goods: dict[str, int] = {}
    for row in rows:
        _id, carrier, is_open, claimed, received, outstanding, _created, old, evidence, ticket, _s, _o, goods = row
        sums = groups.setdefault((carrier or "", bool(is_open)), [0, 0, 0, 0])
        sums[0] += 1
        sums[1] += int(claimed)
        sums[2] += int(received)
        sums[3] += int(outstanding)
        if goods:
            received_by_goods[goods] = received_by_goods.get(goods, 0) + int(received)
        if is_open and (old or evidence or ticket):
            chase.append(row)
        elif is_open and files_check is not None:
            unsure.append(row)
    if files_check is not None:
        chase = _files_gone(session, chase, unsure, files_check, limit)
    attention = tuple(
        AttentionClaim(int(claim_id), carrier, str(order_no), str(status), stored_time(created), int(outstanding),
                       bool(old), bool(evidence), bool(ticket))
        for claim_id, carrier, _open, _c, _r, outstanding, created, old, evidence, ticket, status, order_no, _g
        in chase[:limit])
    return ClaimFigures(
        tuple(ClaimGroup(carrier, is_open, *sums) for (carrier, is_open), sums in groups.items()),
        attention, received_by_goods)


_EVIDENCE = 8  # the row's "no evidence" flag (see `claim_figures`)


def _files_gone(session: Session, chase: list[tuple[Any, ...]], unsure: list[tuple[Any, ...]],
                files_check: FilesCheck, limit: int) -> list[tuple[Any, ...]]:
    """The claims to chase with their evidence flag as the disk has it: a claim whose evidence rows name
    no file left is flagged (and listed, when nothing else listed it). Of those listed anyway only the
    first `limit` are shown (a claim added can only move the others down), so only their files are
    looked at, with those of the claims nothing else lists."""
    rows = [row for row in chase[:limit] if not row[_EVIDENCE]] + unsure
    paths: dict[int, list[str]] = {}
    for ids in in_lists(sorted({int(row[0]) for row in rows})):
        stmt = select(ClaimEvidence.claim_id, ClaimEvidence.stored_path).where(ClaimEvidence.claim_id.in_(ids))
        for claim_id, stored_path in fetch_raw(session, stmt):
            paths.setdefault(int(claim_id), []).append(str(stored_path))
    if not paths:
        return chase
    kept = files_check(session, paths)
    gone = {claim_id for claim_id in paths if claim_id not in kept}
    flagged = [(*row[:_EVIDENCE], True, *row[_EVIDENCE + 1:]) if int(row[0]) in gone else row for row in chase]
    added = [(*row[:_EVIDENCE], True, *row[_EVIDENCE + 1:]) for row in unsure if int(row[0]) in gone]
    if added:  # oldest first again, as the read gave them (the stored time as read, then the id)
        return sorted(flagged + added, key=lambda row: (row[6], row[0]))
    return flagged
