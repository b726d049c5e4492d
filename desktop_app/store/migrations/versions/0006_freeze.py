"""indexes for every sort of the Cases table: receivers, open cases by next due, cases of an order

Revision ID: 0006_freeze
Revises: 0005_timers
Create Date: 2026-12-02

Why: issue 15 — with a million cases, sorting the Cases table by 买家/收货人, 订单号 or 下一个时限 and
scrolling read each page with a sort of every listed case (0.9–5.4 s a page):

- `ix_orders_receiver` again (dropped by 0003 to save ~0.4 s per 100,000 imported orders): the
  receiver sort walks it, as the order number sort walks `ix_orders_order_no`, and joins each order's
  cases through
- `ix_cases_order_id_is_open` (replacing `ix_cases_order_id`), which answers "the open cases of this
  order" from the index alone, so the default "未结束" list never reads a case row to sort;
- `ix_cases_is_open_next_due_at`: open cases in deadline order (the timers without a date come after,
  read as a second range: `store/case_queries.py`), as `ix_cases_is_open_updated_at` does for the
  default sort.

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

from alembic import op

revision = '0006_freeze'
down_revision = '0006_money'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_receiver', 'orders', ['receiver'], unique=False)
    op.create_index('ix_cases_order_id_is_open', 'cases', ['order_id', 'is_open'], unique=False)
    op.drop_index('ix_cases_order_id', table_name='cases')
    op.create_index('ix_cases_is_open_next_due_at', 'cases', ['is_open', 'next_due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_is_open_next_due_at', table_name='cases')
    op.create_index('ix_cases_order_id', 'cases', ['order_id'], unique=False)
    op.drop_index('ix_cases_order_id_is_open', table_name='cases')
    op.drop_index('ix_orders_receiver', table_name='orders')
