"""Order search: the one place that knows about SQLite FTS5.

Every order carries `search_text` (order number, receiver, phone, tracking numbers, product titles,
lower-cased). On SQLite an FTS5 trigram index over it answers substring queries of three or more
characters in about a millisecond; shorter queries (a two-character Chinese name) use indexed
prefix matches on the receiver and the order number. Other databases fall back to LIKE.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, literal_column, select, text, union

from desktop_app.store.models import Order

# Created by the first migration (0001_initial), kept in step by triggers on orders.search_text.
FTS_TABLE = "order_search"

def build_search_text(parts: Iterable[str | None]) -> str:
    """Join the searchable values; phone numbers and order numbers stay whole for substring search."""
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


_TOP = "\U0010ffff"  # sorts after every character: `x <= value <= x + _TOP` is a prefix match on an index

# A search box that matches more orders than this is not finding anything yet; listing the first
# SEARCH_LIMIT keeps every keystroke fast on a million cases (the UI says the list is cut).
SEARCH_LIMIT = 2000


def matching_order_ids(query: str, dialect: str, limit: int = SEARCH_LIMIT) -> Select[tuple[int]]:
    """Ids of orders matching the search box text, at most `limit` of them."""
    raw = query.strip()
    q = raw.lower()
    if len(q) == 1:
        # One character is a surname, not a useful piece of a number.
        return select(Order.id).where(Order.receiver.between(raw, raw + _TOP)).limit(limit)
    if len(q) < 3:
        # Too short for trigrams: indexed prefix matches on what people type first.
        parts = [
            select(Order.id).where(Order.receiver.between(raw, raw + _TOP)).limit(limit),
            select(Order.id).where(Order.order_no.between(q, q + _TOP)).limit(limit),
            select(Order.id).where(Order.tracking_no.between(raw.upper(), raw.upper() + _TOP)).limit(limit),
        ]
        return select(union(*(p.subquery().select() for p in parts)).subquery().c[0]).limit(limit)
    if dialect == "sqlite":
        phrase = '"' + q.replace('"', '""') + '"'
        return (
            select(literal_column("rowid").label("id"))
            .select_from(text(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=phrase))
            .limit(limit)
        )
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return select(Order.id).where(Order.search_text.like(f"%{escaped}%", escape="\\")).limit(limit)

