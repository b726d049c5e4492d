"""The 快递理赔 tab's search (Ctrl+F): a claim by part of its tracking, ticket or order number, its buyer, or
"#12" its own number, on both backends; the totals are those of the claims it lists."""

from __future__ import annotations

from desktop_app.core.claims import ClaimIncident
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.claim_rows import ClaimFilter, claim_totals, list_claims
from desktop_app.store.database import Database
from tests.unit.test_claims import add_order


def _found(db: Database, text: str) -> list[int]:
    with db.reading() as s:
        rows = list_claims(s, ClaimFilter(search=text))
        assert claim_totals(s, ClaimFilter(search=text)).total.count == len(rows)
        return sorted(r.id for r in rows)


def test_a_claim_is_found_by_its_numbers_its_buyer_or_its_own_number(db: Database) -> None:
    order = add_order(db, "261101-555")
    first = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=order), author="小林").claim_id
    second = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=add_order(
        db, "4145384019161461003", platform="taobao", tracking="yt7788990011", receiver="秦文红")),
        author="小林").claim_id
    assert _found(db, "") == [first, second]
    assert _found(db, "101-5") == [first]  # part of an order number
    assert _found(db, "YT77889") == [second]  # a tracking number in either case
    assert _found(db, "秦文") == [second]  # the buyer
    assert _found(db, f"#{second}") == [second]
    assert _found(db, "50%_") == []  # LIKE's wildcards are text here
    assert _found(db, "99999999999999") == []  # a long number is no claim id (an int4 column on PostgreSQL)
