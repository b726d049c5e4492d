"""the 统计 dashboard's products without joining order lines: the goods of an order on it and its cases

Revision ID: 0008_dash
Revises: 0007_dash
Create Date: 2026-12-02

Why (issue 17, bench/bench_report.py): after 0007_dash the products figure was half of the whole
dashboard — every case of the period joined to its order's lines (131,000 rows for 100,000 cases of a
year) and sorted by product, and pieces sold joined every order paid in the period to its lines.
`goods` holds an order's lines in one string (`<n>:<key><m>:<title><quantity>;` per line, n and m the
lengths of the product key and title: see `store/case_facts.py`), on the order and copied onto its
cases. The products figure groups the cases of a period by it (`ix_cases_goods`, in index order, no
sort) and splits the few thousand distinct strings in Python; pieces sold groups the orders paid in the
period by it (`ix_orders_paid_report` grows by the column).

Existing rows are filled in by the SQL the writers use: the goods of every order with lines, then each
case from its order. Migrations are
frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008_dash'
down_revision = '0007_dash'
branch_labels = None
depends_on = None

_OLD_PAID = ['paid_at', 'carrier', 'platform', 'shop_id']
_GOODS = ['goods', 'requested_at', 'created_at', 'platform', 'order_id', 'kind', 'refund_fen', 'compensation_fen',
          'postage_out_fen', 'postage_back_fen', 'postage_back_payer', 'written_off_fen', 'penalty_fen']

orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('goods', sa.Text))
cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('order_id', sa.Integer), sa.column('goods', sa.Text))
items = sa.table('order_items', sa.column('id', sa.Integer), sa.column('order_id', sa.Integer),
                 sa.column('position', sa.Integer), sa.column('title', sa.Text), sa.column('sku_code', sa.String),
                 sa.column('quantity', sa.Integer))


def _goods() -> Any:
    """The order's lines in order, as `store.case_facts.order_goods` builds them (the same SQL, so the
    strings equal what the writers keep)."""
    key = sa.func.coalesce(sa.func.nullif(items.c.sku_code, ''), items.c.title)
    line = (sa.cast(sa.func.length(key), sa.String) + ':' + key + sa.cast(sa.func.length(items.c.title), sa.String)
            + ':' + items.c.title + sa.cast(items.c.quantity, sa.String) + ';')
    lines = (sa.select(line.label('line')).where(items.c.order_id == orders.c.id)
             .order_by(items.c.position, items.c.id).correlate(orders).subquery())
    return sa.select(sa.func.aggregate_strings(lines.c.line, '')).correlate(orders).scalar_subquery()


def upgrade() -> None:
    op.add_column('orders', sa.Column('goods', sa.Text(), nullable=True))
    op.add_column('cases', sa.Column('goods', sa.Text(), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.update(orders).where(orders.c.id.in_(sa.select(items.c.order_id))).values(goods=_goods()))
    bind.execute(sa.update(cases).where(cases.c.order_id.in_(sa.select(orders.c.id).where(orders.c.goods.is_not(None))))
                 .values(goods=sa.select(orders.c.goods).where(orders.c.id == cases.c.order_id).scalar_subquery()))
    op.drop_index('ix_orders_paid_report', table_name='orders')
    op.create_index('ix_orders_paid_report', 'orders', [*_OLD_PAID, 'goods'], unique=False)
    op.create_index('ix_cases_goods', 'cases', _GOODS, unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_goods', table_name='cases')
    op.drop_index('ix_orders_paid_report', table_name='orders')
    op.create_index('ix_orders_paid_report', 'orders', _OLD_PAID, unique=False)
    op.drop_column('cases', 'goods')
    op.drop_column('orders', 'goods')
