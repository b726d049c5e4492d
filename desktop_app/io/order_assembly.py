"""From checked rows to orders: grouping an order's rows, rejecting an order with a bad row, deriving
what the export leaves to be computed, and handing the orders out in batches of columns.

An order whose rows contain an error is rejected whole (storing it without one of its items would
replace the stored items with an incomplete set). Exports list an order's rows together, so an order
is complete when the next one starts and memory stays bounded: a batch's last order is carried into
the next batch. When a file breaks that (sorted by product, say), `NotGrouped` is raised on the first
order seen twice; the caller then reads the file again through `rows_by_order`, which hands each
order's rows out together (`last_row_of_each_order` tells when an order is complete).

A row of a one-row-per-item table whose order number cannot be read (blank, or rounded by Excel) could
belong to any order: `ItemRowWithoutOrder` refuses the file instead (never an order stored without one
of its items). So does a row of a one-row-per-order table with item columns that holds only an item
(a hand-made sheet listing an order's further items under it without repeating the order number).

In a table with one row per order, the same order number in a second row is counted once when the
row says the same, and reported (the first row kept) when it says something else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from desktop_app.core import messages as msg
from desktop_app.core.order_records import ItemRecord, OrderColumns
from desktop_app.io.cell_values import split_yuan_to_fen
from desktop_app.io.import_errors import ItemRowWithoutOrder, RowError
from desktop_app.io.import_profiles import ImportProfile, Layout
from desktop_app.io.row_checks import KeyedRows, RowChecker, RowErrors, columns_of

Rows = Iterable[tuple[int, Sequence[object]]]
_NO_ROWS = KeyedRows([], [], [], [])
DETAIL_BATCH = 2000


class NotGrouped(Exception):
    """Rows of one order are not next to each other: the file must be read by order (`rows_by_order`)."""


@dataclass
class ItemIndex:
    """Items read from a companion table, by order key, plus the errors found there."""

    items: dict[str, list[ItemRecord]]
    bad: dict[str, list[RowError]]
    errors: list[RowError]
    rows: int


def read_item_table(rows: Rows, checker: RowChecker) -> ItemIndex:
    """Load a detail file / 子订单 sheet fully: it is the smaller side of the join."""
    items: dict[str, list[ItemRecord]] = {}
    bad: dict[str, list[RowError]] = {}
    errors: list[RowError] = []
    count = 0
    iterator = iter(rows)
    while chunk := list(islice(iterator, DETAIL_BATCH)):
        count += len(chunk)
        unkeyed: list[RowError] = []
        keyed = checker.keyed(chunk, unkeyed)
        if unkeyed:
            raise ItemRowWithoutOrder(in_row_order(unkeyed)[0])
        if not keyed:
            continue
        problems: RowErrors = {}
        found = checker.items(columns_of(keyed.rows), keyed.numbers, problems)
        for i, (key, item) in enumerate(zip(keyed.keys, found, strict=True)):
            wrong = problems.get(i)
            if wrong:
                errors.extend(wrong)
                bad.setdefault(key, []).extend(wrong)
            else:
                items.setdefault(key, []).append(item)
    return ItemIndex(items, bad, in_row_order(errors), count)


def in_row_order(errors: list[RowError]) -> list[RowError]:
    """Messages sorted by row (a batch reports its rows without an order number first)."""
    return sorted(errors, key=lambda e: e.row or 0)


def last_row_of_each_order(rows: Rows, checker: RowChecker) -> dict[str, int]:
    """First pass for files whose orders are not grouped: where each order's last row is."""
    last: dict[str, int] = {}
    for number, cells in rows:
        key = checker.key_of(cells)
        if key is not None:
            last[key] = number
    return last


