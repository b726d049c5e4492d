"""Reading a platform's after-sales export into checked `CaseRecord`s.

file → reader (`spreadsheet_readers`) → header row found and recognised by an after-sales profile →
each data row's cells cleaned (`cell_values`) and mapped through the profile's tables → a record, or
a row error naming the row (as the spreadsheet shows it), the column and the reason in Chinese.
A file that is no after-sales export is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from desktop_app.core import cell_messages
from desktop_app.core import import_refusals as refusals
from desktop_app.core import messages as msg
from desktop_app.core.case_intake import CaseRecord, reason_for
from desktop_app.core.clock import as_china, format_china, now
from desktop_app.core.event_notes import note
from desktop_app.core.invisible_marks import row_has_marks, without_invisible
from desktop_app.core.vocabulary import CaseReason, Platform
from desktop_app.io.case_platform_check import other_platform
from desktop_app.io.case_profiles import (
    CaseProfile,
    best_profile,
    profiles_for,
    reason_rules,
    rival_profile,
    status_key,
    user_case_profiles,
)
from desktop_app.io.cell_values import CellCleaner, ahead_of_now, no_date_placeholder, rows_said, shown_value
from desktop_app.io.import_errors import CellError, RowError, UnknownLayout
from desktop_app.io.import_profiles import Cleaning, normalize_header
from desktop_app.io.import_profiles import best_profile as best_order_profile
from desktop_app.io.import_profiles import load_profiles as load_order_profiles
from desktop_app.io.rounded_ids import RoundedColumns, SuspectId
from desktop_app.io.row_checks import NOTE_UNDER_DATA
from desktop_app.io.sheet_header import HeaderMatch, RepeatedColumns, find_header
from desktop_app.io.spreadsheet_readers import Spreadsheet, open_spreadsheet

# Longest values the ledger's columns hold; a longer cell is a row error, not a truncated value.
_MAX = {"case_no": 80, "order_no": 80, "platform_status": 64, "platform_reason": 200, "carrier": 60,
        "tracking": 80, "buyer_nick": 100, "sku_code": 100}
_CLEANING = Cleaning(tracking_prefixes=("No:", "NO:", "No：", "no:"))
_CLEANERS = {False: CellCleaner(_CLEANING), True: CellCleaner(_CLEANING, date1904=True)}  # by Spreadsheet.date1904
_CASE_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_\-]*$")
_LOGISTICS_SPLIT = re.compile(r"[,，;；:：]+")
# What stands before a tracking number in a logistics cell without being a carrier (淘宝's "No:YT…").
_NUMBER_LABELS = frozenset({"no", "单号", "运单号", "快递单号", "物流单号"})
# Summary lines some exports end with (合计 / 总计): not requests.
_TOTAL_MARKERS = ("合计", "总计", "汇总")
_NOTE_STARTS = frozenset("共导打")  # a cheap test before NOTE_UNDER_DATA's, which every row would run


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
    platform_given: bool = False  # --platform named it (天猫 for a refund list that reads as 淘宝)
    # Long ids ending in the zeros Excel leaves, kept for the ledger to judge (services/rounded_case_ids.py).
    suspect_ids: list[SuspectId] = field(default_factory=list)
    order_column: str = ""  # the order number's header as the file writes it
    amount_column: str = ""  # the amount's header as the file writes it


def recognise(path: Path) -> CaseProfile | None:
    """The after-sales profile a file's header matches, or None (an order export, or anything else).
    Raises OrderFileRefused for files no reader can open."""
    spreadsheet = open_spreadsheet(path)
    found: list[CaseProfile] = []

    def is_header(headers: set[str]) -> bool:
        profile = best_profile(headers, profiles)
        if profile is not None:
            found.append(profile)
        return profile is not None

    profiles = profiles_for("auto", user_case_profiles()[0])
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
            rival = rival_profile(header.names, candidates)
            if rival is not None:
                raise UnknownLayout(spreadsheet.path, msg.say(msg.TWO_LAYOUTS, profile.label, rival.label))
            return profile, header
    orders = next((o for headers in seen if (o := best_order_profile(headers, load_order_profiles()))), None)
    if orders is not None:
        raise UnknownLayout(spreadsheet.path, note(refusals.CASES_ARE_ORDERS, orders.label))
    labels = "、".join(p.label for p in candidates)
    closest = max(((sum(1 for g in p.identify if any(h in headers for h in g)), p, headers)
                   for p in candidates for headers in seen), default=None, key=lambda t: t[0])
    if closest is not None and closest[0] > 0:
        missing = "、".join(closest[1].missing_identity(closest[2]))
        raise UnknownLayout(spreadsheet.path, note(refusals.CASES_UNKNOWN_NEAREST, labels, closest[1].label, missing))
    raise UnknownLayout(spreadsheet.path, note(refusals.CASES_UNKNOWN, labels))


class _RowFailed(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


# How each field's cell is cleaned (a method of CellCleaner).
_CONVERTERS = {
    "case_no": "identifier", "order_no": "order_no", "amount": "money", "requested_at": "moment",
    "finished_at": "moment", "platform_due_at": "moment", "return_tracking_no": "tracking", "quantity": "count",
    "sub_order_no": "identifier", "sku_code": "product_code",
}


class _RowReader:
    """The file's mapped columns, each with its cleaner, read from one row in a single pass."""

    def __init__(self, columns: dict[str, tuple[int, str]], cleaner: CellCleaner) -> None:
        self.headers = {name: header for name, (_index, header) in columns.items()}
        self.specs = [(name, index, header, getattr(cleaner, _CONVERTERS.get(name, "text")))
                      for name, (index, header) in columns.items()]
        self.invisible: dict[str, int] = {}  # column → its first row with an invisible mark (taken out)

    def values(self, cells: Sequence[object], number: int) -> dict[str, Any]:
        width = len(cells)
        found: dict[str, Any] = {}
        marked = row_has_marks(cells)  # one test a row: a test a cell cost the read of 50,000 requests ~10 %
        for name, index, header, convert in self.specs:
            cell = cells[index] if index < width else None
            if marked and cell.__class__ is str and (visible := without_invisible(cell)) != cell:  # type: ignore[arg-type]
                cell = visible
                self.invisible.setdefault(header, number)
            try:
                found[name] = convert(cell)
            except CellError as exc:
                raise _RowFailed(header, exc.message) from None
        return found

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


