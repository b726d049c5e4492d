"""The evidence files of a case, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.store.models import CaseEvidence


@dataclass(frozen=True, slots=True)
class CaseEvidenceRow:
    id: int
    case_id: int
    stored_path: str  # relative to the data folder
    original_name: str
    added_at: datetime
    added_by: str


def case_evidence_rows(session: Session, case_id: int) -> list[CaseEvidenceRow]:
    stmt = select(CaseEvidence).where(CaseEvidence.case_id == case_id).order_by(CaseEvidence.id)
    return [CaseEvidenceRow(e.id, e.case_id, e.stored_path, e.original_name, e.added_at, e.added_by)
            for e in session.execute(stmt).scalars()]
