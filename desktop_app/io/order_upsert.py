"""Storing validated orders: upsert on `order_key`, items replaced as a set, unchanged orders left alone.

All work happens on the caller's connection inside its transaction (one per file), so a failure or a
cancel rolls the whole file back.

How a batch is written (`stage_batch`, then `apply_staged`; `write` does both), and why:
1. The stored rows for the batch's keys are read once (raw column values, no type processing) to tell
   new, placeholder (imported_at NULL: a case typed by hand before the import), unchanged and changed
   orders apart. Unchanged orders are not rewritten.
2. New and changed orders go into a TEMP staging table with one DBAPI `executemany` of a statement
   compiled once from SQLAlchemy Core (`stage_batch`), then into `orders` with ONE Core
   `INSERT ... SELECT ... ON CONFLICT (order_key) DO UPDATE` (`version = version + 1`). Measured on
   62,500 orders into a copy of a 100,000-order ledger: `executemany` of the upsert straight into
   `orders` takes 6.8 s because the FTS5 search trigger flushes its index once per statement; staged,
   2.5 s. Per-row SQLAlchemy parameter processing (2.1 s for the same rows) is avoided by binding
   values already in the column's storage form (`StorageCodec`).
   (`apply_staged`: the bulk of the work, done by SQLite without the GIL.) A batch arrives as
   columns (`OrderColumns`) and the staged rows are zipped from them: no object per order.
3. Items of written orders are staged by order key and replaced as a set by two statements of
   `apply_staged` (delete those of stored orders the file restates, insert the staged ones joined to
   their order's id), so no ids travel back to Python and the work stays off the GIL.
Both `on_conflict_do_update` dialects (SQLite, PostgreSQL) are supported; nothing SQLite-only is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import repeat
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
    insert,
    select,
    table,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from desktop_app.core.order_records import ItemRecord, OrderColumns, OrderRecord
from desktop_app.io.cell_values import utc_text
from desktop_app.store.case_facts import carrier_copy, goods_refresh, goods_text
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
# `write` reads these by position for a new order's search text.
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
_SEARCH_FIELDS = ("receiver", "phone", "tracking_no", "buyer_nick")  # order matters: see `write`
_FIRST_DATA_POSITION = 4  # in the stored-row select: id, order_key, imported_at, search_text, data...
_STAGE_NAME = "import_order_stage"
_ITEM_STAGE_NAME = "import_item_stage"
_LOOKUP_BUCKET = 512


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


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def _dialect_insert(dialect_name: str) -> Any:
    if dialect_name == "postgresql":
        return postgresql.insert
    if dialect_name == "sqlite":
        return sqlite.insert
    raise ValueError(f"order import has no upsert for the {dialect_name} dialect")


def _item_tuple(item: ItemRecord) -> tuple[object, ...]:
    return (item.sub_order_no, item.title, item.spec, item.sku_code, item.quantity, item.unit_price_fen,
            item.paid_fen)


def _goods(items: Sequence[ItemRecord] | None) -> str | None:
    return None if not items else goods_text((i.sku_code, i.title, i.quantity) for i in items)


def search_text_of(parts: Sequence[object]) -> str:
    """Exactly `store.search.build_search_text` (a test holds them equal), in one join and one lower():
    it runs for every order of a big file."""
    return " ".join([text for part in parts if part and (text := str(part).strip())]).lower()


def cleaned_search_text(parts: Iterable[str | None]) -> str:
    """`search_text_of` for values the cell cleaners produced (stripped text, never blank): no strip
    per part. The new orders of an import take this one."""
    return " ".join(filter(None, parts)).lower()


def _titles(items: Sequence[ItemRecord]) -> list[str]:
    if len(items) == 1:
        return [items[0].title] if items[0].title else []
    return list(dict.fromkeys(i.title for i in items if i.title))


TITLE_SEPARATOR = "，"  # the Taobao order list joins an order's product titles with it


def items_from_titles(title: str | None, item_count: int | None) -> tuple[ItemRecord, ...] | None:
    """The goods of an order imported without its detail file, from the list's own title column
    (宝贝标题/商品标题): only what the list says. One title: that item × the order's item count. Several:
    one line each when the count says one of each; otherwise one line naming them all × the count."""
    if not title or not title.strip():
        return None
    titles = [t.strip() for t in title.split(TITLE_SEPARATOR) if t.strip()]
    count = item_count if item_count and item_count > 0 else None
    if len(titles) == 1:
        return (ItemRecord(None, titles[0], None, None, count or 1, None, None),)
    if count == len(titles):
        return tuple(ItemRecord(None, t, None, None, 1, None, None) for t in titles)
    return (ItemRecord(None, TITLE_SEPARATOR.join(titles), None, None, count or len(titles), None, None),)


def _items_from_list(batch: OrderColumns) -> list[tuple[ItemRecord, ...] | None] | None:
    """Per order, the goods from the title column when the batch has no items of its own (None: it has
    items, or no title column)."""
    titles = batch.values.get("product_titles")
    if batch.items is not None or titles is None:
        return None
    counts = batch.values.get("item_count") or [None] * len(batch)
    return [items_from_titles(t, c) for t, c in zip(titles, counts, strict=True)]  # type: ignore[arg-type]


@dataclass(frozen=True)
class StagedBatch:
    """What `apply_staged` has to move: orders always; items when the batch has any."""

    platform: str
    items: bool
    replace_items: bool  # some staged orders were stored before with items to replace


class RowInserter:
    """Inserts many rows with one DBAPI `executemany` of a Core insert compiled once.

    Binding through SQLAlchemy's per-row parameter processing costs more than SQLite's own work
    here (2.1 s against 0.9 s for 62,500 orders, measured); the values are already in storage form.
    (Multi-row VALUES statements were measured too: slower on SQLite at these sizes.)
    """

    def __init__(self, conn: Connection, statement: Any, names: Sequence[str]) -> None:
        self.conn = conn
        self.names = tuple(names)
        # PostgreSQL: a plain insert into a staging table goes through COPY, its bulk path (an
        # executemany is one statement per row there, even pipelined).
        self.copy_sql = (f"COPY {statement.table.name} ({', '.join(self.names)}) FROM STDIN"
                         if conn.dialect.name == "postgresql" else None)
        compiled = statement.compile(dialect=conn.dialect, column_keys=list(names))
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        if self.positional and tuple(compiled.positiontup or ()) != self.names:
            raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")

    def insert(self, rows: Iterable[tuple[object, ...]]) -> None:
        """`rows` may be an iterator (the driver's executemany takes one: no list of 100,000 tuples)."""
        cursor = self.conn.connection.cursor()
        if self.copy_sql is not None:
            try:
                with cursor.copy(self.copy_sql) as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
            finally:
                cursor.close()
            return
        parameters = rows if self.positional else (dict(zip(self.names, r, strict=True)) for r in rows)
        try:
            cursor.executemany(self.sql, parameters)  # type: ignore[arg-type]
        finally:
            cursor.close()


class InLookup:
    """`SELECT … WHERE column IN (…)` for a batch of values, compiled once per batch length and run on
    the DBAPI cursor: SQLAlchemy's expanding parameters and Row objects cost ≈ 0.4 s per 100,000
    looked-up keys (measured), more than SQLite's own work."""

    def __init__(self, conn: Connection, build: Callable[[Any], Any]) -> None:
        self.conn = conn
        self.build = build  # the `in_()` argument (a list of bind parameters) → the statement
        self._compiled: dict[int, tuple[str, bool]] = {}

    def _sql(self, count: int) -> tuple[str, bool]:
        found = self._compiled.get(count)
        if found is None:
            names = [f"v{i}" for i in range(count)]
            compiled = self.build([bindparam(n) for n in names]).compile(dialect=self.conn.dialect)
            if compiled.positional and list(compiled.positiontup or ()) != names:
                raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")
            found = self._compiled[count] = (str(compiled), bool(compiled.positional))
        return found

    def __call__(self, values: Sequence[object]) -> list[tuple[Any, ...]]:
        if not values:
            return []
        # Batches differ in length (one per order of a batch of rows) and compiling 1,000 parameters
        # takes ≈ 20 ms: the list is padded with NULLs (they match nothing) to a few fixed lengths.
        size = len(values)
        padded = [*values, *([None] * (_LOOKUP_BUCKET - size % _LOOKUP_BUCKET))] if size % _LOOKUP_BUCKET else values
        sql, positional = self._sql(len(padded))
        parameters: Any = tuple(padded) if positional else {f"v{i}": v for i, v in enumerate(padded)}
        cursor = self.conn.connection.cursor()
        try:
            cursor.execute(sql, parameters)
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()


class OrderUpserter:
    """Writes batches of orders from one file on `conn` (which must be inside a transaction)."""

    def __init__(self, conn: Connection, *, provided: frozenset[str], items_known: bool, source_file: str,
                 imported_at: datetime | None = None) -> None:
        self.conn = conn
        dialect = conn.dialect
        self.codec = StorageCodec(dialect.name)
        self.items_known = items_known
        self.source_file = source_file
        stamp = imported_at or datetime.now(UTC)
        self.stamp = self.codec.time(stamp)
        provided_columns = set(provided)
        if "shop_name" in provided_columns:
            provided_columns.add("shop_id")
        self.provided = tuple(c for c in DATA_COLUMNS if c in provided_columns)
        self.provided_set = frozenset(self.provided)
        self.with_shop = "shop_id" in self.provided_set
        self.counts = UpsertCounts()
        self.seen: set[str] = set()
        self._shops: dict[tuple[str, str], int] = {}
        self._build_statements(dialect)

    # -- statements --------------------------------------------------------------------------------

    def _build_statements(self, dialect: Any) -> None:
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
        self._stage_insert = RowInserter(self.conn, insert(self.stage), (*staged, "goods", "replace_items"))
        self._item_stage_insert = RowInserter(self.conn, insert(self.item_stage),
                                              ("order_key", *ITEM_COLUMNS[1:]))
        staged_ids = select(ORDERS.c.id).join_from(self.stage, ORDERS, ORDERS.c.order_key == self.stage.c.order_key)
        self._delete_replaced_items = delete(ITEMS).where(
            ITEMS.c.order_id.in_(staged_ids.where(self.stage.c.replace_items == 1)))
        # The cases of written orders keep their order's courier (the 统计 dashboard reads it there).
        self._copy_carrier = carrier_copy(staged_ids) if "carrier" in self.provided_set else None
        item_stage = self.item_stage
        # Stored orders whose lines this batch replaces: their goods, and their cases' copies (统计).
        self._refresh_goods = goods_refresh(staged_ids.where(self.stage.c.replace_items == 1))
        self._move_items = insert(ITEMS).from_select(list(ITEM_COLUMNS), select(
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
        self._upsert = upsert.on_conflict_do_update(index_elements=[ORDERS.c.order_key], set_=updates)

        # Raw (untyped) reads: values come back in storage form, comparable with what we bind.
        raw_orders = table("orders", *[column(n) for n in
                                       ("id", "order_key", "imported_at", "search_text", *DATA_COLUMNS)])
        # id, order_key, imported_at, search_text first, then the provided columns: `write` reads them
        # by position and compares the provided ones as one tuple slice.
        missing_search = [f for f in _SEARCH_FIELDS if f not in self.provided_set]
        wanted = ("id", "order_key", "imported_at", "search_text", *self.provided, *missing_search)
        self._existing = InLookup(self.conn, lambda keys: select(*[raw_orders.c[n] for n in wanted]).where(
            raw_orders.c.order_key.in_(keys)))
        data_index = {name: i for i, name in enumerate(DATA_COLUMNS)}
        picks = [data_index[c] for c in self.provided]
        self._provided_of: Callable[[list[list[object]]], list[list[object]]] = (
            lambda data: [data[i] for i in picks])
        self._compared: Callable[[tuple[object, ...]], tuple[object, ...]] = (
            (lambda data: ()) if not picks else
            (lambda data, only=picks[0]: (data[only],)) if len(picks) == 1 else itemgetter(*picks))  # type: ignore[assignment, misc]
        # For each search field: (position in the data tuple, -1) when this file has it, else
        # (-1, position in the stored row).
        self._search_sources = tuple(
            (data_index[f], -1) if f in self.provided_set else (-1, wanted.index(f)) for f in _SEARCH_FIELDS)
        raw_items = table("order_items", *[column(n) for n in ITEM_COLUMNS])
        self._existing_items = InLookup(self.conn, lambda ids: (
            select(*[raw_items.c[n] for n in ITEM_COLUMNS])
            .where(raw_items.c.order_id.in_(ids))
            .order_by(raw_items.c.order_id, raw_items.c.position)))

    def close(self) -> None:
        for staging in (self.stage, self.item_stage):
            staging.drop(self.conn, checkfirst=True)

    # -- shops -------------------------------------------------------------------------------------

    def shop_id(self, platform: str, name: str | None) -> int | None:
        if name is None:
            return None
        cache_key = (platform, name)
        found = self._shops.get(cache_key)
        if found is not None:
            return found
        shop_id = self.conn.execute(
            select(SHOPS.c.id).where(SHOPS.c.platform == platform, SHOPS.c.name == name)
        ).scalar_one_or_none()
        if shop_id is None:
            shop_id = self.conn.execute(
                insert(SHOPS).values(platform=platform, name=name, created_at=datetime.now(UTC))
            ).inserted_primary_key[0]  # type: ignore[index]
        self._shops[cache_key] = int(shop_id)
        return int(shop_id)

    # -- writing -----------------------------------------------------------------------------------

    def _data_columns(self, batch: OrderColumns) -> list[list[object]]:
        """The DATA_COLUMNS of a batch in storage form, one list per column."""
        values = batch.values
        none: list[object] = [None] * len(batch)
        columns: list[list[object]] = []
        for name in DATA_COLUMNS:
            if name == "shop_id":
                names = values.get("shop_name") if self.with_shop else None
                if names is None:
                    columns.append(none)
                    continue
                ids = {name: self.shop_id(batch.platform, name) for name in set(names)}  # type: ignore[arg-type]
                columns.append([ids[n] for n in names])  # type: ignore[index]
            elif name in TIME_COLUMNS:
                found = values.get(name)
                time = self.codec.time
                columns.append(none if found is None else [None if v is None else time(v) for v in found])  # type: ignore[arg-type]
            else:
                columns.append(values.get(name, none))
        return columns

    @staticmethod
    def _titles_column(batch: OrderColumns) -> list[list[str]] | None:
        """Each order's product titles from this file: its items, else the list's own title column
        (None: the file has neither)."""
        product = batch.values.get("product_titles")
        from_list = [[t] if t else [] for t in product] if product is not None else None  # type: ignore[list-item]
        if batch.items is None:
            return from_list  # type: ignore[return-value]
        return [_titles(items) if items is not None else from_list[i] if from_list is not None else []  # type: ignore[misc]
                for i, items in enumerate(batch.items)]

    def stage_batch(self, batch: OrderColumns) -> StagedBatch | None:
        """Classify a batch against the stored orders and stage the new and changed ones (None: nothing
        to write). A key listed twice in one file: the later row wins and the order is counted once."""
        keys = batch.keys
        if len(set(keys)) != len(keys):
            last = {key: i for i, key in enumerate(keys)}  # first-seen order, later row
            batch = batch.take(list(last.values()))
            keys = batch.keys
        existing = {row[1]: row for row in self._existing(keys)}
        data = self._data_columns(batch)
        receivers, phones, trackings, nicks = data[3], data[4], data[15], data[2]
        titles = self._titles_column(batch)
        if titles is None:
            titles = [[]] * len(batch)  # type: ignore[list-item]
        # Search text as a new order has it (the file's own values; no stored ones to fall back on).
        texts = [
            cleaned_search_text((order_no, receiver, phone, tracking, *found, nick))  # type: ignore[arg-type]
            for order_no, receiver, phone, tracking, found, nick
            in zip(batch.order_nos, receivers, phones, trackings, titles, nicks, strict=True)
        ]
        items = batch.items
        from_list = _items_from_list(batch)
        if not existing:
            items = from_list if items is None else items  # new orders of a list without its detail file
            # The common case (new orders): every row is staged, built column-wise.
            self.counts.inserted += len(keys)
            self.seen.update(keys)
            goods = repeat(None) if items is None else (_goods(i) for i in items)
            staged: Iterable[tuple[object, ...]] = zip(keys, batch.order_nos, *self._provided_of(data), texts,
                                                       goods, repeat(0))
            self._stage_insert.insert(staged)
            return StagedBatch(batch.platform,
                               self._stage_items(zip(keys, items, strict=True)) if items is not None else False,
                               replace_items=False)
        return self._stage_mixed(batch, existing, data, titles, texts, from_list)  # type: ignore[arg-type]

    def _stage_mixed(self, batch: OrderColumns, existing: dict[str, tuple[Any, ...]], data: list[list[object]],
                     titles: list[list[str] | None], texts: list[str],
                     from_list: list[tuple[ItemRecord, ...] | None] | None = None) -> StagedBatch | None:
        """`stage_batch` when some of the batch's orders are stored: those are compared and only staged
        when something changed."""
        stored_items: dict[int, list[tuple[object, ...]]] = {}
        for row in self._existing_items([r[0] for r in existing.values()]):
            stored_items.setdefault(row[0], []).append(tuple(row[2:]))
        staged: list[tuple[object, ...]] = []
        staged_items: list[tuple[str, tuple[ItemRecord, ...] | None]] = []
        replace = False
        counts = self.counts
        seen = self.seen
        compared = self._compared
        first_compared = _FIRST_DATA_POSITION
        last_compared = _FIRST_DATA_POSITION + len(self.provided)
        search_from = self._search_sources
        all_items = batch.items if batch.items is not None else repeat(None)
        list_items = from_list if from_list is not None else repeat(None)
        for key, order_no, row, order_items, found_titles, text, titled_items in zip(
                batch.keys, batch.order_nos, zip(*data, strict=True), all_items, titles, texts, list_items,
                strict=False):
            stored = existing.get(key)
            # Goods from the list's titles: for a new order, or a stored one that has none yet.
            if order_items is None and titled_items is not None and (
                    stored is None or not stored_items.get(stored[0])):
                order_items = titled_items
            if stored is not None:
                stored_item_rows = stored_items.get(stored[0], [])
                # Product titles for search: this file's items; else the stored items (an order list
                # without its detail file); else the list's own title column.
                if order_items is None and stored_item_rows:
                    found_titles = list(dict.fromkeys(str(r[1]) for r in stored_item_rows if r[1]))
                # receiver, phone, tracking_no, buyer_nick: from this file, or as stored when it lacks the
                # column.
                if (order_items is None and stored_item_rows) or any(in_data < 0 for in_data, _ in search_from):
                    receiver, phone, tracking_no, buyer_nick = (
                        row[in_data] if in_data >= 0 else stored[in_stored] for in_data, in_stored in search_from)
                    text = search_text_of((order_no, receiver, phone, tracking_no, *(found_titles or ()),
                                           buyer_nick))
            first_time = key not in seen
            seen.add(key)
            if stored is None:
                if first_time:
                    counts.inserted += 1
            else:
                same = (stored[2] is not None
                        and stored[first_compared:last_compared] == compared(row)
                        and stored[3] == text
                        and (order_items is None or stored_item_rows == [_item_tuple(i) for i in order_items]))
                if same:
                    if first_time:
                        counts.unchanged += 1
                    continue
                if first_time:
                    if stored[2] is None:
                        counts.inserted += 1  # a placeholder becomes a real imported order
                    else:
                        counts.updated += 1
            replaces = stored is not None and order_items is not None
            replace = replace or replaces
            staged_items.append((key, order_items))
            goods = _goods(order_items) if stored is None else None  # a stored order's: `_refresh_goods`
            staged.append((key, order_no, *compared(row), text, goods, int(replaces)))
        if not staged:
            return None
        self._stage_insert.insert(staged)
        return StagedBatch(batch.platform, self._stage_items(staged_items), replace)

    def _stage_items(self, orders: Iterable[tuple[str, tuple[ItemRecord, ...] | None]]) -> bool:
        """Stage the items of these (key, items) orders; whether there were any to stage. An order with
        items None keeps what is stored; with () it will have none."""
        rows = [(key, position, *_item_tuple(item))
                for key, items in orders if items is not None for position, item in enumerate(items)]
        self._item_stage_insert.insert(rows)
        return bool(rows)

    def apply_staged(self, batch: StagedBatch) -> None:
        """Move the staged orders into `orders` (the upsert: index upkeep), replace the items of those
        that had them stored, add the staged items, and empty the stages.

        SQLite runs these statements without holding the GIL, so the import runs them on a helper
        thread while the next rows are read; nothing else may use the connection meanwhile."""
        conn = self.conn
        conn.execute(self._upsert, {"platform": batch.platform})
        if self._copy_carrier is not None:
            conn.execute(self._copy_carrier)
        if batch.replace_items:
            conn.execute(self._delete_replaced_items)
        if batch.items:
            conn.execute(self._move_items)
            conn.execute(self.item_stage.delete())
        if batch.replace_items:
            for statement in self._refresh_goods:
                conn.execute(statement)
        conn.execute(self.stage.delete())

    def write(self, orders: OrderColumns | Sequence[OrderRecord]) -> None:
        """Store one batch: `stage_batch`, then `apply_staged`."""
        if not isinstance(orders, OrderColumns):
            orders = OrderColumns.of_records(orders[0].platform if orders else "", orders)
        batch = self.stage_batch(orders)
        if batch is not None:
            self.apply_staged(batch)
