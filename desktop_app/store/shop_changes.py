"""Changes to the shop's own data — a shop's profile (店铺信息), the shop policies switched on, the cost-price
table — on the audit trail with the seat that made them (issue 18: each change records its author).

They belong to no case: subject "shop", `case_id` empty, `action` naming what changed, `subject_id` the shop
(0: every shop, or the shop's data as a whole). Such rows are the 设置 area's, not the Cases tab's: the
session's change tracking says so (store/change_tracking.py) and, on a team ledger, so does the notice of
their insert (migration 0020_authors), so the other seats reload their settings and say who changed them
without reloading every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.op_changes import SHOP_SUBJECT  # migration 0020_authors' trigger compares with it
from desktop_app.store.models import AuditEvent, utcnow

__all__ = ["POLICY", "PRODUCT_COSTS", "SHOP_PROFILE", "SHOP_SUBJECT", "ShopChange", "last_shop_change",
           "note_shop_change"]
SHOP_PROFILE = "shop_profile"
POLICY = "policy"
PRODUCT_COSTS = "product_costs"


@dataclass(frozen=True, slots=True)
class ShopChange:
    """Who changed it last, and when."""

    author: str
    at: datetime


def note_shop_change(session: Session, action: str, subject_id: int, note: str, author: str) -> None:
    """Record, in the caller's transaction, that `author` changed the shop's data (`action`: what)."""
    stamp = utcnow()
    session.add(AuditEvent(subject=SHOP_SUBJECT, subject_id=subject_id, kind="edit", action=action, note=note,
                           author=author, at=stamp, recorded_at=stamp))


def last_shop_change(session: Session, action: str, subject_id: int) -> ShopChange | None:
    """The latest change of this kind (of this shop), if the trail has one."""
    row = session.execute(
        select(AuditEvent.author, AuditEvent.at)
        .where(AuditEvent.subject == SHOP_SUBJECT, AuditEvent.action == action, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return None if row is None else ShopChange(row[0] or "", row[1])
