"""Validated orders as the import hands them to the store: the records and their column-wise batch.

The import (io/order_assembly) builds `OrderColumns` straight from a sheet's columns; `OrderRecord` is
the same order as one object, for callers that have a few orders at hand (`OrderColumns.of_records`).
Money is integer fen; times are China-time aware datetimes or already the stored UTC text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def utc_text(moment: datetime) -> str:
    """An aware time as the ledger stores it on SQLite: naive UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (what
    SQLAlchemy's DateTime writes; `store.order_upsert.StorageCodec` relies on it)."""
    return moment.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")[:26]


# Records are not frozen: a frozen dataclass sets each of its fields through object.__setattr__,
# which made building 100,000 orders ~0.3 s slower (measured). Nothing mutates them once built, so an
# item may be hashed (the import compares two rows of one order number by their values).
@dataclass(slots=True, unsafe_hash=True)
class ItemRecord:
    sub_order_no: str | None
    title: str
    spec: str | None
    sku_code: str | None
    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None


@dataclass(slots=True)
class OrderRecord:
    """One validated order as the export states it; money is fen, times China-time aware."""

    key: str
    platform: str
    order_no: str
    first_row: int
    shop_name: str | None = None
    status: str | None = None
    buyer_nick: str | None = None
    receiver: str | None = None
    phone: str | None = None
    address: str | None = None
    goods_fen: int | None = None
    postage_fen: int | None = None
    paid_fen: int | None = None
    item_count: int | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    succeeded_at: datetime | None = None
    carrier: str | None = None
    tracking_no: str | None = None
    buyer_note: str | None = None
    seller_note: str | None = None
    product_titles: str | None = None
    # None: this export says nothing about items (keep what is stored); () : no items.
    items: tuple[ItemRecord, ...] | None = None


# OrderRecord's fields between first_row and items: what an order's converted cells fill.
VALUE_FIELDS: tuple[str, ...] = tuple(OrderRecord.__dataclass_fields__)[4:-1]
assert tuple(OrderRecord.__dataclass_fields__)[:4] == ("key", "platform", "order_no", "first_row")


@dataclass
class UpsertCounts:
    """What storing an order file did: orders inserted, updated, left unchanged, and the cases whose
    copies of their order's facts (courier, goods) it rewrote."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    cases_updated: int = 0
    # Stored orders this file names under another shop: (order number, the shop stored, the file's shop), the first
    # MAX_SHOP_MOVES of them, and how many in all.
    shop_moves: list[tuple[str, str, str]] = field(default_factory=list)
    shops_moved: int = 0


MAX_SHOP_MOVES = 20


@dataclass(slots=True)
class OrderColumns:
    """A batch of validated orders of one platform, column by column: what the store takes.

    The import builds these straight from the sheet's columns (no object per order: 100,000
    OrderRecords and their tuples for the database cost ≈ 1 s, measured); `of_records` turns records
    into the same shape.
    """

    platform: str
    keys: list[str]
    order_nos: list[str]
    # VALUE_FIELDS name → one value per order; a missing name is all None. Times are aware datetimes or
    # already the stored UTC text (what the import gives).
    values: dict[str, list[object]]
    items: list[tuple[ItemRecord, ...] | None] | None  # per order (None: keep stored); None: no order has any

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def of_records(cls, platform: str, records: Sequence[OrderRecord]) -> OrderColumns:
        values = {name: [getattr(r, name) for r in records] for name in VALUE_FIELDS}
        items = [r.items for r in records]
        return cls(platform, [r.key for r in records], [r.order_no for r in records],
                   {name: column for name, column in values.items() if any(v is not None for v in column)},
                   items if any(i is not None for i in items) else None)

    def joined(self, other: OrderColumns) -> OrderColumns:
        """These orders, then `other`'s."""
        size, other_size = len(self), len(other)
        names = self.values.keys() | other.values.keys()
        values = {name: [*self.values.get(name, [None] * size), *other.values.get(name, [None] * other_size)]
                  for name in names}
        items = (None if self.items is None and other.items is None else
                 [*(self.items or [None] * size), *(other.items or [None] * other_size)])
        return OrderColumns(self.platform, [*self.keys, *other.keys], [*self.order_nos, *other.order_nos],
                            values, items)

    def take(self, positions: Sequence[int]) -> OrderColumns:
        """The orders at `positions`, in that order."""

        def taken(column: list[Any]) -> list[Any]:
            return [column[i] for i in positions]

        return OrderColumns(self.platform, taken(self.keys), taken(self.order_nos),
                            {name: taken(column) for name, column in self.values.items()},
                            taken(self.items) if self.items is not None else None)


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


def items_from_list(batch: OrderColumns) -> list[tuple[ItemRecord, ...] | None] | None:
    """Per order, the goods from the title column when the batch has no items of its own (None: it has
    items, or no title column)."""
    titles = batch.values.get("product_titles")
    if batch.items is not None or titles is None:
        return None
    counts = batch.values.get("item_count") or [None] * len(batch)
    return [items_from_titles(t, c) for t, c in zip(titles, counts, strict=True)]  # type: ignore[arg-type]


def item_titles(items: Sequence[ItemRecord]) -> list[str]:
    """An order's distinct product titles, in item order."""
    if len(items) == 1:
        return [items[0].title] if items[0].title else []
    return list(dict.fromkeys(i.title for i in items if i.title))