def _bounded(reader: _RowReader, name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise _RowFailed(reader.header(name), msg.say(msg.CELL_TOO_LONG, limit))


def _logistics(text: str | None) -> tuple[str | None, str | None]:
    """"圆通速递,YT123…" → carrier and tracking number; a lone value with digits is the number. A number
    written in groups ("中通快递, 7512 3456 7890 12", as a buyer types it) is one number: its first group
    alone was kept (7512), and the parcel never met its case at the returns desk."""
    if not text:
        return None, None
    carrier = number = None
    for part in _LOGISTICS_SPLIT.split(text.strip()):
        words = part.split()
        while words and not any(c.isdigit() for c in words[0]):
            if words[0].lower().rstrip(".") not in _NUMBER_LABELS:  # "No:YT…" names no carrier
                carrier = carrier or words[0]
            words.pop(0)
        if words and number is None:
            number = "".join(words)
    return carrier, number


class _Reasons:
    """Reason words → reason, each distinct wording looked up once (a file repeats a few dozen)."""

    def __init__(self) -> None:
        self.rules = reason_rules()
        self.known: dict[str | None, CaseReason] = {}

    def __call__(self, text: str | None) -> CaseReason:
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = reason_for(text, self.rules)
        return found


def _record(reader: _RowReader, v: dict[str, Any], number: int, profile: CaseProfile, platform: Platform,
            reasons: _Reasons, warnings: list[str]) -> CaseRecord:
    case_no: str | None = v.get("case_no")
    if case_no is None:
        raise _RowFailed(reader.header("case_no"), "缺少售后单号")
    _bounded(reader, "case_no", case_no, _MAX["case_no"])  # before quoting it: a cell of 100,000 was quoted whole
    if not _CASE_NO.match(case_no):
        raise _RowFailed(reader.header("case_no"), msg.say(msg.NOT_A_CASE_NO, case_no))
    order_no: str | None = v.get("order_no")
    if order_no is None:
        raise _RowFailed(reader.header("order_no"), "缺少订单号")
    _bounded(reader, "order_no", order_no, _MAX["order_no"])
    joined = "/".join(p for p in (v.get("kind"), v.get("refund_scope")) if p)
    kind = profile.kind_of(joined.replace(" ", "")) if joined else None
    if kind is None:
        written = shown_value(joined) or "（空）"
        raise _RowFailed(reader.header("kind"), msg.say(msg.UNKNOWN_KIND, written, profile.source.name))
    status_text: str | None = v.get("status")
    _bounded(reader, "status", status_text, _MAX["platform_status"])
    target = profile.target_of(status_text) if status_text else None
    if target is None:
        written = shown_value(status_text or "") or "（空）"
        warnings.append(note(cell_messages.UNKNOWN_STATUS, str(number), reader.header("status"), written,
                             profile.source.name))
    reason_text: str | None = v.get("reason")
    _bounded(reader, "reason", reason_text, _MAX["platform_reason"])
    # the order's buyer_nick and its item's sku_code hold 100 (on PostgreSQL a longer one failed the whole file)
    _bounded(reader, "buyer_nick", v.get("buyer_nick"), _MAX["buyer_nick"])
    _bounded(reader, "sku_code", v.get("sku_code"), _MAX["sku_code"])
    carrier, tracking = v.get("return_carrier"), v.get("return_tracking_no")
    carrier_column, tracking_column = reader.header("return_carrier"), reader.header("return_tracking_no")
    if v.get("return_logistics"):
        combined_carrier, combined_number = _logistics(v["return_logistics"])
        combined = reader.header("return_logistics")  # "圆通速递,YT…" in one column (淘宝's 退货物流信息)
        if not carrier and combined_carrier:
            carrier, carrier_column = combined_carrier, combined
        if not tracking and combined_number:
            tracking, tracking_column = combined_number, combined
    if carrier is not None and len(carrier) > _MAX["carrier"]:
        raise _RowFailed(carrier_column, f"内容太长（最多 {_MAX['carrier']} 个字符）")
    if tracking is not None and len(tracking) > _MAX["tracking"]:
        raise _RowFailed(tracking_column, f"内容太长（最多 {_MAX['tracking']} 个字符）")
    requested, finished = v.get("requested_at"), v.get("finished_at")
    if requested is not None and finished is not None and _ends_before(requested, finished):
        # A request cannot end before it was made (day and month swapped by Excel, a time typed wrong): its
        # steps would be dated before it and its time to resolve negative.
        raise _RowFailed(reader.header("finished_at"), f"完结时间 {format_china(finished, True)} 早于申请时间 "
                                                       f"{format_china(requested, True)}，请核对这一行的时间")
    intervention = v.get("intervention")
    return CaseRecord(
        row=number, platform=platform, platform_case_no=case_no, order_no=order_no, kind=kind,
        reason=reasons(reason_text), platform_reason=reason_text, platform_status=status_text, target=target,
        escalated=bool(intervention) and status_key(str(intervention)) in profile.escalated,
        amount_fen=v.get("amount"), requested_at=v.get("requested_at"), finished_at=v.get("finished_at"),
        platform_due_at=v.get("platform_due_at"), return_carrier=carrier, return_tracking_no=tracking,
        title=v.get("title"), spec=v.get("spec"), quantity=v.get("quantity") or None, sku_code=v.get("sku_code"),
        buyer_nick=v.get("buyer_nick"), description=v.get("description"),
    )


def _ends_before(requested: datetime, finished: datetime) -> bool:
    """Whether the end is before the request; an end given as a date alone (00:00) may be the request's day."""
    if finished >= requested:
        return False
    end, start = as_china(finished), as_china(requested)
    return not (end.date() == start.date() and end.time() == time(0))


def _skipped(cells: Sequence[object], header_row: Sequence[str]) -> bool:
    """A blank line, a summary line (合计 / 总计) some exports end with, a note of one cell under the
    data that is no request number (共 20 条记录, 导出时间：…), or the header again (a second export
    pasted under the first one with its header)."""
    filled = [c for c in cells if c is not None and c != "" and not (isinstance(c, str) and not c.strip())]
    if not filled:
        return True
    first = filled[0]
    if isinstance(first, str):
        text = first.strip()
        if text.startswith(_TOTAL_MARKERS) or (text[:1] in _NOTE_STARTS and NOTE_UNDER_DATA.match(text)):
            return True
    if len(filled) == 1 and not (isinstance(first, str) and _CASE_NO.match(first.strip())) and not isinstance(
            first, int | float):
        return True
    # Cell by cell, stopping at the first that differs: every cell of every row normalised was 0.5 M regex
    # substitutions for a 50,000-row export.
    return len(cells) >= len(header_row) and all(
        normalize_header(c) == h for c, h in zip(cells[:len(header_row)], header_row, strict=True))


def read_case_file(path: Path | str, platform: str = "auto") -> CaseFile:
    """Read one after-sales export; OrderFileRefused (or UnknownLayout) when it is not one."""
    path = Path(path)
    own, problems = user_case_profiles()
    candidates = profiles_for(platform, own)
    spreadsheet = open_spreadsheet(path)
    try:
        profile, header = _locate(spreadsheet, candidates)
        chosen = profile.platform if platform == "auto" else Platform.parse(platform)
        result = CaseFile(path, profile, chosen, warnings=list(problems), platform_given=platform != "auto")
        read_rows(result, header.cells, header.index, header.rows, spreadsheet.date1904)
        other = other_platform(profile, chosen, result.records, header.cells)
        if other is not None and platform != "auto":
            raise UnknownLayout(path, other.refusal(chosen, result.order_column))
        if other is not None and other.profile in candidates and other.profile.matches(header.names):
            # The header reads as either layout; the order numbers say which: read again as that one.
            profile, header = _locate(spreadsheet, [other.profile])
            result = CaseFile(path, profile, profile.platform, warnings=list(problems))
            read_rows(result, header.cells, header.index, header.rows, spreadsheet.date1904)
        if not result.rows and not result.errors:
            result.warnings.append(msg.say(msg.HEADER_ONLY_CASES, header.row_number))
        return result
    finally:
        spreadsheet.close()


def read_rows(result: CaseFile, header_cells: Sequence[object], index: Mapping[str, int],
              rows: Iterable[tuple[int, Sequence[object]]], date1904: bool = False) -> None:
    """Read the data rows under a header (`index`: normalised header → position) with the file's
    profile into `result`: records, row errors, warnings (the column-mapping dialog's preview checks
    its first rows the same way)."""
    profile, chosen = result.profile, result.platform
    columns: dict[str, tuple[int, str]] = {}
    for field_name, aliases in profile.columns.items():
        for alias in aliases:
            if alias in index:
                position = index[alias]
                columns[field_name] = (position, str(header_cells[position]).strip().lstrip("\ufeff"))
                break
    reader = _RowReader(columns, _CLEANERS[date1904])
    repeated = RepeatedColumns(header_cells, [position for position, _ in columns.values()])
    result.order_column = reader.header("order_no")
    reasons = _Reasons()
    # request number → its first row and values (a tuple: the reader gives every row's in one order; a dict
    # a row cost 0.5–1 KB more, 100 MB of a 100,000-row import's peak)
    seen: dict[str, tuple[int, tuple[Any, ...]]] = {}
    header_row = [normalize_header(c) for c in header_cells]
    requested_at = columns["requested_at"][0] if "requested_at" in columns else None
    no_dates: list[tuple[int, str]] = []  # requests whose time the file gives as 0000-00-00 (read as blank)
    ahead: dict[str, list[tuple[int, str]]] = {}  # time column → its rows more than a day ahead (2099), as written
    ahead_from = ahead_of_now()
    while header_row and not header_row[-1]:
        header_row.pop()
    for number, cells in rows:
        if _skipped(cells, header_row):
            continue
        result.rows += 1
        if repeated.pending:
            result.warnings.extend(repeated.check(number, cells))
        try:
            values = reader.values(cells, number)
            if values.get("case_no") is None and values.get("order_no") is None and values.get("kind") is None:
                result.rows -= 1  # a footer line (导出时间 …), not a request
                continue
            record = _record(reader, values, number, profile, chosen, reasons, result.warnings)
        except _RowFailed as failed:
            result.errors.append(RowError(number, failed.column, failed.message))
            continue
        first = seen.get(record.platform_case_no)
        read = tuple(values.values())
        if first is not None:
            if read == first[1]:
                result.rows -= 1  # the same line twice (as order imports take it): one request, nothing lost
                continue
            result.errors.append(RowError(number, reader.header("case_no"),
                                          msg.say(msg.CASE_NO_REPEATED, record.platform_case_no, first[0])))
            continue
        seen[record.platform_case_no] = (number, read)
        result.records.append(record)
        if requested_at is not None and record.requested_at is None and requested_at < len(cells):
            shown = no_date_placeholder(cells[requested_at])
            if shown is not None:
                no_dates.append((number, shown))
        for name, moment in (("requested_at", record.requested_at), ("finished_at", record.finished_at)):
            if moment is not None and moment > ahead_from:
                ahead.setdefault(reader.header(name), []).append((number, format_china(moment, with_seconds=True)))
    if no_dates:
        result.warnings.append(_no_request_times(no_dates, reader.header("requested_at")))
    result.warnings.extend(note(cell_messages.FUTURE_TIME, rows_said([n for n, _ in found]), column, found[0][1],
                                format_china(now())) for column, found in ahead.items())
    result.amount_column = reader.header("amount")
    result.warnings.extend(note(cell_messages.INVISIBLE_MARKS, column, str(row))
                           for column, row in reader.invisible.items())
    _rounded_ids(result, reader.header("order_no"), reader.header("case_no"))


def _no_request_times(rows: list[tuple[int, str]], column: str) -> str:
    """One warning for the requests whose time is a "no date" placeholder: its rows (the first ten) and value."""
    return note(cell_messages.NO_REQUEST_TIME, rows_said([number for number, _ in rows]), column,
                shown_value(rows[0][1]))


def _rounded_ids(result: CaseFile, order_header: str, case_header: str) -> None:
    """Requests whose order or after-sales number Excel rounded (io/rounded_ids.py): a column rounded
    throughout is a row error on each; a lone such number is kept as a suspect."""
    rounded = RoundedColumns()
    for record in result.records:
        rounded.see(record.row, order_header, record.order_no, "order_no")
        rounded.see(record.row, case_header, record.platform_case_no, "case_no")
    certain, result.suspect_ids = rounded.split()
    if certain:
        refused = {s.row for s in certain}
        result.records = [r for r in result.records if r.row not in refused]
        result.errors.extend(RowError(s.row, s.column, s.certain()) for s in certain)
        result.errors.sort(key=lambda e: e.row or 0)
