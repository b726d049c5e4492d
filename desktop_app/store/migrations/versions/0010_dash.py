"""the 统计 dashboard's denominators per month: pieces sold and parcels shipped in `order_sales`

Revision ID: 0010_dash
Revises: 0009_engine
Create Date: 2026-12-02

Why (issue 17, bench/bench_report.py): pieces sold per product and parcels per courier read every order
paid in the period (100,000 for a year of the benchmark) and grouped them with a sort, ~100 ms of the
dashboard. `order_sales` holds them per China month, platform and shop (kind "p": pieces of a product
by its key in `orders.goods`; kind "c": orders shipped with a courier); a period reads its whole months
from it and only its ragged edges from the orders. Kept by `store.order_sales` (the order import, the
writers of order lines).

Existing ledgers are filled in from their paid orders, as `store.order_sales.recompute_sales` does (the
same months and sums; a test compares them). Migrations are frozen copies of the schema: they spell out
columns and never import models.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0010_dash'
down_revision = '0009_engine'
branch_labels = None
depends_on = None

orders = sa.table('orders', sa.column('paid_at'), sa.column('carrier', sa.String), sa.column('platform', sa.String),
                  sa.column('shop_id', sa.Integer), sa.column('goods', sa.Text))


def _month(value: Any) -> str:
    """China month of a stored UTC time (text on SQLite, a naive datetime elsewhere)."""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    at = (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)) + timedelta(hours=8)
    return f"{at.year:04d}-{at.month:02d}"


def _lines(goods: str) -> list[tuple[str, int]]:
    """(product key, quantity) of each `<n>:<key><m>:<title><quantity>;` line."""
    lines = []
    at = 0
    while at < len(goods):
        colon = goods.index(':', at)
        end = colon + 1 + int(goods[at:colon])
        key = goods[colon + 1:end]
        colon = goods.index(':', end)
        at = colon + 1 + int(goods[end:colon])
        close = goods.index(';', at)
        lines.append((key, int(goods[at:close])))
        at = close + 1
    return lines


def upgrade() -> None:
    sales = op.create_table(
        'order_sales',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.String(length=10), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('shop_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=1), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_order_sales_report', 'order_sales', ['day', 'platform', 'shop_id', 'kind', 'name', 'amount'],
                    unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # as 0006_team does for every table a seat sees (the function exists since then)
        op.execute("CREATE TRIGGER order_sales_notify AFTER INSERT OR UPDATE OR DELETE ON order_sales "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")
    counted = Counter(
        (_month(paid), platform, shop, carrier or '', goods or '')
        for paid, carrier, platform, shop, goods in bind.execute(
            sa.select(orders.c.paid_at, orders.c.carrier, orders.c.platform, orders.c.shop_id, orders.c.goods)
            .where(orders.c.paid_at.is_not(None))))
    amounts: dict[tuple[Any, ...], int] = {}
    for (month, platform, shop, carrier, goods), n in counted.items():
        if carrier:
            key = (month, platform, shop, 'c', carrier)
            amounts[key] = amounts.get(key, 0) + n
        for product, quantity in _lines(goods):
            key = (month, platform, shop, 'p', product)
            amounts[key] = amounts.get(key, 0) + n * quantity
    if amounts:
        op.bulk_insert(sales, [
            {'day': month, 'platform': platform, 'shop_id': shop, 'kind': kind, 'name': name, 'amount': amount}
            for (month, platform, shop, kind, name), amount in amounts.items()])


def downgrade() -> None:
    op.drop_index('ix_order_sales_report', table_name='order_sales')
    op.drop_table('order_sales')
