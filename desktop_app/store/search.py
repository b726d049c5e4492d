"""Order search: the one place that knows about SQLite FTS5.

Every order carries `search_text` (order number, receiver, phone, tracking numbers, product titles,
lower-cased). On SQLite an FTS5 trigram index over it answers substring queries of three or more
characters in about a millisecond; shorter queries (a two-character Chinese name) use indexed
prefix matches on the receiver and the order number. Other databases fall back to LIKE.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, or_, select, text

from desktop_app.store.models import Order

# Created by the first migration (0001_initial), kept in step by triggers on orders.search_text.
FTS_TABLE = "order_search"

def build_search_text(parts: Iterable[str | None]) -> str:
    """Join the searchable values; phone numbers and order numbers stay whole for substring search."""
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


def order_match(query: str, dialect: str) -> ColumnElement[bool]:
    """A condition on `Order` that is true when the order matches the search box text."""
    q = query.strip().lower()
    if len(q) == 1:
        # One character is a surname, not a useful piece of a number.
        return Order.receiver.between(query.strip(), query.strip() + "\U0010ffff")
    if len(q) < 3:
        # Too short for trigrams: indexed prefix matches on what people type first.
        upper = q + "\U0010ffff"
        return or_(
            Order.receiver.between(query.strip(), query.strip() + "\U0010ffff"),
            Order.order_no.between(q, upper),
            Order.tracking_no.between(query.strip().upper(), query.strip().upper() + "\U0010ffff"),
        )
    if dialect == "sqlite":
        phrase = '"' + q.replace('"', '""') + '"'
        matching = select(text("rowid")).select_from(text(FTS_TABLE)).where(
            text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=phrase)
        )
        return Order.id.in_(matching)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Order.search_text.like(f"%{escaped}%", escape="\\")
