"""the phone's last four digits indexed on PostgreSQL

Revision ID: 0007_search
Revises: 0007_files
Create Date: 2026-12-02

Why: issue 18 — every search keystroke under 100 ms at a million cases on both backends. Four digits
typed alone are a phone's last four (before an extension too: 170…-1234 answers to 1234 and to the four
before the dash). PostgreSQL found them through the trigram index over the whole search text: every
order containing the digits anywhere (order and tracking numbers too), each read from the table to
test its phone — 0.4 s for `1381` at a million orders. `ledger_phone_tails(phone)` lists the four
characters before each `-` or `转` and at the end (exactly the phones `store/search.py` accepts for
four digits), and a GIN index over it finds them directly (0.3 ms; 27 s to build at a million orders).
SQLite keeps its search (its FTS5 index narrows to a few thousand candidates in milliseconds), but its
planner statistics are brought up to date where a ledger has any: the app never runs ANALYZE, but a
ledger analysed once (the benchmark's, or by a database tool) had none for the indexes 0006_freeze
added, and SQLite then took `ix_cases_is_open_next_due_at` for very selective and sorted all 713,901
open cases for the first page of the Cases table (3.5 s instead of 0.1 ms; 14–29 s to a usable window
at a million cases on a busy machine). Tables with an index missing from `sqlite_stat1` are analysed
again (6 s at a million cases, once); a ledger without statistics stays without.
"""

from __future__ import annotations

from alembic import op

revision = '0007_search'
down_revision = '0007_files'
branch_labels = None
depends_on = None

PHONE_TAILS_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_phone_tails(phone text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT right(part, 4) FROM regexp_split_to_table(phone, '[-转]') AS part)
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in _tables_with_unanalysed_indexes():
            op.execute(f'ANALYZE "{table}"')
        return
    if bind.dialect.name != 'postgresql':
        return
    op.execute(PHONE_TAILS_FUNCTION)
    op.execute("CREATE INDEX ix_orders_phone_tails ON orders USING gin (ledger_phone_tails(phone))")


def _tables_with_unanalysed_indexes() -> list[str]:
    bind = op.get_bind()
    if not bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return []
    return list(bind.exec_driver_sql(
        "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name IN (SELECT tbl FROM sqlite_stat1) "
        "AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL) ORDER BY tbl_name").scalars())


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP INDEX IF EXISTS ix_orders_phone_tails")
    op.execute("DROP FUNCTION IF EXISTS ledger_phone_tails(text)")
