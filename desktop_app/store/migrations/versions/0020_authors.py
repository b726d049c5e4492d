"""a version for the shop's settings, and the shop's own changes announced as 设置

Revision ID: 0020_authors
Revises: 0019_penalty
Create Date: 2026-12-04

Why (issue 18: never a lost update, every change with its author):
- `settings.version`: a shop's profile (店铺信息, a JSON value in this table) had no version, so two seats
  editing it at once each saved over the other's; the save now names the version its dialog showed and the
  second is refused (optimistic locking, as the other tables' `version` columns do). Existing rows start at 1.
- Switching a shop policy, importing the cost-price table and saving a shop's profile are now on the audit
  trail with the seat's name (subject "shop", no case). On a team ledger every insert into `audit_events`
  announced 售后单 (migration 0006_team's per-table notice), so every other seat's window would reload its
  Cases tab and say "小李 修改了 售后单、设置" for a settings change. The insert's notice now looks at the rows
  the statement added (a transition table): the shop's entries announce `settings`, the others `audit_events`
  as before; an update or delete (an undo marks the step it took back) announces `audit_events` as before.
Nothing else changes on SQLite (its other programs' changes are read off the audit trail by the window).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020_authors'
down_revision = '0019_penalty'
branch_labels = None
depends_on = None

SHOP_SUBJECT = 'shop'  # store/shop_changes.py; a migration keeps its own copy of what it was written for

_AUDIT_NOTIFY = f"""
CREATE OR REPLACE FUNCTION ledger_notify_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seat text := coalesce(current_setting('ledger.seat', true), '');
BEGIN
    IF EXISTS (SELECT 1 FROM added WHERE subject <> '{SHOP_SUBJECT}') THEN
        PERFORM pg_notify('ledger_changes', 'audit_events|' || seat);
    END IF;
    IF EXISTS (SELECT 1 FROM added WHERE subject = '{SHOP_SUBJECT}') THEN
        PERFORM pg_notify('ledger_changes', 'settings|' || seat);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.add_column('settings', sa.Column('version', sa.Integer(), nullable=False, server_default=sa.text('1')))
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(_AUDIT_NOTIFY)
    op.execute("DROP TRIGGER IF EXISTS audit_events_notify ON audit_events")
    op.execute("CREATE TRIGGER audit_events_notify AFTER UPDATE OR DELETE ON audit_events "
               "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")
    op.execute("CREATE TRIGGER audit_events_added_notify AFTER INSERT ON audit_events "
               "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify_audit()")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_events_added_notify ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_notify ON audit_events")
        op.execute("CREATE TRIGGER audit_events_notify AFTER INSERT OR UPDATE OR DELETE ON audit_events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_notify()")
        op.execute("DROP FUNCTION IF EXISTS ledger_notify_audit()")
    with op.batch_alter_table('settings') as batch:
        batch.drop_column('version')
