"""Evidence on a case: photos of the box and label, weighing records, chat screenshots, PDFs — copied into
the data folder (`evidence/case-<n>/`), listed on the case, and copied along into a claim opened from it.

Each function is one transaction with its timeline note; a failed write leaves no orphan copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound
from desktop_app.core.op_changes import OpChanges, Written
from desktop_app.services.case_writes import current_author
from desktop_app.services.evidence_files import (
    EVIDENCE_FOLDER,
    EvidenceCopies,
    checked_sources,
    evidence_copies,
    forget_file,
    local_file,
)
from desktop_app.store.case_evidence_queries import case_evidence_rows
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Case, CaseEvidence, ClaimEvidence, utcnow
from desktop_app.store.row_locks import row_for_writing


def case_evidence_folder(case_id: int) -> str:
    """The case's files, relative to the files home."""
    return f"{EVIDENCE_FOLDER}/case-{case_id}"


def _note(session: Session, case: Case, who: str, text: str) -> None:
    case.updated_at = utcnow()
    session.add(AuditEvent(case_id=case.id, subject="case", subject_id=case.id, kind="note", author=who, note=text,
                           at=utcnow(), recorded_at=utcnow()))


def add_case_evidence(db: Database, case_id: int, files: Sequence[Path],
                      author: str | None = None) -> Written[list[int]]:
    """Copy the files into the data folder and attach them to the case; the whole batch or nothing."""
    who = current_author() if author is None else author
    sources = checked_sources(files)
    with evidence_copies() as copies, db.transaction() as session:
        case = row_for_writing(session, Case, case_id)
        if case is None:
            raise NotFound(msg.say(msg.NO_CASE, case_id))
        folder = case_evidence_folder(case_id)
        rows = [CaseEvidence(case_id=case_id, stored_path=copies.copy(session, source, folder),
                             original_name=source.name, added_by=who) for source in sources]
        session.add_all(rows)
        _note(session, case, who, "添加证据：" + "、".join(p.name for p in sources))
        changes = changes_in(session)  # (flushes: the rows get their ids)
        return Written([row.id for row in rows], changes)


def remove_case_evidence(db: Database, evidence_id: int, author: str | None = None,
                         case_id: int | None = None) -> OpChanges:
    """Remove the entry and its copied file. With `case_id`, only an entry of that case: `evidence 12 --remove 5`
    with #5 on another case removed that case's photo and said nothing (an id mistyped in a script)."""
    who = current_author() if author is None else author
    with db.transaction() as session:
        # Locked as it is read: two seats removing one photo at once both found it, and the second, once the
        # first had committed, deleted no row (SQLAlchemy's warning on stderr) and wrote 删除证据 a second time.
        row = row_for_writing(session, CaseEvidence, evidence_id)
        if row is None:
            raise NotFound(msg.say(msg.NO_EVIDENCE, evidence_id))
        if case_id is not None and row.case_id != case_id:
            raise NotFound(msg.say(msg.EVIDENCE_OF_OTHER_CASE, evidence_id, case_id, row.case_id))
        case = row_for_writing(session, Case, row.case_id)
        assert case is not None  # the foreign key
        path = forget_file(session, row.stored_path)
        session.delete(row)
        _note(session, case, who, f"删除证据：{row.original_name}")
        changes = changes_in(session)
    if path is not None:
        path.unlink(missing_ok=True)
    return changes


def copy_case_evidence_to_claim(session: Session, case_id: int, claim_id: int, claim_folder: str,
                                copies: EvidenceCopies) -> list[str]:
    """Inside the caller's transaction (and its `evidence_copies()` block): copies of the case's evidence
    files for a new claim (its own files, so removing one from the claim never removes it from the
    case). Returns the names copied."""
    names: list[str] = []
    for r in case_evidence_rows(session, case_id):
        source = local_file(session, r.stored_path)
        if source.is_file():
            stored = copies.copy(session, source, claim_folder, r.original_name)
            session.add(ClaimEvidence(claim_id=claim_id, stored_path=stored, original_name=r.original_name,
                                      added_at=utcnow()))
            names.append(Path(stored).name)
    return names
