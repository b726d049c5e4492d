"""Order search: the one place that knows about SQLite FTS5.

Every order carries `search_text` (order number, receiver, phone, tracking numbers, product titles,
lower-cased). On SQLite an FTS5 trigram index over it answers substring queries of three or more
characters in about a millisecond; shorter queries (a two-character Chinese name) use indexed
prefix matches on the receiver (`search_receivers`) and the order number. On PostgreSQL a `pg_trgm`
index answers the same substring LIKE and `text_pattern_ops` indexes the prefixes (migration
0006_team), and a GIN index lists each phone's last fours (0007_search), always up to date, so nothing
waits for an index there.

The index is not kept up to date inside write transactions (for an import of 100,000 orders that
cost more than storing the orders): new orders wait above a high-water mark (`search_state`), an
update trigger queues changed ones in `search_pending`, and `index_pending` brings the index up to
date afterwards, in short transactions. Searches look at the waiting orders with LIKE, so an order
is found the moment its transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    Select,
    Text,
    cast,
    column,
    func,
    or_,
    select,
    table,
    text,
    union,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop_app.core.invisible_marks import without_invisible
from desktop_app.store.id_arrays import any_id
from desktop_app.store.models import Order, SearchPending, SearchReceiver, SearchState
from desktop_app.store.search_terms import SEARCH_LIMIT, is_phone_tail

# Created by the migrations (0002_search_queue, 0003_search_watermark).
FTS_TABLE = "order_search"
# Orders indexed per transaction when catching up: ~0.1 s each, so other work waits little.
INDEX_CHUNK = 5000

def build_search_text(parts: Iterable[str | None]) -> str:
    """Join the searchable values; phone numbers and order numbers stay whole for substring search."""
    return " ".join(p.strip().lower() for p in parts if p and p.strip())


_TOP = "\U0010ffff"  # sorts after every character: `x <= value <= x + _TOP` is a prefix match on an index


def _mark() -> ScalarSelect[int]:
    """Orders above this id are waiting for the index (migration 0003)."""
    return select(SearchState.indexed_upto).where(SearchState.id == 1).scalar_subquery()


def _waiting(condition: ColumnElement[bool], limit: int) -> list[Select[int]]:
    """Ids of orders waiting for the index (new above the mark, or queued after an update) that meet
    `condition`, the oldest first: one select each, so each is driven by its own key (a rowid range,
    the small queue), read in id order anyway."""
    return [
        select(Order.id).where(Order.id > _mark(), condition).order_by(Order.id).limit(limit),
        # `id IN (queue)` drives the lookup from the queue; a join let the planner scan all orders.
        select(Order.id).where(Order.id.in_(select(SearchPending.order_id)), condition)
        .order_by(Order.id).limit(limit),
    ]


def _any_of(parts: list[Select[int]], limit: int, distinct: bool, oldest_first: bool = False) -> Select[int]:
    subqueries = [p.subquery().select() for p in parts]
    both = (union(*subqueries) if distinct else union_all(*subqueries)).subquery()
    ids = select(both.c[0])
    return (ids.order_by(both.c[0]) if oldest_first else ids).limit(limit)


def _escaped(text: str) -> str:
    """`text` taken literally inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Four digits alone are a phone's last four (what a buyer says on the phone): they match phones only,
# not the many order and tracking numbers that contain them somewhere (is_phone_tail, store/search_terms).


# Three letters or digits in a row: pg_trgm takes at least one trigram from the search (its words are
# runs of letters and digits), so its index narrows the orders down.
_TRIGRAM = re.compile(r"[^\W_]{3}")


def _ends_phone(digits: str) -> ColumnElement[bool]:
    """The phone ends with `digits`, also before an extension (a platform's privacy number 170…-1234)."""
    return or_(Order.phone.like(f"%{digits}"), Order.phone.like(f"%{digits}-%"), Order.phone.like(f"%{digits}转%"))


def _fts_ids(q: str) -> Select[int]:
    """Indexed orders whose search text contains `q` (SQLite FTS5 trigram), without stale entries."""
    phrase = '"' + q.replace('"', '""') + '"'
    fts = table(FTS_TABLE, column("rowid"))
    return (
        select(fts.c.rowid.label("id"))
        .where(text(f"{FTS_TABLE} MATCH :fts_query").bindparams(fts_query=phrase))
        .where(fts.c.rowid.not_in(select(SearchPending.order_id)))  # stale entries
    )


