"""Order search: the one place that knows about SQLite FTS5.

Every order carries `search_text` (order number, receiver, phone, tracking numbers, product titles,
lower-cased). On SQLite an FTS5 trigram index over it answers substring queries of three or more
characters in about a millisecond; shorter queries (a two-character Chinese name) use indexed
prefix matches on the receiver and the order number. Other databases fall back to LIKE.

The index is not kept up to date inside write transactions (for an import of 100,000 orders that
cost more than storing the orders): triggers queue changed orders in `search_pending`, and
`index_pending` brings the index up to date afterwards, in short transactions. Searches look at the
queued orders with LIKE, so an order is found the moment its transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Select, column, select, table, text, union, union_all

from desktop_app.store.models import Order, SearchPending

# Created by the migrations (0002_search_queue); rows are queued by triggers on orders.search_text.
FTS_TABLE = "order_search"
# Orders indexed per transaction when catching up: ~0.1 s each, so other work waits little.
INDEX_CHUNK = 5000

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
        # Too short for trigrams: indexed prefix matches on what people type first (a two-character
        # name, the start of an order number).
        parts = [
            select(Order.id).where(Order.receiver.between(raw, raw + _TOP)).limit(limit),
            select(Order.id).where(Order.order_no.between(q, q + _TOP)).limit(limit),
        ]
        return select(union(*(p.subquery().select() for p in parts)).subquery().c[0]).limit(limit)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains = Order.search_text.like(f"%{escaped}%", escape="\\")
    if dialect == "sqlite":
        phrase = '"' + q.replace('"', '""') + '"'
        fts = table(FTS_TABLE, column("rowid"))
        indexed = (
            select(fts.c.rowid.label("id"))
            .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=phrase))
            .where(fts.c.rowid.not_in(select(SearchPending.order_id)))  # stale entries
            .limit(limit)
        )
        # `id IN (queue)` drives the lookup from the (small) queue; a join let the planner scan all orders.
        queued = select(Order.id).where(Order.id.in_(select(SearchPending.order_id)), contains).limit(limit)
        both = union_all(indexed.subquery().select(), queued.subquery().select()).subquery()
        return select(both.c[0]).limit(limit)
    return select(Order.id).where(contains).limit(limit)


def pending_count(conn: Connection) -> int:
    """Orders waiting for the search index (0 on databases without one)."""
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql("SELECT count(*) FROM search_pending").scalar_one())


def index_pending(conn: Connection, limit: int = INDEX_CHUNK) -> int:
    """Bring the search index up to date for up to `limit` queued orders; returns how many.

    Run inside a transaction of its own (the caller commits): stale entries are deleted by rowid, the
    current text is indexed, and the orders leave the queue together.
    """
    if conn.dialect.name != "sqlite":
        return 0
    last = conn.exec_driver_sql(
        "SELECT max(order_id), count(*) FROM (SELECT order_id FROM search_pending ORDER BY order_id LIMIT ?)",
        (limit,),
    ).one()
    if not last[1]:
        return 0
    upto = (int(last[0]),)
    conn.exec_driver_sql(
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT order_id FROM search_pending WHERE order_id <= ?)", upto)
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT o.id, o.search_text FROM search_pending p "
        "JOIN orders o ON o.id = p.order_id WHERE p.order_id <= ?", upto)
    conn.exec_driver_sql("DELETE FROM search_pending WHERE order_id <= ?", upto)
    return int(last[1])

