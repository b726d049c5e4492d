"""The header mapping of an order table: which column feeds which order or item field, and how its
cells are converted (io/cell_values), decided once per table from its header and its import profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from desktop_app.core.order_records import utc_text
from desktop_app.core.phone_numbers import as_mobile
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_profiles import ImportProfile, SplitColumn, normalize_header
from desktop_app.io.sheet_header import HeaderMatch, RepeatedColumns, find_column, header_text

# Record attribute for each profile field whose name differs (money fields carry the unit).
RECORD_ATTRIBUTE: Mapping[str, str] = {"goods": "goods_fen", "postage": "postage_fen", "paid": "paid_fen"}
# Item fields in ItemRecord order (the profile's `paid` and `unit_price` carry the unit there).
# The order's times: stored as UTC text (a "no date" cell in them is said: RowChecker.all_warnings).
TIME_FIELDS = frozenset({"paid_at", "shipped_at", "signed_at", "succeeded_at"})
ITEM_FIELDS = ("sub_order_no", "title", "spec", "sku_code", "quantity", "unit_price", "paid")


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One mapped column: the field it fills, where it is, its header as written, and its converter
    for one cell (`one`, with every rule and message) and for a whole column (`many`: the common cells
    inline, see `CellCleaner.many`; a bad cell raises CellError)."""

    field: str
    index: int
    header: str
    one: Callable[[object], object]
    many: Callable[[Sequence[object]], list[object]]


def _converters(cleaner: CellCleaner, name: str) -> tuple[int, Callable[[object], object],
                                                          Callable[[Sequence[object]], list[object]]]:
    """(kind rank, one, many) for a profile field. Times leave as the stored UTC text: converted once."""
    if name in TIME_FIELDS:
        moment = cleaner.moment

        def one_time(value: object) -> object:
            found = moment(value)
            return None if found is None else utc_text(found)

        return 3, one_time, cleaner.utc_texts  # type: ignore[return-value]
    if name == "phone":
        return 1, *_phone_converters(cleaner)
    kinds: dict[str, Callable[[object], object]] = {
        "tracking_no": cleaner.tracking, "sub_order_no": cleaner.identifier,
        "sku_code": cleaner.product_code,
        "goods": cleaner.money, "postage": cleaner.money, "paid": cleaner.money, "unit_price": cleaner.money,
        "item_count": cleaner.count, "quantity": cleaner.count,
    }
    one = kinds.get(name, cleaner.text)
    ranks: dict[object, int] = {cleaner.text: 0, cleaner.identifier: 1, cleaner.money: 2}
    rank = ranks.get(one, 3)
    return rank, one, cleaner.many(one)


def _phone_converters(cleaner: CellCleaner) -> tuple[Callable[[object], object],
                                                     Callable[[Sequence[object]], list[object]]]:
    """A phone is an identifier (text, never a rounded number); a mobile in +86 or grouped form its 11 digits."""
    identifier, identifiers = cleaner.identifier, cleaner.many(cleaner.identifier)

    def one(value: object) -> object:
        found = identifier(value)
        return None if found is None else as_mobile(found)

    def many(values: Sequence[object]) -> list[object]:
        return [as_mobile(p) if isinstance(p, str) and not (p.isascii() and p.isdigit() and len(p) == 11) else p
                for p in identifiers(values)]

    return one, many


class ColumnMap:
    """What one table's header maps: the order-number column, the order fields (whole columns, fields
    joined from parts such as 省/市/区, columns split in two such as 快递信息) and the item fields."""

    def __init__(self, profile: ImportProfile, header: HeaderMatch, cleaner: CellCleaner,
                 key_aliases: Sequence[str], order_fields: Mapping[str, Sequence[str]],
                 item_fields: Mapping[str, Sequence[str]], table: str | None = None) -> None:
        self.profile = profile
        self.cleaner = cleaner
        self.table = table
        self.width = len(header.cells)
        self.headers = [header_text(header.cells, position) for position in range(self.width)]
        index = header.index
        key = find_column(index, key_aliases)
        if key is None:
            raise ValueError("header without an order number column")  # callers check identify first
        self.key_index = key
        self.key_header = header_text(header.cells, key)
        self.key_header_normalized = normalize_header(self.key_header)
        self.key_one = cleaner.order_no
        self.key_many = cleaner.many(cleaner.order_no)
        self.order_specs = self._specs(header, {n: a for n, a in order_fields.items() if n != "order_no"}, True)
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
                self.splits.append((position, header_text(header.cells, position), split))
        self.item_specs = self._specs(header, item_fields, False)
        self.has_item_columns = any(s.field == "title" for s in self.item_specs)
        # Mapped columns whose header the sheet has more than once (the first is read; RowChecker warns
        # where the others say something else).
        self.repeated = RepeatedColumns(header.cells, [
            key, *(s.index for s in (*self.order_specs, *self.item_specs)),
            *(p for _, found in self.parts for p in found), *(p for p, _, _ in self.splits)])

    def _specs(self, header: HeaderMatch, fields: Mapping[str, Sequence[str]], order: bool) -> list[ColumnSpec]:
        """The mapped columns of `fields`, text first, then identifiers, amounts and the rest (the order
        a row's messages come in)."""
        ranked: list[tuple[int, ColumnSpec]] = []
        for name, aliases in fields.items():
            position = find_column(header.index, aliases)
            if position is None:
                continue
            rank, one, many = _converters(self.cleaner, name)
            field = RECORD_ATTRIBUTE.get(name, name) if order else name
            ranked.append((rank, ColumnSpec(field, position, header_text(header.cells, position), one, many)))
        return [spec for _, spec in sorted(ranked, key=lambda pair: pair[0])]

    def provided_order_fields(self) -> set[str]:
        """The order fields this file states (fields it lacks keep their stored values)."""
        fields = {spec.field for spec in self.order_specs}
        fields.update(name for name, _ in self.parts)
        for _, _, split in self.splits:
            fields.update(split.fields)
        return fields
