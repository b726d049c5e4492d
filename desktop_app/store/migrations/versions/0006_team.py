"""team mode on PostgreSQL: trigram search indexes and change notices

Revision ID: 0006_team
Revises: 0005_timers
Create Date: 2026-12-02

Why: issue 18 — several seats share one ledger on a PostgreSQL server.
- Search: SQLite answers substring queries from its FTS5 trigram table (migration 0002); on
  PostgreSQL a `pg_trgm` GIN index over `orders.search_text` answers the same `LIKE '%…%'`, and
  `text_pattern_ops` indexes answer the short prefix searches (receiver, order number) under any
  collation.
- Change notices: every write to a ledger table sends `NOTIFY ledger_changes, '<table>|<seat>'`
  (one per table per transaction: PostgreSQL folds identical notices), so the other seats' windows
  refresh by themselves and say who changed what. The seat is the connection's `ledger.seat` setting.
Nothing changes on SQLite (one seat per file).
"""

from __future__ import annotations

from alembic import op

revision = '0006_team'
down_revision = '0005_timers'
branch_labels = None
depends_on = None

# Every table whose rows a seat sees; search bookkeeping and alembic's own are left out. A test
# checks this against the models on PostgreSQL, so a later table cannot be forgotten silently
# (a later migration adds its table with `notify_trigger_sql`).
NOTIFIED_TABLES = (
    "shops", "orders", "order_items", "cases", "audit_events", "reships", "reship_items",
    "carrier_claims", "claim_items", "claim_payouts", "claim_evidence", "deadlines", "product_costs",
    "settings", "return_inspections", "unmatched_parcels", "playbook_checks", "case_evidence",
)

NOTIFY_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('ledger_changes',
                      TG_TABLE_NAME || '|' || coalesce(current_setting('ledger.seat', true), ''));
    RETURN NULL;
END
$$
"""


def notify_trigger_sql(table: str) -> str:
    return (f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_orders_search_trgm ON orders USING gin (search_text gin_trgm_ops)")
    op.execute("CREATE INDEX ix_orders_receiver_prefix ON orders (receiver text_pattern_ops)")
    op.execute("CREATE INDEX ix_orders_order_no_prefix ON orders (order_no text_pattern_ops)")
    op.execute(NOTIFY_FUNCTION)
    for table in NOTIFIED_TABLES:
        op.execute(notify_trigger_sql(table))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in NOTIFIED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
    op.execute("DROP FUNCTION IF EXISTS ledger_notify()")
    op.execute("DROP INDEX IF EXISTS ix_orders_order_no_prefix")
    op.execute("DROP INDEX IF EXISTS ix_orders_receiver_prefix")
    op.execute("DROP INDEX IF EXISTS ix_orders_search_trgm")
