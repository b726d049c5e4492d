"""One carrier vocabulary: every spelling to one name, the carrier a tracking number shows, and claims,
reships and per-carrier totals that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.carriers import canonical_carrier, guess_carrier, parse_carriers, vocabulary
from desktop_app.core.claims import ClaimIncident
from desktop_app.paths import resource
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.claim_rows import ClaimFilter, claim_carriers, claim_totals, list_claims
from desktop_app.store.database import Database
from desktop_app.store.models import CarrierClaim, Order, OrderItem


@pytest.mark.parametrize(("typed", "name"), [
    ("顺丰", "顺丰速运"), ("顺丰速运", "顺丰速运"), (" sf express ", "顺丰速运"), ("ＳＦ", "顺丰速运"),
    ("邮政EMS", "中国邮政"), ("邮政快递包裹", "中国邮政"), ("中国邮政", "中国邮政"), ("圆通快递", "圆通速递"),
    ("中 通", "中通快递"), ("百世快递", "极兔速递"), ("某某同城快递", "某某同城快递"), ("", None), (None, None),
])
def test_every_spelling_names_one_carrier(typed: str | None, name: str | None) -> None:
    assert canonical_carrier(typed) == name


@pytest.mark.parametrize(("number", "name"), [
    ("YT1336571407751", "圆通速递"), ("SF1790970517761", "顺丰速运"), ("sf1790970517761", "顺丰速运"),
    ("JT0312763409475", "极兔速递"), ("JDVA01234567890", "京东物流"), ("DPK364528713903", "德邦快递"),
    ("78329844056740", "中通快递"), ("771024209492947", "申通快递"), ("4026086525428", "韵达快递"),
    ("9886667072482", "中国邮政"), ("EA123456789CN", "中国邮政"),
    ("12345678", None), ("SFABC", None), ("", None), ("8123456789012345", None),
])
def test_the_carrier_a_tracking_number_shows(number: str, name: str | None) -> None:
    assert guess_carrier(number) == name


def test_the_shipped_file_is_consistent() -> None:
    carriers = vocabulary().carriers
    names = [c.name for c in carriers]
    assert len(names) == len(set(names))
    spellings = [s for c in carriers for s in (c.name, *c.aliases)]
    keys = [s.replace(" ", "").casefold() for s in spellings]
    assert len(keys) == len(set(keys)), "a spelling belongs to two carriers"
    assert resource("carriers.toml").exists()


def test_a_broken_file_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="没有 name"):
        parse_carriers("[[carrier]]\naliases = ['x']\n")
    with pytest.raises(ValueError, match="patterns"):
        parse_carriers("[[carrier]]\nname = 'X'\npatterns = ['(']\n")


def _order(db: Database, number: str, carrier: str | None, tracking: str | None) -> int:
    with db.transaction() as s:
        order = Order(order_key=f"pdd:{number}", platform="pdd", order_no=number, carrier=carrier,
                      tracking_no=tracking)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", quantity=1, unit_price_fen=3000))
        s.add(order)
        s.flush()
        return order.id


def test_claims_store_one_name_and_totals_do_not_split(db: Database, tmp_path: Path) -> None:
    first = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=_order(db, "1", "顺丰", "SF100000000001")),
                       "小林").claim_id
    second = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=_order(db, "2", None, "SF100000000002")),
                        "小林").claim_id
    third = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=_order(db, "3", "邮政EMS", "1180123456789")),
                       "小林").claim_id
    with db.transaction() as s:  # a claim stored before the vocabulary, under another spelling
        s.get(CarrierClaim, third).carrier = "邮政快递包裹"
    fourth = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=_order(db, "4", "邮政EMS", "1180123456780")),
                        "小林").claim_id
    with db.reading() as s:
        carriers = {c.id: c.carrier for c in list_claims(s, ClaimFilter())}
        assert carriers[first] == carriers[second] == "顺丰速运"  # typed alias; guessed from SF…
        assert carriers[fourth] == "中国邮政"
        totals = claim_totals(s, ClaimFilter())
        assert sorted((t.carrier, t.sums.count) for t in totals.by_carrier) == [("中国邮政", 2), ("顺丰速运", 2)]
        assert claim_carriers(s) == sorted(["中国邮政", "顺丰速运"])
        assert {c.id for c in list_claims(s, ClaimFilter(carrier="中国邮政"))} == {third, fourth}
