"""the deadlines whose penalty amount is unknown, indexed: `ix_deadlines_unknown_penalties`

Revision ID: 0023_unknown
Revises: 0022_kinds
Create Date: 2026-12-06

Why (issues 13 item 2, 17): the 统计 says how many cases of a period owe a penalty whose amount is unknown (a
share of an order that was not imported: the deadline's name says （赔付金额未知…, its `penalty_fen` is NULL). That
count walked every missed and open deadline of the period through `ix_deadlines_status_due_at` and read each row
for its name: ≈ 110 ms for a year of the 100,000-case benchmark, on the dashboard's critical path. A partial index
of only those deadlines answers it at once (0.1 ms); its condition is the one the query states
(`store/penalty_queries.py`), a literal LIKE as both databases match it. As 0019_penalty, a SQLite ledger with planner
statistics for its deadlines gets them for the new index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023_unknown'
down_revision = '0022_kinds'
branch_labels = None
depends_on = None

# `models.UNKNOWN_PENALTY_INDEX_WHERE` as this revision made it (a migration does not follow later edits).
_WHERE = sa.text("penalty_fen IS NULL AND claim_id IS NULL AND name LIKE '%（赔付金额未知%'")


def upgrade() -> None:
    op.create_index('ix_deadlines_unknown_penalties', 'deadlines', ['due_at', 'status', 'case_id'],
                    unique=False, sqlite_where=_WHERE, postgresql_where=_WHERE)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'deadlines'").first():
        op.execute('ANALYZE "deadlines"')


def downgrade() -> None:
    op.drop_index('ix_deadlines_unknown_penalties', table_name='deadlines')
