"""From spreadsheet rows to validated orders: the header mapping, row parsing and grouping into orders.

Every row is checked with a reason a shop owner understands, in Chinese, with the spreadsheet row
number and the column name. An order whose rows contain an error is rejected whole (storing it
without one of its items would replace the stored items with an incomplete set).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from desktop_app.core.vocabulary import order_key
from desktop_app.io.cell_values import CellCleaner, split_yuan_to_fen
from desktop_app.io.import_errors import CellError
from desktop_app.io.import_profiles import (
    ImportProfile,
    Layout,
    SplitColumn,
    normalize_header,
)

if TYPE_CHECKING:
    from desktop_app.io.column_batches import ColumnBatches, GroupedRows

# Rows whose first filled cell says this are totals under the data, not orders.
_DETAIL_BATCH = 2000
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "合计：", "总计：", "汇总", "total"})
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: spreadsheet row number (header = 1 without a title line), column, reason."""

    row: int | None
    column: str | None
    message: str
    table: str | None = None  # the sheet or companion file, when not the main table


# Records are not frozen: a frozen dataclass sets each of its fields through object.__setattr__,
# which made building 100,000 orders ~0.3 s slower (measured). Nothing mutates them after `finish_order`.
@dataclass(slots=True)
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
    """One validated order as the export states it; money is fen. Times are China-time aware, or already
    the stored UTC text (`cell_values.utc_text`) for an order begun by the column-wise check."""

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


@dataclass(slots=True)
class OrderColumns:
    """A batch of validated orders of one platform, column by column: what the store takes.

    The column-wise check builds these straight from the sheet's columns (no object per order:
    100,000 OrderRecords and their tuples for the database cost ≈ 1 s, measured); `of_records` turns
    the row path's records into the same shape.
    """

    platform: str
    keys: list[str]
    order_nos: list[str]
    # VALUE_FIELDS name → one value per order; a missing name is all None. Times are aware datetimes or,
    # from the column-wise check, already `cell_values.utc_text`.
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


# The item fields in ItemRecord order (the profile's `paid` and `unit_price` carry the unit there).
_ITEM_RECORD_FIELDS = ("sub_order_no", "title", "spec", "sku_code", "quantity", "unit_price", "paid")
# Record attribute for each profile field whose name differs (money fields carry the unit).
RECORD_ATTRIBUTE: Mapping[str, str] = {"goods": "goods_fen", "postage": "postage_fen", "paid": "paid_fen"}


def _converter(cleaner: CellCleaner, name: str) -> Callable[[object], object]:
    kinds: dict[str, Callable[[object], object]] = {
        "order_no": cleaner.order_no, "phone": cleaner.identifier, "tracking_no": cleaner.tracking,
        "sub_order_no": cleaner.identifier, "goods": cleaner.money, "postage": cleaner.money,
        "paid": cleaner.money, "unit_price": cleaner.money, "item_count": cleaner.count,
        "quantity": cleaner.count, "paid_at": cleaner.moment, "shipped_at": cleaner.moment,
        "signed_at": cleaner.moment, "succeeded_at": cleaner.moment,
    }
    return kinds.get(name, cleaner.text)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    field: str
    index: int
    header: str
    convert: Callable[[object], object]


def find_column(index: Mapping[str, int], aliases: Iterable[str]) -> int | None:
    for alias in aliases:
        position = index.get(alias)
        if position is not None:
            return position
    return None


def header_index(cells: Sequence[object]) -> dict[str, int]:
    """Normalised header → first column holding it."""
    index: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = normalize_header(cell)
        if name and name not in index:
            index[name] = position
    return index


@dataclass
class HeaderMatch:
    """Where a table's header is and what it holds."""

    row_number: int
    cells: list[object]
    index: dict[str, int]
    rows: Iterator[tuple[int, Sequence[object]]]  # the rows after the header

    @property
    def names(self) -> set[str]:
        return set(self.index)


