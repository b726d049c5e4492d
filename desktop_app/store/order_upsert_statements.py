"""The statements of one file's order upsert: its TEMP staging tables, the upsert that moves them into
`orders`, the item moves, and the raw reads of stored orders and items to compare with.

Built once per file (`UpsertStatements`) for the columns the file provides (those it lacks are left out
of the insert and the update alike), and run by `store.order_upsert.OrderUpserter`. Values are bound in
the column's storage form (`StorageCodec`): SQLAlchemy's per-row parameter processing cost 2.1 s for
62,500 orders, more than SQLite's own work (measured). Both `on_conflict_do_update` dialects (SQLite,
PostgreSQL) are supported; nothing SQLite-only is used.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    column,
    delete,
    func,
    insert,
    select,
    table,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import NullType

from desktop_app.core.order_records import utc_text
from desktop_app.store.case_facts import carrier_copy, goods_refresh
from desktop_app.store.driver_statements import InLookup, RowInserter
from desktop_app.store.models import Order, OrderItem, Shop

ORDERS = Order.__table__
ITEMS = OrderItem.__table__
SHOPS = Shop.__table__

# Order columns an export can state, in staging order (shop_id comes from the shop name).
DATA_COLUMNS: tuple[str, ...] = (
    "shop_id", "status", "buyer_nick", "receiver", "phone", "address", "goods_fen", "postage_fen",
    "paid_fen", "item_count", "paid_at", "shipped_at", "signed_at", "succeeded_at", "carrier",
    "tracking_no", "buyer_note", "seller_note",
)
# `OrderUpserter.stage_batch` reads these by position for a new order's search text.
assert (DATA_COLUMNS[2], DATA_COLUMNS[3], DATA_COLUMNS[4], DATA_COLUMNS[15]) == (
    "buyer_nick", "receiver", "phone", "tracking_no")
TIME_COLUMNS = frozenset({"paid_at", "shipped_at", "signed_at", "succeeded_at"})
# Staged per order: order_key, order_no, the DATA_COLUMNS the file provides (those it lacks are left
# out of the insert and the update alike) and search_text. The columns the same for a whole file
# (FILE_COLUMNS) are bound once, in the statement that moves the stage into `orders`.
FILE_COLUMNS: tuple[str, ...] = ("platform", "imported_at", "source_file", "created_at", "updated_at", "version")
ITEM_COLUMNS: tuple[str, ...] = (
    "order_id", "position", "sub_order_no", "title", "spec", "sku_code", "quantity", "unit_price_fen", "paid_fen",
)
SEARCH_FIELDS = ("receiver", "phone", "tracking_no", "buyer_nick")  # order matters: see `OrderUpserter._stage_mixed`
# Buyer data platforms mask in later exports (138****5678): a masked value never replaces the full one.
MASKABLE_FIELDS = ("buyer_nick", "receiver", "phone", "address")
FIRST_DATA_POSITION = 4  # in the stored-row select: id, order_key, imported_at, search_text, data...
_STAGE_NAME = "import_order_stage"
_ITEM_STAGE_NAME = "import_item_stage"


class StorageCodec:
    """Values in the form the column stores, so rows can be bound without per-value processing.

    On SQLite, SQLAlchemy's DateTime stores naive UTC as 'YYYY-MM-DD HH:MM:SS.ffffff' text (a test
    checks this against SQLAlchemy's own processor); other databases take naive UTC datetimes.
    """

    def __init__(self, dialect_name: str) -> None:
        self.text_times = dialect_name == "sqlite"

    def time(self, value: datetime | str | None) -> object:
        """`value`: an aware time, or already `utc_text` (what the column-wise check produces)."""
        if value is None:
            return None
        if value.__class__ is str:
            return value if self.text_times else datetime.fromisoformat(value)  # type: ignore[arg-type]
        if self.text_times:
            return utc_text(value)  # type: ignore[arg-type]
        return value.astimezone(UTC).replace(tzinfo=None)  # type: ignore[union-attr]


def _dialect_insert(dialect_name: str) -> Any:
    if dialect_name == "postgresql":
        return postgresql.insert
    if dialect_name == "sqlite":
        return sqlite.insert
    raise ValueError(f"order import has no upsert for the {dialect_name} dialect")


class UpsertStatements:
    """One file's staging tables (created on `conn`, dropped by `close`) and its statements.

    `provided`: the DATA_COLUMNS the file states, in DATA_COLUMNS order; `stamp`: the import time in
    storage form (imported_at, created_at and updated_at of every order written).
    """

    def __init__(self, conn: Connection, codec: StorageCodec, provided: tuple[str, ...], stamp: object,
                 source_file: str) -> None:
        self.conn = conn
        self.codec = codec
        self.provided = provided
        self.provided_set = frozenset(provided)
        self.stamp = stamp
        self.source_file = source_file
        dialect = conn.dialect
        metadata = MetaData()
        time_type: Any = String if self.codec.text_times else ORDERS.c.paid_at.type.impl  # type: ignore[attr-defined]
        columns = []
        staged = ("order_key", "order_no", *self.provided, "search_text")
        for name in staged:
            source = ORDERS.c[name]
            if name in TIME_COLUMNS:
                kind: Any = time_type
            elif isinstance(source.type, Integer):
                kind = Integer
            else:
                kind = Text
            columns.append(Column(name, kind))
        # replace_items: 1 for a stored order whose items this file restates (deleted before the new set).
        # goods: a new order's lines as `orders.goods` holds them (统计), written with the order itself.
        self.stage = Table(_STAGE_NAME, metadata, *columns, Column("goods", Text), Column("replace_items", Integer),
                           prefixes=["TEMPORARY"])
        # Items are staged by order key: their order's id is looked up by the statement that moves them.
        self.item_stage = Table(_ITEM_STAGE_NAME, metadata, Column("order_key", Text),
                                *[Column(n, Integer if isinstance(ITEMS.c[n].type, Integer) else Text)
                                  for n in ITEM_COLUMNS[1:]], prefixes=["TEMPORARY"])
        for staging in (self.stage, self.item_stage):
            staging.drop(self.conn, checkfirst=True)
            staging.create(self.conn)
        self.stage_insert = RowInserter(self.conn, insert(self.stage), (*staged, "goods", "replace_items"))
        self.item_stage_insert = RowInserter(self.conn, insert(self.item_stage),
                                             ("order_key", *ITEM_COLUMNS[1:]))
        staged_ids = select(ORDERS.c.id).join_from(self.stage, ORDERS, ORDERS.c.order_key == self.stage.c.order_key)
        self.delete_replaced_items = delete(ITEMS).where(
            ITEMS.c.order_id.in_(staged_ids.where(self.stage.c.replace_items == 1)))
        # The cases of written orders keep their order's courier (the 统计 dashboard reads it there).
        self.copy_carrier = carrier_copy(staged_ids) if "carrier" in self.provided_set else None
        # The payment times this batch writes or replaces, earliest and latest: the months of `order_sales`
        # the import computes again before it commits (统计).
        stored_paid = select(type_coerce(ORDERS.c.paid_at, NullType()).label("paid")).where(
            ORDERS.c.order_key.in_(select(self.stage.c.order_key)))
        paid = (union_all(stored_paid, select(self.stage.c.paid_at)) if "paid_at" in self.provided_set
                else stored_paid).subquery()
        self.paid_span = select(func.min(paid.c.paid), func.max(paid.c.paid))
        # Stored orders whose lines this batch replaces: their goods, and their cases' copies (统计).
        self.refresh_goods = goods_refresh(staged_ids.where(self.stage.c.replace_items == 1))
        item_stage = self.item_stage
        self.move_items = insert(ITEMS).from_select(list(ITEM_COLUMNS), select(
            ORDERS.c.id, *[item_stage.c[n] for n in ITEM_COLUMNS[1:]]
        ).join_from(item_stage, ORDERS, ORDERS.c.order_key == item_stage.c.order_key))

        constants = {"imported_at": self.stamp, "source_file": self.source_file, "created_at": self.stamp,
                     "updated_at": self.stamp, "version": 1}
        file_values = [bindparam("platform", type_=String)] + [
            bindparam(f"file_{name}", value=constants[name], type_=time_type if name.endswith("_at") else None)
            for name in FILE_COLUMNS[1:]]
        upsert = _dialect_insert(dialect.name)(ORDERS).from_select(
            [*staged, "goods", *FILE_COLUMNS],
            select(*[self.stage.c[n] for n in staged], self.stage.c.goods, *file_values).where(true())
        )
        updates: dict[str, Any] = {name: upsert.excluded[name] for name in self.provided}
        for name in ("search_text", "imported_at", "source_file", "updated_at"):
            updates[name] = upsert.excluded[name]
        updates["version"] = ORDERS.c.version + 1
        self.upsert = upsert.on_conflict_do_update(index_elements=[ORDERS.c.order_key], set_=updates)

        # Raw (untyped) reads: values come back in storage form, comparable with what we bind.
        raw_orders = table("orders", *[column(n) for n in
                                       ("id", "order_key", "imported_at", "search_text", *DATA_COLUMNS)])
        # id, order_key, imported_at, search_text first, then the provided columns: the upserter reads them
        # by position and compares the provided ones as one tuple slice.
        missing_search = [f for f in SEARCH_FIELDS if f not in self.provided_set]
        wanted = ("id", "order_key", "imported_at", "search_text", *self.provided, *missing_search)
        self.existing = InLookup(self.conn, lambda keys: select(*[raw_orders.c[n] for n in wanted]).where(
            raw_orders.c.order_key.in_(keys)))
        data_index = {name: i for i, name in enumerate(DATA_COLUMNS)}
        picks = [data_index[c] for c in self.provided]
        self.provided_of: Callable[[list[list[object]]], list[list[object]]] = (
            lambda data: [data[i] for i in picks])
        self.compared: Callable[[tuple[object, ...]], tuple[object, ...]] = (
            (lambda data: ()) if not picks else
            (lambda data, only=picks[0]: (data[only],)) if len(picks) == 1 else itemgetter(*picks))  # type: ignore[assignment, misc]
        # For each search field: (position in the data tuple, -1) when this file has it, else
        # (-1, position in the stored row).
        self.search_sources = tuple(
            (data_index[f], -1) if f in self.provided_set else (-1, wanted.index(f)) for f in SEARCH_FIELDS)
        # (position in the data tuple, position in the stored row) of the maskable fields this file has.
        self.maskable = tuple((data_index[f], wanted.index(f)) for f in MASKABLE_FIELDS if f in self.provided_set)
        raw_items = table("order_items", *[column(n) for n in ITEM_COLUMNS])
        self.existing_items = InLookup(self.conn, lambda ids: (
            select(*[raw_items.c[n] for n in ITEM_COLUMNS])
            .where(raw_items.c.order_id.in_(ids))
            .order_by(raw_items.c.order_id, raw_items.c.position)))

    def close(self) -> None:
        for staging in (self.stage, self.item_stage):
            staging.drop(self.conn, checkfirst=True)
