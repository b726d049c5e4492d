"""Selected reships as an xlsx for the warehouse or a courier's bulk-order sheet: who, where, what to
send, by when, and the tracking number once shipped (write-only openpyxl, text cells formula-safe)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop_app.io.xlsx_cells import optional_text_cell as _text
from desktop_app.io.xlsx_cells import time_cell, write_list_sheet

RESHIP_COLUMNS: tuple[str, ...] = (
    "售后单", "平台", "订单号", "收货人", "手机", "地址", "补发商品", "原因", "状态", "发货时限", "逾期后果",
    "快递公司", "运单号", "发出时间", "备注",
)
_WIDTHS = [8, 8, 24, 10, 14, 40, 40, 12, 10, 17, 30, 10, 20, 17, 30]
_TIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE = "补发"


@dataclass(frozen=True, slots=True)
class ReshipLine:
    """One exported reship, every label already in words."""

    case_id: int
    texts: tuple[str | None, ...]  # 平台 … 状态
    ship_by: datetime | None
    penalty: str | None
    carrier: str | None
    tracking_no: str | None
    shipped_at: datetime | None
    note: str | None


def write_reships_xlsx(lines: Iterable[ReshipLine], path: Path | str) -> int:
    """Write the reships to `path` (.xlsx), next to it first and then renamed; returns how many."""
    return write_list_sheet(path, SHEET_TITLE, RESHIP_COLUMNS, _WIDTHS, "B2", lambda sheet: (
        [line.case_id, *(_text(sheet, t) for t in line.texts), time_cell(sheet, line.ship_by, _TIME_FORMAT),
         _text(sheet, line.penalty), _text(sheet, line.carrier), _text(sheet, line.tracking_no),
         time_cell(sheet, line.shipped_at, _TIME_FORMAT), _text(sheet, line.note)]
        for line in lines))
