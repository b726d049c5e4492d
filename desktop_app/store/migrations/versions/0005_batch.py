"""returns desk inspections, parcels that matched no case (无主件), playbook steps ticked off, case evidence

Revision ID: 0005_batch
Revises: 0004_case_intake
Create Date: 2026-12-02

Why: the returns desk (issue 16) scans a returned parcel's tracking number, finds the case by
`cases.return_tracking_no` and records what was inside (良品/次品/错货/少件/空包). A parcel that
matches no case is kept as an unmatched parcel with the courier guessed from its number, until the
shop matches it to a case. The steps of a case's playbook (resources/playbooks) the shop ticked off
are kept per case, playbook and step. Evidence files attach to a case as they do to a claim.

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_batch'
down_revision = '0004_case_intake'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'return_inspections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('tracking_no', sa.String(length=80), nullable=True),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('inspected_by', sa.String(length=60), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_return_inspections_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_inspections')),
    )
    with op.batch_alter_table('return_inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_inspections_case_id'), ['case_id'], unique=False)
    op.create_table(
        'unmatched_parcels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tracking_no', sa.String(length=80), nullable=False),
        sa.Column('carrier_guess', sa.String(length=60), nullable=True),
        sa.Column('result', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('recorded_by', sa.String(length=60), nullable=False),
        sa.Column('matched_case_id', sa.Integer(), nullable=True),
        sa.Column('matched_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['matched_case_id'], ['cases.id'],
                                name=op.f('fk_unmatched_parcels_matched_case_id_cases'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unmatched_parcels')),
    )
    with op.batch_alter_table('unmatched_parcels', schema=None) as batch_op:
        batch_op.create_index('ix_unmatched_parcels_tracking_no', ['tracking_no'], unique=False)
    op.create_table(
        'playbook_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('playbook_id', sa.String(length=64), nullable=False),
        sa.Column('step_id', sa.String(length=64), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=False),
        sa.Column('checked_by', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_playbook_checks_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook_checks')),
        sa.UniqueConstraint('case_id', 'playbook_id', 'step_id', name='uq_playbook_checks_case_id'),
    )
    op.create_table(
        'case_evidence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('stored_path', sa.Text(), nullable=False),
        sa.Column('original_name', sa.Text(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('added_by', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_evidence_case_id_cases'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_evidence')),
    )
    with op.batch_alter_table('case_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_evidence_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_evidence_case_id'))
    op.drop_table('case_evidence')
    op.drop_table('playbook_checks')
    with op.batch_alter_table('unmatched_parcels', schema=None) as batch_op:
        batch_op.drop_index('ix_unmatched_parcels_tracking_no')
    op.drop_table('unmatched_parcels')
    with op.batch_alter_table('return_inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_inspections_case_id'))
    op.drop_table('return_inspections')
