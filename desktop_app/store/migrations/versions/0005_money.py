"""where the money goes: case costs, claim ticket and contact, claim payouts

Revision ID: 0005_money
Revises: 0005_batch
Create Date: 2026-12-02

Why (issue 17): a case carries what it cost beyond refund and compensation (postage out and back
and who paid the return, goods written off, the platform's penalty); a claim carries what the
courier asks for (ticket number, contact level and contact, date reported) and every payout with
its date and channel; the shop's cost price per 商家编码 (`product_costs`). `ix_cases_report` lets the dashboard count cases from an index alone.

Claims that already received money get one payout of that amount (dated when the claim was closed,
or last changed), so the payouts of every claim add up to its `received_fen`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_money'
down_revision = '0005_batch'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postage_out_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('postage_back_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('postage_back_payer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('written_off_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('penalty_fen', sa.Integer(), nullable=True))
        batch_op.create_index('ix_cases_report', ['platform', 'kind', 'reason', 'responsible', 'is_open',
                                                  'requested_at', 'created_at'], unique=False)
    with op.batch_alter_table('carrier_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_no', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('contact_level', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('reported_at', sa.DateTime(), nullable=True))
    op.create_table(
        'claim_payouts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('amount_fen', sa.Integer(), nullable=False),
        sa.Column('paid_at', sa.DateTime(), nullable=False),
        sa.Column('channel', sa.String(length=24), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['carrier_claims.id'],
                                name=op.f('fk_claim_payouts_claim_id_carrier_claims'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_payouts')),
    )
    with op.batch_alter_table('claim_payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_payouts_claim_id'), ['claim_id'], unique=False)
    op.create_table(
        'product_costs',
        sa.Column('sku_code', sa.String(length=100), nullable=False),
        sa.Column('title', sa.Text(), nullable=True),
        sa.Column('cost_fen', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sku_code', name=op.f('pk_product_costs')),
    )
    op.execute(sa.text(
        "INSERT INTO claim_payouts (claim_id, amount_fen, paid_at, channel, note, recorded_at) "
        "SELECT id, received_fen, COALESCE(closed_at, updated_at), NULL, '升级前已记录的到账金额', updated_at "
        "FROM carrier_claims WHERE received_fen > 0"
    ))


def downgrade() -> None:
    op.drop_table('product_costs')
    with op.batch_alter_table('claim_payouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_payouts_claim_id'))
    op.drop_table('claim_payouts')
    with op.batch_alter_table('carrier_claims', schema=None) as batch_op:
        batch_op.drop_column('reported_at')
        batch_op.drop_column('contact')
        batch_op.drop_column('contact_level')
        batch_op.drop_column('ticket_no')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_report')
        batch_op.drop_column('penalty_fen')
        batch_op.drop_column('written_off_fen')
        batch_op.drop_column('postage_back_payer')
        batch_op.drop_column('postage_back_fen')
        batch_op.drop_column('postage_out_fen')
