"""Reading a platform's after-sales export into checked `CaseRecord`s.

file → reader (`spreadsheet_readers`) → header row found and recognised by an after-sales profile →
each data row's cells cleaned (`cell_values`) and mapped through the profile's tables → a record, or
a row error naming the row (as the spreadsheet shows it), the column and the reason in Chinese.
A file that is no after-sales export is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core.case_intake import CaseRecord, reason_for
from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_profiles import (
    CaseProfile,
    best_profile,
    case_profiles,
    profiles_for,
    reason_rules,
    status_key,
)
from desktop_app.io.cell_values import CellCleaner
from desktop_app.io.import_errors import CellError, UnknownLayout
from desktop_app.io.import_profiles import Cleaning
from desktop_app.io.order_rows import HeaderMatch, RowError, find_header
from desktop_app.io.spreadsheet_readers import Spreadsheet, open_spreadsheet

# Longest values the ledger's columns hold; a longer cell is a row error, not a truncated value.
_MAX = {"case_no": 80, "order_no": 80, "platform_status": 64, "platform_reason": 200, "carrier": 60,
        "tracking": 80}
_CLEANER = CellCleaner(Cleaning(tracking_prefixes=("No:", "NO:", "No：", "no:")))
_CASE_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]*$")
_LOGISTICS_SPLIT = re.compile(r"[,，;；:：\s]+")
# Summary lines some exports end with (合计 / 总计): not requests.
_TOTAL_MARKERS = ("合计", "总计", "汇总")


@dataclass
class CaseFile:
    """One after-sales export read: its profile, the good records and the rejected rows."""

    path: Path
    profile: CaseProfile
    platform: Platform
    records: list[CaseRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    warnings: list[str] = field(default_factory=list)


def recognise(path: Path) -> CaseProfile | None:
    """The after-sales profile a file's header matches, or None (an order export, or anything else).
    Raises OrderFileRefused for files no reader can open."""
    spreadsheet = open_spreadsheet(path)
    found: list[CaseProfile] = []

    def is_header(headers: set[str]) -> bool:
        profile = best_profile(headers, case_profiles())
        if profile is not None:
            found.append(profile)
        return profile is not None

    try:
        for name in spreadsheet.sheet_names():
            find_header(spreadsheet.table(name).rows(), is_header)
            if found:
                return found[0]
        return None
    finally:
        spreadsheet.close()


def _locate(spreadsheet: Spreadsheet, candidates: Sequence[CaseProfile]) -> tuple[CaseProfile, HeaderMatch]:
    seen: list[set[str]] = []
    for name in spreadsheet.sheet_names():
        table = spreadsheet.whole_table(name)

        def is_header(headers: set[str]) -> bool:
            seen.append(headers)
            return best_profile(headers, candidates) is not None

        header = find_header(table.rows(), is_header)
        if header is not None:
            profile = best_profile(header.names, candidates)
            assert profile is not None
            return profile, header
    labels = "、".join(p.label for p in candidates)
    message = f"无法识别的表格：前 10 行里找不到售后导出的表头。支持：{labels}"
    closest = max(((sum(1 for g in p.identify if any(h in headers for h in g)), p, headers)
                   for p in candidates for headers in seen), default=None, key=lambda t: t[0])
    if closest is not None and closest[0] > 0:
        message += f"（最接近“{closest[1].label}”，但缺少列：{'、'.join(closest[1].missing_identity(closest[2]))}）"
    raise UnknownLayout(spreadsheet.path, message)


class _Row:
    """The cells of one data row, by field, with the header name for messages."""

    def __init__(self, cells: Sequence[object], columns: dict[str, tuple[int, str]]) -> None:
        self.cells = cells
        self.columns = columns

    def raw(self, name: str) -> object:
        where = self.columns.get(name)
        if where is None or where[0] >= len(self.cells):
            return None
        return self.cells[where[0]]

    def header(self, name: str) -> str:
        return self.columns[name][1] if name in self.columns else name


class _RowFailed(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _cell(row: _Row, name: str, convert: object) -> object:
    try:
        return convert(row.raw(name))  # type: ignore[operator]
    except CellError as exc:
        raise _RowFailed(row.header(name), exc.message) from None


def _bounded(row: _Row, name: str, value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise _RowFailed(row.header(name), f"内容太长（最多 {limit} 个字符）")
    return value


def _logistics(text: str | None) -> tuple[str | None, str | None]:
    """"圆通速递,YT123…" → carrier and tracking number; a lone value with digits is the number."""
    if not text:
        return None, None
    parts = [p for p in _LOGISTICS_SPLIT.split(text.strip()) if p]
    carrier = next((p for p in parts if not any(c.isdigit() for c in p)), None)
    number = next((p for p in parts if any(c.isdigit() for c in p)), None)
    return carrier, number


def _record(row: _Row, number: int, profile: CaseProfile, platform: Platform,
            warnings: list[str]) -> CaseRecord | None:
    c = _CLEANER
    case_no = _cell(row, "case_no", c.identifier)
    order_no = _cell(row, "order_no", c.order_no)
    kind_text = _cell(row, "kind", c.text)
    if case_no is None and order_no is None and kind_text is None:
        return None  # a blank line or a 合计 line
    if case_no is None:
        raise _RowFailed(row.header("case_no"), "缺少售后单号")
    assert isinstance(case_no, str)
    if not _CASE_NO.match(case_no):
        raise _RowFailed(row.header("case_no"), f"“{case_no}”不是有效的售后单号（只能包含数字、字母和“-”）")
    _bounded(row, "case_no", case_no, _MAX["case_no"])
    if order_no is None:
        raise _RowFailed(row.header("order_no"), "缺少订单号")
    assert isinstance(order_no, str)
    _bounded(row, "order_no", order_no, _MAX["order_no"])
    scope = _cell(row, "refund_scope", c.text) if "refund_scope" in row.columns else None
    joined = "/".join(str(p) for p in (kind_text, scope) if p)
    kind = profile.kind_of(joined.replace(" ", "")) if joined else None
    if kind is None:
        shown = joined or "（空）"
        raise _RowFailed(row.header("kind"), f"无法识别的售后类型“{shown}”（可在售后导出格式文件 "
                                             f"{profile.source.name} 的 [kinds] 中添加）")
    status_text = _cell(row, "status", c.text)
    _bounded(row, "status", status_text, _MAX["platform_status"])  # type: ignore[arg-type]
    target = profile.target_of(str(status_text)) if status_text else None
    if target is None:
        warnings.append(f"第 {number} 行“{row.header('status')}”列：未知的售后状态“{status_text or '（空）'}”，"
                        "新建的售后单按“待处理”记录，已有的保持不变"
                        f"（可在 {profile.source.name} 的 [statuses] 中添加）")
    reason_text = _cell(row, "reason", c.text)
    _bounded(row, "reason", reason_text, _MAX["platform_reason"])  # type: ignore[arg-type]
    intervention = _cell(row, "intervention", c.text)
    carrier = _cell(row, "return_carrier", c.text)
    tracking = _cell(row, "return_tracking_no", c.tracking)
    if "return_logistics" in row.columns:
        combined_carrier, combined_number = _logistics(_cell(row, "return_logistics", c.text))  # type: ignore[arg-type]
        carrier = carrier or combined_carrier
        tracking = tracking or combined_number
    _bounded(row, "return_carrier", carrier, _MAX["carrier"])  # type: ignore[arg-type]
    _bounded(row, "return_tracking_no", tracking, _MAX["tracking"])  # type: ignore[arg-type]
    quantity = _cell(row, "quantity", c.count)
    return CaseRecord(
        row=number, platform=platform, platform_case_no=case_no, order_no=order_no, kind=kind,
        reason=reason_for(reason_text, reason_rules()),  # type: ignore[arg-type]
        platform_reason=reason_text,  # type: ignore[arg-type]
        platform_status=status_text,  # type: ignore[arg-type]
        target=target,
        escalated=bool(intervention) and status_key(str(intervention)) in profile.escalated,
        amount_fen=_cell(row, "amount", c.money),  # type: ignore[arg-type]
        requested_at=_cell(row, "requested_at", c.moment),  # type: ignore[arg-type]
        finished_at=_cell(row, "finished_at", c.moment),  # type: ignore[arg-type]
        platform_due_at=_cell(row, "platform_due_at", c.moment),  # type: ignore[arg-type]
        return_carrier=carrier,  # type: ignore[arg-type]
        return_tracking_no=tracking,  # type: ignore[arg-type]
        title=_cell(row, "title", c.text),  # type: ignore[arg-type]
        spec=_cell(row, "spec", c.text),  # type: ignore[arg-type]
        quantity=quantity if quantity else None,  # type: ignore[arg-type]
        sku_code=_cell(row, "sku_code", c.text),  # type: ignore[arg-type]
        buyer_nick=_cell(row, "buyer_nick", c.text),  # type: ignore[arg-type]
        description=_cell(row, "description", c.text),  # type: ignore[arg-type]
    )


def _is_total_line(cells: Sequence[object]) -> bool:
    filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return bool(filled) and any(filled[0].startswith(m) for m in _TOTAL_MARKERS)


def read_case_file(path: Path | str, platform: str = "auto") -> CaseFile:
    """Read one after-sales export; OrderFileRefused (or UnknownLayout) when it is not one."""
    path = Path(path)
    candidates = profiles_for(platform)
    spreadsheet = open_spreadsheet(path)
    try:
        profile, header = _locate(spreadsheet, candidates)
        chosen = profile.platform if platform == "auto" else Platform.parse(platform)
        columns: dict[str, tuple[int, str]] = {}
        raw_headers = header.cells
        for field_name, aliases in profile.columns.items():
            for alias in aliases:
                if alias in header.index:
                    position = header.index[alias]
                    columns[field_name] = (position, str(raw_headers[position]).strip().lstrip("\ufeff"))
                    break
        result = CaseFile(path, profile, chosen)
        seen: dict[str, int] = {}
        for number, cells in header.rows:
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if _is_total_line(cells):
                continue
            result.rows += 1
            row = _Row(cells, columns)
            try:
                record = _record(row, number, profile, chosen, result.warnings)
            except _RowFailed as failed:
                result.errors.append(RowError(number, failed.column, failed.message))
                continue
            if record is None:
                result.rows -= 1
                continue
            first = seen.get(record.platform_case_no)
            if first is not None:
                result.errors.append(RowError(number, row.header("case_no"),
                                              f"售后单号“{record.platform_case_no}”与第 {first} 行重复，本行未导入"))
                continue
            seen[record.platform_case_no] = number
            result.records.append(record)
        return result
    finally:
        spreadsheet.close()
