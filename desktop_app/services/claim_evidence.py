"""A courier claim's evidence files (photos of the box and label, weighing records, chat screenshots),
copied into the files home (on a team ledger also kept in the ledger: services/evidence_files)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import event_notes
from desktop_app.core import messages as msg
from desktop_app.core.claim_escalation import Holding
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.services.cases import current_author
from desktop_app.services.claim_upkeep import claim_event, load_claim
from desktop_app.services.evidence_files import (
    EVIDENCE_FOLDER,
    checked_sources,
    evidence_copies,
    forget_file,
    local_file,
)
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.claim_rows import ClaimDetail
from desktop_app.store.database import Database
from desktop_app.store.models import ClaimEvidence, utcnow
from desktop_app.store.row_locks import row_for_writing


def evidence_on_disk(session: Session, d: ClaimDetail) -> tuple[ClaimDetail, tuple[Path, ...]]:
    """The claim with its evidence as this computer has it: each file's path, and the checklist's
    照片/截图 line held only while one of them is there. A file deleted by hand (or a ledger restored
    without its data folder) kept its row, so the checklist said ✓ for a photo the shop no longer had."""
    paths = tuple(local_file(session, e.stored_path) for e in d.evidence)
    if d.evidence and not any(path.is_file() for path in paths):
        d = replace(d, holding=d.holding - {Holding.EVIDENCE})
    return d, paths


def evidence_folder(claim_id: int) -> str:
    """The claim's files, relative to the files home."""
    return f"{EVIDENCE_FOLDER}/{claim_id}"


def add_evidence(db: Database, claim_id: int, files: Sequence[Path],
                 author: str | None = None) -> Written[list[int]]:
    """Copy files (photos of the box and label, weighing records, chat screenshots) into the data
    folder and attach them; refuses the whole batch if any file is missing. Returns the new ids."""
    who = current_author() if author is None else author
    sources = checked_sources(files)
    with evidence_copies() as copies, db.transaction() as session:
        claim = load_claim(session, claim_id)
        folder = evidence_folder(claim_id)
        rows = [ClaimEvidence(claim_id=claim.id, stored_path=copies.copy(session, source, folder),
                              original_name=source.name, added_at=utcnow()) for source in sources]
        session.add_all(rows)
        claim.updated_at = utcnow()
        claim_event(session, claim, kind="evidence", author=who, note=event_notes.note(
            event_notes.EVIDENCE_ADDED, "、".join(p.name for p in sources)))
        session.flush()
        return Written([row.id for row in rows], changes_in(session))


def remove_evidence(db: Database, evidence_id: int, author: str | None = None) -> OpChanges:
    who = current_author() if author is None else author
    with db.transaction() as session:
        row = row_for_writing(session, ClaimEvidence, evidence_id)  # as a case's (services/case_evidence.py)
        if row is None:
            raise NotFound(msg.say(msg.NO_EVIDENCE, evidence_id))
        claim = load_claim(session, row.claim_id)
        path = forget_file(session, row.stored_path)
        name = row.original_name
        claim.evidence.remove(row)
        claim.updated_at = utcnow()
        claim_event(session, claim, kind="evidence", author=who,
                    note=event_notes.note(event_notes.EVIDENCE_REMOVED, name))
        changes = changes_in(session)
    if path is not None:
        path.unlink(missing_ok=True)
    return changes