def find_header(rows: Iterator[tuple[int, Sequence[object]]],
                is_header: Callable[[set[str]], bool]) -> HeaderMatch | None:
    """Look for the header within the first rows (a title line may sit above it)."""
    for seen, (number, cells) in enumerate(rows):
        if seen >= HEADER_SEARCH_ROWS:
            break
        index = header_index(cells)
        if index and is_header(set(index)):
            return HeaderMatch(number, list(cells), index, rows)
    close = getattr(rows, "close", None)
    if close is not None:
        close()  # a CSV reader holds its file open until closed
    return None


def _header_text(cells: Sequence[object], position: int) -> str:
    value = cells[position]
    return str(value).strip().lstrip("\ufeff") if value is not None else ""


def _getter(indices: Sequence[int]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """Fetch several cells in one C call; always a tuple (itemgetter returns a bare value for one index)."""
    if not indices:
        return lambda cells: ()
    if len(indices) == 1:
        only = indices[0]
        return lambda cells: (cells[only],)
    return itemgetter(*indices)  # type: ignore[return-value]


def _row_converter(specs: Sequence[ColumnSpec], cleaner: CellCleaner) -> Callable[[Sequence[object]], list[object]]:
    """Converts the cells of `specs` (in `_by_kind` order) in one call; a bad cell raises CellError.

    Text, identifier and amount cells go through one `CellCleaner.many` comprehension per kind
    (inline for the common cells), the others one call each.
    """
    groups = _by_kind_groups(specs, cleaner)
    texts, identifiers, amounts = (cleaner.many(convert) for convert in (cleaner.text, cleaner.identifier,
                                                                          cleaner.money))
    text_cells, id_cells, money_cells, other_cells = (_getter([s.index for s in group]) for group in groups)
    other_funcs = tuple(s.convert for s in groups[3])

    def convert(cells: Sequence[object]) -> list[object]:
        cleaned = texts(text_cells(cells))
        cleaned += identifiers(id_cells(cells))
        cleaned += amounts(money_cells(cells))
        if other_funcs:
            cleaned += [f(v) for f, v in zip(other_funcs, other_cells(cells), strict=True)]
        return cleaned

    return convert


def _by_kind_groups(specs: Sequence[ColumnSpec], cleaner: CellCleaner) -> list[list[ColumnSpec]]:
    groups: list[list[ColumnSpec]] = [[], [], [], []]
    for spec in specs:
        kind = {cleaner.text: 0, cleaner.identifier: 1, cleaner.money: 2}.get(spec.convert, 3)  # type: ignore[arg-type]
        groups[kind].append(spec)
    return groups


def _by_kind(specs: list[ColumnSpec], cleaner: CellCleaner) -> list[ColumnSpec]:
    """The order `_row_converter` returns values in."""
    return [spec for group in _by_kind_groups(specs, cleaner) for spec in group]


class RowParser:
    """Reads the mapped cells of one row for one profile and header.

    Hot path: `_row_converter` fetches and converts the mapped cells of a row in one call; only when
    a cell is bad is the row read again field by field to name every bad column.
    """

    def __init__(self, profile: ImportProfile, header: HeaderMatch, cleaner: CellCleaner,
                 key_aliases: Sequence[str], order_fields: Mapping[str, Sequence[str]],
                 item_fields: Mapping[str, Sequence[str]], table: str | None = None) -> None:
        self.profile = profile
        self.cleaner = cleaner
        self.table = table
        self.width = len(header.cells)
        index = header.index
        key = find_column(index, key_aliases)
        if key is None:
            raise ValueError("header without an order number column")  # callers check identify first
        self.key_index = key
        self.key_header = _header_text(header.cells, key)
        self.key_header_normalized = normalize_header(self.key_header)
        self.convert_key = cleaner.order_no
        self._last_raw_key: object = object()
        self._last_key: str | None = None
        self.order_specs: list[ColumnSpec] = []
        for name, aliases in order_fields.items():
            position = find_column(index, aliases)
            if position is not None and name != "order_no":
                self.order_specs.append(ColumnSpec(RECORD_ATTRIBUTE.get(name, name), position,
                                                   _header_text(header.cells, position), _converter(cleaner, name)))
        self.parts: list[tuple[str, list[int]]] = []
        for name, groups in profile.order_parts.items():
            if any(spec.field == name for spec in self.order_specs):
                continue  # a single full column wins over the split one
            found = [p for g in groups if (p := find_column(index, g)) is not None]
            if found:
                self.parts.append((name, found))
        self.splits: list[tuple[int, str, SplitColumn]] = []
        for split in profile.splits:
            position = find_column(index, split.headers)
            if position is not None:
                self.splits.append((position, _header_text(header.cells, position), split))
        self.item_specs: list[ColumnSpec] = []
        for name, aliases in item_fields.items():
            position = find_column(index, aliases)
            if position is not None:
                self.item_specs.append(ColumnSpec(name, position, _header_text(header.cells, position),
                                                  _converter(cleaner, name)))
        self.has_item_columns = any(s.field == "title" for s in self.item_specs)
        self.order_specs = _by_kind(self.order_specs, cleaner)
        self.item_specs = _by_kind(self.item_specs, cleaner)
        self._order_names = tuple(s.field for s in self.order_specs)
        self._convert_order = _row_converter(self.order_specs, cleaner)
        self._convert_item = _row_converter(self.item_specs, cleaner)
        # Where each ItemRecord field comes from in the converted item values (-1: not in this file).
        item_names = [s.field for s in self.item_specs]
        self._item_fields = itemgetter(*(item_names.index(f) if f in item_names else -1 for f in _ITEM_RECORD_FIELDS))

    def provided_order_fields(self) -> set[str]:
        """The order fields this file states (fields it lacks keep their stored values)."""
        fields = set(self._order_names)
        fields.update(name for name, _ in self.parts)
        for _, _, split in self.splits:
            fields.update(split.fields)
        return fields

    def pad(self, cells: Sequence[object]) -> Sequence[object]:
        if len(cells) < self.width:
            return [*cells, *([None] * (self.width - len(cells)))]
        return cells

    def key(self, number: int, cells: Sequence[object]) -> tuple[str | None, RowError | None]:
        raw = cells[self.key_index]
        # Rows of one order follow each other: the same raw cell needs no second check.
        if raw == self._last_raw_key and raw.__class__ is self._last_raw_key.__class__:
            return self._last_key, None
        try:
            value = self.convert_key(raw)
        except CellError as exc:
            return None, RowError(number, self.key_header, f"{self.key_header}{exc.message}", self.table)
        self._last_raw_key, self._last_key = raw, value
        return value, None

    def _each_field(self, number: int, cells: Sequence[object], specs: Sequence[ColumnSpec],
                    errors: list[RowError]) -> list[object]:
        values: list[object] = []
        for spec in specs:
            try:
                values.append(spec.convert(cells[spec.index]))
            except CellError as exc:
                values.append(None)
                errors.append(RowError(number, spec.header, f"{spec.header}{exc.message}", self.table))
        return values

    def order_values(self, number: int, cells: Sequence[object], errors: list[RowError]) -> dict[str, object]:
        """Order fields by record attribute name (goods_fen, paid_at ...)."""
        try:
            converted = self._convert_order(cells)
        except CellError:
            converted = self._each_field(number, cells, self.order_specs, errors)
        values = dict(zip(self._order_names, converted, strict=True))
        if self.parts:
            text = self.cleaner.text
            for name, positions in self.parts:
                pieces = [t for position in positions if (t := text(cells[position])) is not None]
                values[name] = " ".join(pieces) if pieces else None
        for position, header, split in self.splits:
            try:
                values.update(split_values(self.cleaner.text(cells[position]), split, self.cleaner))
            except CellError as exc:
                errors.append(RowError(number, header, f"{header}{exc.message}", self.table))
        return values

    def item(self, number: int, cells: Sequence[object], errors: list[RowError]) -> ItemRecord:
        try:
            converted = self._convert_item(cells)
        except CellError:
            converted = self._each_field(number, cells, self.item_specs, errors)
        converted.append(None)  # slot -1: a field this file lacks
        sub_order_no, title, spec, sku_code, quantity, unit_price, paid = self._item_fields(converted)
        return ItemRecord(
            sub_order_no,  # type: ignore[arg-type]
            title if title is not None else "",  # type: ignore[arg-type]
            spec,  # type: ignore[arg-type]
            sku_code,  # type: ignore[arg-type]
            quantity if quantity is not None else 1,  # type: ignore[arg-type]
            unit_price,  # type: ignore[arg-type]
            paid,  # type: ignore[arg-type]
        )

    def is_filler(self, cells: Sequence[object]) -> bool:
        """A blank line, a 合计 line, a note under the data or the header repeated: skipped quietly."""
        filled = [c for c in cells if c is not None and (c.__class__ is not str or c.strip())]  # type: ignore[union-attr]
        if len(filled) <= 1:
            return True
        for candidate in (filled[0], cells[self.key_index]):
            if candidate.__class__ is str and candidate.strip().rstrip(":：").lower() in TOTAL_MARKERS:  # type: ignore[union-attr]
                return True
        return normalize_header(cells[self.key_index]) == self.key_header_normalized


def split_values(value: str | None, split: SplitColumn, cleaner: CellCleaner) -> dict[str, object]:
    """"顺丰速运,SF123" → carrier and tracking number (the first parcel when there are several)."""
    if value is None:
        return dict.fromkeys(split.fields)
    if split.parcels and split.parcels in value:
        value = value.split(split.parcels)[0].strip()
    pieces = [p.strip() for p in value.split(split.separator, len(split.fields) - 1)]
    if len(pieces) < len(split.fields):
        # A lone value: a tracking number has digits, a carrier name has none.
        lone = pieces[0]
        looks_like_number = any(ch.isdigit() for ch in lone)
        result: dict[str, object] = dict.fromkeys(split.fields)
        target = "tracking_no" if looks_like_number and "tracking_no" in split.fields else split.fields[0]
        result[target] = lone or None
    else:
        result = {name: (piece or None) for name, piece in zip(split.fields, pieces, strict=True)}
    if result.get("tracking_no") is not None:
        result["tracking_no"] = cleaner.tracking(result["tracking_no"])
    return result


def split_column(cells: Sequence[str | None], split: SplitColumn, cleaner: CellCleaner) -> dict[str, list[object]]:
    """`split_values` for a column of cleaned text cells, one list per field. The common cell — one
    parcel, both parts there, a plain tracking number — is split inline (a dict per cell cost more
    than the split, measured); any other goes through `split_values`."""
    fields = split.fields
    if len(fields) != 2:
        found = [split_values(cell, split, cleaner) for cell in cells]
        return {name: [f[name] for f in found] for name in fields}
    separator, parcels = split.separator, split.parcels or None
    tracking_at = fields.index("tracking_no") if "tracking_no" in fields else -1
    prefixes = cleaner.tracking_prefixes
    empty = cleaner.empty
    firsts: list[object] = []
    seconds: list[object] = []
    for cell in cells:
        if cell is not None and (parcels is None or parcels not in cell) and cell.count(separator) == 1:
            first, second = cell.split(separator)
            first, second = first.strip(), second.strip()
            tracking = (first, second)[tracking_at] if tracking_at >= 0 else None
            if first and second and (tracking is None or (
                    tracking[0] not in "='" and "e" not in tracking and "E" not in tracking
                    and tracking not in empty and not tracking.startswith(prefixes))):
                firsts.append(first)
                seconds.append(second)
                continue
        parts = split_values(cell, split, cleaner)
        firsts.append(parts[fields[0]])
        seconds.append(parts[fields[1]])
    return {fields[0]: firsts, fields[1]: seconds}


@dataclass
class OrderDraft:
    """An order being gathered from its rows."""

    key: str
    order_no: str
    first_row: int
    values: dict[str, object]
    items: list[ItemRecord] | None
    rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class OrderOutcome:
    """What a draft became: a record to store, or the rejected rows' errors."""

    record: OrderRecord | None
    errors: list[RowError]


def finish_order(draft: OrderDraft, platform: str, table: str | None,
                 goods_from_items: bool, count_from_items: bool) -> OrderOutcome:
    """Validate the whole order and derive what the export leaves to be computed."""
    if draft.errors:
        # One column can feed two fields (商品数量 is the item quantity and the order's count): say it once.
        errors = list(dict.fromkeys(draft.errors))
        bad_rows = {e.row for e in errors}
        others = [RowError(row, None, f"同一订单（{draft.order_no}）的其他行有错误，本订单整单未导入", table)
                  for row in draft.rows if row not in bad_rows]
        return OrderOutcome(None, [*errors, *others])
    values = draft.values
    items = tuple(draft.items) if draft.items is not None else None
    if items is not None and len(items) == 1 and items[0].unit_price_fen is None:
        # One-item orders (Pinduoduo) state the goods total only: the unit price follows when exact.
        stated = values.get("goods_fen")
        if isinstance(stated, int):
            unit = split_yuan_to_fen(stated, items[0].quantity)
            if unit is not None:
                only = items[0]
                items = (ItemRecord(only.sub_order_no, only.title, only.spec, only.sku_code, only.quantity,
                                    unit, only.paid_fen),)
    if goods_from_items or count_from_items:
        goods: int | None = 0 if items else None
        pieces: int | None = 0 if items is not None else None
        for item in items or ():
            pieces = None if pieces is None else pieces + item.quantity
            if goods is not None:
                goods = None if item.unit_price_fen is None else goods + item.unit_price_fen * item.quantity
        if goods_from_items:
            values["goods_fen"] = goods
        if count_from_items:
            values["item_count"] = pieces
    record = OrderRecord(draft.key, platform, draft.order_no, draft.first_row, items=items,
                         **values)  # type: ignore[arg-type]
    return OrderOutcome(record, [])


class NotGrouped(Exception):
    """Rows of one order are not next to each other: the reader must look ahead (see OrderAssembler)."""


@dataclass
class ItemIndex:
    """Items read from a companion table, by order key, plus the errors found there."""

    items: dict[str, list[ItemRecord]]
    bad: dict[str, list[RowError]]
    errors: list[RowError]
    rows: int


def read_item_table(rows: Iterator[tuple[int, Sequence[object]]], parser: RowParser, platform: str) -> ItemIndex:
    """Load a detail file / 子订单 sheet fully: it is the smaller side of the join."""
    from desktop_app.io import column_batches
    from desktop_app.io.column_batches import ColumnBatches, NeedsRows

    items: dict[str, list[ItemRecord]] = {}
    bad: dict[str, list[RowError]] = {}
    errors: list[RowError] = []
    if not column_batches.ENABLED:
        count = _read_item_rows(rows, parser, platform, items, bad, errors)
        return ItemIndex(items, bad, errors, count)
    count = 0
    columns = ColumnBatches(parser, platform, Layout.ITEM_ROWS, None, False, False)
    iterator = iter(rows)
    # Column-wise, batch by batch; a batch with anything to report goes through the rows below.
    while chunk := list(islice(iterator, _DETAIL_BATCH)):
        try:
            found = columns.detail_rows(chunk)
        except NeedsRows:
            count += _read_item_rows(chunk, parser, platform, items, bad, errors)
        else:
            count += len(chunk)
            for key, item in found:
                items.setdefault(key, []).append(item)
    return ItemIndex(items, bad, errors, count)


def _read_item_rows(rows: Iterable[tuple[int, Sequence[object]]], parser: RowParser, platform: str,
                    items: dict[str, list[ItemRecord]], bad: dict[str, list[RowError]],
                    errors: list[RowError]) -> int:
    """Detail rows one by one, with their messages; returns how many rows were read."""
    count = 0
    for number, raw in rows:
        count += 1
        cells = parser.pad(raw)
        order_no, problem = parser.key(number, cells)
        if order_no is None:
            if parser.is_filler(cells):
                continue
            errors.append(problem or RowError(number, parser.key_header, f"缺少{parser.key_header}", parser.table))
            continue
        row_errors: list[RowError] = []
        item = parser.item(number, cells, row_errors)
        key = order_key(platform, order_no)
        if row_errors:
            errors.extend(row_errors)
            bad.setdefault(key, []).extend(row_errors)
        elif item is not None:
            items.setdefault(key, []).append(item)
    return count


class OrderAssembler:
    """Groups parsed rows into orders and hands them out in batches.

    Exports list an order's rows together, so an order is complete when the next order starts and
    memory stays bounded (only the open order is held). When a file breaks that (sorted by product,
    say), `NotGrouped` is raised on the first order seen twice, and the caller reads the file again
    with `last_rows` — each order's last row number from a first pass — to know when it is complete.
    """

    def __init__(self, parser: RowParser, profile: ImportProfile, *, batch_size: int,
                 item_index: ItemIndex | None = None, last_rows: dict[str, int] | None = None) -> None:
        self.parser = parser
        self._current: OrderDraft | None = None  # one row per item: the order being gathered
        self._finished: set[str] = set()
        self.platform = profile.platform.value
        self.layout = profile.layout
        self.batch_size = batch_size
        self.item_index = item_index
        self.last_rows = last_rows
        self.errors: list[RowError] = []
        self.rows_read = 0
        self.orders_rejected = 0
        if self.layout is Layout.ITEM_ROWS:
            self.items_known = True
        elif self.layout is Layout.ITEM_TABLE:
            self.items_known = item_index is not None
        else:
            self.items_known = parser.has_item_columns
        provided = parser.provided_order_fields()
        self.goods_from_items = "goods_fen" not in provided and self.items_known
        self.count_from_items = "item_count" not in provided and self.items_known
        if self.goods_from_items:
            provided.add("goods_fen")
        if self.count_from_items:
            provided.add("item_count")
        self.provided = frozenset(provided)

    def _new_draft(self, number: int, cells: Sequence[object], order_no: str, key: str) -> OrderDraft:
        draft = OrderDraft(key, order_no, number, {}, [] if self.layout is Layout.ITEM_ROWS else None)
        draft.values = self.parser.order_values(number, cells, draft.errors)
        return draft

    def _finish(self, draft: OrderDraft) -> OrderRecord | None:
        outcome = finish_order(draft, self.platform, self.parser.table, self.goods_from_items,
                               self.count_from_items)
        if outcome.record is None:
            self.errors.extend(outcome.errors)
            self.orders_rejected += 1
        return outcome.record

    def _attach_table_items(self, draft: OrderDraft) -> None:
        index = self.item_index
        if index is None:
            return
        problems = index.bad.get(draft.key)
        if problems:
            where = f"“{problems[0].table}”" if problems[0].table else "商品明细"
            rows = "、".join(str(e.row) for e in problems[:5])
            draft.errors.append(RowError(draft.first_row, None,
                                         f"本订单在{where}第 {rows} 行的商品有错误，整单未导入", self.parser.table))
            return
        found = index.items.get(draft.key)
        # An order missing from the detail keeps its stored items rather than losing them.
        draft.items = list(found) if found is not None else None

    def _order_no(self, number: int, raw: Sequence[object]) -> tuple[Sequence[object], str | None]:
        """The padded row and its order number; None after skipping a filler line or reporting the row."""
        parser = self.parser
        cells = parser.pad(raw)
        order_no, problem = parser.key(number, cells)
        if order_no is None and not parser.is_filler(cells):
            self.errors.append(problem or RowError(number, parser.key_header, f"缺少{parser.key_header}",
                                                   parser.table))
        return cells, order_no

    def _one_row(self, number: int, raw: Sequence[object]) -> OrderRecord | None:
        """One row of a table with one row per order: its record, or None (skipped or rejected)."""
        parser = self.parser
        cells, order_no = self._order_no(number, raw)
        if order_no is None:
            return None
        draft = self._new_draft(number, cells, order_no, order_key(self.platform, order_no))
        draft.rows.append(number)
        if self.layout is Layout.ORDER_ROWS:
            if parser.has_item_columns:
                draft.items = []
                item = parser.item(number, cells, draft.errors)
                if item is not None and item.title:
                    draft.items.append(item)
                elif item is not None:
                    draft.items = None
        else:
            self._attach_table_items(draft)
        return self._finish(draft)

    def _column_batches(self, rows: Iterable[tuple[int, Sequence[object]]]) -> Iterator[OrderColumns]:
        """One row per order: batches checked column-wise, or row by row when a batch needs it."""
        from desktop_app.io.column_batches import ColumnBatches, NeedsRows

        columns = ColumnBatches(self.parser, self.platform, self.layout, self.item_index, self.goods_from_items,
                                self.count_from_items)
        chunk: list[tuple[int, Sequence[object]]] = []
        iterator = iter(rows)
        while True:
            chunk = list(islice(iterator, self.batch_size))
            if not chunk:
                return
            self.rows_read += len(chunk)
            try:
                batch = columns.records(chunk)
            except NeedsRows:
                batch = OrderColumns.of_records(self.platform, [
                    record for number, raw in chunk if (record := self._one_row(number, raw)) is not None])
            if batch:
                yield batch

    def _grouped_row(self, number: int, raw: Sequence[object], batch: list[OrderRecord]) -> None:
        """One row of a one-row-per-item table whose orders' rows are together (`_current` is the order
        being gathered; a finished order seen again raises NotGrouped)."""
        cells, order_no = self._order_no(number, raw)
        if order_no is None:
            return
        key = order_key(self.platform, order_no)
        current = self._current
        if current is None or current.key != key:
            self._close_current(batch)
            if key in self._finished:
                raise NotGrouped(key)
            current = self._current = self._new_draft(number, cells, order_no, key)
        current.rows.append(number)
        item = self.parser.item(number, cells, current.errors)
        if current.items is not None:
            current.items.append(item)

    def _close_current(self, batch: list[OrderRecord]) -> None:
        current = self._current
        if current is not None:
            self._finished.add(current.key)
            record = self._finish(current)
            if record is not None:
                batch.append(record)
            self._current = None

    def _grouped_column_batches(self, rows: Iterable[tuple[int, Sequence[object]]]) -> Iterator[OrderColumns]:
        """One row per item, orders together: batches converted column-wise, or row by row when a batch
        needs it; either way the order being gathered (`_current`) carries over to the next batch."""
        from desktop_app.io.column_batches import ColumnBatches, NeedsRows

        columns = ColumnBatches(self.parser, self.platform, self.layout, None, self.goods_from_items,
                                self.count_from_items)
        iterator = iter(rows)
        while chunk := list(islice(iterator, self.batch_size)):
            self.rows_read += len(chunk)
            batch: list[OrderRecord] = []
            try:
                converted = columns.grouped(chunk)
            except NeedsRows:
                for number, raw in chunk:
                    self._grouped_row(number, raw, batch)
                if batch:
                    yield OrderColumns.of_records(self.platform, batch)
                continue
            found = self._complete_orders(converted, columns)
            if found:
                yield found
        batch = []
        self._close_current(batch)
        if batch:
            yield OrderColumns.of_records(self.platform, batch)

    def _complete_orders(self, converted: GroupedRows, columns: ColumnBatches) -> OrderColumns:
        """The orders a converted batch completes, column by column; its last order stays open.

        The first rows may continue the order left open by the batch before: that order is finished
        the row path's way (`_finish`) and leads the result.
        """
        starts = converted.starts
        keys = converted.keys
        numbers = converted.numbers
        items = converted.items
        ends = [*starts[1:], len(keys)]
        closed: list[OrderRecord] = []
        first = 0
        current = self._current
        if current is not None and current.key == keys[0]:
            current.rows.extend(numbers[:ends[0]])
            if current.items is not None:
                current.items.extend(items[:ends[0]])
            if len(starts) == 1:
                return OrderColumns(self.platform, [], [], {}, None)  # the whole batch continues it
            first = 1
        self._close_current(closed)
        opened = [keys[s] for s in starts[first:]]
        if len(set(opened)) != len(opened) or not self._finished.isdisjoint(opened):
            raise NotGrouped(next(k for i, k in enumerate(opened) if k in self._finished or k in opened[:i]))
        last = len(starts) - 1
        self._finished.update(opened[:-1])
        start = starts[last]
        self._current = OrderDraft(keys[start], converted.order_nos[start], numbers[start],
                                   {name: column[last] for name, column in converted.values.items()},
                                   items[start:], rows=numbers[start:])
        done = range(first, last)
        order_items: list[tuple[ItemRecord, ...] | None] = [tuple(items[starts[i]:ends[i]]) for i in done]
        values = {name: column[first:last] for name, column in converted.values.items()}
        columns.derive(values, order_items)
        complete = OrderColumns(self.platform, [keys[starts[i]] for i in done],
                                [converted.order_nos[starts[i]] for i in done], values, order_items)
        if not closed:
            return complete
        return OrderColumns.of_records(self.platform, closed).joined(complete)

    def batches(self, rows: Iterable[tuple[int, Sequence[object]]]) -> Iterator[OrderColumns]:
        from desktop_app.io import column_batches

        parser = self.parser
        grouped = self.layout is Layout.ITEM_ROWS
        last_rows = self.last_rows
        # Batches are checked column-wise (io/column_batches) unless a second pass reads by order.
        if column_batches.ENABLED and last_rows is None:
            yield from self._grouped_column_batches(rows) if grouped else self._column_batches(rows)
            return
        batch: list[OrderRecord] = []
        open_drafts: dict[str, OrderDraft] = {}
        for number, raw in rows:
            self.rows_read += 1
            if not grouped:
                record = self._one_row(number, raw)
                if record is not None:
                    batch.append(record)
            elif last_rows is None:
                self._grouped_row(number, raw, batch)
            else:
                cells, order_no = self._order_no(number, raw)
                if order_no is None:
                    continue
                key = order_key(self.platform, order_no)
                draft = open_drafts.get(key)
                if draft is None:
                    draft = open_drafts[key] = self._new_draft(number, cells, order_no, key)
                draft.rows.append(number)
                item = parser.item(number, cells, draft.errors)
                if draft.items is not None:
                    draft.items.append(item)
                if last_rows.get(key, number) <= number:
                    record = self._finish(open_drafts.pop(key))
                    if record is not None:
                        batch.append(record)
            if len(batch) >= self.batch_size:
                yield OrderColumns.of_records(self.platform, batch)
                batch = []
        self._close_current(batch)
        for draft in open_drafts.values():
            record = self._finish(draft)
            if record is not None:
                batch.append(record)
        if batch:
            yield OrderColumns.of_records(self.platform, batch)


def last_row_of_each_order(rows: Iterable[tuple[int, Sequence[object]]], parser: RowParser,
                           platform: str) -> dict[str, int]:
    """First pass for files whose orders are not grouped: where each order's last row is."""
    last: dict[str, int] = {}
    for number, raw in rows:
        cells = parser.pad(raw)
        order_no, _ = parser.key(number, cells)
        if order_no is not None:
            last[order_key(platform, order_no)] = number
    return last
