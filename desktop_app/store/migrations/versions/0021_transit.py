"""the steps that name a milestone, indexed by milestone and case: `ix_audit_events_milestone_case_id`

Revision ID: 0021_transit
Revises: 0020_authors
Create Date: 2026-12-04

Why (issue 18: the window's start-up must not flush the server's cache before the first keystroke): the returns
desk's overdue list (退货入库's count in its tab title, read at every start and after each change; `returns transit`)
wants the cases waiting for a return whose buyer shipped it before a moment. It read every case with status 等待买家退货
and, per case, the latest 买家寄回 step in force: at a million cases (143,285 waiting) 0.4–0.9 s and 28,868 pages (225
MB) of `cases` on PostgreSQL, more than its whole 128 MB buffer cache, before the user typed. The query now may
start from the steps: a partial index of the steps in force that name a milestone (most steps do not: notes, edits,
undos) holds milestone, case and time (and `undone_by`, always NULL there: SQLite tests the condition again and
reads it from the index), so the cases that have such a step and the latest one of each are read from the index
alone (`store/return_queries.py`). The condition is the one the query states; partial indexes exist on both
databases. A SQLite ledger with planner statistics for its audit trail gets them for the new index (as
0019_penalty). Nothing is stored anew: no write path changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021_transit'
down_revision = '0020_authors'
branch_labels = None
depends_on = None

_WHERE = sa.text('milestone IS NOT NULL AND undone_by IS NULL')


def upgrade() -> None:
    op.create_index('ix_audit_events_milestone_case_id', 'audit_events', ['milestone', 'case_id', 'at', 'undone_by'],
                    unique=False, sqlite_where=_WHERE, postgresql_where=_WHERE)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'audit_events'").first():
        op.execute('ANALYZE "audit_events"')


def downgrade() -> None:
    op.drop_index('ix_audit_events_milestone_case_id', table_name='audit_events')
