"""audit events remember being taken back: undone_by

Revision ID: 0006_looks
Revises: 0005_timers
Create Date: 2026-12-02

Why: issue 15 — undo for the last action of a case (编辑 → 撤销, Ctrl+Z). An undo is itself an
audit event (kind "undo"); the event it takes back keeps every word it had and is marked with the
undo's id here, so the timeline shows both and the deadline engine no longer reads its milestone.
NULL: in force.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_looks'
down_revision = '0006_team'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undone_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('undone_by')
