"""Order search: the one place that knows about SQLite FTS5.

Every order carries `search_text` (order number, receiver, phone, tracking numbers, product titles,
lower-cased). On SQLite an FTS5 trigram index over it answers substring queries of three or more
characters in about a millisecond; shorter queries (a two-character Chinese name) use indexed
prefix matches on the receiver and the order number. Other databases fall back to LIKE.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, or_, select, text

from desktop_app.store.models import Order

FTS_TABLE = "order_search"

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "search_text, content='orders', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_ai AFTER INSERT ON orders BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_ad AFTER DELETE ON orders BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS orders_search_au AFTER UPDATE OF search_text ON orders BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS orders_search_au",
    "DROP TRIGGER IF EXISTS orders_search_ad",
    "DROP TRIGGER IF EXISTS orders_search_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def create_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DDL:
            conn.execute(text(statement))


def drop_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            conn.execute(text(statement))


def build_search_text(parts: Iterable[str | None]) -> str:
    """Join the searchable values; phone numbers and order numbers stay whole for substring search."""
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


def order_match(query: str, dialect: str) -> ColumnElement[bool]:
    """A condition on `Order` that is true when the order matches the search box text."""
    q = query.strip().lower()
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
