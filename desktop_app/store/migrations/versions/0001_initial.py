"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-21

Migrations are frozen copies of the schema: they spell out columns and never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None

# The order search index (SQLite FTS5 trigram); other databases search with LIKE.
FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS order_search USING fts5(search_text, content='orders', content_rowid='id', tokenize='trigram')",
    'CREATE TRIGGER IF NOT EXISTS orders_search_ai AFTER INSERT ON orders BEGIN\n        INSERT INTO order_search(rowid, search_text) VALUES (new.id, new.search_text);\n    END',
    "CREATE TRIGGER IF NOT EXISTS orders_search_ad AFTER DELETE ON orders BEGIN\n        INSERT INTO order_search(order_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);\n    END",
    "CREATE TRIGGER IF NOT EXISTS orders_search_au AFTER UPDATE OF search_text ON orders BEGIN\n        INSERT INTO order_search(order_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);\n        INSERT INTO order_search(rowid, search_text) VALUES (new.id, new.search_text);\n    END",
)
FTS_DROP = (
    'DROP TRIGGER IF EXISTS orders_search_au',
    'DROP TRIGGER IF EXISTS orders_search_ad',
    'DROP TRIGGER IF EXISTS orders_search_ai',
    'DROP TABLE IF EXISTS order_search',
)


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('shops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shops')),
    sa.UniqueConstraint('platform', 'name', name='uq_shops_platform_name')
    )
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_key', sa.String(length=96), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('order_no', sa.String(length=80), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=64), nullable=True),
    sa.Column('buyer_nick', sa.String(length=100), nullable=True),
    sa.Column('receiver', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('goods_fen', sa.Integer(), nullable=True),
    sa.Column('postage_fen', sa.Integer(), nullable=True),
    sa.Column('paid_fen', sa.Integer(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(), nullable=True),
    sa.Column('carrier', sa.String(length=60), nullable=True),
    sa.Column('tracking_no', sa.String(length=80), nullable=True),
    sa.Column('buyer_note', sa.Text(), nullable=True),
    sa.Column('seller_note', sa.Text(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('source_file', sa.Text(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_orders_shop_id_shops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('order_key', name=op.f('uq_orders_order_key'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_paid_at', ['paid_at'], unique=False)
        batch_op.create_index('ix_orders_phone', ['phone'], unique=False)
        batch_op.create_index('ix_orders_platform_order_no', ['platform', 'order_no'], unique=False)
        batch_op.create_index('ix_orders_receiver', ['receiver'], unique=False)
        batch_op.create_index('ix_orders_shop_id', ['shop_id'], unique=False)
        batch_op.create_index('ix_orders_tracking_no', ['tracking_no'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('refund_fen', sa.Integer(), nullable=True),
    sa.Column('compensation_fen', sa.Integer(), nullable=True),
    sa.Column('amount_fen', sa.Integer(), nullable=True),
    sa.Column('responsible', sa.String(length=16), nullable=True),
    sa.Column('platform_case_no', sa.String(length=80), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('signed_date_only', sa.Boolean(), nullable=False),
    sa.Column('next_due_at', sa.DateTime(), nullable=True),
    sa.Column('next_due_name', sa.String(length=80), nullable=True),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cases_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_amount_fen', ['amount_fen'], unique=False)
        batch_op.create_index('ix_cases_is_open_updated_at', ['is_open', 'updated_at'], unique=False)
        batch_op.create_index('ix_cases_kind', ['kind'], unique=False)
        batch_op.create_index('ix_cases_next_due_at', ['next_due_at'], unique=False)
        batch_op.create_index('ix_cases_order_id', ['order_id'], unique=False)
        batch_op.create_index('ix_cases_platform', ['platform'], unique=False)
        batch_op.create_index('ix_cases_reason', ['reason'], unique=False)
        batch_op.create_index('ix_cases_responsible', ['responsible'], unique=False)
        batch_op.create_index('ix_cases_status', ['status'], unique=False)
        batch_op.create_index('ix_cases_updated_at', ['updated_at'], unique=False)

    op.create_table('order_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('sub_order_no', sa.String(length=80), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('spec', sa.Text(), nullable=True),
    sa.Column('sku_code', sa.String(length=100), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=True),
    sa.Column('paid_fen', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_items_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_items'))
    )
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_items_order_id'), ['order_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=True),
    sa.Column('milestone', sa.String(length=32), nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('date_only', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audit_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_case_id_at', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_events_subject', ['subject', 'subject_id'], unique=False)

    op.create_table('reships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('promised_at', sa.DateTime(), nullable=True),
    sa.Column('ship_by', sa.DateTime(), nullable=True),
    sa.Column('carrier', sa.String(length=60), nullable=True),
    sa.Column('tracking_no', sa.String(length=80), nullable=True),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reships_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reships'))
    )
    with op.batch_alter_table('reships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reships_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_reships_status_ship_by', ['status', 'ship_by'], unique=False)

    op.create_table('carrier_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reship_id', sa.Integer(), nullable=True),
    sa.Column('carrier', sa.String(length=60), nullable=True),
    sa.Column('tracking_no', sa.String(length=80), nullable=True),
    sa.Column('incident', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('declared_fen', sa.Integer(), nullable=True),
    sa.Column('claimed_fen', sa.Integer(), nullable=True),
    sa.Column('received_fen', sa.Integer(), nullable=True),
    sa.Column('shipped_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('follow_up_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_carrier_claims_case_id_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_carrier_claims_order_id_orders')),
    sa.ForeignKeyConstraint(['reship_id'], ['reships.id'], name=op.f('fk_carrier_claims_reship_id_reships'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_claims'))
    )
    with op.batch_alter_table('carrier_claims', schema=None) as batch_op:
        batch_op.create_index('ix_carrier_claims_follow_up_at', ['follow_up_at'], unique=False)
        batch_op.create_index('ix_carrier_claims_order_id', ['order_id'], unique=False)
        batch_op.create_index('ix_carrier_claims_status', ['status'], unique=False)

    op.create_table('reship_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reship_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('spec', sa.Text(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['reship_id'], ['reships.id'], name=op.f('fk_reship_items_reship_id_reships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reship_items'))
    )
    with op.batch_alter_table('reship_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reship_items_reship_id'), ['reship_id'], unique=False)

    op.create_table('claim_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('stored_path', sa.Text(), nullable=False),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['carrier_claims.id'], name=op.f('fk_claim_evidence_claim_id_carrier_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_evidence'))
    )
    with op.batch_alter_table('claim_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_evidence_claim_id'), ['claim_id'], unique=False)

    op.create_table('claim_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('spec', sa.Text(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=True),
    sa.Column('claimed_fen', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['carrier_claims.id'], name=op.f('fk_claim_items_claim_id_carrier_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_items'))
    )
    with op.batch_alter_table('claim_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_items_claim_id'), ['claim_id'], unique=False)

    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('timer_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('met_at', sa.DateTime(), nullable=True),
    sa.Column('estimated', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deadlines_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claim_id'], ['carrier_claims.id'], name=op.f('fk_deadlines_claim_id_carrier_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.create_index('ix_deadlines_case_id', ['case_id'], unique=False)
        batch_op.create_index('ix_deadlines_status_due_at', ['status', 'due_at'], unique=False)


    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS_DDL:
            op.execute(statement)

def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in FTS_DROP:
            op.execute(statement)
    with op.batch_alter_table('deadlines', schema=None) as batch_op:
        batch_op.drop_index('ix_deadlines_status_due_at')
        batch_op.drop_index('ix_deadlines_case_id')

    op.drop_table('deadlines')
    with op.batch_alter_table('claim_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_items_claim_id'))

    op.drop_table('claim_items')
    with op.batch_alter_table('claim_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_evidence_claim_id'))

    op.drop_table('claim_evidence')
    with op.batch_alter_table('reship_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reship_items_reship_id'))

    op.drop_table('reship_items')
    with op.batch_alter_table('carrier_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_carrier_claims_status')
        batch_op.drop_index('ix_carrier_claims_order_id')
        batch_op.drop_index('ix_carrier_claims_follow_up_at')

    op.drop_table('carrier_claims')
    with op.batch_alter_table('reships', schema=None) as batch_op:
        batch_op.drop_index('ix_reships_status_ship_by')
        batch_op.drop_index(batch_op.f('ix_reships_case_id'))

    op.drop_table('reships')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.drop_index('ix_audit_events_case_id_at')

    op.drop_table('audit_events')
    with op.batch_alter_table('order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_items_order_id'))

    op.drop_table('order_items')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_updated_at')
        batch_op.drop_index('ix_cases_status')
        batch_op.drop_index('ix_cases_responsible')
        batch_op.drop_index('ix_cases_reason')
        batch_op.drop_index('ix_cases_platform')
        batch_op.drop_index('ix_cases_order_id')
        batch_op.drop_index('ix_cases_next_due_at')
        batch_op.drop_index('ix_cases_kind')
        batch_op.drop_index('ix_cases_is_open_updated_at')
        batch_op.drop_index('ix_cases_amount_fen')

    op.drop_table('cases')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_tracking_no')
        batch_op.drop_index('ix_orders_shop_id')
        batch_op.drop_index('ix_orders_receiver')
        batch_op.drop_index('ix_orders_platform_order_no')
        batch_op.drop_index('ix_orders_phone')
        batch_op.drop_index('ix_orders_paid_at')

    op.drop_table('orders')
    op.drop_table('shops')
    op.drop_table('settings')
