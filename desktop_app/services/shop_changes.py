"""Changes to the shop's own data — its policies, its cost-price table, a shop's profile — on the audit
trail with the seat that made them (issue 18: each change records its author). They were announced to the
other seats (小李 修改了 设置) but nothing kept who did them. A case's, reship's or claim's changes have
their own entries; these belong to no case (`case_id` empty, subject "shop")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.services.case_writes import current_author
from desktop_app.store.models import AuditEvent

SHOP_SUBJECT = "shop"


def note_shop_change(session: Session, action: str, note: str) -> None:
    """Record, in the caller's transaction, that this seat changed the shop's data (`action` names what:
    policy, product_costs, shop_profile; `note` says it in words)."""
    session.add(AuditEvent(subject=SHOP_SUBJECT, subject_id=0, kind="edit", action=action, note=note,
                           author=current_author()))
