"""new orders wait for the search index above a high-water mark; receivers looked up beside the index

Revision ID: 0003_search_watermark
Revises: 0002_search_queue
Create Date: 2026-11-22

Why: storing imported orders is the larger half of an import, and SQLite's share of it is the upkeep
of what each inserted row touches. Two of those moved out of the import's transaction, into the
background catch-up that already builds the search index (measured on 100,000 orders into a ledger of
100,000: the receiver index 0.4 s, the insert trigger queueing each id 0.23 s, of a 1.3 s statement):

- The insert trigger is gone. Orders above `search_state.indexed_upto` (ids grow) are waiting for the
  index as the queued ones are; the catch-up indexes them and moves the mark. SQLite reuses only the
  highest id after a delete, so the delete trigger lowers the mark to the highest remaining id when
  the deleted order was above it: a reused id is always above the mark.
- `ix_orders_receiver` (the one- and two-character search box prefix match on the receiver, shorter
  than the index's trigrams) is replaced by `search_receivers`, filled by the same catch-up; orders
  waiting for it are matched on `orders.receiver` directly, as waiting orders are for longer text.

Updated orders are still queued in `search_pending` by the update trigger (updates are few).
Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_search_watermark'
down_revision = '0002_search_queue'
branch_labels = None
depends_on = None

DELETE_TRIGGER = (
    'CREATE TRIGGER orders_search_ad AFTER DELETE ON orders BEGIN\n'
    '        DELETE FROM order_search WHERE rowid = old.id;\n'
    '        DELETE FROM search_receivers WHERE order_id = old.id;\n'
    '        DELETE FROM search_pending WHERE order_id = old.id;\n'
    '        UPDATE search_state SET indexed_upto = (SELECT coalesce(max(id), 0) FROM orders)\n'
    '            WHERE indexed_upto > (SELECT coalesce(max(id), 0) FROM orders);\n'
    '    END'
)
OLD_DELETE_TRIGGER = (
    'CREATE TRIGGER orders_search_ad AFTER DELETE ON orders BEGIN\n'
    '        DELETE FROM order_search WHERE rowid = old.id;\n'
    '        DELETE FROM search_pending WHERE order_id = old.id;\n'
    '    END'
)
OLD_INSERT_TRIGGER = (
    'CREATE TRIGGER orders_search_ai AFTER INSERT ON orders BEGIN\n'
    '        INSERT INTO search_pending(order_id) VALUES (new.id);\n'
    '    END'
)


def upgrade() -> None:
    op.create_table('search_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('indexed_upto', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_state'))
    )
    op.create_table('search_receivers',
    sa.Column('order_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('receiver', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_search_receivers'))
    )
    op.create_index('ix_search_receivers_receiver', 'search_receivers', ['receiver'], unique=False)
    op.drop_index('ix_orders_receiver', table_name='orders')
    # Every order is indexed or queued already: the mark starts at the highest id.
    op.execute('INSERT INTO search_state (id, indexed_upto) SELECT 1, coalesce(max(id), 0) FROM orders')
    op.execute('INSERT INTO search_receivers (order_id, receiver) SELECT id, receiver FROM orders '
               'WHERE receiver IS NOT NULL')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS orders_search_ai')
        op.execute('DROP TRIGGER IF EXISTS orders_search_ad')
        op.execute(DELETE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS orders_search_ad')
        op.execute(OLD_DELETE_TRIGGER)
        op.execute(OLD_INSERT_TRIGGER)
        # Orders above the mark were waiting for the index: queue them as 0002 expects.
        op.execute('INSERT OR IGNORE INTO search_pending (order_id) SELECT id FROM orders '
                   'WHERE id > (SELECT indexed_upto FROM search_state WHERE id = 1)')
    op.create_index('ix_orders_receiver', 'orders', ['receiver'], unique=False)
    op.drop_index('ix_search_receivers_receiver', table_name='search_receivers')
    op.drop_table('search_receivers')
    op.drop_table('search_state')
