"""the 统计's case groups per China month: `case_months`, kept by triggers on `cases` and `orders` (SQLite)

Revision ID: 0025_case_months
Revises: 0024_names
Create Date: 2026-12-06

Why (issue 17: the whole dashboard for 100,000 cases over a year in under 300 ms; bench/README, sessions 28 and 29):
the case groups' pass read every case of the period (98,459 for a year of the benchmark) on each opening. As
`order_sales` does for the orders, `case_months` holds per platform × kind × reason × responsible × China month ×
shop every figure of that pass that does not depend on the moment; a period reads its whole months from it and
only its ragged edges from the cases (`store/case_months.py`, through an index on the request time). What an
aggregate cannot hold is read from the cases through two partial indexes: the open timers judged against the
moment, the times to resolve (the medians need every value).

Kept exact by SQLite triggers, so that every writer keeps it without a line of it changed — the ORM, the bulk
paths of the imports, undo, the deadline helper process's plain `sqlite3`: after an insert, a delete, or an update
of a column the figures read, the old row's share is taken off and the new one's added (an UPSERT each); after an
order's shop changes, its cases move to the new shop's rows. Rows whose cases all left keep zeros; the read leaves
them out (HAVING).

The keys have no NULL (a primary key of a table WITHOUT ROWID): a reason or responsible party is stored with a
leading '=' and "none" as '' (no stored value can be ''), no shop as -1 (shop ids are positive).

PostgreSQL (a team server) keeps none of it: there every case write of every seat would update the same few
hot aggregate rows, one row lock each, serialising the seats' transactions; the report there reads the cases as
before. Existing ledgers are filled from their cases. Migrations are frozen copies: this spells out its SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025_case_months'
down_revision = '0024_names'
branch_labels = None
depends_on = None

_SETTLED = "'exchange', 'repair', 'reship'"  # core.case_costs.GOODS_SETTLED_KINDS as of this revision
_MERCHANT = "'merchant'"
_SUMS = ('cases', 'open_cases', 'refund_fen', 'compensation_fen', 'postage_fen', 'written_off_fen', 'penalty_fen',
         'penalised', 'met', 'missed', 'open_timers', 'resolved', 'pending_fen')
# The columns of `cases` the figures and keys read: an update of any other fires nothing.
_READ = ('platform', 'kind', 'reason', 'responsible', 'requested_at', 'created_at', 'order_id', 'is_open', 'paid_out',
         'refund_fen', 'compensation_fen', 'postage_out_fen', 'postage_back_fen', 'postage_back_payer',
         'written_off_fen', 'penalty_fen', 'met_timers', 'missed_timers', 'open_timers', 'resolve_seconds')
_OPEN_TIMERS = ('platform', 'kind', 'reason', 'responsible', 'requested_at', 'created_at', 'order_id', 'open_timers',
                'open_due_first', 'open_due_last')
_RESOLVE = ('platform', 'requested_at', 'created_at', 'order_id', 'resolve_seconds', 'is_open')
_OPEN_TIMERS_WHERE = 'open_due_first IS NOT NULL'
_RESOLVE_WHERE = 'is_open IS NOT 1 AND resolve_seconds > 0'
_TRIGGERS = ('case_months_insert', 'case_months_delete', 'case_months_update', 'case_months_order_shop')


def _keys(r: str, shop: str) -> str:
    """The aggregate row's keys of case row `r` (NEW, OLD or an alias) in the shop `shop`."""
    month = f"strftime('%Y-%m', substr(coalesce({r}.requested_at, {r}.created_at), 1, 19), '+8 hours')"
    return (f"{r}.platform, {r}.kind, coalesce('=' || {r}.reason, ''), coalesce('=' || {r}.responsible, ''), "
            f"{month}, {shop}")


