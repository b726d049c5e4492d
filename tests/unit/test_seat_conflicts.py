"""Two seats on one ledger change the same claim, shop profile or case: the one that saves second against
what it showed is refused with who changed it, never a lost update (issue 18). Both backends: a second
`Database` on the same file or server is the other seat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import now
from desktop_app.core.errors import StaleData
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, link_claim, open_claim, set_follow_up
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import CarrierClaim
from tests.unit.test_claims import add_order


@pytest.fixture
def other(ledger_target: str, db: Database) -> Iterator[Database]:
    """The second seat, on the same ledger as `db`."""
    second = open_database(ledger_target)
    yield second
    second.close()


def _claim(db: Database) -> tuple[int, int, int]:
    """A claim on an order with two cases: (claim, case one, case two)."""
    order_id = add_order(db)
    one = open_case(db, NewCase(Platform.PDD, "261101-555", CaseKind.RESHIP), author="店主").case_id
    act_on_case(db, one, CaseAction.AGREE_RESHIP, author="店主")  # its reship row
    two = open_case(db, NewCase(Platform.PDD, "261101-555", CaseKind.REFUND_ONLY), author="店主").case_id
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id), author="店主").claim_id
    return claim_id, one, two


def _version(db: Database, claim_id: int) -> int:
    with db.reading() as s:
        return claim_detail(s, claim_id).version


def test_a_follow_up_date_saved_over_another_seats_is_refused_naming_that_seat(
        db: Database, other: Database) -> None:
    claim_id, _one, _two = _claim(db)
    shown = _version(db, claim_id)
    theirs = now() + timedelta(days=2)
    set_follow_up(other, claim_id, theirs, author="小李", expected_version=shown)
    with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小李 修改了"):
        set_follow_up(db, claim_id, now() + timedelta(days=9), author="小王", expected_version=shown)
    with db.reading() as s:
        stored = s.scalars(select(CarrierClaim.follow_up_at).where(CarrierClaim.id == claim_id)).one()
    assert stored is not None and abs((stored - theirs).total_seconds()) < 1  # the first seat's date stands


def test_links_saved_over_another_seats_are_refused_and_both_links_are_one_save(
        db: Database, other: Database) -> None:
    claim_id, one, two = _claim(db)
    shown = _version(db, claim_id)
    link_claim(other, claim_id, one, one, author="小李", expected_version=shown)
    with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小李 修改了"):
        link_claim(db, claim_id, two, None, author="小王", expected_version=shown)
    with db.reading() as s:
        claim = s.get_one(CarrierClaim, claim_id)
        assert (claim.case_id, claim.reship_id is not None) == (one, True)
    # Against the fresh version it goes through, both links at once.
    link_claim(db, claim_id, two, None, author="小王", expected_version=_version(db, claim_id))
    with db.reading() as s:
        claim = s.get_one(CarrierClaim, claim_id)
        assert (claim.case_id, claim.reship_id) == (two, None)
