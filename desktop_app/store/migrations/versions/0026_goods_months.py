"""the 统计's products per China month: `product_months`, kept by SQLite triggers on the cases

Revision ID: 0026_goods_months
Revises: 0025_case_months
Create Date: 2026-12-06

Why (issue 17, bench/README "Session 29 (s29-goods)"): the products figure read every case of the period
grouped by its goods string (13,000 strings for a year of the benchmark) and split each in Python, ≈ 57 ms
of the 统计's side thread. Now, as `order_sales` does for the orders, the whole China months of a period
come from a few thousand rows per product (`store.product_months`); only the part-months at its ends are
read from the cases.

- `goods_products`: each goods string's products, each once with its least title (as
  `report_queries._products_of` splits it). A string never changes its products: rows are only added.
- `product_months`: per China month (of the request, else of the record), platform, shop (-1: none),
  product and title, the cases of orders holding it and what they cost (`report_queries.case_cost`).
- `goods_months`: the same per goods string, for a case whose string is not in `goods_products` when it is
  written (its order's lines no longer spell it: hand-made rows). The read splits these; normally empty.

Kept by the database itself, so that every writer keeps them — the ORM, the imports' bulk rows, an undo,
the deadline helper's plain `sqlite3`, a ledger copied back from a team server — without a line of them
changed: after a case is inserted, deleted, or updated in a column the figures read (not the deadline
engine's timer columns), its old share is taken off and its new one added; after an order's shop changes,
its cases move. A case's new goods string is split where the case gets it, from its order's lines, and only
when those lines spell exactly that string (the render of `case_facts.order_goods`), so no Python runs in a
trigger. A string split after a case was counted under `goods_months` is taken off `product_months` by a
later write: the two tables summed are exact, each alone need not be (`store.product_months` sums both).

PostgreSQL keeps none of this (the report reads its cases as before, `store.product_months.kept`): a team
server's seats write through triggers of their own, and the read there was not measured to need it.
Tables out of `Base.metadata`: `ledger_copy` does not copy them, the triggers of the target fill them.
A later SQLite migration that rebuilds `cases` or `orders` (batch mode) loses these triggers: create them
again (`SQLITE_TRIGGERS`). Migrations are frozen copies: the kinds and the responsible party below are
spelled out (`tests/unit/test_product_months.py` holds them to `core.case_costs`).
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = '0026_goods_months'
down_revision = '0025_case_months'
branch_labels = None
depends_on = None

# core.case_costs.GOODS_RETURNED_KINDS and ResponsibleParty.MERCHANT, as of this revision.
RETURNED_KINDS = ('return_refund',)
MERCHANT = 'merchant'
_RETURNED = ", ".join(f"'{k}'" for k in RETURNED_KINDS)

TABLES = (
    "CREATE TABLE goods_products (goods TEXT NOT NULL, product TEXT NOT NULL, title TEXT NOT NULL, "
    "PRIMARY KEY (goods, product)) WITHOUT ROWID",
    "CREATE TABLE product_months (month TEXT NOT NULL, platform TEXT NOT NULL, shop INTEGER NOT NULL, "
    "product TEXT NOT NULL, title TEXT NOT NULL, n INTEGER NOT NULL, cost INTEGER NOT NULL, "
    "PRIMARY KEY (month, platform, shop, product, title)) WITHOUT ROWID",
    "CREATE TABLE goods_months (month TEXT NOT NULL, platform TEXT NOT NULL, shop INTEGER NOT NULL, "
    "goods TEXT NOT NULL, n INTEGER NOT NULL, cost INTEGER NOT NULL, "
    "PRIMARY KEY (month, platform, shop, goods)) WITHOUT ROWID",
)
# The columns of a case the products read: a write of any other (the deadline engine's timers) fires nothing.
READ_COLUMNS = ('goods', 'platform', 'kind', 'requested_at', 'created_at', 'order_id', 'paid_out', 'refund_fen',
                'compensation_fen', 'postage_out_fen', 'postage_back_fen', 'postage_back_payer', 'written_off_fen',
                'penalty_fen')


def _month(r: str) -> str:
    """The China month of case row `r`'s request (else its record): stored UTC text + 8 h, whole seconds."""
    return f"strftime('%Y-%m', substr(coalesce({r}.requested_at, {r}.created_at), 1, 19), '+8 hours')"


def _cost(r: str) -> str:
    """`report_queries.case_cost` of case row `r`."""
    return (f"(CASE WHEN {r}.paid_out = 1 AND {r}.kind NOT IN ({_RETURNED}) THEN coalesce({r}.refund_fen, 0) ELSE 0 END"
            f" + CASE WHEN {r}.paid_out = 1 THEN coalesce({r}.compensation_fen, 0) ELSE 0 END"
            f" + coalesce({r}.postage_out_fen, 0) + CASE WHEN {r}.postage_back_payer IS NULL OR {r}.postage_back_payer"
            f" = '{MERCHANT}' THEN coalesce({r}.postage_back_fen, 0) ELSE 0 END"
            f" + coalesce({r}.written_off_fen, 0) + coalesce({r}.penalty_fen, 0))")


_PRODUCT_UPSERT = ("ON CONFLICT (month, platform, shop, product, title) DO UPDATE SET n = n + excluded.n, "
                   "cost = cost + excluded.cost")
_GOODS_UPSERT = ("ON CONFLICT (month, platform, shop, goods) DO UPDATE SET n = n + excluded.n, "
                 "cost = cost + excluded.cost")
_KNOWN = "EXISTS (SELECT 1 FROM goods_products WHERE goods = {r}.goods)"


