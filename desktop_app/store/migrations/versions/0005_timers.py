"""deadlines keep the money at stake: penalty_fen

Revision ID: 0005_timers
Revises: 0005_money
Create Date: 2026-12-02

Why: issue 13 item 9 — a late shipment costs 5 % of the paid amount (at most 30 元) on Taobao, a
late 抖店 reship 3 元; the deadline engine computes the amount from the rule pack's
`penalty_amount` and the order, and every list shows it from this column (NULL: no amount named,
met, or the order amount is unknown). Existing rows are filled by the next recompute (the engine
revision changed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_timers'
down_revision = '0005_money'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('penalty_fen', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_column('penalty_fen')
