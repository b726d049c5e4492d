"""whether the buyer was paid the case's money: `cases.paid_out`, in the dashboard's covering indexes

Revision ID: 0017_money
Revises: 0016_rules
Create Date: 2026-12-03

Why (issue 17): the 统计 dashboard's 退款 and net loss added every case's refund whatever became of it: a
request still waiting, one the shop refused, one closed without a refund. A shop owner reads 退款 as money
that left the shop. `paid_out` is true once the case has a step in force that paid the buyer (milestone
`refunded`: 退款, 退货途中退款, an import's 退款成功 or the platform's automatic refund; `compensated`: 已补偿),
filled here from the timeline; the case actions keep it afterwards. It joins the two covering indexes the
dashboard reads its money from (`ix_cases_report`, `ix_cases_goods`), so the pass stays index-only.
A SQLite ledger with planner statistics for its cases gets them again for the two rebuilt indexes (as
0007_search: an index without them looks very selective to SQLite). Migrations spell out columns and
never import models.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017_money'
down_revision = '0016_rules'
branch_labels = None
depends_on = None

_REPORT = ['platform', 'kind', 'reason', 'responsible', 'is_open', 'carrier', 'requested_at', 'created_at',
           'order_id', 'refund_fen', 'compensation_fen', 'postage_out_fen', 'postage_back_fen',
           'postage_back_payer', 'written_off_fen', 'penalty_fen', 'met_timers', 'missed_timers', 'open_timers',
           'open_due_first', 'open_due_last', 'resolve_seconds']
_GOODS = ['goods', 'requested_at', 'created_at', 'platform', 'order_id', 'kind', 'refund_fen', 'compensation_fen',
          'postage_out_fen', 'postage_back_fen', 'postage_back_payer', 'written_off_fen', 'penalty_fen']
_PAID_MILESTONES = ('refunded', 'compensated')  # core.case_costs.PAID_MILESTONES

cases = sa.table('cases', sa.column('id', sa.Integer), sa.column('paid_out', sa.Boolean))
events = sa.table('audit_events', sa.column('case_id', sa.Integer), sa.column('subject', sa.String),
                  sa.column('milestone', sa.String), sa.column('undone_by', sa.Integer))


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (a batch would copy the whole cases table on SQLite).
    op.add_column('cases', sa.Column('paid_out', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.drop_index('ix_cases_report', table_name='cases')  # rebuilt wider after the fill
    op.drop_index('ix_cases_goods', table_name='cases')
    paid = (sa.select(events.c.case_id)
            .where(events.c.subject == 'case', events.c.milestone.in_(_PAID_MILESTONES), events.c.undone_by.is_(None),
                   events.c.case_id.is_not(None)))
    op.get_bind().execute(sa.update(cases).where(cases.c.id.in_(paid)).values(paid_out=True))
    op.create_index('ix_cases_report', 'cases', [*_REPORT, 'paid_out'], unique=False)
    op.create_index('ix_cases_goods', 'cases', [*_GOODS, 'paid_out'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_stat1 WHERE tbl = 'cases'").first():
        op.execute('ANALYZE "cases"')


def downgrade() -> None:
    op.drop_index('ix_cases_goods', table_name='cases')
    op.drop_index('ix_cases_report', table_name='cases')
    # A plain DROP COLUMN on both databases: a batch copies the cases table on SQLite, and dropping the old
    # one there deletes every audit event, deadline and reship of its cases (ON DELETE CASCADE).
    op.execute('ALTER TABLE cases DROP COLUMN paid_out')
    op.create_index('ix_cases_report', 'cases', _REPORT, unique=False)
    op.create_index('ix_cases_goods', 'cases', _GOODS, unique=False)