def matching_order_ids(query: str, dialect: str, limit: int = SEARCH_LIMIT) -> Select[int]:
    """Ids of orders matching the search box text, at most `limit` of them."""
    raw = without_invisible(query).strip()
    q = raw.lower()
    if is_phone_tail(q):
        on_phone = _ends_phone(q)
        if dialect != "sqlite":  # the phone's last fours are indexed (0007_search), the phone decides
            # Imported here: the PostgreSQL dialect costs the window's start-up on a file ledger ~40 ms.
            from sqlalchemy.dialects.postgresql import ARRAY, array

            tails = func.ledger_phone_tails(Order.phone, type_=ARRAY(Text))
            return select(Order.id).where(tails.contains(cast(array([q]), ARRAY(Text))), on_phone).limit(limit)
        # The trigram index narrows to orders containing the digits anywhere; the phone decides.
        indexed = select(Order.id).where(Order.id.in_(_fts_ids(q)), on_phone).limit(limit)
        return _any_of([indexed, *_waiting(on_phone, limit)], limit, distinct=False)
    if len(q) < 3:
        # Too short for trigrams: prefix matches on what people type first — a surname or a two-character
        # name (one character: nothing else), the start of an order number (two). Cut at the limit, the
        # oldest matching orders are listed on both backends, as the trigram searches list them (FTS5
        # in rowid order, PostgreSQL's bitmap in the table's order): `王` shows the same first 2,000
        # orders on a file and on its server copy. Each prefix index holds the order id beside the key
        # (SQLite's rowid, PostgreSQL's INCLUDE of 0011_team), so every match of the prefix (≈ 20,000 for
        # a common surname at a million orders) is read from the index alone and the oldest kept.
        if dialect == "sqlite":
            receivers = Order.receiver.between(raw, raw + _TOP)
            parts = [
                select(SearchReceiver.order_id).where(
                    SearchReceiver.receiver.between(raw, raw + _TOP),
                    SearchReceiver.order_id.not_in(select(SearchPending.order_id)))
                .order_by(SearchReceiver.order_id).limit(limit),
                *_waiting(receivers, limit),
            ]
            if len(q) == 2:
                parts.append(select(Order.id).where(Order.order_no.between(q, q + _TOP))
                             .order_by(Order.id).limit(limit))
        else:
            # A LIKE prefix is exact under every collation and uses the text_pattern_ops indexes. The
            # oldest orders' cases lie together in the table and its indexes: a broad search reads
            # fewer pages.
            parts = [select(Order.id).where(Order.receiver.like(f"{_escaped(raw)}%", escape="\\"))
                     .order_by(Order.id).limit(limit)]
            if len(q) == 2:
                parts.append(select(Order.id).where(Order.order_no.like(f"{_escaped(q)}%", escape="\\"))
                             .order_by(Order.id).limit(limit))
        return _any_of(parts, limit, distinct=True, oldest_first=True)
    contains = Order.search_text.like(f"%{_escaped(q)}%", escape="\\")
    if dialect == "sqlite":
        return _any_of([_fts_ids(q).limit(limit), *_waiting(contains, limit)], limit, distinct=False)
    return select(Order.id).where(contains).limit(limit)


@dataclass(frozen=True, slots=True)
class SearchHits:
    """The orders a search box matches, read once: at most SEARCH_LIMIT of them, and whether more
    matched (`cut`). A list counted and paged over these agrees with itself, and the search runs once
    per keystroke instead of once for the count, once per page and once for "is it cut"."""

    order_ids: tuple[int, ...]
    cut: bool


def search_hits(session: Session, query: str) -> SearchHits:
    query = without_invisible(query)
    dialect = session.get_bind().dialect.name
    stmt = matching_order_ids(query, dialect, SEARCH_LIMIT + 1)
    # PostgreSQL: a substring search with a trigram in it goes through the trigram index, never a
    # sequential scan. For a common trigram (`138`) the planner scanned the table until 2,001 matched
    # (≈ 40,000 rows, 50–90 ms at a million orders) and, with synchronised scans, started where the
    # last scan stopped: the same search listed other orders each time. The index's bitmap is read in
    # table order, stops at the limit too and lists the same orders every time. (Without three letters
    # or digits in a row — `猫砂 豆` — the index would be read whole: the planner decides.)
    by_index = dialect == "postgresql" and not is_phone_tail(query) and bool(_TRIGRAM.search(query.strip()))
    if by_index:
        session.execute(text("SET LOCAL enable_seqscan = off"))
    ids = list(session.execute(stmt).scalars())
    if by_index:
        session.execute(text("SET LOCAL enable_seqscan TO DEFAULT"))
    return SearchHits(tuple(ids[:SEARCH_LIMIT]), len(ids) > SEARCH_LIMIT)


