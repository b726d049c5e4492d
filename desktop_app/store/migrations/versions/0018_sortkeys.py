"""the Cases table's order-side sort keys on the case, and an index per sort that serves every list

Revision ID: 0018_sortkeys
Revises: 0017_money
Create Date: 2026-12-03

Why (issue 15): the 买家/收货人 and 订单号 sorts walked the orders' index and probed each order's cases,
so the first visit of a deep page cost one walk of up to a quarter of the list (0.8–1.1 s CPU at
1,000,000 cases); 店铺 sorted every listed case (2.7 s for its second page); 金额, 平台, 类型, 原因, 状态
and 责任方 of the open list ("未结束", the table's default) read a case row per listed entry to test
`is_open`. Now each of these sorts has one index — the key, its ties, then `is_open` — from which the
open list, the closed list and the whole ledger are read alone (`store/case_listing.py`): a page at any
depth is an OFFSET over index entries, tens of ms at a million cases. The six case-side ones replace the
one-column indexes of the same name (which other reads use as before: a platform's ids, a status's
cases); one index per key, not one per list as well (a first version had 13 new ones: the file 24 %
larger and every new case 13 more index entries; now 3 more, the file 9.5 % larger).

- `cases.sort_receiver` / `sort_order_no` / `sort_shop`: the receiver and number of the case's order
  and its shop's name (ties: the order id, then the case id, as before). Kept by the database itself,
  so that every writer — the order import's upsert, the after-sales import's bulk rows, the ORM, a
  ledger copied to a team server, a seat of a team — keeps them right: a new case and a case moved to
  another order take their order's; an order whose receiver, number or shop changes gives them to its
  cases; a shop renamed, to its orders' cases. SQLite: AFTER triggers that write only when the copy
  differs (a writer that inserts the right values pays nothing); PostgreSQL: a BEFORE trigger on the
  case row, AFTER triggers on the order and the shop.
- A SQLite migration that rebuilds `cases`, `orders` or `shops` (batch mode) loses these triggers:
  create them again (`SQLITE_TRIGGERS`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018_sortkeys'
down_revision = '0017_money'
branch_labels = None
depends_on = None

# (name, columns), as models.SORT_INDEXES: the ties after the key (the id named, for PostgreSQL's sake), then
# `is_open`, tested on the entry by the open and closed lists. The first six replace one-column indexes
# of the same name (`REPLACED`).
INDEXES = (
    ('ix_cases_platform', ['platform', 'id', 'is_open']),
    ('ix_cases_kind', ['kind', 'id', 'is_open']),
    ('ix_cases_reason', ['reason', 'id', 'is_open']),
    ('ix_cases_status', ['status', 'id', 'is_open']),
    ('ix_cases_responsible', ['responsible', 'id', 'is_open']),
    ('ix_cases_amount_fen', ['amount_fen', 'id', 'is_open']),
    ('ix_cases_sort_receiver', ['sort_receiver', 'order_id', 'id', 'is_open']),
    ('ix_cases_sort_order_no', ['sort_order_no', 'order_id', 'id', 'is_open']),
    ('ix_cases_sort_shop', ['sort_shop', 'order_id', 'id', 'is_open']),
)
REPLACED = ('platform', 'kind', 'reason', 'status', 'responsible', 'amount_fen')

# The three keys of the order `NEW.order_id` (its shop's name: NULL without one).
_RECEIVER = "(SELECT receiver FROM orders WHERE id = NEW.order_id)"
_ORDER_NO = "(SELECT order_no FROM orders WHERE id = NEW.order_id)"
_SHOP = "(SELECT shops.name FROM orders JOIN shops ON shops.id = orders.shop_id WHERE orders.id = NEW.order_id)"
# One probe of the order (and its shop) per written case: what an import's bulk insert pays, keys given right.
_DIFFERS = ("NOT EXISTS (SELECT 1 FROM orders LEFT JOIN shops ON shops.id = orders.shop_id "
            "WHERE orders.id = NEW.order_id AND orders.receiver IS NEW.sort_receiver "
            "AND orders.order_no IS NEW.sort_order_no AND shops.name IS NEW.sort_shop)")
_COPY = (f"UPDATE cases SET sort_receiver = {_RECEIVER}, sort_order_no = {_ORDER_NO}, sort_shop = {_SHOP} "
         "WHERE id = NEW.id;")
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER cases_sort_keys_ai AFTER INSERT ON cases WHEN {_DIFFERS} BEGIN {_COPY} END",
    "CREATE TRIGGER cases_sort_keys_au AFTER UPDATE OF order_id, sort_receiver, sort_order_no, sort_shop ON cases "
    f"WHEN {_DIFFERS} BEGIN {_COPY} END",
    "CREATE TRIGGER orders_sort_keys_au AFTER UPDATE OF receiver, order_no, shop_id ON orders "
    "WHEN NEW.receiver IS NOT OLD.receiver OR NEW.order_no IS NOT OLD.order_no OR NEW.shop_id IS NOT OLD.shop_id "
    "BEGIN UPDATE cases SET sort_receiver = NEW.receiver, sort_order_no = NEW.order_no, "
    "sort_shop = (SELECT name FROM shops WHERE id = NEW.shop_id) WHERE order_id = NEW.id; END",
    "CREATE TRIGGER shops_sort_keys_au AFTER UPDATE OF name ON shops WHEN NEW.name IS NOT OLD.name BEGIN "
    "UPDATE cases SET sort_shop = NEW.name WHERE order_id IN (SELECT id FROM orders WHERE shop_id = NEW.id); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION ledger_case_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "    SELECT orders.receiver, orders.order_no, shops.name INTO NEW.sort_receiver, NEW.sort_order_no, NEW.sort_shop\n"
    "    FROM orders LEFT JOIN shops ON shops.id = orders.shop_id WHERE orders.id = NEW.order_id;\n"
    "    RETURN NEW;\n"
    "END $$",
    "CREATE TRIGGER cases_sort_keys BEFORE INSERT OR UPDATE OF order_id, sort_receiver, sort_order_no, sort_shop "
    "ON cases FOR EACH ROW EXECUTE FUNCTION ledger_case_sort_keys()",
    "CREATE OR REPLACE FUNCTION ledger_order_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "    -- the cases' own trigger reads all three keys again (the order as now written)\n"
    "    UPDATE cases SET sort_receiver = NEW.receiver WHERE order_id = NEW.id;\n"
    "    RETURN NULL;\n"
    "END $$",
    "CREATE TRIGGER orders_sort_keys AFTER UPDATE OF receiver, order_no, shop_id ON orders FOR EACH ROW "
    "WHEN (NEW.receiver IS DISTINCT FROM OLD.receiver OR NEW.order_no IS DISTINCT FROM OLD.order_no "
    "OR NEW.shop_id IS DISTINCT FROM OLD.shop_id) EXECUTE FUNCTION ledger_order_sort_keys()",
    "CREATE OR REPLACE FUNCTION ledger_shop_sort_keys() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "    UPDATE cases SET sort_shop = NEW.name WHERE order_id IN (SELECT id FROM orders WHERE shop_id = NEW.id);\n"
    "    RETURN NULL;\n"
    "END $$",
    "CREATE TRIGGER shops_sort_keys AFTER UPDATE OF name ON shops FOR EACH ROW "
    "WHEN (NEW.name IS DISTINCT FROM OLD.name) EXECUTE FUNCTION ledger_shop_sort_keys()",
)


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column('cases', sa.Column('sort_receiver', sa.String(length=100), nullable=True))
    op.add_column('cases', sa.Column('sort_order_no', sa.String(length=80), nullable=True))
    op.add_column('cases', sa.Column('sort_shop', sa.String(length=100), nullable=True))
    # UPDATE … FROM: one join on both databases (SQLite 3.33 on), before the indexes exist.
    op.execute("UPDATE cases SET sort_receiver = orders.receiver, sort_order_no = orders.order_no, "
               "sort_shop = shops.name FROM orders LEFT JOIN shops ON shops.id = orders.shop_id "
               "WHERE orders.id = cases.order_id")
    for column in REPLACED:
        op.drop_index(f'ix_cases_{column}', table_name='cases')
    for name, columns in INDEXES:
        op.create_index(name, 'cases', columns, unique=False)
    for statement in POSTGRESQL_TRIGGERS if bind.dialect.name == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        # A ledger with statistics (0007_search): the new indexes get theirs, or SQLite guesses them selective.
        for name, _columns in INDEXES:
            op.execute(f'ANALYZE "{name}"')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS shops_sort_keys ON shops")
        op.execute("DROP TRIGGER IF EXISTS orders_sort_keys ON orders")
        op.execute("DROP TRIGGER IF EXISTS cases_sort_keys ON cases")
        for function in ('ledger_shop_sort_keys', 'ledger_order_sort_keys', 'ledger_case_sort_keys'):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for name in ('shops_sort_keys_au', 'orders_sort_keys_au', 'cases_sort_keys_au', 'cases_sort_keys_ai'):
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name='cases')
    for column in REPLACED:
        op.create_index(f'ix_cases_{column}', 'cases', [column], unique=False)
    # A plain DROP COLUMN on both databases (as 0017_money's): a batch copies the cases table on SQLite, and
    # dropping the old one there deletes every audit event, deadline and reship of its cases (ON DELETE CASCADE).
    for column in ('sort_shop', 'sort_order_no', 'sort_receiver'):
        op.execute(f'ALTER TABLE cases DROP COLUMN {column}')