def rows_by_order(rows: Rows, checker: RowChecker,
                  last_rows: dict[str, int]) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows with each order's rows together, handed out when its last row (`last_rows`) is read;
    rows without an order number as they come."""
    held: dict[str, list[tuple[int, Sequence[object]]]] = {}
    for number, cells in rows:
        key = checker.key_of(cells)
        if key is None:
            yield number, cells
        elif last_rows.get(key, number) <= number:
            yield from held.pop(key, ())
            yield number, cells
        else:
            held.setdefault(key, []).append((number, cells))
    for waiting in held.values():
        yield from waiting


def _runs(keys: Sequence[str]) -> list[int]:
    """Where each run of equal keys starts."""
    return [i for i in range(len(keys)) if i == 0 or keys[i] != keys[i - 1]]


class OrderAssembler:
    """Turns a table's rows into batches of orders (see the module docstring)."""

    def __init__(self, checker: RowChecker, profile: ImportProfile, *, batch_size: int,
                 item_index: ItemIndex | None = None) -> None:
        self.checker = checker
        mapping = checker.mapping
        self.platform = profile.platform.value
        self.layout = profile.layout
        self.batch_size = batch_size
        self.item_index = item_index
        self._reports: list[tuple[int, list[RowError]]] = []  # (where it sorts: a row, its messages)
        self.rows_read = 0
        self.orders_rejected = 0
        self._finished: set[str] = set()  # one row per item: the orders already complete
        # One row per order: key → hash of what its first row says, and that row (two dicts of ints: a
        # tuple per order made the collector walk 100,000 of them, 0.3 s measured).
        self._said: dict[str, int] = {}
        self._first_rows: dict[str, int] = {}
        if self.layout is Layout.ITEM_ROWS:
            self.items_known = True
        elif self.layout is Layout.ITEM_TABLE:
            self.items_known = item_index is not None
        else:
            self.items_known = mapping.has_item_columns
        provided = mapping.provided_order_fields()
        self.goods_from_items = "goods_fen" not in provided and self.items_known
        self.count_from_items = "item_count" not in provided and self.items_known
        if self.goods_from_items:
            provided.add("goods_fen")
        if self.count_from_items:
            provided.add("item_count")
        self.provided = frozenset(provided)

    @property
    def errors(self) -> list[RowError]:
        """The rejected rows' messages in row order (an order's together, where its first row is)."""
        return [e for _, found in sorted(self._reports, key=lambda report: report[0]) for e in found]

    def batches(self, rows: Rows) -> Iterator[OrderColumns]:
        grouped = self.layout is Layout.ITEM_ROWS
        carried = _NO_ROWS
        iterator = iter(rows)
        while True:
            chunk = list(islice(iterator, self.batch_size))
            self.rows_read += len(chunk)
            unkeyed: list[RowError] = []
            keyed = self.checker.keyed(chunk, unkeyed) if chunk else _NO_ROWS
            if unkeyed and grouped:
                raise ItemRowWithoutOrder(in_row_order(unkeyed)[0])
            if unkeyed and self.items_known:
                self._refuse_items_under_an_order(chunk, unkeyed)
            self._reports.extend((e.row or 0, [e]) for e in unkeyed)
            if not grouped:
                if keyed:
                    found = self._one_row_orders(keyed)
                    if found:
                        yield found
            else:
                keyed = carried.joined(keyed)
                carried = _NO_ROWS
                starts = _runs(keyed.keys)
                if chunk and starts:  # more rows may follow: the last order may go on in them
                    last = starts.pop()
                    carried = keyed.cut(last)
                    keyed = keyed.cut(0, last)
                if starts:
                    found = self._grouped_orders(keyed, starts)
                    if found:
                        yield found
            if not chunk:
                return

    def _refuse_items_under_an_order(self, chunk: Sequence[tuple[int, Sequence[object]]],
                                     unkeyed: list[RowError]) -> None:
        """One row per order with item columns: a row without an order number that holds only an item
        belongs to an order above; storing that order without it loses the item (see the docstring)."""
        cells_of = dict(chunk)
        for error in in_row_order(unkeyed):
            cells = cells_of.get(error.row) if error.row is not None else None
            if cells is not None and self.checker.holds_only_an_item(cells):
                raise ItemRowWithoutOrder(error, under_an_order=True)

    # -- one row per item ----------------------------------------------------------------------------

    def _grouped_orders(self, keyed: KeyedRows, starts: list[int]) -> OrderColumns:
        """The orders of complete runs of rows (`starts`: where each begins)."""
        keys = keyed.keys
        opened = [keys[s] for s in starts]
        if len(set(opened)) != len(opened) or not self._finished.isdisjoint(opened):
            raise NotGrouped(next(k for i, k in enumerate(opened) if k in self._finished or k in opened[:i]))
        self._finished.update(opened)
        checker = self.checker
        numbers = keyed.numbers
        problems: RowErrors = {}
        items = checker.items(columns_of(keyed.rows), numbers, problems)
        # An order's fields come from its first row.
        firsts: RowErrors = {}
        values = checker.order_values(columns_of([keyed.rows[s] for s in starts]), [numbers[s] for s in starts],
                                      firsts)
        ends = [*starts[1:], len(keys)]
        order_items: list[tuple[ItemRecord, ...] | None] = [tuple(items[s:e])
                                                            for s, e in zip(starts, ends, strict=True)]
        accepted = range(len(starts))
        if problems or firsts:
            accepted = []  # type: ignore[assignment]
            for run, (start, end) in enumerate(zip(starts, ends, strict=True)):
                wrong = [*firsts.get(run, ()), *(e for i in range(start, end) for e in problems.get(i, ()))]
                if wrong:
                    self._reject(keyed.order_nos[start], wrong, numbers[start:end])
                else:
                    accepted.append(run)  # type: ignore[attr-defined]
        return self._columns(accepted, len(starts), [keys[s] for s in starts],
                             [keyed.order_nos[s] for s in starts], values, order_items)

    # -- one row per order ---------------------------------------------------------------------------

    def _one_row_orders(self, keyed: KeyedRows) -> OrderColumns:
        checker = self.checker
        numbers = keyed.numbers
        sheet = columns_of(keyed.rows)
        problems: RowErrors = {}
        values = checker.order_values(sheet, numbers, problems)
        order_items: list[tuple[ItemRecord, ...] | None] | None = None
        if self.layout is Layout.ORDER_ROWS and checker.mapping.has_item_columns:
            order_items = [(item,) if item.title else None for item in checker.items(sheet, numbers, problems)]
        elif self.layout is Layout.ITEM_TABLE and self.item_index is not None:
            order_items = self._table_items(keyed, problems)
        seen, first_rows = self._said, self._first_rows
        keys = keyed.keys
        # What each row says, to tell the same row twice from two rows that disagree.
        stated = [*values.values(), *([order_items] if order_items is not None else [])]
        said = list(map(hash, zip(*stated, strict=True))) if stated else [0] * len(keys)
        if not problems and seen.keys().isdisjoint(keys) and len(set(keys)) == len(keys):
            seen.update(zip(keys, said, strict=True))  # the common batch
            first_rows.update(zip(keys, numbers, strict=True))
            return self._columns(range(len(keys)), len(keys), keys, keyed.order_nos, values, order_items)
        accepted: list[int] = []
        for i, key in enumerate(keys):
            wrong = problems.get(i)
            if wrong:
                self._reject(keyed.order_nos[i], wrong, [numbers[i]])
                continue
            before = seen.get(key)
            if before is None:
                seen[key] = said[i]
                first_rows[key] = numbers[i]
                accepted.append(i)
            elif before != said[i]:
                first = first_rows[key]
                self._reports.append((numbers[i], [self._duplicate(numbers[i], keyed.order_nos[i], first)]))
                self.orders_rejected += 1
            # else: the same row again, counted once
        return self._columns(accepted, len(keyed), keyed.keys, keyed.order_nos, values, order_items)

    def _duplicate(self, row: int, order_no: str, first_row: int) -> RowError:
        header = self.checker.mapping.key_header
        return RowError(row, header, msg.say(msg.ORDER_REPEATED, header, order_no, first_row), self.checker.table)

    def _table_items(self, keyed: KeyedRows, problems: RowErrors) -> list[tuple[ItemRecord, ...] | None]:
        """Each order's items from the detail table (None: missing there, so its stored items stay)."""
        index = self.item_index
        assert index is not None
        if index.bad:
            for i, key in enumerate(keyed.keys):
                bad = index.bad.get(key)
                if bad:
                    where = f"“{bad[0].table}”" if bad[0].table else msg.ITEM_TABLE
                    rows = "、".join(str(e.row) for e in bad[:5])
                    message = msg.say(msg.ORDER_ITEMS_BAD, where, rows)
                    problems.setdefault(i, []).append(RowError(keyed.numbers[i], None, message, self.checker.table))
        return [tuple(found) if (found := index.items.get(k)) is not None else None for k in keyed.keys]

    # -- both ----------------------------------------------------------------------------------------

    def _reject(self, order_no: str, errors: list[RowError], rows: Sequence[int]) -> None:
        # One column can feed two fields (商品数量 is the item quantity and the order's count): say it once.
        unique = list(dict.fromkeys(errors))
        bad_rows = {e.row for e in unique}
        others = msg.say(msg.ORDER_OTHER_ROWS_BAD, order_no)
        unique.extend(RowError(row, None, others, self.checker.table) for row in rows if row not in bad_rows)
        self._reports.append((rows[0], unique))
        self.orders_rejected += 1

    def _columns(self, accepted: Sequence[int], total: int, keys: list[str], order_nos: list[str],
                 values: dict[str, list[object]],
                 items: list[tuple[ItemRecord, ...] | None] | None) -> OrderColumns:
        """The accepted orders (positions in the lists given), with what is derived from their items."""
        if len(accepted) != total:
            keys = [keys[i] for i in accepted]
            order_nos = [order_nos[i] for i in accepted]
            values = {name: [column[i] for i in accepted] for name, column in values.items()}
            items = [items[i] for i in accepted] if items is not None else None
        if items is not None:
            self._derive(values, items)
        return OrderColumns(self.platform, keys, order_nos, values, items)

    def _derive(self, values: dict[str, list[object]], items: list[tuple[ItemRecord, ...] | None]) -> None:
        """A lone item's unit price from the goods total (one-item orders such as Pinduoduo's state only
        that), and the goods total and item count when the export leaves them to the items."""
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
