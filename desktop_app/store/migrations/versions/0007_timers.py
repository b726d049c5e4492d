"""orders.campaign: the platform campaign an order was sold in (聚划算)

Revision ID: 0007_timers
Revises: 0007_search
Create Date: 2026-12-02

Why: issue 13 item 6 — 聚划算 orders ship within 7 days instead of 72 hours (seed 002: "聚劃算7天內
發貨"), but nothing in the ledger said an order was a 聚划算 order. The column holds the id of a
`[[campaigns]]` entry of the rule packs ("juhuasuan"), set by the shop (CLI `order-campaign`, the
order pane) and written to the audit log; NULL for an ordinary order.

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_timers'
down_revision = '0007_search'
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both dialects (SQLite 3.35+ drops a column itself): a batch operation would copy
# the orders table, and its downgrade could not drop a table that cases refer to.
def upgrade() -> None:
    op.add_column('orders', sa.Column('campaign', sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column('orders', 'campaign')
