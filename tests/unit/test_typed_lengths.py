"""What the shop types into a column of fixed width is refused with its name and the limit, on both backends: a
platform after-sales number past 80 characters, a claim's carrier past 60 or tracking number past 80 were stored
by SQLite and refused by the team server only (团队数据库存不下, or the driver's DataError from a service), so one
ledger took what the other could not hold."""

from __future__ import annotations

import pytest

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import CaseEdit, NewCase, case_version, edit_case, open_case
from desktop_app.services.claim_undo import claim_version
from desktop_app.services.claims import ClaimEdit, NewClaim, edit_claim, open_claim
from desktop_app.store.case_queries import case_detail
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database


def _case(db: Database) -> int:
    return open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.REFUND_ONLY,
                                 reason=CaseReason.LOST, requested=parse_moment("2026-11-20 10:00")),
                     author="测试").case_id


def test_a_platform_case_number_longer_than_its_column_is_refused_by_name(db: Database) -> None:
    case_id = _case(db)
    with pytest.raises(UserError, match="平台售后单号太长（81 个字符，最多 80 个）"):
        edit_case(db, case_id, CaseEdit(CaseReason.LOST, None, None, None, "A" * 81),
                  expected_version=case_version(db, case_id))
    with pytest.raises(UserError, match="平台售后单号太长"):
        open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000002", kind=CaseKind.REFUND_ONLY,
                              reason=CaseReason.LOST, platform_case_no="B" * 81), author="测试")
    with db.reading() as s:
        assert case_detail(s, case_id).platform_case_no is None
    edit_case(db, case_id, CaseEdit(CaseReason.LOST, None, None, None, "A" * 80),
              expected_version=case_version(db, case_id))  # up to the limit, stored whole
    with db.reading() as s:
        assert case_detail(s, case_id).platform_case_no == "A" * 80


def test_a_claims_carrier_or_tracking_number_longer_than_its_column_is_refused_by_name(db: Database) -> None:
    case_id = _case(db)
    with pytest.raises(UserError, match="快递公司太长（61 个字符，最多 60 个）"):
        open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=100, carrier="快" * 61),
                   author="测试")
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.LOST, case_id=case_id, claimed_fen=100),
                          author="测试").claim_id
    with pytest.raises(UserError, match="运单号太长（81 个字符，最多 80 个）"):
        edit_claim(db, claim_id, ClaimEdit(100, None, "中通快递", "7" * 81, None, ClaimIncident.LOST),
                   claim_version(db, claim_id), author="测试")
    with db.reading() as s:
        assert claim_detail(s, claim_id).tracking_no is None
    edit_claim(db, claim_id, ClaimEdit(100, None, "中通快递", "7" * 80, None, ClaimIncident.LOST),
               claim_version(db, claim_id), author="测试")
    with db.reading() as s:
        assert claim_detail(s, claim_id).tracking_no == "7" * 80
