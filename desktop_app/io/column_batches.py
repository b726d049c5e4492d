"""The fast path of checking order rows: a batch at a time, column by column.

The row-by-row path (`OrderAssembler._one_row` / `_grouped_row`, `read_item_table`) knows every rule
and writes every message. For the common case — every row holding an order number and every cell
clean, whether a table has one row per order, one row per item (the order being gathered carries
over to the next batch) or is a detail table — this module does the same work column-wise: each mapped column
of a batch is converted by one comprehension (plain text, identifiers and amounts seen before
inline; times straight to their stored UTC text; anything else through the `CellCleaner` method
itself), and the batch leaves as columns (`OrderColumns`), never an object per order. A batch with
anything unusual — a cell that fails, a row without an order number (a blank or
合计 line), a row shorter than the header, an order whose detail items had errors — raises
`NeedsRows`, and the caller checks that batch row by row, which reports it exactly as before.
`tests/unit/test_column_batches.py` holds both paths to the same stored orders, items and messages.

Why: checking 100,000 rows row by row cost ≈ 2 s of the import's time (measured), most of it in
per-cell and per-row Python calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from desktop_app.core.vocabulary import platform_family
from desktop_app.io.cell_values import split_yuan_to_fen
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import Layout
from desktop_app.io.order_rows import ItemIndex, ItemRecord, OrderColumns, RowParser, split_column

# The row path alone when False: what the differential test compares the column path with.
ENABLED = True


class NeedsRows(Exception):
    """This batch must be checked row by row (it has something only that path reports)."""


@dataclass(frozen=True, slots=True)
class GroupedRows:
    """A batch of a one-row-per-item table, converted (see `ColumnBatches.grouped`)."""

    numbers: list[int]
    order_nos: list[str]
    keys: list[str]
    starts: list[int]  # the rows that may start an order: the first, and each whose number differs from above
    values: dict[str, list[object]]  # the order fields read from those rows, as in OrderColumns.values
    items: list[ItemRecord]  # one per row


def _columns(rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """The rows' cells column by column, in one C-level pass (rows are at least as wide as the header;
    cells beyond the shortest row are never mapped)."""
    return list(zip(*rows, strict=False))


def _picked(sheet: list[tuple[object, ...]], indexes: list[int],
            columns: Sequence[int]) -> list[tuple[object, ...]]:
    """The cells at `indexes` of the `columns` of `sheet` (the others left empty): an order's fields
    come from a few columns of its first row."""
    if len(indexes) == len(sheet[0]):
        return sheet
    picked: list[tuple[object, ...]] = [()] * len(sheet)
    pick = itemgetter(*indexes)
    for position in columns:
        found = pick(sheet[position])
        picked[position] = found if len(indexes) > 1 else (found,)
    return picked


class ColumnBatches:
    """Turns batches of one table's raw rows into orders and items, column-wise (see the module docstring)."""

    def __init__(self, parser: RowParser, platform: str, layout: Layout, item_index: ItemIndex | None,
                 goods_from_items: bool, count_from_items: bool) -> None:
        cleaner = parser.cleaner
        self.parser = parser
        self.platform = platform
        self.family = platform_family(platform)
        self.layout = layout
        self.item_index = item_index
        self.goods_from_items = goods_from_items
        self.count_from_items = count_from_items
        self.key_column = cleaner.many(parser.convert_key)
        self.text_column = cleaner.many(cleaner.text)
        # Times go out as UTC storage text (OrderColumns): converted once, not to a datetime and again.
        self.order_columns = [
            (spec.field, spec.index,
             cleaner.utc_texts if spec.convert == cleaner.moment else cleaner.many(spec.convert))
            for spec in parser.order_specs]
        self.item_columns = [(spec.field, spec.index, cleaner.many(spec.convert))
                             for spec in parser.item_specs]
        # The columns `_order_values` reads.
        self.order_positions = sorted({position for _, position, _ in self.order_columns}
                                      | {p for _, positions in parser.parts for p in positions}
                                      | {position for position, _, _ in parser.splits})
        self.with_items = layout is Layout.ORDER_ROWS and parser.has_item_columns

    def records(self, batch: Sequence[tuple[int, Sequence[object]]]) -> OrderColumns:
        """The batch's orders, or NeedsRows."""
        parser = self.parser
        rows = [r for _, r in batch]
        if min(map(len, rows)) < parser.width:
            raise NeedsRows  # short rows are padded by the row path
        sheet = _columns(rows)
        try:
            order_nos = self.key_column(sheet[parser.key_index])
            if None in order_nos:
                raise NeedsRows  # a blank, 合计 or numberless row: the row path skips or reports it
            values = self._order_values(sheet)
            items = self._items(sheet, order_nos)
        except CellError:
            raise NeedsRows from None
        if items is not None:
            self.derive(values, items)
        family = self.family
        return OrderColumns(self.platform, [f"{family}:{n}" for n in order_nos], order_nos,  # type: ignore[arg-type]
                            values, items)

    def grouped(self, batch: Sequence[tuple[int, Sequence[object]]]) -> GroupedRows:
        """A batch of a one-row-per-item table (抖店, 京东): per row its order number and item, and the
        order fields read from each row that may start an order. NeedsRows as `records`."""
        parser = self.parser
        numbers = [n for n, _ in batch]
        rows = [r for _, r in batch]
        if min(map(len, rows)) < parser.width:
            raise NeedsRows
        try:
            sheet = _columns(rows)
            order_nos = self.key_column(sheet[parser.key_index])
            if None in order_nos:
                raise NeedsRows
            # An order's fields come from its first row: only rows whose number differs from the row
            # before can be one (the first row of the batch may continue the previous batch's order).
            starts = [i for i in range(len(rows)) if i == 0 or order_nos[i] != order_nos[i - 1]]
            values = self._order_values(_picked(sheet, starts, self.order_positions))
            items = self.item_records(sheet)
        except CellError:
            raise NeedsRows from None
        family = self.family
        return GroupedRows(numbers, order_nos, [f"{family}:{n}" for n in order_nos],  # type: ignore[arg-type]
                           starts, values, items)

    def _order_values(self, sheet: list[tuple[object, ...]]) -> dict[str, list[object]]:
        """The order fields of these rows (`sheet`: their columns), as OrderColumns.values holds them."""
        parser = self.parser
        values: dict[str, list[object]] = {name: convert(sheet[position])  # type: ignore[misc]
                                           for name, position, convert in self.order_columns}
        for name, positions in parser.parts:
            pieces = [self.text_column(sheet[p]) for p in positions]
            values[name] = [" ".join(ps) if (ps := [t for t in parts if t is not None]) else None
                            for parts in zip(*pieces, strict=True)]
        for position, _header, split in parser.splits:
            values.update(split_column(self.text_column(sheet[position]), split, parser.cleaner))  # type: ignore[arg-type]
        return values

    def item_records(self, sheet: list[tuple[object, ...]]) -> list[ItemRecord]:
        """One ItemRecord per row (`sheet`: the rows' columns), as `RowParser.item` makes it (a bad cell
        raises CellError)."""
        converted = {name: convert(sheet[position]) for name, position, convert in self.item_columns}
        none: list[object] = [None] * len(sheet[0])
        sub, title, spec, sku, quantity, unit, paid = (
            converted.get(name, none) for name in ("sub_order_no", "title", "spec", "sku_code", "quantity",
                                                   "unit_price", "paid"))
        return [ItemRecord(s, t if t is not None else "", sp, sk, q if q is not None else 1, u, p)  # type: ignore[arg-type]
                for s, t, sp, sk, q, u, p in zip(sub, title, spec, sku, quantity, unit, paid, strict=True)]

    def detail_rows(self, batch: Sequence[tuple[int, Sequence[object]]]) -> list[tuple[str, ItemRecord]]:
        """A batch of a detail table (one row per item, `read_item_table`): (order key, item) per row,
        or NeedsRows."""
        rows = [r for _, r in batch]
        if min(map(len, rows)) < self.parser.width:
            raise NeedsRows
        try:
            sheet = _columns(rows)
            order_nos = self.key_column(sheet[self.parser.key_index])
            if None in order_nos:
                raise NeedsRows
            items = self.item_records(sheet)
        except CellError:
            raise NeedsRows from None
        family = self.family
        return [(f"{family}:{order_no}", item) for order_no, item in zip(order_nos, items, strict=True)]

    def _items(self, sheet: list[tuple[object, ...]],
               order_nos: list[object]) -> list[tuple[ItemRecord, ...] | None] | None:
        """Each order's items (None: this export says nothing about them), as `_one_row` finds them."""
        if self.with_items:
            return [(item,) if item.title else None for item in self.item_records(sheet)]
        if self.layout is Layout.ITEM_TABLE and self.item_index is not None:
            index = self.item_index
            keys = [f"{self.family}:{n}" for n in order_nos]
            if index.bad and not index.bad.keys().isdisjoint(keys):
                raise NeedsRows  # the row path names the detail rows in error
            return [tuple(found) if (found := index.items.get(k)) is not None else None for k in keys]
        return None

    def derive(self, values: dict[str, list[object]], items: list[tuple[ItemRecord, ...] | None]) -> None:
        """What `finish_order` derives: a lone item's unit price from the goods total, and the totals."""
        goods = values.get("goods_fen")
        if goods is not None:
            for i, (order_items, total) in enumerate(zip(items, goods, strict=True)):
                if order_items is not None and len(order_items) == 1 and order_items[0].unit_price_fen is None \
                        and isinstance(total, int):
                    only = order_items[0]
                    unit = split_yuan_to_fen(total, only.quantity)
                    if unit is not None:
                        items[i] = (ItemRecord(only.sub_order_no, only.title, only.spec, only.sku_code,
                                               only.quantity, unit, only.paid_fen),)
        if self.goods_from_items:
            values["goods_fen"] = [_goods_of(order_items) for order_items in items]
        if self.count_from_items:
            values["item_count"] = [None if order_items is None else sum(i.quantity for i in order_items)
                                    for order_items in items]


def _goods_of(items: tuple[ItemRecord, ...] | None) -> int | None:
    if not items:
        return None
    goods: int | None = 0
    for item in items:
        goods = None if goods is None or item.unit_price_fen is None else goods + item.unit_price_fen * item.quantity
    return goods
