"""The case list as an xlsx the shop can filter, sum or send on (write-only openpyxl: streams rows).

Order, phone and tracking numbers are text cells; amounts are numbers; times are China time.
Nothing a buyer or the user typed can become a formula (see `xlsx_cells`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from desktop_app.io.xlsx_cells import money_cell as _money
from desktop_app.io.xlsx_cells import optional_text_cell as _text
from desktop_app.io.xlsx_cells import time_cell, write_list_sheet

CASE_COLUMNS: tuple[str, ...] = (
    "编号", "平台", "店铺", "订单号", "买家/收货人", "手机", "类型", "原因", "状态", "退款金额", "补偿金额",
    "责任方", "平台售后单号", "平台状态", "退货快递", "退货运单号", "商品", "申请时间", "下一个时限", "时限到期",
    "更新时间", "说明",
)
_WIDTHS = [7, 8, 18, 24, 11, 14, 10, 12, 12, 10, 10, 9, 22, 14, 10, 20, 40, 17, 22, 17, 17, 40]
_TIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE = "售后单"


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One exported case with every label already in words."""

    id: int
    texts_before_money: tuple[str | None, ...]  # 平台 … 状态
    refund_fen: int | None
    compensation_fen: int | None
    texts_after_money: tuple[str | None, ...]  # 责任方 … 商品
    requested_at: datetime | None
    next_due: str | None
    next_due_at: datetime | None
    updated_at: datetime | None
    description: str | None


def _time(sheet: WriteOnlyWorksheet, value: datetime | None) -> WriteOnlyCell | None:
    return time_cell(sheet, value, _TIME_FORMAT)


def write_cases_xlsx(lines: Iterable[CaseLine], path: Path | str) -> int:
    """Write the cases to `path` (.xlsx), next to it first and then renamed; returns how many."""
    return write_list_sheet(path, SHEET_TITLE, CASE_COLUMNS, _WIDTHS, "B2", lambda sheet: (
        [line.id, *(_text(sheet, t) for t in line.texts_before_money), _money(sheet, line.refund_fen),
         _money(sheet, line.compensation_fen), *(_text(sheet, t) for t in line.texts_after_money),
         _time(sheet, line.requested_at), _text(sheet, line.next_due), _time(sheet, line.next_due_at),
         _time(sheet, line.updated_at), _text(sheet, line.description)]
        for line in lines))
