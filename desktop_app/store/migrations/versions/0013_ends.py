"""timers a later platform action ends: `ix_deadlines_status_due_at` carries `met_at`

Revision ID: 0013_ends
Revises: 0012_timers
Create Date: 2026-12-03

Why (issue 13): 淘宝's 72 h after which the buyer may ask the platform to step in runs out before the
platform refunds a refund-only request by itself (day 5). That timer is overdue until the refund and
no work after it, but it stayed "已逾期" for good. The engine (no clock) now keeps it open with the
time of that action in `met_at` (engine revision 7: the next start recomputes), and the reads decide
with the clock (`core.deadline_display.settled_by_platform`). The overdue count reads `met_at` from the index
as it reads `automatic`, without looking every overdue row up.
"""

from __future__ import annotations

from alembic import op

revision = '0013_ends'
down_revision = '0012_timers'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _status_due_index('status', 'due_at', 'automatic', 'met_at')


def _status_due_index(*columns: str) -> None:
    op.drop_index('ix_deadlines_status_due_at', table_name='deadlines')
    op.create_index('ix_deadlines_status_due_at', 'deadlines', list(columns), unique=False)


def downgrade() -> None:
    _status_due_index('status', 'due_at', 'automatic')
