"""Exporting reships (the ones selected in the 补发队列) to Excel, in the order given.

    count = export_reships(db, "补发.xlsx", [3, 5, 8])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.core.reship_states import format_items, status_label
from desktop_app.core.vocabulary import CaseReason, Platform
from desktop_app.io.reship_export import ReshipLine, write_reships_xlsx
from desktop_app.services.reship_queue import ReshipRow, reship_rows
from desktop_app.store.database import Database
from desktop_app.store.reship_queue_rows import QueueScope


def _line(r: ReshipRow) -> ReshipLine:
    reason = CaseReason(r.reason).label if r.reason else None
    return ReshipLine(
        case_id=r.case_id,
        texts=(Platform(r.platform).label, r.order_no, r.receiver, r.phone, r.address, format_items(r.items), reason,
               status_label(r.status)),
        ship_by=r.ship_by, penalty=r.penalty, carrier=r.carrier, tracking_no=r.tracking_no, shipped_at=r.shipped_at,
        note=r.note,
    )


def export_reships(db: Database, path: Path | str, case_ids: Sequence[int]) -> int:
    """Write the reships of these cases to an .xlsx file; returns how many."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(msg.say(msg.EXPORT_NOT_XLSX, target.name))
    if target.exists() and target.is_dir():
        raise UserError(msg.say(msg.EXPORT_IS_FOLDER, str(target)))
    with db.reading() as session:
        rows = {r.case_id: r for r in reship_rows(session, QueueScope.ALL, case_ids=case_ids)}
    try:
        return write_reships_xlsx((_line(rows[i]) for i in case_ids if i in rows), target)
    except PermissionError:
        raise UserError(msg.say(msg.EXPORT_UNWRITTEN, str(target))) from None
