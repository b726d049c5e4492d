"""The order list as an xlsx the shop can filter, print or send on (write-only openpyxl: streams rows).

Order, phone and tracking numbers are text cells (Excel would round a 19-digit id); amounts are
numbers; times are China time. Nothing the user typed can become a formula (see `xlsx_cells`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.io.xlsx_cells import money_cell as _money
from desktop_app.io.xlsx_cells import optional_text_cell as _text
from desktop_app.io.xlsx_cells import time_cell, write_list_sheet

EXPORT_COLUMNS: tuple[str, ...] = (
    "平台", "店铺", "订单号", "订单状态", "收货人", "手机", "收货地址", "商品", "商品数量", "实付金额",
    "付款时间", "发货时间", "物流公司", "物流单号",
)
_WIDTHS = [8, 18, 24, 22, 10, 15, 44, 48, 9, 11, 19, 19, 12, 20]
_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
SHEET_TITLE = "订单"


@dataclass(frozen=True, slots=True)
class OrderExportRow:
    """One exported line; `goods` is the items as one readable text."""

    platform: str  # the Chinese label
    shop: str | None
    order_no: str
    status: str | None
    receiver: str | None
    phone: str | None
    address: str | None
    goods: str | None
    item_count: int | None
    paid_fen: int | None
    paid_at: datetime | None
    shipped_at: datetime | None
    carrier: str | None
    tracking_no: str | None


def _time(sheet: WriteOnlyWorksheet, value: datetime | None) -> WriteOnlyCell | None:
    return time_cell(sheet, value, _TIME_FORMAT)


def write_orders_xlsx(rows: Iterable[OrderExportRow], path: Path | str,
                      progress: Callable[[int], None] | None = None) -> int:
    """Write the rows to `path` (.xlsx); returns how many orders were written."""
    return write_list_sheet(path, SHEET_TITLE, EXPORT_COLUMNS, _WIDTHS, "A2",
                            lambda sheet: _cells(sheet, rows, progress))


def _cells(sheet: WriteOnlyWorksheet, rows: Iterable[OrderExportRow],
           progress: Callable[[int], None] | None) -> Iterator[list[Any]]:
    for count, row in enumerate(rows, start=1):
        yield [
            _text(sheet, row.platform), _text(sheet, row.shop), _text(sheet, row.order_no), _text(sheet, row.status),
            _text(sheet, row.receiver), _text(sheet, row.phone), _text(sheet, row.address), _text(sheet, row.goods),
            row.item_count, _money(sheet, row.paid_fen), _time(sheet, row.paid_at), _time(sheet, row.shipped_at),
            _text(sheet, row.carrier), _text(sheet, row.tracking_no),
        ]
        if progress is not None and not count % 5000:
            progress(count)
