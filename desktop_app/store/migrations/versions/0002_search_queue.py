"""search index kept up to date after writes; fewer order indexes

Revision ID: 0002_search_queue
Revises: 0001_initial
Create Date: 2026-11-22

Why: the FTS5 trigram trigger made storing 100,000 imported orders cost ~2.6 s more (measured), the
larger part of the import. Orders now only queue their id in `search_pending` (an integer-key insert)
and the index catches up after the import commits; searches read pending orders with LIKE meanwhile.
The index keeps its own copy of the text (no external content), so an entry can be deleted by rowid
even after `orders.search_text` moved on. Four order indexes are dropped (each cost 0.25-0.6 s per
100,000 imported orders): three nothing used, and the tracking number's, which only served two-character
prefix searches (tracking numbers are found by the search index from three characters on); exact and
prefix order-number lookups get `ix_orders_order_no`.

The update trigger tests for a queued id instead of `INSERT OR IGNORE`: the conflict clause of
the statement that fires a trigger (the import's upsert) overrides the trigger's own.

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_search_queue'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

OLD_FTS_DROP = (
    'DROP TRIGGER IF EXISTS orders_search_au',
    'DROP TRIGGER IF EXISTS orders_search_ad',
    'DROP TRIGGER IF EXISTS orders_search_ai',
    'DROP TABLE IF EXISTS order_search',
)
FTS_DDL = (
    "CREATE VIRTUAL TABLE order_search USING fts5(search_text, tokenize='trigram')",
    # A new id cannot be queued already (a deleted order leaves the queue with it), and the guard
    # the update trigger needs cost 0.3 s per 100,000 imported orders (measured).
    'CREATE TRIGGER orders_search_ai AFTER INSERT ON orders BEGIN\n'
    '        INSERT INTO search_pending(order_id) VALUES (new.id);\n'
    '    END',
    'CREATE TRIGGER orders_search_au AFTER UPDATE OF search_text ON orders\n'
    '    WHEN new.search_text IS NOT old.search_text BEGIN\n'
    '        INSERT INTO search_pending(order_id) SELECT new.id\n'
    '            WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE order_id = new.id);\n'
    '    END',
    'CREATE TRIGGER orders_search_ad AFTER DELETE ON orders BEGIN\n'
    '        DELETE FROM order_search WHERE rowid = old.id;\n'
    '        DELETE FROM search_pending WHERE order_id = old.id;\n'
    '    END',
    # Every existing order is queued, not indexed here: the window opens at once and indexes them in
    # the background (a million orders took ~60 s inside the migration), searches reading the queue.
    'INSERT INTO search_pending(order_id) SELECT id FROM orders',
)
OLD_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS order_search USING fts5(search_text, content='orders', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS orders_search_ai AFTER INSERT ON orders BEGIN\n        INSERT INTO order_search(rowid, search_text) VALUES (new.id, new.search_text);\n    END',
    "CREATE TRIGGER IF NOT EXISTS orders_search_ad AFTER DELETE ON orders BEGIN\n        INSERT INTO order_search(order_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);\n    END",
    "CREATE TRIGGER IF NOT EXISTS orders_search_au AFTER UPDATE OF search_text ON orders BEGIN\n        INSERT INTO order_search(order_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);\n        INSERT INTO order_search(rowid, search_text) VALUES (new.id, new.search_text);\n    END",
    "INSERT INTO order_search(order_search) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_table('search_pending',
    sa.Column('order_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_search_pending'))
    )
    # Plain index statements (not batch mode, which may rebuild the table and lose its triggers).
    op.drop_index('ix_orders_platform_order_no', table_name='orders')
    op.drop_index('ix_orders_phone', table_name='orders')
    op.drop_index('ix_orders_shop_id', table_name='orders')
    op.drop_index('ix_orders_tracking_no', table_name='orders')
    op.create_index('ix_orders_order_no', 'orders', ['order_no'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        for statement in (*OLD_FTS_DROP, *FTS_DDL):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for statement in OLD_FTS_DROP:
            op.execute(statement)
    op.drop_index('ix_orders_order_no', table_name='orders')
    op.create_index('ix_orders_tracking_no', 'orders', ['tracking_no'], unique=False)
    op.create_index('ix_orders_shop_id', 'orders', ['shop_id'], unique=False)
    op.create_index('ix_orders_phone', 'orders', ['phone'], unique=False)
    op.create_index('ix_orders_platform_order_no', 'orders', ['platform', 'order_no'], unique=False)
    op.drop_table('search_pending')
    if op.get_bind().dialect.name == 'sqlite':
        for statement in OLD_FTS_DDL:
            op.execute(statement)
