"""Evidence on a case: copied into the data folder, listed, removed, and taken along by a claim."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, open_claim, remove_evidence
from desktop_app.services.evidence_files import local_file
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.case_queries import case_events
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database


def photos(tmp_path: Path) -> list[Path]:
    files = [tmp_path / "外箱面单.jpg", tmp_path / "称重.pdf"]
    for n, f in enumerate(files):
        f.write_bytes(b"evidence %d" % n)
        f.chmod(0o644)  # as a camera's or a download's file is
        os.utime(f, (1_700_000_000, 1_700_000_000))  # taken long before it is added
    return files


def test_evidence_is_copied_listed_removed_and_goes_along_with_a_claim(db: Database, tmp_path: Path,
                                                                      data_home: Path) -> None:
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED),
                        author="小林").case_id
    files = photos(tmp_path)
    ids = add_case_evidence(db, case_id, files, author="小林").value
    with db.reading() as session:
        rows = case_evidence_rows(session, case_id)
        assert case_events(session, case_id)[-1].note == "添加证据：外箱面单.jpg、称重.pdf"
        copied = local_file(session, rows[0].stored_path)
    assert [r.id for r in rows] == ids and [r.original_name for r in rows] == ["外箱面单.jpg", "称重.pdf"]
    assert copied.is_relative_to(data_home) and copied.read_bytes() == b"evidence 0"
    if os.name == "posix":  # the owner's alone whatever the photo's own bits, and the time it was taken kept
        assert stat.S_IMODE(copied.stat().st_mode) == 0o600
        assert copied.stat().st_mtime_ns == files[0].stat().st_mtime_ns
    files[0].unlink()  # the original may go: the ledger keeps its copy
    assert copied.is_file()
    add_case_evidence(db, case_id, [files[1]], author="小林")  # the same name again gets its own file
    with db.reading() as session:
        names = [local_file(session, r.stored_path).name for r in case_evidence_rows(session, case_id)]
    if db.engine.dialect.name == "sqlite":
        assert names == ["外箱面单.jpg", "称重.pdf", "称重-2.pdf"]
    else:  # a team ledger tags each name: another seat may add a file of the same name at once
        assert [re.sub(r"-[0-9a-f]{10}(?=\.)", "", n) for n in names] == ["外箱面单.jpg", "称重.pdf", "称重.pdf"]
        assert len(set(names)) == 3

    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.DAMAGED, case_id=case_id)).claim_id
    with db.reading() as session:
        detail = claim_detail(session, claim_id)
    taken = list(detail.evidence)
    assert [e.original_name for e in taken] == ["外箱面单.jpg", "称重.pdf", "称重.pdf"]
    remove_evidence(db, taken[0].id)  # removing the claim's copy leaves the case's file alone
    assert copied.is_file()

    remove_case_evidence(db, ids[0], author="小林")
    assert not copied.exists()
    with db.reading() as session:
        assert len(case_evidence_rows(session, case_id)) == 2
    with pytest.raises(UserError, match="找不到文件"):
        add_case_evidence(db, case_id, [tmp_path / "nope.jpg", files[1]])
    with pytest.raises(UserError, match="找不到售后单"):
        add_case_evidence(db, 99, [files[1]])
    assert not (data_home / "evidence" / "case-99").exists()


@pytest.mark.sqlite_only
def test_evidence_on_the_command_line(capsys: pytest.CaptureFixture[str], db: Database, db_path: Path,
                                      tmp_path: Path) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.RESHIP), author="小林").case_id
    files = photos(tmp_path)
    assert run(["evidence", str(case_id), *map(str, files), "--db", str(db_path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in listed] == ["外箱面单.jpg", "称重.pdf"] and Path(listed[0]["path"]).is_file()
    assert [e["present"] for e in listed] == [True, True]
    Path(listed[1]["path"]).unlink()  # deleted by hand: it was listed as if it were there
    assert run(["evidence", str(case_id), "--db", str(db_path)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert "✗" not in shown[0] and shown[1].endswith("✗ 文件已不在这台电脑上，请重新添加")
    assert run(["evidence", str(case_id), "--db", str(db_path), "--json"]) == 0
    assert [e["present"] for e in json.loads(capsys.readouterr().out)] == [True, False]
    other = open_case(db, NewCase(Platform.PDD, "261111-2", CaseKind.RESHIP), author="小林").case_id
    # An id of another case's evidence is refused and removes nothing (it removed case 1's photo, exit 0)
    assert run(["evidence", str(other), "--remove", str(listed[0]["id"]), "--db", str(db_path)]) == 2
    assert f"证据 #{listed[0]['id']} 不是售后单 #{other} 的（它属于售后单 #{case_id}）" in capsys.readouterr().err
    assert Path(listed[0]["path"]).is_file()
    assert run(["evidence", str(case_id), "--remove", str(listed[0]["id"]), "--db", str(db_path)]) == 0
    assert "称重.pdf" in capsys.readouterr().out and not Path(listed[0]["path"]).exists()
    assert run(["evidence", "42", "--db", str(db_path)]) == 1  # only looked at: nothing found (README)
    assert "找不到售后单 #42" in capsys.readouterr().err


def test_a_file_that_cannot_be_copied_is_a_message_and_leaves_nothing(db: Database, tmp_path: Path,
                                                                      data_home: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP), author="小林").case_id
    files = photos(tmp_path)
    real_copy = shutil.copyfile

    def copy_then_fail(source: Path, target: Path) -> None:
        if source.name == "称重.pdf":  # the second file: half written when the disk fills up
            Path(target).write_bytes(b"evi")
            raise OSError(errno.ENOSPC, "No space left on device")
        real_copy(source, target)

    monkeypatch.setattr(shutil, "copyfile", copy_then_fail)
    with pytest.raises(UserError, match=r"无法复制证据文件 .*称重\.pdf：磁盘空间不足"):  # was an internal OSError
        add_case_evidence(db, case_id, files, author="小林")
    with db.reading() as session:
        assert case_evidence_rows(session, case_id) == []
    assert [p for p in data_home.rglob("*") if p.is_file() and "evidence" in p.parts] == []