def in_searched_orders(order_id: InstrumentedAttribute[int], query: str, dialect: str,
                       hits: SearchHits | None) -> ColumnElement[bool]:
    """`order_id` is one of the orders the search matches: the hits read already, or the search as a
    subquery. On PostgreSQL the hits go as one array parameter, its text (store/id_arrays): as an IN
    list of 2,000 values each was rendered, cast and parsed as a parameter of its own (≈ 20 ms of a
    keystroke at a million cases, half of it in the app); SQLite's IN list costs little."""
    if hits is None:
        return order_id.in_(matching_order_ids(query, dialect))
    if dialect == "postgresql":
        return any_id(order_id, hits.order_ids)
    return order_id.in_(hits.order_ids)


def pending_count(conn: Connection) -> int:
    """Orders waiting for the search index (0 on databases without one)."""
    if conn.dialect.name != "sqlite":
        return 0
    return int(conn.exec_driver_sql(
        "SELECT (SELECT count(*) FROM search_pending) + (SELECT count(*) FROM orders "
        "WHERE id > (SELECT indexed_upto FROM search_state WHERE id = 1))").scalar_one())


def index_pending(conn: Connection, limit: int = INDEX_CHUNK) -> int:
    """Bring the search index up to date for up to `limit` waiting orders; returns how many.

    Run inside a transaction of its own (the caller commits). Queued (updated) orders first: stale
    entries are deleted by id, the current text indexed and the receiver noted, and the orders leave
    the queue together; then new orders above the mark, which moves up past them.
    """
    if conn.dialect.name != "sqlite":
        return 0
    done = 0
    queued = conn.exec_driver_sql(
        "SELECT max(order_id), count(*) FROM (SELECT order_id FROM search_pending ORDER BY order_id LIMIT ?)",
        (limit,),
    ).one()
    if queued[1]:
        upto = (int(queued[0]),)
        chosen = "SELECT order_id FROM search_pending WHERE order_id <= ?"
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({chosen})", upto)
        conn.exec_driver_sql(f"DELETE FROM search_receivers WHERE order_id IN ({chosen})", upto)
        _index(conn, f"o.id IN ({chosen})", upto)
        conn.exec_driver_sql("DELETE FROM search_pending WHERE order_id <= ?", upto)
        done = int(queued[1])
    if done >= limit:
        return done
    mark = int(conn.exec_driver_sql("SELECT indexed_upto FROM search_state WHERE id = 1").scalar_one())
    fresh = conn.exec_driver_sql(
        "SELECT max(id), count(*) FROM (SELECT id FROM orders WHERE id > ? ORDER BY id LIMIT ?)",
        (mark, limit - done),
    ).one()
    if fresh[1]:
        span = (mark, int(fresh[0]))
        # Nothing above the mark is indexed; deleting first keeps a surprise from doubling an entry.
        conn.exec_driver_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid > ? AND rowid <= ?", span)
        conn.exec_driver_sql("DELETE FROM search_receivers WHERE order_id > ? AND order_id <= ?", span)
        _index(conn, "o.id > ? AND o.id <= ?", span)
        conn.exec_driver_sql("UPDATE search_state SET indexed_upto = ? WHERE id = 1", (span[1],))
        done += int(fresh[1])
    return done


def _index(conn: Connection, which: str, parameters: tuple[int, ...]) -> None:
    """Index the search text and note the receiver of the orders `which` selects (`o` is orders)."""
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}(rowid, search_text) SELECT o.id, o.search_text FROM orders o WHERE {which}",
        parameters)
    conn.exec_driver_sql(
        "INSERT INTO search_receivers(order_id, receiver) SELECT o.id, o.receiver FROM orders o "
        f"WHERE {which} AND o.receiver IS NOT NULL", parameters)
