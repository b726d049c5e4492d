"""Evidence files that vanished from disk (deleted by hand, a ledger restored without its data folder):
the claim says so, and its checklist no longer counts the photos as held."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.claim_escalation import Holding
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_evidence import evidence_on_disk
from desktop_app.services.claims import NewClaim, add_evidence, open_claim
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database
from desktop_app.store.models import ClaimEvidence


def claim_with_photo(db: Database, tmp_path: Path) -> tuple[int, Path]:
    case_id = open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000001", kind=CaseKind.REFUND_ONLY,
                                    reason=CaseReason.DAMAGED, refund_fen=5000,
                                    requested=parse_moment("2026-11-20 10:00")), author="测试").case_id
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.DAMAGED, case_id=case_id, claimed_fen=5000),
                          author="测试").claim_id
    photo = tmp_path / "外箱.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    add_evidence(db, claim_id, [photo], author="测试")
    with db.reading() as s:
        d, [copy] = evidence_on_disk(s, claim_detail(s, claim_id))
    assert copy.is_file() and Holding.EVIDENCE in d.holding
    return claim_id, copy


def test_a_photo_gone_from_disk_is_not_held(db: Database, tmp_path: Path, data_home: Path,
                                            ledger_target: str) -> None:
    claim_id, copy = claim_with_photo(db, tmp_path)
    copy.unlink()
    with db.reading() as s:
        d, [path] = evidence_on_disk(s, claim_detail(s, claim_id))
    if ledger_target.startswith("postgresql"):  # a team ledger keeps the bytes: the seat fetches it again
        assert path.is_file() and Holding.EVIDENCE in d.holding
        return
    assert not path.is_file() and Holding.EVIDENCE not in d.holding


def test_claim_show_names_the_file_that_is_gone(db: Database, tmp_path: Path, data_home: Path, ledger_target: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    if ledger_target.startswith("postgresql"):
        pytest.skip("a team ledger fetches the file again (the test above)")
    claim_id, copy = claim_with_photo(db, tmp_path)
    copy.unlink()
    assert run(["claim", "show", str(claim_id), "--db", ledger_target]) == 0
    out = capsys.readouterr().out
    assert "外箱.jpg" in out and "文件已不在这台电脑上" in out
    assert "✗ 破损/丢件的照片或聊天截图" in out
    assert run(["claim", "show", str(claim_id), "--json", "--db", ledger_target]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["present"] for e in data["evidence"]] == [False]
    photos = [line for line in data["next_step"]["documents"] if line["name"] == "破损/丢件的照片或聊天截图"]
    assert photos == [{"name": "破损/丢件的照片或聊天截图", "checkable": True, "present": False}]
    assert "破损/丢件的照片或聊天截图" in data["next_step"]["missing"]


def test_claim_show_of_an_evidence_row_naming_an_impossible_file(db: Database, tmp_path: Path, data_home: Path,
                                                                 ledger_target: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-edited row whose file name the system refuses (too long to look up) made `claim show` (and the
    claim's pane) fail with a traceback: it is a file that is not there."""
    claim_id, _copy = claim_with_photo(db, tmp_path)
    with db.transaction() as s:
        s.add(ClaimEvidence(claim_id=claim_id, stored_path="evidence/" + "照" * 300 + ".jpg", original_name="照.jpg"))
    assert run(["claim", "show", str(claim_id), "--json", "--db", ledger_target]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [e["present"] for e in data["evidence"]] == [True, False]
    assert run(["claim", "show", str(claim_id), "--db", ledger_target]) == 0
    assert "文件已不在这台电脑上" in capsys.readouterr().out
