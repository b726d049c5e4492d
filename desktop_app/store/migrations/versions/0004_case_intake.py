"""cases carry the platform's own view: after-sales number key, status and reason words, deadline, return parcel

Revision ID: 0004_case_intake
Revises: 0003_search_watermark
Create Date: 2026-12-02

Why: the platforms' after-sales exports come in as cases (issue 12). A case is found again by
(platform family, platform after-sales number): `platform_case_key` holds "family:number" under a
unique index (NULL for cases without a number; several NULLs are allowed on SQLite and PostgreSQL).
The platform's own words (status, reason) and its own deadline are kept beside ours, and the buyer's
return parcel (carrier, tracking number) is what the returns desk scans.

Existing cases that share a number within a family keep the key on the oldest one only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004_case_intake'
down_revision = '0003_search_watermark'
branch_labels = None
depends_on = None


def _family(platform: str) -> str:
    return 'taobao' if platform in ('taobao', 'tmall') else platform


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_case_key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('platform_status', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('platform_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('platform_due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('return_carrier', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('return_tracking_no', sa.String(length=80), nullable=True))
    bind = op.get_bind()
    seen: set[str] = set()
    rows = bind.execute(sa.text(
        'SELECT id, platform, platform_case_no FROM cases WHERE platform_case_no IS NOT NULL ORDER BY id'
    )).all()
    for case_id, platform, number in rows:
        key = f'{_family(platform)}:{number}'
        if key in seen:
            continue
        seen.add(key)
        bind.execute(sa.text('UPDATE cases SET platform_case_key = :key WHERE id = :id'), {'key': key, 'id': case_id})
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('uq_cases_platform_case_key', ['platform_case_key'], unique=True)
        batch_op.create_index('ix_cases_return_tracking_no', ['return_tracking_no'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_return_tracking_no')
        batch_op.drop_index('uq_cases_platform_case_key')
        batch_op.drop_column('return_tracking_no')
        batch_op.drop_column('return_carrier')
        batch_op.drop_column('platform_due_at')
        batch_op.drop_column('platform_reason')
        batch_op.drop_column('platform_status')
        batch_op.drop_column('platform_case_key')
