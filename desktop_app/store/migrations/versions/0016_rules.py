"""the shop's rule edits and holiday schedule kept in the ledger: `rule_files`

Revision ID: 0016_rules
Revises: 0015_until
Create Date: 2026-12-03

Why (issue 18): on a team ledger every seat computed deadlines with the rule packs and holiday schedule
of its own data folder, so an edit on one computer was unknown to the others, and whichever seat
recomputed last rewrote the stored deadlines back and forth. A team ledger now holds the shop's edited
files itself, one row per file with its author and a version for optimistic locking; a ledger file
leaves the table empty (its edits stay in the data folder). On PostgreSQL a change is announced to the
other seats like every ledger table's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016_rules'
down_revision = '0015_until'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rule_files',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('changed_by', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_rule_files')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE TRIGGER rule_files_notify AFTER INSERT OR UPDATE OR DELETE ON rule_files "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS rule_files_notify ON rule_files")
    op.drop_table('rule_files')
