"""the couriers figure of the 统计 dashboard from an index of its own: `ix_cases_carrier`

Revision ID: 0014_carriers
Revises: 0013_ends
Create Date: 2026-12-03

Why (issue 17): the cases of a period per courier were read from `ix_cases_report`, where the courier
is the sixth key, so SQLite sorted the period's cases by courier in a temporary B-tree: 44–60 ms CPU of
the dashboard's ≈ 320 for 100,000 cases. Read in courier order from this index, 19–23 ms
(bench/bench_report.py). It carries the period, what the figure counts (the reason) and the platform
filter (without it, SQLite looked every case of the year up for its platform: 150 ms instead of 10); a shop's
cases are read through `ix_cases_order_id_is_open` as before. (With the order id in it too, PostgreSQL took
it over `ix_cases_order_id_is_open` for a search's cases of a few orders.)
"""

from __future__ import annotations

from alembic import op

revision = '0014_carriers'
down_revision = '0013_ends'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_carrier', 'cases', ['carrier', 'requested_at', 'created_at', 'reason', 'platform'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_carrier', table_name='cases')
