"""when the platform settles a case's stored next deadline by itself: `cases.next_due_until`

Revision ID: 0015_until
Revises: 0014_carriers
Create Date: 2026-12-03

Why (issue 13): the 下一个时限 column sorts by `cases.next_due_at`, the engine's earliest open deadline
(it has no clock). A case whose only timer the platform had settled by itself (抖店 refunds a refund-only
request left 48 h, 天猫 on day 5) showed "平台已超时自动处理" but sorted as overdue at the top. The case
now also stores when the platform settles its stored deadline (its due for an answer the platform gives
itself, the later platform action that ends it, the open row's `met_at`); cases whose moment has come
are read again with the clock (`services.deadlines.refresh_next_dues`), found through the new index.

Filled here from each open case's first open platform deadline (due order, as the engine writes
`next_due_at`); the next recompute or refresh does the rest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015_until'
down_revision = '0014_carriers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('next_due_until', sa.DateTime(), nullable=True))
    # One ordered pass over the open platform deadlines, the first of each case kept: a correlated
    # subquery per case had SQLite walk `ix_deadlines_status_due_at` for each (minutes at 30,000 cases).
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT case_id, due_at, automatic, met_at FROM deadlines WHERE claim_id IS NULL AND status = 'open' "
        "ORDER BY case_id, due_at, timer_id"))
    until: list[dict[str, object]] = []
    seen = None
    for case_id, due_at, automatic, met_at in rows:
        if case_id == seen:
            continue
        seen = case_id
        moment = due_at if automatic else met_at
        if moment is not None:
            until.append({"id": case_id, "until": moment})
    if until:
        connection.execute(sa.text("UPDATE cases SET next_due_until = :until WHERE id = :id AND is_open "
                                   "AND next_due_at IS NOT NULL"), until)
    op.create_index('ix_cases_next_due_until', 'cases', ['next_due_until'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_next_due_until', table_name='cases')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('next_due_until')
