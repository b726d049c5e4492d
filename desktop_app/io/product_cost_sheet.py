"""A sheet of cost prices by 商家编码 (the shop's own product list, a supplier's price list).

The header row is found among the first 10 rows: a 商家编码 column (or 商品编码 / 货号 / SKU编码) and a
cost column (成本价 / 成本 / 进价 / 采购价); a 商品名称 column is read when present. A row with a code
but a bad cost is reported with its row number, never guessed. Codes are kept as `code_key` has them:
two rows whose codes differ only in case or width (or, digits only, in leading zeros: 000123 in a cell Excel
holds as the number 123) are one product, said as a repeated row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.core.money import parse_yuan, yuan_to_fen
from desktop_app.core.product_codes import code_key
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.excel_cells import UncalculatedFormula
from desktop_app.io.import_errors import CellError, OrderFileRefused
from desktop_app.io.import_profiles import Cleaning
from desktop_app.io.sheet_header import RepeatedColumns
from desktop_app.io.spreadsheet_readers import open_spreadsheet

CODE_HEADERS = ("商家编码", "商品编码", "货号", "SKU编码", "sku编码", "SKU", "sku")
COST_HEADERS = ("成本价", "成本", "进价", "采购价", "成本单价")
TITLE_HEADERS = ("商品名称", "商品", "名称", "宝贝名称")
_HEADER_ROWS = 10
# No product a small shop sells costs more a piece; a larger cost is a price typed with digits too many.
MAX_COST_YUAN = Decimal(1_000_000)
_CLEAN = CellCleaner(Cleaning())


@dataclass(frozen=True, slots=True)
class ProductCostLine:
    sku_code: str
    title: str | None
    cost_fen: int
    row: int


@dataclass(frozen=True, slots=True)
class ProductCostSheet:
    lines: tuple[ProductCostLine, ...]
    problems: tuple[str, ...]  # "第 N 行：…"
    notes: tuple[str, ...] = ()  # imported, with something said (a cost of 0)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code Excel stored as a number
    return str(value).strip()


def _code(value: object) -> str:
    """A 商家编码 cell in the form codes are compared in (`code_key`: ＳＫＵ－０１ and sku-01 are SKU-01);
    one Excel rounded, or a formula without its result, is a CellError (stored, it would never match an
    order's 商家编码)."""
    return code_key(_CLEAN.product_code(value) or "")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def read_product_costs(path: Path | str) -> ProductCostSheet:
    """Read the first sheet that has the two columns; refuses a file without them."""
    book = open_spreadsheet(path)
    try:
        for name in book.sheet_names():
            table = book.whole_table(name)
            rows = table.rows()
            for row_no, cells in rows:
                header = [_text(c) for c in cells]
                code_at, cost_at = _column(header, CODE_HEADERS), _column(header, COST_HEADERS)
                if code_at is not None and cost_at is not None:
                    title_at = _column(header, TITLE_HEADERS)
                    # Two 成本价 columns (last year's and this year's side by side): the first is read, said
                    # where they differ, as the order imports say it.
                    used = [at for at in (code_at, cost_at, title_at) if at is not None]
                    return _lines(rows, (header[code_at], code_at), (header[cost_at], cost_at),
                                  None if title_at is None else (header[title_at], title_at),
                                  RepeatedColumns(cells, used))
                if row_no >= _HEADER_ROWS:
                    break
    finally:
        book.close()
    raise OrderFileRefused(path, "没有找到“商家编码”和“成本价”两列（表头须在前 10 行内）")


def _lines(rows: Iterator[tuple[int, Sequence[object]]], code_column: tuple[str, int], cost_column: tuple[str, int],
           title_column: tuple[str, int] | None, repeated: RepeatedColumns) -> ProductCostSheet:
    lines: dict[str, ProductCostLine] = {}
    problems: list[str] = []
    free: list[int] = []  # rows whose cost is 0
    code_header, code_at = code_column
    cost_header, cost_at = cost_column
    for row_no, cells in rows:
        if repeated.pending:
            problems.extend(repeated.check(row_no, cells))
        try:
            code = _code(cells[code_at] if code_at < len(cells) else None)
        except CellError as error:
            problems.append(msg.say(msg.COST_ROW, row_no, code_header + error.message))
            continue
        if not code:
            continue
        raw = cells[cost_at] if cost_at < len(cells) else None
        if raw is None or _text(raw) == "":
            problems.append(msg.say(msg.COST_WITHOUT_PRICE, row_no, code))
            continue
        try:
            if len(code) > 100:
                raise UserError("商家编码太长（最多 100 个字符）")
            if isinstance(raw, UncalculatedFormula):
                raise UserError(f"{cost_header}{raw.refused().message}")
            cost = parse_yuan(Decimal(repr(raw)) if isinstance(raw, float) else _text(raw), cost_header)
        except UserError as error:
            problems.append(msg.say(msg.COST_ROW, row_no, error.message))
            continue
        if cost > MAX_COST_YUAN:
            problems.append(msg.say(msg.COST_ABSURD, row_no, f"{cost:,}", f"{MAX_COST_YUAN:,}"))
            continue
        if not cost:
            free.append(row_no)
        title = ""
        if title_column is not None and title_column[1] < len(cells):
            try:  # a NUL (_x0000_) or an error value: the row said, as the order imports say it (a team ledger's
                # PostgreSQL refused the NUL: the whole import failed as an internal error)
                title = _CLEAN.text(cells[title_column[1]]) or ""
            except CellError as error:
                problems.append(msg.say(msg.COST_ROW, row_no, title_column[0] + error.message))
                continue
        if code in lines:
            problems.append(msg.say(msg.COST_REPEATED, row_no, code, lines[code].row))
        lines[code] = ProductCostLine(code, title or None, yuan_to_fen(cost), row_no)
    shown = "、".join(map(str, free[:10])) + (f" 等 {len(free)}" if len(free) > 10 else "")
    return ProductCostSheet(tuple(lines.values()), tuple(problems), (msg.say(msg.COST_ZERO, shown),) if free else ())
