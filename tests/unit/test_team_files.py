"""Evidence files and seal images on a team ledger: the seat that adds one stores its bytes in the
ledger; another seat (another computer: another data folder) shows, opens and prints it; moving a
ledger file to the server carries its files along. Skipped without AFTERSALES_TEST_PG_URL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.evidence_files import local_file
from desktop_app.services.shop_profile import load_shop_profile, save_shop_profile, seal_path
from desktop_app.services.statements import StatementRequest, load_statements
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import open_database
from desktop_app.store.shared_files import kept_paths
from tests.unit.test_claims import add_order

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def seat(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """Switch to another computer: its own data folder."""
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(home))
    return home


def test_another_seat_sees_opens_and_prints_the_files_one_seat_added(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(pg_url)
    try:
        first = seat(monkeypatch, tmp_path / "小李的电脑")
        photo = tmp_path / "外箱面单.jpg"
        photo.write_bytes(b"\xff\xd8 box and label")
        seal = tmp_path / "公章.png"
        seal.write_bytes(PNG)
        case_id = open_case(db, NewCase(Platform.PDD, "261101-555", CaseKind.RESHIP, CaseReason.DAMAGED),
                            author="小李").case_id
        add_case_evidence(db, case_id, [photo, photo], author="小李")  # the same file twice: two entries
        save_shop_profile(db, ShopProfile(name="好物小店"), seal_source=seal)
        with db.reading() as session:
            rows = case_evidence_rows(session, case_id)
            own = [local_file(session, r.stored_path) for r in rows]
            assert kept_paths(session) == {r.stored_path for r in rows} | {load_shop_profile(db).seal_image}
        assert len({r.stored_path for r in rows}) == 2
        assert all(p.is_relative_to(first) and p.read_bytes() == photo.read_bytes() for p in own)

        second = seat(monkeypatch, tmp_path / "老板的笔记本")
        with db.reading() as session:
            theirs = [local_file(session, r.stored_path) for r in case_evidence_rows(session, case_id)]
            printed_seal = seal_path(session, load_shop_profile(db))
        assert all(p.is_relative_to(second) and p.read_bytes() == photo.read_bytes() for p in theirs)
        assert printed_seal is not None and printed_seal.read_bytes() == PNG
        if os.name == "posix":
            assert theirs[0].stat().st_mode & 0o777 == 0o600  # buyers' pictures: the owner's eyes only
        order_id = add_order(db, "261101-777")
        [statement] = load_statements(db, StatementRequest(order_ids=(order_id,)))
        assert statement.seal_image == str(printed_seal)

        # a claim opened on the second computer takes the case's files along, also for the first
        claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=case_id)).claim_id
        seat(monkeypatch, first)
        with db.reading() as session:
            taken = [local_file(session, e.stored_path) for e in claim_detail(session, claim_id).evidence]
        assert len(taken) == 2 and all(p.read_bytes() == photo.read_bytes() for p in taken)

        # removed by one seat: gone from the ledger (the other seats cannot fetch it any more)
        remove_case_evidence(db, rows[0].id, author="小李")
        assert not own[0].exists()
        with db.reading() as session:
            assert rows[0].stored_path not in kept_paths(session)
    finally:
        db.close()


def test_a_file_too_large_for_the_team_ledger_is_refused_and_nothing_is_kept(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop_app.services.evidence_files.MAX_SHARED_BYTES", 10)
    db = open_database(pg_url)
    try:
        home = seat(monkeypatch, tmp_path / "home")
        big = tmp_path / "录屏.mp4"
        big.write_bytes(b"x" * 11)
        case_id = open_case(db, NewCase(Platform.PDD, "1", CaseKind.RESHIP, CaseReason.DAMAGED), author="小李").case_id
        with pytest.raises(Exception, match="文件太大"):
            add_case_evidence(db, case_id, [big], author="小李")
        with db.reading() as session:
            assert case_evidence_rows(session, case_id) == [] and kept_paths(session) == set()
        assert not any(p.is_file() for p in home.rglob("*录屏*"))
    finally:
        db.close()
