"""a digest of each case's platform deadlines on the case row, so a recompute that finds them unchanged
reads and compares nothing more for that case

Revision ID: 0009_engine
Revises: 0008_dash
Create Date: 2026-12-02

Why (issue 13, bench/bench_deadlines.py): recomputing every open case read every stored deadline
(154,000 rows for 100,000 cases) and compared it column by column with the engine's result, times
parsed from their stored text, although almost always nothing had changed. `deadline_digest` is a
64-bit digest of what the engine computed for the case when its rows, `next_due_*` and timer counts
were last written (`core.deadlines.deadline_digest`); a recompute whose result has the same digest
skips the case. NULL (every existing case here) means unknown: the next recompute compares the case's
rows as before and writes its digest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_engine'
down_revision = '0008_dash'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('deadline_digest', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column('cases', 'deadline_digest')
