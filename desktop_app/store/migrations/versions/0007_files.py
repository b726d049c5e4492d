"""file contents a team ledger keeps for every seat: evidence photos, weighing records, seals

Revision ID: 0007_files
Revises: 0006_freeze
Create Date: 2026-12-02

Why: issue 18 — on a team ledger an evidence file or a seal image stayed on the computer that
added it; the other seats saw the entry but not the picture. A server ledger now keeps each file's
bytes beside its row, under the same data-folder-relative path the row stores, and every seat
writes a copy into its own cache when it first shows or prints the file. A ledger file (SQLite)
keeps the table empty: its files are already on the one computer that uses it.

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007_files'
down_revision = '0006_freeze'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'shared_files',
        sa.Column('stored_path', sa.String(length=400), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('stored_path'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # as 0006_team does for every table a seat sees (the function exists since then)
        op.execute("CREATE TRIGGER shared_files_notify AFTER INSERT OR UPDATE OR DELETE ON shared_files "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")


def downgrade() -> None:
    op.drop_table('shared_files')
