"""The shop's own data changed by this seat, on the audit trail under its name (store/shop_changes.py): a
shop's profile, the shop policies switched on, the cost-price table (issue 18: each change its author)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.services.case_writes import current_author
from desktop_app.store.shop_changes import note_shop_change


def note_change(session: Session, action: str, note: str, subject_id: int = 0, author: str | None = None) -> None:
    """Record, in the caller's transaction, that this seat (or `author`) changed the shop's data."""
    note_shop_change(session, action, subject_id, note, current_author() if author is None else author)
