"""the deadlines that carry a penalty amount, indexed: `ix_deadlines_penalties`

Revision ID: 0019_penalty
Revises: 0018_sortkeys
Create Date: 2026-12-04

Why (issues 13 item 9, 17): a timer that ran out now counts its penalty in the case's cost and in the 统计
(淘宝's late shipment 5 % of the order up to 30 元, 抖店's 3 元 a late reship), by the period holding its due
time. The amount is already stored on the deadline by the engine (`deadlines.penalty_fen`, 0005_timers), so
nothing new is stored: a partial index of only the deadlines that carry one (due time, status, case, amount,
claim) lets the dashboard read a period's penalties from the index alone. Without it, the read walked every
missed deadline of the period through `ix_deadlines_status_due_at` and read each row for its amount: 150–200
ms CPU for a year of the 100,000-case benchmark against 27–35 ms with it (bench/README.md, session 22). Partial
indexes exist on both databases; the condition is the one the query states (`store/penalty_queries.py`). A
SQLite ledger with planner statistics for its deadlines gets them for the new index (as 0017_money).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019_penalty'
down_revision = '0018_sortkeys'
branch_labels = None
depends_on = None

_WHERE = sa.text('penalty_fen IS NOT NULL AND claim_id IS NULL')


def upgrade() -> None:
    op.create_index('ix_deadlines_penalties', 'deadlines', ['due_at', 'status', 'case_id', 'penalty_fen', 'claim_id'],
                    unique=False, sqlite_where=_WHERE, postgresql_where=_WHERE)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'deadlines'").first():
        op.execute('ANALYZE "deadlines"')


def downgrade() -> None:
    op.drop_index('ix_deadlines_penalties', table_name='deadlines')
