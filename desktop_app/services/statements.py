"""Goods value statements read from the ledger: for claims (a batch), for one order, or for the cases
selected in the Cases or Reship tab (each case's claim if it has one, else its order).

Shared by the statement dialog and the `statement` command: the shop profile, the claim or order,
the seal's file, today's date in China — turned into `GoodsValueStatement`s ready to render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import now
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.statement import (
    GoodsValueStatement,
    ShopProfile,
    TypedPrices,
    statement_for_claim,
    statement_for_order,
    with_typed_prices,
)
from desktop_app.core.vocabulary import CaseReason, Platform, family_members
from desktop_app.services.case_writes import clean_order_no
from desktop_app.services.evidence_files import local_file
from desktop_app.services.shop_profile import profile_for_shop
from desktop_app.store.case_queries import order_detail
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database
from desktop_app.store.models import Case
from desktop_app.store.order_lookups import orders_numbered
from desktop_app.store.statement_sources import case_statement_facts, shop_of_claim, shop_of_order

MAX_BATCH = 2000  # one PDF for a courier branch; more than this is a mistake, not a batch


@dataclass(frozen=True, slots=True)
class StatementRequest:
    """Which statements to make: claims (one page each), orders without a claim, or cases (each by
    its latest claim, else by its order, what happened taken from the case: see `case_sources`)."""

    claim_ids: tuple[int, ...] = ()
    order_ids: tuple[int, ...] = ()
    case_ids: tuple[int, ...] = ()
    # For order statements only: what happened, typed by the user (a claim carries its own).
    incident: str = ""
    description: str = ""
    # Unit prices (fen) the user gives for this statement to goods the ledger has no price for (an order
    # known only from an after-sales export, and a claim for its goods): by title, "" for every such
    # item. Never stored.
    unit_prices: TypedPrices = ()

    def __post_init__(self) -> None:
        if not self.claim_ids and not self.order_ids and not self.case_ids:
            raise UserError("请选择要生成货值说明的理赔、订单或售后单")
        if len(self.claim_ids) + len(self.order_ids) + len(self.case_ids) > MAX_BATCH:
            raise UserError(msg.say(msg.STATEMENTS_AT_ONCE, MAX_BATCH))


def incident_label(value: str) -> str:
    try:
        return ClaimIncident(value).label
    except ValueError:  # an incident written by a newer version: show its id rather than fail
        return value


def find_order_id(session: Session, order_no: str, platform: Platform | None = None) -> int:
    """The order with this number; with several platforms sharing it, `platform` must choose."""
    number = clean_order_no(order_no)
    # Taobao and Tmall share one numbering (services.cases.order_key): either finds the other.
    rows = orders_numbered(session, number, family_members(platform) if platform is not None else None)
    if not rows:
        raise NotFound(msg.say(msg.NO_ORDER_ON, platform.label, number) if platform is not None
                       else msg.say(msg.NO_ORDER_ANYWHERE, number))
    if len(rows) > 1:
        names = "、".join(sorted({f"{p}（{Platform(p).label}）" for _id, p in rows}))
        raise UserError(f"订单号 {number} 在多个平台都有（{names}），请用 --platform 指定平台")
    return int(rows[0][0])


@dataclass(frozen=True, slots=True)
class CaseSource:
    """What a case's statement is made from: its latest carrier claim, else its order; or why none."""

    case_id: int
    claim_id: int | None = None
    order_id: int | None = None
    why_not: str | None = None

    @property
    def possible(self) -> bool:
        return self.why_not is None


