"""Two seats removing the same evidence file at the same moment on a team ledger (小王 and 小李 both tidying a case's
photos): both read the entry, then took turns on the case; the second, once the first had committed, deleted no row
(SQLAlchemy's "expected to delete 1 row(s); 0 were matched" on stderr) and still wrote 删除证据 on the timeline a
second time. The entry is now locked as it is read: the second waits, finds it gone and is told so, writing nothing.
Real PostgreSQL, real concurrency: a third connection holds the record while both removals start."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import NotFound
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_evidence import add_case_evidence, remove_case_evidence
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claim_evidence import add_evidence, remove_evidence
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent


def _both_at_once(pg_url: str, lock_sql: str, removals: list[Callable[[], object]]) -> list[BaseException | None]:
    """Run the removals on threads while another connection holds the record they write (`lock_sql`), and let
    it go once both are waiting on the server: the two steps overlap as two seats' clicks of one moment do."""
    holder = create_engine(pg_url, poolclass=NullPool)
    outcomes: list[BaseException | None] = [None] * len(removals)

    def run(i: int) -> None:
        try:
            removals[i]()
        except BaseException as error:  # what each seat was told, the test looks at
            outcomes[i] = error

    try:
        with holder.connect() as conn, conn.begin():
            conn.execute(text(lock_sql))
            threads = [threading.Thread(target=run, args=(i,)) for i in range(len(removals))]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # both seats' transactions waiting on a lock
                with holder.connect() as probe:
                    waiting = probe.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'")).scalar_one()
                if waiting >= 1 and all(t.is_alive() for t in threads):
                    time.sleep(0.3)  # the other one reads its entry, or waits behind the first
                    break
                time.sleep(0.05)
        for thread in threads:
            thread.join(30)
    finally:
        holder.dispose()
    return outcomes


def _notes(db: Database, case_id: int, start: str) -> list[str]:
    with db.reading() as s:
        notes = s.scalars(select(AuditEvent.note).where(AuditEvent.case_id == case_id)).all()
    return [n for n in notes if n and n.startswith(start)]


def _photo(tmp_path: Path) -> Path:
    photo = tmp_path / "外箱破损.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"1" * 200)
    return photo


def _case(db: Database) -> int:
    return open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000777", kind=CaseKind.REFUND_ONLY,
                                 reason=CaseReason.DAMAGED, requested=Moment(now())), author="店主").case_id


def test_two_seats_removing_one_case_photo_at_once_remove_it_once(
        seats: tuple[Database, Database, Database], pg_url: str, tmp_path: Path) -> None:
    owner, wang, li = seats
    case_id = _case(owner)
    evidence_id = add_case_evidence(owner, case_id, [_photo(tmp_path)], author="店主").value[0]
    outcomes = _both_at_once(pg_url, f"SELECT id FROM cases WHERE id = {case_id} FOR UPDATE", [
        lambda: remove_case_evidence(wang, evidence_id, author="小王", case_id=case_id),
        lambda: remove_case_evidence(li, evidence_id, author="小李", case_id=case_id)])
    told = [o for o in outcomes if o is not None]
    assert len(told) == 1 and isinstance(told[0], NotFound), outcomes
    assert f"找不到证据 #{evidence_id}" in str(told[0])
    assert _notes(owner, case_id, "删除证据") == ["删除证据：外箱破损.jpg"]  # once, by the seat that removed it


def test_two_seats_removing_one_claim_photo_at_once_remove_it_once(
        seats: tuple[Database, Database, Database], pg_url: str, tmp_path: Path) -> None:
    owner, wang, li = seats
    case_id = _case(owner)
    claim_id = open_claim(owner, NewClaim(incident=ClaimIncident.DAMAGED, case_id=case_id, claimed_fen=5000),
                          author="店主").claim_id
    evidence_id = add_evidence(owner, claim_id, [_photo(tmp_path)], author="店主").value[0]
    outcomes = _both_at_once(pg_url, f"SELECT id FROM carrier_claims WHERE id = {claim_id} FOR UPDATE", [
        lambda: remove_evidence(wang, evidence_id, author="小王"),
        lambda: remove_evidence(li, evidence_id, author="小李")])
    told = [o for o in outcomes if o is not None]
    assert len(told) == 1 and isinstance(told[0], NotFound), outcomes
    with owner.reading() as s:
        removed = s.scalars(select(AuditEvent.id).where(AuditEvent.subject == "claim",
                                                        AuditEvent.subject_id == claim_id,
                                                        AuditEvent.kind == "evidence")).all()
    assert len(removed) == 2, removed  # its 添加 and one 删除, not two
