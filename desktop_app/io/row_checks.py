"""Checking the rows of an order table: each cell converted by its column's rule, every bad cell named.

One implementation, a batch of rows at a time and column by column: each mapped column of a batch
is converted by one call (`ColumnSpec.many`: plain text, identifiers and amounts seen before inline,
times straight to their stored UTC text). A column with a bad cell is converted again cell by cell
(`ColumnSpec.one`) to name every bad cell with its row number and column, in Chinese. Rows without
an order number are dropped here: quietly when they are filler (a blank or 合计 line, the header
repeated), with a message otherwise.

Why column-wise: checking 100,000 rows with a call per cell and per row cost ≈ 2 s of the import's
time (measured), most of it in per-cell and per-row Python calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop_app.core import cell_messages as cells
from desktop_app.core import messages as msg
from desktop_app.core.clock import format_china
from desktop_app.core.event_notes import note
from desktop_app.core.invisible_marks import column_without_invisible, without_invisible
from desktop_app.core.order_records import ItemRecord, utc_text
from desktop_app.core.vocabulary import platform_family
from desktop_app.io.cell_values import CellCleaner, no_date_placeholder, rows_said, shown_value
from desktop_app.io.column_mapping import TIME_FIELDS, ColumnMap, ColumnSpec
from desktop_app.io.import_errors import CellError, RowError
from desktop_app.io.import_profiles import SplitColumn, normalize_header
from desktop_app.io.rounded_ids import RoundedColumns

# Rows whose first filled cell says this are totals under the data, not orders.
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "合计：", "总计：", "汇总", "total"})
# …or begins so: a note under the data (共 3 条, 导出时间 2026-11-20 beside it), not an order or a request.
NOTE_UNDER_DATA = re.compile(r"^(共\s*\d[\d,]*\s*(条|行|笔|单|个)|(导出|打印)(时间|日期|人))")

# The widths of the ledger's text columns (store/models.py; a test checks they agree). A longer cell is a
# row error on every backend: PostgreSQL refused the whole file for one, SQLite stored it.
TEXT_LIMITS = {"status": 64, "buyer_nick": 100, "receiver": 100, "phone": 40, "carrier": 60, "tracking_no": 80,
               "shop_name": 100, "sub_order_no": 80, "sku_code": 100}

Sheet = list[tuple[object, ...]]  # a batch's cells column by column
RowErrors = dict[int, list[RowError]]  # position in the batch → that row's errors, in column order


@dataclass(slots=True)
class KeyedRows:
    """Rows that hold an order number, with it and their order key."""

    numbers: list[int]
    rows: list[Sequence[object]]
    order_nos: list[str]
    keys: list[str]

    def __len__(self) -> int:
        return len(self.numbers)

    def joined(self, other: KeyedRows) -> KeyedRows:
        if not self.numbers:
            return other
        return KeyedRows(self.numbers + other.numbers, self.rows + other.rows, self.order_nos + other.order_nos,
                         self.keys + other.keys)

    def cut(self, start: int, end: int | None = None) -> KeyedRows:
        return KeyedRows(self.numbers[start:end], self.rows[start:end], self.order_nos[start:end],
                         self.keys[start:end])


def columns_of(rows: Sequence[Sequence[object]]) -> Sheet:
    """The rows' cells column by column, in one C-level pass (rows are at least as wide as the header;
    cells beyond the shortest row are never mapped)."""
    return list(zip(*rows, strict=False))


class RowChecker:
    """Converts and checks the mapped cells of a table's rows (see the module docstring)."""

    def __init__(self, mapping: ColumnMap, platform: str) -> None:
        self.mapping = mapping
        self.cleaner: CellCleaner = mapping.cleaner
        self.table = mapping.table
        self.family = platform_family(platform)
        self.warnings: list[str] = []  # order numbers kept that Excel may have rounded, invisible marks taken out
        self._invisible_said: set[str] = set()  # the columns whose invisible marks were said (once a file)
        self._no_dates: dict[str, dict[int, str]] = {}  # time column → row → its "no date" (0000-00-00 …)
        self._ahead: dict[str, dict[int, str]] = {}  # time column → row → its time more than a day ahead
        self._ahead_from = utc_text(datetime.now(UTC) + timedelta(days=1))  # stored UTC text compares as time
        self._text_column = self.cleaner.many(self.cleaner.text)
        # Each field's column header, for the messages of `_check_lengths`.
        self._headers = {spec.field: spec.header for spec in (*mapping.order_specs, *mapping.item_specs)}
        self._headers.update((name, mapping.headers[positions[0]]) for name, positions in mapping.parts)
        self._headers.update((name, header) for _, header, split in mapping.splits for name in split.fields)

    # -- order numbers -----------------------------------------------------------------------------

    def keyed(self, batch: Sequence[tuple[int, Sequence[object]]], errors: list[RowError]) -> KeyedRows:
        """The rows of `batch` that hold an order number; the others are skipped (filler) or reported
        in `errors`."""
        mapping = self.mapping
        width = mapping.width
        numbers = [number for number, _ in batch]
        rows = [cells if len(cells) >= width else [*cells, *([None] * (width - len(cells)))] for _, cells in batch]
        if mapping.repeated.pending:
            for number, cells in zip(numbers, rows, strict=True):
                self.warnings.extend(mapping.repeated.check(number, cells))
        column = [cells[mapping.key_index] for cells in rows]
        bad: RowErrors = {}
        order_nos = self._convert(mapping.key_many, mapping.key_one, mapping.key_header, column, numbers, bad)
        self._rounded(order_nos, numbers, bad)
        if None in order_nos:
            kept = [i for i, value in enumerate(order_nos) if value is not None]
            for i, value in enumerate(order_nos):
                if value is None and not self.is_filler(rows[i]):
                    errors.extend(bad.get(i) or [RowError(numbers[i], mapping.key_header,
                                                          msg.say(msg.MISSING, mapping.key_header),
                                                          self.table)])
            numbers = [numbers[i] for i in kept]
            rows = [rows[i] for i in kept]
            order_nos = [order_nos[i] for i in kept]
        family = self.family
        return KeyedRows(numbers, rows, order_nos, [f"{family}:{n}" for n in order_nos])  # type: ignore[arg-type]

    def _rounded(self, order_nos: list[object], numbers: Sequence[int], bad: RowErrors) -> None:
        """Order numbers Excel rounded (io/rounded_ids.py): refused where every long one of the batch is,
        else each such number kept with a warning (a real one can end in zeros)."""
        rounded = RoundedColumns()
        header = self.mapping.key_header
        for number, order_no in zip(numbers, order_nos, strict=True):
            rounded.see(number, header, order_no)  # type: ignore[arg-type]
        if not rounded.suspects:
            return
        certain, only = rounded.split()
        position = {number: i for i, number in enumerate(numbers)}
        for suspect in certain:
            i = position[suspect.row]
            order_nos[i] = None
            bad.setdefault(i, []).append(RowError(suspect.row, header, f"{header}{suspect.certain()}", self.table))
        where = f"“{self.table}”" if self.table else ""
        self.warnings.extend(where + suspect.suspect() for suspect in only)

    def key_of(self, cells: Sequence[object]) -> str | None:
        """One row's order key, or None (no usable order number): for reading a file in order."""
        position = self.mapping.key_index
        if position >= len(cells):
            return None
        value = cells[position]
        try:
            order_no = self.mapping.key_one(without_invisible(value) if value.__class__ is str else value)  # type: ignore[arg-type]
        except CellError:
            return None
        return None if order_no is None else f"{self.family}:{order_no}"

    def is_filler(self, cells: Sequence[object]) -> bool:
        """A blank line, a 合计 line, a note under the data or the header repeated: skipped quietly."""
        key_index = self.mapping.key_index
        filled = [c for c in cells if c is not None and (c.__class__ is not str or c.strip())]  # type: ignore[union-attr]
        if len(filled) <= 1:
            return True
        first = filled[0]
        if first.__class__ is str and NOTE_UNDER_DATA.match(first.strip()):  # type: ignore[union-attr]
            return True
        for candidate in (first, cells[key_index]):
            if candidate.__class__ is str and candidate.strip().rstrip(":：").lower() in TOTAL_MARKERS:  # type: ignore[union-attr]
                return True
        return normalize_header(cells[key_index]) == self.mapping.key_header_normalized

    def holds_only_an_item(self, cells: Sequence[object]) -> bool:
        """A row with an item's name but every order column blank: in a one-row-per-order table, a
        further item of the order above (a hand-made sheet that does not repeat the order number)."""
        def blank(position: int) -> bool:
            cell = cells[position] if position < len(cells) else None
            return cell is None or (cell.__class__ is str and not cell.strip())  # type: ignore[union-attr]

        mapping = self.mapping
        order_columns = [spec.index for spec in mapping.order_specs]
        order_columns += [p for _, positions in mapping.parts for p in positions]
        order_columns += [position for position, _, _ in mapping.splits]
        titles = [spec.index for spec in mapping.item_specs if spec.field == "title"]
        return any(not blank(p) for p in titles) and all(blank(p) for p in order_columns)

    # -- cells -------------------------------------------------------------------------------------

    def _convert(self, many: object, one: object, header: str, column: Sequence[object], numbers: Sequence[int],
                 errors: RowErrors) -> list[object]:
        """A column converted; when a cell is bad, cell by cell, each bad cell reported (its value None).
        Invisible marks are taken out of its texts first, said once a file for the column."""
        if (visible := column_without_invisible(column)) is not None:
            column, first, _count = visible
            if header not in self._invisible_said:
                self._invisible_said.add(header)
                where = f"“{self.table}”" if self.table else ""
                self.warnings.append(where + note(cells.INVISIBLE_MARKS, header, str(numbers[first])))
        try:
            return many(column)  # type: ignore[operator,no-any-return]
        except CellError:
            pass
        values: list[object] = []
        for i, value in enumerate(column):
            try:
                values.append(one(value))  # type: ignore[operator]
            except CellError as exc:
                values.append(None)
                errors.setdefault(i, []).append(RowError(numbers[i], header, f"{header}{exc.message}", self.table))
        return values

    def _spec(self, spec: ColumnSpec, sheet: Sheet, numbers: Sequence[int], errors: RowErrors) -> list[object]:
        column = sheet[spec.index]
        values = self._convert(spec.many, spec.one, spec.header, column, numbers, errors)
        if spec.field in TIME_FIELDS:
            # 0000-00-00 (a database's zero date) reads as blank, as in after-sales files; said, not silent
            ahead = self._ahead_from
            for i, (value, cell) in enumerate(zip(values, column, strict=True)):
                if value is None:
                    if (shown := no_date_placeholder(cell)) is not None:
                        self._no_dates.setdefault(spec.header, {})[numbers[i]] = shown
                elif value > ahead:  # type: ignore[operator]
                    self._ahead.setdefault(spec.header, {})[numbers[i]] = str(cell).strip()
        return values

    def all_warnings(self) -> list[str]:
        """What the table's rows were stored with a doubt about: `warnings`, then each time column's "no date"
        rows and its rows dated more than a day ahead (once, however often the rows were read)."""
        said = list(self.warnings)
        where = f"“{self.table}”" if self.table else ""
        for header, found in self._no_dates.items():
            rows = sorted(found)
            said.append(where + note(cells.NO_ORDER_TIME, rows_said(rows), header, shown_value(found[rows[0]])))
        for header, found in self._ahead.items():
            rows = sorted(found)
            said.append(where + note(cells.FUTURE_TIME, rows_said(rows), header, shown_value(found[rows[0]]),
                                     format_china(datetime.now(UTC))))
        return said

    def order_values(self, sheet: Sheet, numbers: Sequence[int], errors: RowErrors) -> dict[str, list[object]]:
        """The order fields of these rows (`sheet`: their columns) by record attribute (goods_fen, paid_at …)."""
        mapping = self.mapping
        values = {spec.field: self._spec(spec, sheet, numbers, errors) for spec in mapping.order_specs}
        one_text, texts_of = self.cleaner.text, self._text_column
        for name, positions in mapping.parts:
            pieces = [self._convert(texts_of, one_text, mapping.headers[p], sheet[p], numbers, errors)
                      for p in positions]
            values[name] = [" ".join(ps) if (ps := [t for t in parts if t is not None]) else None  # type: ignore[misc]
                            for parts in zip(*pieces, strict=True)]
        for position, header, split in mapping.splits:
            texts: list[str | None] = self._convert(texts_of, one_text, header, sheet[position],  # type: ignore[assignment]
                                                    numbers, errors)
            try:
                values.update(split_column(texts, split, self.cleaner))
            except CellError:
                found = {name: [] for name in split.fields}  # type: ignore[var-annotated]
                for i, text in enumerate(texts):
                    try:
                        parts = split_values(text, split, self.cleaner)
                    except CellError as exc:
                        parts = dict.fromkeys(split.fields)
                        errors.setdefault(i, []).append(RowError(numbers[i], header, f"{header}{exc.message}",
                                                                 self.table))
                    for name in split.fields:
                        found[name].append(parts[name])
                values.update(found)
        self._check_lengths(values, numbers, errors)
        return values

    def _check_lengths(self, values: dict[str, list[object]], numbers: Sequence[int], errors: RowErrors) -> None:
        for name, limit in TEXT_LIMITS.items():
            column = values.get(name)
            if column is None or max(map(len, filter(None, column)), default=0) <= limit:  # type: ignore[arg-type]
                continue
            header = self._headers.get(name, name)
            for i, value in enumerate(column):
                if isinstance(value, str) and len(value) > limit:
                    errors.setdefault(i, []).append(RowError(
                        numbers[i], header, msg.say(msg.TOO_LONG, header, len(value), limit), self.table))

    def items(self, sheet: Sheet, numbers: Sequence[int], errors: RowErrors) -> list[ItemRecord]:
        """One ItemRecord per row (`sheet`: the rows' columns)."""
        converted = {spec.field: self._spec(spec, sheet, numbers, errors) for spec in self.mapping.item_specs}
        self._check_lengths(converted, numbers, errors)
        none: list[object] = [None] * len(numbers)
        sub, title, spec, sku, quantity, unit, paid = (
            converted.get(name, none) for name in ("sub_order_no", "title", "spec", "sku_code", "quantity",
                                                   "unit_price", "paid"))
        return [ItemRecord(s, t if t is not None else "", sp, sk, q if q is not None else 1, u, p)  # type: ignore[arg-type]
                for s, t, sp, sk, q, u, p in zip(sub, title, spec, sku, quantity, unit, paid, strict=True)]


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