def _shares(r: str) -> tuple[str, ...]:
    """Case row `r`'s share of each figure of `_SUMS`."""
    return (
        "1", f"CASE WHEN {r}.is_open = 1 THEN 1 ELSE 0 END",
        f"CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.refund_fen, 0) ELSE 0 END",
        f"CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.compensation_fen, 0) ELSE 0 END",
        f"coalesce({r}.postage_out_fen, 0) + CASE WHEN {r}.postage_back_payer IS NULL OR {r}.postage_back_payer = "
        f"{_MERCHANT} THEN coalesce({r}.postage_back_fen, 0) ELSE 0 END",
        f"coalesce({r}.written_off_fen, 0)", f"coalesce({r}.penalty_fen, 0)",
        f"CASE WHEN {r}.penalty_fen IS NULL THEN 0 ELSE 1 END",
        f"coalesce({r}.met_timers, 0)", f"coalesce({r}.missed_timers, 0)", f"coalesce({r}.open_timers, 0)",
        f"CASE WHEN {r}.resolve_seconds IS NULL THEN 0 ELSE 1 END",
        f"CASE WHEN {r}.is_open = 1 AND {r}.paid_out IS NOT 1 AND {r}.kind NOT IN ({_SETTLED}) "
        f"THEN coalesce({r}.refund_fen, 0) + coalesce({r}.compensation_fen, 0) ELSE 0 END")


def _figures(r: str, sign: str) -> str:
    """Case row `r`'s share of each figure, times `sign` ('' or '-')."""
    return ", ".join(f"{sign}({e})" for e in _shares(r))


_UPSERT = ("ON CONFLICT (platform, kind, reason, responsible, month, shop) DO UPDATE SET "
           + ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS))


def _row(r: str, sign: str) -> str:
    shop = f"coalesce((SELECT shop_id FROM orders WHERE id = {r}.order_id), -1)"
    return f"INSERT INTO case_months VALUES ({_keys(r, shop)}, {_figures(r, sign)}) {_UPSERT};\n"


def _order_cases(shop: str, sign: str) -> str:
    """Every case of the updated order, at `shop`, times `sign`."""
    return (f"INSERT INTO case_months SELECT {_keys('c', f'coalesce({shop}, -1)')}, {_figures('c', sign)} "
            f"FROM cases c WHERE c.order_id = NEW.id {_UPSERT};\n")


def upgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    columns = ", ".join(f"{c} INTEGER NOT NULL" for c in _SUMS)
    op.execute(f"CREATE TABLE case_months (platform TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, "
               f"responsible TEXT NOT NULL, month TEXT NOT NULL, shop INTEGER NOT NULL, {columns}, "
               f"PRIMARY KEY (platform, kind, reason, responsible, month, shop)) WITHOUT ROWID")
    op.execute(f"INSERT INTO case_months SELECT {_keys('c', 'coalesce(o.shop_id, -1)')}, "
               + ", ".join(f"sum({e})" for e in _shares('c'))
               + " FROM cases c LEFT JOIN orders o ON o.id = c.order_id GROUP BY 1, 2, 3, 4, 5, 6")
    op.create_index('ix_cases_open_timers', 'cases', list(_OPEN_TIMERS), unique=False,
                    sqlite_where=sa.text(_OPEN_TIMERS_WHERE))
    op.create_index('ix_cases_resolve_times', 'cases', list(_RESOLVE), unique=False,
                    sqlite_where=sa.text(_RESOLVE_WHERE))
    # The part-months by their request time (the period's other reads state it as coalesce(...): not through it).
    op.create_index('ix_cases_requested', 'cases', ['requested_at', 'created_at'], unique=False)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _READ)
    op.execute(f"CREATE TRIGGER case_months_insert AFTER INSERT ON cases BEGIN\n{_row('NEW', '')}END")
    op.execute(f"CREATE TRIGGER case_months_delete AFTER DELETE ON cases BEGIN\n{_row('OLD', '-')}END")
    op.execute(f"CREATE TRIGGER case_months_update AFTER UPDATE OF {', '.join(_READ)} ON cases WHEN {changed} "
               f"BEGIN\n{_row('OLD', '-')}{_row('NEW', '')}END")
    op.execute("CREATE TRIGGER case_months_order_shop AFTER UPDATE OF shop_id ON orders "
               f"WHEN OLD.shop_id IS NOT NEW.shop_id BEGIN\n{_order_cases('OLD.shop_id', '-')}"
               f"{_order_cases('NEW.shop_id', '')}END")
    bind = op.get_bind()
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and \
            bind.exec_driver_sql("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'cases'").first():
        op.execute('ANALYZE "cases"')  # as 0019_penalty: a ledger with planner statistics gets the new indexes'


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in _TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_index('ix_cases_requested', table_name='cases')
    op.drop_index('ix_cases_resolve_times', table_name='cases')
    op.drop_index('ix_cases_open_timers', table_name='cases')
    op.execute('DROP TABLE case_months')
