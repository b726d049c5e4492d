"""Exporting the case list to Excel, filtered and sorted as the Cases tab (or `export-cases`) shows it.

    count = export_cases(db, "售后单.xlsx", CaseFilter(open_state=OpenState.OPEN))

Rows are read page by page in one read transaction, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.clock import now
from desktop_app.core.deadline_display import case_next_due
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty
from desktop_app.io.case_export import CaseLine, write_cases_xlsx
from desktop_app.store.case_export_queries import CaseSheetRow, case_sheet_rows
from desktop_app.store.case_listing import CasePages
from desktop_app.store.case_queries import CaseFilter, CaseOrder
from desktop_app.store.database import Database

PAGE = 2000


def _label(enum: type[LabelledEnum], value: str | None) -> str | None:
    if not value:
        return None
    try:
        return enum(value).label
    except ValueError:  # written by a newer version: keep the id
        return value


def _line(r: CaseSheetRow, moment: datetime) -> CaseLine:
    # The 下一个时限 the Cases table shows at `moment` (after an answer the platform gave, what follows).
    shown = case_next_due(r.timers, moment).timer
    next_due_at, next_due = (None, None) if shown is None else (shown.due_at, shown.name)
    return CaseLine(
        id=r.id,
        texts_before_money=(_label(Platform, r.platform), r.shop, r.order_no, r.receiver, r.phone,
                            _label(CaseKind, r.kind), _label(CaseReason, r.reason), _label(CaseStatus, r.status)),
        refund_fen=r.refund_fen, compensation_fen=r.compensation_fen,
        texts_after_money=(_label(ResponsibleParty, r.responsible), r.platform_case_no, r.platform_status,
                           r.return_carrier, r.return_tracking_no, r.goods),
        requested_at=r.requested_at, next_due=next_due, next_due_at=next_due_at, updated_at=r.updated_at,
        description=r.description,
    )


def iter_case_lines(db: Database, f: CaseFilter, order: CaseOrder) -> Iterator[CaseLine]:
    moment = now()  # one moment for the whole sheet
    listing = CasePages(f, order)  # each page a seek from the one before, not an OFFSET from the top
    with db.reading() as session:
        offset = 0
        while True:
            page = listing.ids(session, offset, PAGE)
            if not page:
                return
            yield from (_line(r, moment) for r in case_sheet_rows(session, page))
            offset += len(page)


def export_cases(db: Database, path: Path | str, f: CaseFilter | None = None, order: CaseOrder | None = None) -> int:
    """Write the cases the filter shows, in its order, to an .xlsx file; returns how many."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(msg.say(msg.EXPORT_NOT_XLSX, target.name))
    if target.exists() and target.is_dir():
        raise UserError(msg.say(msg.EXPORT_IS_FOLDER, str(target)))
    try:
        return write_cases_xlsx(iter_case_lines(db, f or CaseFilter(), order or CaseOrder()), target)
    except PermissionError:
        raise UserError(msg.say(msg.EXPORT_UNWRITTEN, str(target))) from None