def case_sources(session: Session, case_ids: Sequence[int]) -> list[CaseSource]:
    """For each case in the order given: the claim or order its statement states, or why it has none
    (no such case; its order not imported, so there are no goods to state)."""
    found: list[CaseSource] = []
    for start in range(0, len(case_ids), 500):
        chunk = list(case_ids[start:start + 500])
        facts = case_statement_facts(session, chunk)
        orders, claims, with_items = facts.orders, facts.claims, facts.orders_with_items
        for case_id in chunk:
            if case_id not in orders:
                found.append(CaseSource(case_id, why_not=msg.say(msg.NO_CASE, case_id)))
            elif case_id in claims:
                found.append(CaseSource(case_id, claim_id=claims[case_id], order_id=orders[case_id]))
            elif orders[case_id] in with_items:
                found.append(CaseSource(case_id, order_id=orders[case_id]))
            else:
                found.append(CaseSource(case_id, order_id=orders[case_id],
                                        why_not=msg.say(msg.ORDER_NOT_IMPORTED)))
    return found


def build_statements(session: Session, request: StatementRequest,
                     issued_on: date | None = None) -> list[GoodsValueStatement]:
    """The statements of `request` in its order: claims first, then orders, then cases (a case with
    nothing to state is left out; `case_sources` says which and why)."""
    day = issued_on or now().date()
    profiles: dict[int | None, tuple[ShopProfile, str | None]] = {}

    def signed_by(shop_id: int | None) -> tuple[ShopProfile, str | None]:
        """The profile of the order's shop (a shop with its own profile signs its own statements)."""
        if shop_id not in profiles:
            profile = profile_for_shop(session, shop_id)
            # The seal's path even when its file is gone (a ledger restored on a new computer without
            # its data folder): the statement's warnings say so instead of printing it unsealed unsaid.
            seal = local_file(session, profile.seal_image) if profile.seal_image else None
            profiles[shop_id] = (profile, str(seal) if seal is not None else None)
        return profiles[shop_id]

    statements: list[GoodsValueStatement] = []
    for claim_id in request.claim_ids:
        claim = claim_detail(session, claim_id)
        shop, seal_text = signed_by(shop_of_claim(session, claim_id))
        statements.append(statement_for_claim(
            claim, shop, issued_on=day, incident=incident_label(claim.incident), seal_image=seal_text,
            unit_prices=request.unit_prices))
    for order_id in request.order_ids:
        detail = order_detail(session, order_id)
        shop, seal_text = signed_by(shop_of_order(session, order_id))
        items = with_typed_prices(detail.items, request.unit_prices)
        statements.append(statement_for_order(
            detail.order, items, shop, issued_on=day, incident=request.incident,
            description=request.description, seal_image=seal_text))
    for source in case_sources(session, request.case_ids):
        if source.claim_id is not None:
            by_claim = StatementRequest(claim_ids=(source.claim_id,), unit_prices=request.unit_prices)
            statements.extend(build_statements(session, by_claim, day))
        elif source.possible and source.order_id is not None:
            case = session.get(Case, source.case_id)
            assert case is not None  # case_sources found it in this transaction
            incident = CaseReason(case.reason).label if case.reason else ""
            by_order = StatementRequest(order_ids=(source.order_id,), incident=incident,
                                        description=case.description or "", unit_prices=request.unit_prices)
            statements.extend(replace(s, reference=f"售后单 #{source.case_id}")
                              for s in build_statements(session, by_order, day))
    return statements


def load_statements(db: Database, request: StatementRequest,
                    issued_on: date | None = None) -> list[GoodsValueStatement]:
    with db.reading() as session:
        return build_statements(session, request, issued_on)


def carriers_of(statements: Sequence[GoodsValueStatement]) -> list[str]:
    """The carriers a batch spans: a branch takes statements for its own parcels only."""
    return sorted({s.carrier for s in statements if s.carrier})


def missing_shop_details(statements: Sequence[GoodsValueStatement]) -> list[str]:
    """The shop details a courier's branch asks for that these statements leave empty (each statement
    is signed by its own shop's profile), by their Chinese name."""
    found: list[str] = []
    for s in statements:
        profile = ShopProfile(name=s.shop_name, contact=s.shop_contact, phone=s.shop_phone,
                              payout_account=s.payout_account)
        found.extend(label for label in profile.missing() if label not in found)
    return found
