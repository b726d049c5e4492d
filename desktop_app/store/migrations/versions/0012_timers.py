"""timers the platform settles by itself: `deadlines.automatic`, and on the case whether its next
deadline is one (`cases.next_due_automatic`) and the deadline after it (`cases.after_due_at/_name`)

Revision ID: 0012_timers
Revises: 0011_team
Create Date: 2026-12-03

Why (issue 13): when the shop lets 抖店's 48 h answer to a reship request run out, the platform agrees
by itself and the 48 h ship clock starts; Taobao agrees to a 7-day return after 72 h. The answer timer
stayed open and showed "已逾期" in red, was counted overdue in the calendar, the reship queue and the
统计 tab, and was the case's 下一个时限 although nothing of it was left to do. The engine has no clock
(stored rows never go stale), so the rows say which timers the platform settles at their due time and
the reads decide with the clock: `automatic` on the row; on the case, `next_due_*` stays its earliest
open timer (the 下一个时限 sort, as before: no case row is rewritten here), `next_due_automatic` says
the platform settles that one by itself, and `after_due_*` is the earliest open timer it does not
settle, shown once the answer ran out. The recompute that follows fills them (the engine revision
rose; only cases with such a timer are rewritten).
`ix_deadlines_status_due_at` carries `automatic` so the overdue count still reads the index alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012_timers'
down_revision = '0011_team'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('deadlines', sa.Column('automatic', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('cases', sa.Column('next_due_automatic', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('cases', sa.Column('after_due_at', sa.DateTime(), nullable=True))
    op.add_column('cases', sa.Column('after_due_name', sa.String(length=80), nullable=True))
    # The overdue count leaves out the timers the platform settled from the index alone (without the
    # column there it read every overdue row: 10 → 160-250 ms for 91,000 overdue).
    _status_due_index('status', 'due_at', 'automatic')


def _status_due_index(*columns: str) -> None:
    op.drop_index('ix_deadlines_status_due_at', table_name='deadlines')
    op.create_index('ix_deadlines_status_due_at', 'deadlines', list(columns), unique=False)


def downgrade() -> None:
    _status_due_index('status', 'due_at')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('after_due_name')
        batch_op.drop_column('after_due_at')
        batch_op.drop_column('next_due_automatic')
    with op.batch_alter_table('deadlines') as batch_op:
        batch_op.drop_column('automatic')