def _share(r: str, sign: str, shop: str, where: str = "") -> str:
    """The statements adding (sign '') or taking off ('-') case row(s) `r`'s share: under its products when its
    string is split, else under the string. `where`: which cases (`r` a table alias), else the row itself."""
    source = f"FROM cases {r} JOIN goods_products gp ON gp.goods = {r}.goods WHERE {where}" if where else \
        f"FROM goods_products gp WHERE gp.goods = {r}.goods"
    unknown = f"FROM cases {r} WHERE {where} AND" if where else "WHERE"
    return (f"INSERT INTO product_months (month, platform, shop, product, title, n, cost) SELECT {_month(r)}, "
            f"{r}.platform, {shop}, gp.product, gp.title, {sign}1, {sign}{_cost(r)} {source} {_PRODUCT_UPSERT};\n"
            f"INSERT INTO goods_months (month, platform, shop, goods, n, cost) SELECT {_month(r)}, {r}.platform, "
            f"{shop}, {r}.goods, {sign}1, {sign}{_cost(r)} {unknown} {r}.goods IS NOT NULL AND {r}.goods != '' "
            f"AND NOT {_KNOWN.format(r=r)} {_GOODS_UPSERT};\n")


def _case_shop(r: str) -> str:
    return f"coalesce((SELECT shop_id FROM orders WHERE id = {r}.order_id), -1)"


# The order's lines as `orders.goods` spells them (`case_facts.order_goods`, in their order).
_RENDER = ("(SELECT group_concat(line, '') FROM (SELECT length(k) || ':' || k || length(title) || ':' || title "
           "|| quantity || ';' AS line FROM (SELECT coalesce(nullif(sku_code, ''), title) AS k, title, quantity, "
           "position, id FROM order_items WHERE order_id = NEW.order_id) ORDER BY position, id))")
# A case's new string split from its order's lines, when they spell it and it is not split yet: BEFORE the row is
# written, so before the AFTER triggers count it, and only when the string is new (a statement per written case
# cost the import as much as the counting itself).
_NEW_STRING = f"NEW.goods IS NOT NULL AND NEW.goods != '' AND NOT {_KNOWN.format(r='NEW')}"
_SPLIT = ("INSERT OR IGNORE INTO goods_products (goods, product, title) SELECT NEW.goods, "
          "coalesce(nullif(sku_code, ''), title), min(title) FROM order_items WHERE order_id = NEW.order_id "
          f"AND NEW.goods = {_RENDER} GROUP BY 2;")
_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in READ_COLUMNS)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER product_months_split_bi BEFORE INSERT ON cases WHEN {_NEW_STRING} BEGIN {_SPLIT} END",
    f"CREATE TRIGGER product_months_split_bu BEFORE UPDATE OF goods, order_id ON cases WHEN {_NEW_STRING} "
    f"BEGIN {_SPLIT} END",
    f"CREATE TRIGGER product_months_ai AFTER INSERT ON cases BEGIN\n{_share('NEW', '', _case_shop('NEW'))}END",
    f"CREATE TRIGGER product_months_ad AFTER DELETE ON cases BEGIN\n{_share('OLD', '-', _case_shop('OLD'))}END",
    f"CREATE TRIGGER product_months_au AFTER UPDATE OF {', '.join(READ_COLUMNS)} ON cases WHEN {_CHANGED} BEGIN\n"
    f"{_share('OLD', '-', _case_shop('OLD'))}{_share('NEW', '', _case_shop('NEW'))}END",
    "CREATE TRIGGER product_months_shop AFTER UPDATE OF shop_id ON orders WHEN OLD.shop_id IS NOT NEW.shop_id BEGIN\n"
    f"{_share('c', '-', 'coalesce(OLD.shop_id, -1)', 'c.order_id = NEW.id')}"
    f"{_share('c', '', 'coalesce(NEW.shop_id, -1)', 'c.order_id = NEW.id')}END",
)
TRIGGER_NAMES = tuple(t.split()[2] for t in SQLITE_TRIGGERS)


def split(goods: str) -> dict[str, str]:
    """The products of a goods string (`<n>:<key><m>:<title><quantity>;` lines), each with its least title."""
    products: dict[str, str] = {}
    at = 0
    while at < len(goods):
        colon = goods.index(':', at)
        end = colon + 1 + int(goods[at:colon])
        key = goods[colon + 1:end]
        colon = goods.index(':', end)
        at = colon + 1 + int(goods[end:colon])
        title = goods[colon + 1:at]
        at = goods.index(';', at) + 1
        products[key] = min(products.get(key, title), title)
    return products


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    for statement in TABLES:
        op.execute(statement)
    strings = [g for (g,) in bind.exec_driver_sql(
        "SELECT DISTINCT goods FROM cases WHERE goods IS NOT NULL AND goods != ''")]
    rows: list[Any] = [(g, key, title) for g in strings for key, title in split(g).items()]
    if rows:
        bind.exec_driver_sql("INSERT INTO goods_products (goods, product, title) VALUES (?, ?, ?)", rows)
    op.execute(f"INSERT INTO product_months (month, platform, shop, product, title, n, cost) SELECT {_month('c')}, "
               "c.platform, coalesce(o.shop_id, -1), gp.product, gp.title, count(*), sum(" + _cost('c') + ") "
               "FROM cases c JOIN goods_products gp ON gp.goods = c.goods LEFT JOIN orders o ON o.id = c.order_id "
               "GROUP BY 1, 2, 3, 4, 5")
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in reversed(TRIGGER_NAMES):
        op.execute(f'DROP TRIGGER IF EXISTS {name}')
    for table in ('goods_months', 'product_months', 'goods_products'):
        op.execute(f'DROP TABLE IF EXISTS {table}')
