"""What an after-sales import stores with a doubt the ledger's orders show: a refund asked or paid that is larger
than what the buyer paid for the order (a typo, or the request filed under another order). Platforms never refund
more than was paid; the request is kept as the export writes it, and said with its row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core import cell_messages
from desktop_app.core.event_notes import note
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import order_key
from desktop_app.io.case_rows import CaseFile
from desktop_app.store.intake_queries import paid_by_key

# A file of such rows says the first ones; the rest are like them.
MAX_SAID = 20


def refunds_over_paid(session: Session, parsed: CaseFile) -> list[str]:
    """One warning for each request (the first MAX_SAID) whose amount is over its order's paid amount."""
    asking = [r for r in parsed.records if r.amount_fen]
    paid = paid_by_key(session, {order_key(r.platform, r.order_no) for r in asking})
    said: list[str] = []
    for record in asking:
        order_paid = paid.get(order_key(record.platform, record.order_no))
        if order_paid is not None and record.amount_fen > order_paid:  # type: ignore[operator]
            said.append(note(cell_messages.REFUND_OVER_PAID, str(record.row), parsed.amount_column,
                             format_yuan(record.amount_fen), record.order_no, format_yuan(order_paid)))
            if len(said) == MAX_SAID:
                break
    return said
