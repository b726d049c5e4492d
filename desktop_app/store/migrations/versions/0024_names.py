"""deadline names 400 characters: `deadlines.name`, `cases.next_due_name`, `cases.after_due_name`

Revision ID: 0024_names
Revises: 0023_unknown
Create Date: 2026-12-06

Why: a rule pack's timer may be named with 80 characters (the 时效规则 form's and the pack check's limit), and the
deadline stored under it says more: （时长为估计）, a holiday window's figure (（春节：15天）, the window's own name up to
80), （按平台自动同意起算）, the unknown penalty's （赔付金额未知：订单未导入，最高30元）. These columns held 80: SQLite
never checks a VARCHAR's length, PostgreSQL refused the write (value too long for type character varying(80)), so a
long name failed only on the team server, at every step of every case the timer reached. 400 holds the longest
name the engine writes (`core.deadline_rounds`: name + window + marks, under 220).

PostgreSQL widens a VARCHAR in place (no table rewrite, its indexes kept). SQLite is left as it is: it stores any
length whatever the declared one, and changing the declaration would copy the whole cases table (a million rows:
minutes at the upgrade) for nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024_names'
down_revision = '0023_unknown'
branch_labels = None
depends_on = None

_COLUMNS = (('deadlines', 'name', False), ('cases', 'next_due_name', True), ('cases', 'after_due_name', True))


def _resize(length: int, was: int) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        return
    for table, column, nullable in _COLUMNS:
        op.alter_column(table, column, type_=sa.String(length), existing_type=sa.String(was),
                        existing_nullable=nullable)


def upgrade() -> None:
    _resize(400, 80)


def downgrade() -> None:
    # Names over 80 characters are cut to fit (the next recompute writes them whole again, after an upgrade).
    if op.get_bind().dialect.name != 'sqlite':
        for table, column, _nullable in _COLUMNS:
            op.execute(sa.text(f'UPDATE {table} SET {column} = substr({column}, 1, 80) WHERE length({column}) > 80'))
    _resize(80, 400)
