"""the 统计 dashboard reads the case rows alone: timers, time to resolve and courier on the case

Revision ID: 0007_dash
Revises: 0007_timers
Create Date: 2026-12-02

Why (issue 17, bench/bench_report.py): every figure beyond the counts joined the 100,000 cases of a
year to another table (deadlines, audit events, orders), one random b-tree probe per case, and
grouped the result with a sort. These columns carry what the dashboard needs on the case row, kept
by the writers (see `store/case_facts.py` for which writer keeps which):

- `met_timers`, `missed_timers`, `open_timers`: the case's platform timers (deadlines without a
  claim) by status; `open_due_first` / `open_due_last`: the earliest and latest due time of its open
  ones (overdue now is counted from these; a case with open timers on both sides of the moment
  counts its deadlines);
- `resolve_seconds`: from the request (`requested_at`, else `created_at`: the `created` event's time)
  to the case's latest action, whole seconds; NULL before any action;
- `carrier`: the courier of the case's order.

`ix_cases_report` grows into a covering index for the dashboard's one pass over the cases of a period
(group keys first, then what the pass reads), so that pass never reads a table row nor sorts.

Existing rows are filled in: counts and due times from one grouped read of the deadlines, the
courier from the order, the seconds in Python (no dialect's date arithmetic). Migrations are frozen copies of the
schema: they spell out columns and never import models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0007_dash'
down_revision = '0007_timers'
branch_labels = None
depends_on = None

_OLD_REPORT = ['platform', 'kind', 'reason', 'responsible', 'is_open', 'requested_at', 'created_at']
_REPORT = ['platform', 'kind', 'reason', 'responsible', 'is_open', 'carrier', 'requested_at', 'created_at',
           'order_id', 'refund_fen', 'compensation_fen', 'postage_out_fen', 'postage_back_fen',
           'postage_back_payer', 'written_off_fen', 'penalty_fen', 'met_timers', 'missed_timers', 'open_timers',
           'open_due_first', 'open_due_last', 'resolve_seconds']

cases = sa.table(
    'cases', sa.column('id', sa.Integer), sa.column('order_id', sa.Integer), sa.column('carrier', sa.String),
    sa.column('requested_at', sa.DateTime), sa.column('created_at', sa.DateTime),
    sa.column('met_timers', sa.Integer), sa.column('missed_timers', sa.Integer), sa.column('open_timers', sa.Integer),
    sa.column('open_due_first', sa.DateTime), sa.column('open_due_last', sa.DateTime),
    sa.column('resolve_seconds', sa.Integer),
)
orders = sa.table('orders', sa.column('id', sa.Integer), sa.column('carrier', sa.String))
deadlines = sa.table('deadlines', sa.column('case_id', sa.Integer), sa.column('claim_id', sa.Integer),
                     sa.column('status', sa.String), sa.column('due_at', sa.DateTime))
events = sa.table('audit_events', sa.column('case_id', sa.Integer), sa.column('subject', sa.String),
                  sa.column('kind', sa.String), sa.column('at', sa.DateTime))


def _seconds(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds())


def upgrade() -> None:
    # Plain ADD COLUMN on both databases (a batch would copy the whole cases table on SQLite).
    op.add_column('cases', sa.Column('carrier', sa.String(length=60), nullable=True))
    op.add_column('cases', sa.Column('met_timers', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('cases', sa.Column('missed_timers', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('cases', sa.Column('open_timers', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.add_column('cases', sa.Column('open_due_first', sa.DateTime(), nullable=True))
    op.add_column('cases', sa.Column('open_due_last', sa.DateTime(), nullable=True))
    op.add_column('cases', sa.Column('resolve_seconds', sa.Integer(), nullable=True))
    op.drop_index('ix_cases_report', table_name='cases')  # rebuilt wider after the fill
    bind = op.get_bind()
    bind.execute(sa.update(cases).values(
        carrier=sa.select(orders.c.carrier).where(orders.c.id == cases.c.order_id).scalar_subquery()))
    # The timers of every case in one grouped read, written back by executemany: five correlated
    # subqueries per case ran for more than eight minutes on a million cases.
    grouped = bind.execute(
        sa.select(deadlines.c.case_id, deadlines.c.status, sa.func.count(),
                  sa.func.min(deadlines.c.due_at), sa.func.max(deadlines.c.due_at))
        .where(deadlines.c.case_id.is_not(None), deadlines.c.claim_id.is_(None),
               deadlines.c.status.in_(('met', 'missed', 'open')))
        .group_by(deadlines.c.case_id, deadlines.c.status)
    )
    facts: dict[int, dict[str, Any]] = {}
    for case_id, status, number, first, last in grouped:
        fact = facts.setdefault(case_id, {'cid': case_id, 'met': 0, 'missed': 0, 'open': 0, 'first': None,
                                          'last': None})
        fact[status] = number
        if status == 'open':
            fact['first'], fact['last'] = first, last
    if facts:
        bind.execute(sa.update(cases).where(cases.c.id == sa.bindparam('cid')).values(
            met_timers=sa.bindparam('met'), missed_timers=sa.bindparam('missed'), open_timers=sa.bindparam('open'),
            open_due_first=sa.bindparam('first'), open_due_last=sa.bindparam('last'),
        ), list(facts.values()))
    last_action = (
        sa.select(events.c.case_id, sa.func.max(events.c.at).label('at'))
        .where(events.c.subject == 'case', events.c.kind == 'action', events.c.case_id.is_not(None))
        .group_by(events.c.case_id).subquery()
    )
    rows = bind.execute(
        sa.select(cases.c.id, sa.func.coalesce(cases.c.requested_at, cases.c.created_at), last_action.c.at)
        .join(last_action, last_action.c.case_id == cases.c.id)
    ).all()
    values = [{'cid': case_id, 'seconds': _seconds(start, end)} for case_id, start, end in rows]
    if values:
        bind.execute(sa.update(cases).where(cases.c.id == sa.bindparam('cid'))
                     .values(resolve_seconds=sa.bindparam('seconds')), values)
    op.create_index('ix_cases_report', 'cases', _REPORT, unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_report', table_name='cases')
    op.create_index('ix_cases_report', 'cases', _OLD_REPORT, unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        for name in ('resolve_seconds', 'open_due_last', 'open_due_first', 'open_timers', 'missed_timers',
                     'met_timers', 'carrier'):
            batch_op.drop_column(name)
