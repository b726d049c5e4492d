"""A team server's search pages after a cold start (store/server_warming): the tables a search lists by block
range, and with `pg_prewarm` the indexes it starts from too; a chunk at a time, the user's turn asked before each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import insert, text

from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Case, Order
from desktop_app.store.page_warming import WarmingStopped
from desktop_app.store.server_warming import CHUNK_BLOCKS, warm_server_pages


@pytest.fixture
def server(pg_url: str) -> Iterator[Database]:
    """A server ledger with 3,000 orders and cases: its tables over one chunk each."""
    db = open_database(pg_url)
    with db.transaction() as s:
        s.execute(insert(Order), [{"id": i, "order_key": f"pdd:{i}", "platform": "pdd", "order_no": f"26{i:08d}",
                                   "receiver": f"王{i % 97}", "phone": f"138{i:08d}",
                                   "search_text": f"26{i:08d} 王{i % 97} 138{i:08d} 保温杯" + "款" * 100}
                                  for i in range(1, 3001)])
        s.execute(insert(Case), [{"id": i, "order_id": i, "platform": "pdd", "kind": "reship", "status": "pending",
                                  "is_open": True, "reason": "破损" * 10} for i in range(1, 3001)])
    yield db
    db.close()


def blocks(db: Database, names: list[str]) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT sum(pg_relation_size(c.oid) / current_setting('block_size')::int) FROM pg_class c "
            "WHERE c.relname = ANY(:names)"), {"names": names}).scalar_one())


def test_the_tables_are_read_by_block_range_a_chunk_at_a_time(server: Database) -> None:
    turns = 0

    def turn() -> None:
        nonlocal turns
        turns += 1

    read = warm_server_pages(server, turn)
    heap = blocks(server, ["orders", "cases", "deadlines"])
    assert heap > CHUNK_BLOCKS and read == heap * 8192  # no pg_prewarm here: the tables, not the indexes
    assert turns >= heap // CHUNK_BLOCKS


def test_with_pg_prewarm_the_indexes_a_search_starts_from_are_read_too(server: Database) -> None:
    with server.engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_prewarm"))
    try:
        read = warm_server_pages(server, lambda: None)
    finally:
        with server.engine.begin() as conn:
            conn.execute(text("DROP EXTENSION pg_prewarm"))
    indexed = blocks(server, ["ix_orders_search_trgm", "ix_orders_receiver_prefix", "ix_orders_order_no_prefix",
                              "ix_orders_phone_tails", "ix_cases_order_id_is_open", "ix_deadlines_case_id"])
    assert indexed > 0 and read == (indexed + blocks(server, ["orders", "cases", "deadlines"])) * 8192


def test_a_cancel_stops_it_before_the_next_chunk(server: Database) -> None:
    def cancelled() -> None:
        raise WarmingStopped

    with pytest.raises(WarmingStopped):
        warm_server_pages(server, cancelled)
