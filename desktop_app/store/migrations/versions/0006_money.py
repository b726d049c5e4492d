"""the 统计 dashboard counts parcels per courier and pieces sold per product from indexes alone

Revision ID: 0006_money
Revises: 0005_timers
Create Date: 2026-12-02

Why (issue 17, bench/bench_report.py): the dashboard counts the orders paid in the period per
courier, and joins the cases in scope to their order lines for the products. With these covering
indexes each read is one index entry instead of an index entry and a wide table row: couriers
454 → 193 ms, products 717 → 567 ms CPU for 100,000 cases over a year (same process, interleaved,
with and without). Covering indexes on deadlines and audit events were measured too and left out:
0–8 % for an index on two of the most written tables. Each new index starts with the column of the
one it replaces (`ix_order_items_order_id`, `ix_orders_paid_at`), which every lookup by order or by
payment time uses as before: imports keep one index per table, a little wider.
"""

from __future__ import annotations

from alembic import op

revision = '0006_money'
down_revision = '0006_looks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index('ix_order_items_report', ['order_id', 'sku_code', 'title', 'quantity'], unique=False)
        batch_op.drop_index('ix_order_items_order_id')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_paid_report', ['paid_at', 'carrier', 'platform', 'shop_id'], unique=False)
        batch_op.drop_index('ix_orders_paid_at')


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_paid_at', ['paid_at'], unique=False)
        batch_op.drop_index('ix_orders_paid_report')
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index('ix_order_items_order_id', ['order_id'], unique=False)
        batch_op.drop_index('ix_order_items_report')
