"""Shipping reships from a pasted Excel selection (批量录入运单号): order number, tracking number and
optionally the carrier per line; a check that writes nothing (the dialog's preview), then one
transaction that ships every line matching one agreed reship and reports every line."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.carriers import carrier_named_by_prefix, guess_carrier
from desktop_app.core.clock import Moment, now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.reship_states import ReshipStatus, derive_status, status_label
from desktop_app.core.tracking_numbers import clean_carrier, clean_tracking
from desktop_app.core.vocabulary import CaseKind
from desktop_app.io.rounded_ids import lost_digits
from desktop_app.services.case_writes import clean_order_no, current_author, load_case
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.reships import ship_in_session
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.deadline_rows import lock_if_shared
from desktop_app.store.reship_queries import reship_cases_of_orders

_RESHIP = CaseKind.RESHIP.value


class LineOutcome(StrEnum):
    READY = "ready"  # matched; would be shipped (a check) or is about to be
    SHIPPED = "shipped"
    ALREADY = "already"  # already shipped with this very tracking number: nothing to do
    HEADER = "header"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_AGREED = "not_agreed"
    AMBIGUOUS = "ambiguous"
    CONFLICT = "conflict"  # already shipped with another tracking number
    DUPLICATE = "duplicate"  # the order appears twice in the paste


_OUTCOME_LABELS = {
    LineOutcome.READY: "可录入",
    LineOutcome.SHIPPED: "已录入",
    LineOutcome.ALREADY: "已录入过，跳过",
    LineOutcome.HEADER: "表头，跳过",
    LineOutcome.INVALID: "格式错误",
    LineOutcome.NOT_FOUND: "未找到",
    LineOutcome.NOT_AGREED: "尚未同意补发",
    LineOutcome.AMBIGUOUS: "有多张待补发售后单",
    LineOutcome.CONFLICT: "已发出（另一运单号）",
    LineOutcome.DUPLICATE: "重复",
}
# An order number, a tracking number and a carrier's name, with room to spare.
MAX_PASTED_LINE = 1000
# A paste's lines are checked and reported together, ≈ 1 KB of memory each: a 32 MB file of 645,000 lines
# took 1 GB (measured). A day's reships are hundreds; more than this many lines is no reship list.
MAX_PASTED_LINES = 100_000
_FINE = frozenset({LineOutcome.READY, LineOutcome.SHIPPED, LineOutcome.ALREADY, LineOutcome.HEADER})


def outcome_label(outcome: LineOutcome) -> str:
    return _OUTCOME_LABELS[outcome]


@dataclass(frozen=True, slots=True)
class PastedLine:
    line: int  # 1-based line number in the pasted text
    text: str
    cells: tuple[str, ...]
    length: int = 0  # characters of a line too long to read (its text shortened); 0 for a line read


@dataclass(frozen=True, slots=True)
class BulkShipLine:
    line: int
    text: str
    outcome: LineOutcome
    order_no: str | None = None
    tracking: str | None = None
    carrier: str | None = None
    case_id: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.outcome in _FINE


@dataclass(frozen=True, slots=True)
class BulkShipReport:
    lines: tuple[BulkShipLine, ...]
    applied: bool  # False for a check (nothing written)
    changes: OpChanges = field(default_factory=OpChanges)

    @property
    def shipped(self) -> int:
        return sum(1 for line in self.lines if line.outcome is LineOutcome.SHIPPED)

    @property
    def ready(self) -> int:
        return sum(1 for line in self.lines if line.outcome is LineOutcome.READY)

    @property
    def problems(self) -> tuple[BulkShipLine, ...]:
        return tuple(line for line in self.lines if not line.ok)


def split_pasted(text: str) -> list[PastedLine]:
    """Excel pastes tab-separated cells; a CSV or a chat message uses commas (also '，'). A line past
    MAX_PASTED_LINE has no cells (and its text shortened): it is no order number and tracking number, and the csv
    module refused a field of 131,072 characters (an internal error, in the window's paste dialog too).
    More than MAX_PASTED_LINES lines with something on them: UserError."""
    lines: list[PastedLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(lines) == MAX_PASTED_LINES:
            raise UserError(msg.say(msg.PASTE_TOO_MANY_LINES, MAX_PASTED_LINES, number))
        if len(raw) > MAX_PASTED_LINE:
            lines.append(PastedLine(number, raw[:MAX_PASTED_LINE] + "…", (), len(raw)))
            continue
        if "\t" in raw:
            delimiter = "\t"
        elif "," in raw:
            delimiter = ","
        else:
            delimiter = "，"
        cells = next(csv.reader([raw.replace("，", ",") if delimiter == "，" else raw],
                                delimiter="," if delimiter == "，" else delimiter))
        lines.append(PastedLine(number, raw, tuple(c.strip() for c in cells)))
    return lines


@dataclass(frozen=True, slots=True)
class _Candidate:
    case_id: int
    status: ReshipStatus
    case_status: str
    tracking: str | None


def _candidates(session: Session, order_nos: Iterable[str]) -> dict[str, list[_Candidate]]:
    found: dict[str, list[_Candidate]] = {}
    for row in reship_cases_of_orders(session, order_nos):
        status = derive_status(row.kind, row.case_status, row.reship_status if row.reship_id is not None else None)
        found.setdefault(row.order_no, []).append(_Candidate(row.case_id, status, row.case_status, row.tracking_no))
    return found


def _match(order_no: str, tracking: str, candidates: list[_Candidate]) -> tuple[LineOutcome, int | None, str]:
    ready = [c for c in candidates if c.status is ReshipStatus.AGREED
             and c.case_status == CaseStatus.RESHIP_AGREED.value]
    if len(ready) == 1:
        return LineOutcome.READY, ready[0].case_id, msg.say(msg.PASTE_READY, ready[0].case_id)
    if len(ready) > 1:
        numbers = "、".join(f"#{c.case_id}" for c in ready)
        return LineOutcome.AMBIGUOUS, None, msg.say(msg.PASTE_AMBIGUOUS, order_no, numbers)
    shipped = [c for c in candidates if c.status is ReshipStatus.SHIPPED]
    same = [c for c in shipped if c.tracking == tracking]
    if same:
        return LineOutcome.ALREADY, same[0].case_id, msg.say(msg.PASTE_ALREADY, same[0].case_id)
    if shipped:
        c = shipped[-1]
        return LineOutcome.CONFLICT, c.case_id, (msg.say(msg.PASTE_CONFLICT, c.case_id, c.tracking) if c.tracking
                                                 else msg.say(msg.PASTE_CONFLICT_NO_NUMBER, c.case_id))
    asking = [c for c in candidates if c.status is ReshipStatus.REQUESTED]
    if asking:
        return LineOutcome.NOT_AGREED, asking[0].case_id, msg.say(msg.PASTE_NOT_AGREED, asking[0].case_id)
    if candidates:
        c = candidates[-1]
        return LineOutcome.NOT_FOUND, c.case_id, msg.say(msg.PASTE_ENDED, c.case_id, status_label(c.status))
    lost = lost_digits(order_no)
    if lost:  # copied from a sheet where Excel rounded the long number: say so, not just 'not found'
        return LineOutcome.NOT_FOUND, None, msg.say(msg.PASTE_ROUNDED, order_no, lost)
    return LineOutcome.NOT_FOUND, None, msg.say(msg.PASTE_NOT_FOUND, order_no)


def _check_lines(session: Session, text: str, carrier: str | None) -> list[BulkShipLine]:
    default_carrier = clean_carrier(carrier)
    pasted = split_pasted(text)
    parsed: list[BulkShipLine] = []
    for index, p in enumerate(pasted):
        if p.length > MAX_PASTED_LINE:
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.INVALID,
                                       message=msg.say(msg.PASTE_LINE_TOO_LONG, p.length, MAX_PASTED_LINE)))
            continue
        cells = list(p.cells)
        while cells and not cells[-1]:
            cells.pop()
        if index == 0 and cells and not any(ch.isdigit() for ch in cells[0]):
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.HEADER, message=msg.say(msg.PASTE_HEADER_SKIPPED)))
            continue
        if len(cells) < 2:
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.INVALID,
                                       message=msg.say(msg.PASTE_TWO_COLUMNS)))
            continue
        try:
            order_no = clean_order_no(cells[0])
            tracking = clean_tracking(cells[1])
            # No carrier column: the one the number's letters name (SF… 顺丰) before the list's carrier, which
            # the window fills with the last one used (a list of SF numbers went in as 圆通速递); then the
            # one its digits suggest. What the line says is what is stored (the preview shows it).
            company = (clean_carrier(cells[2]) if len(cells) > 2 and cells[2]
                       else carrier_named_by_prefix(tracking) or default_carrier or guess_carrier(tracking))
        except UserError as error:
            parsed.append(BulkShipLine(p.line, p.text, LineOutcome.INVALID, message=error.message))
            continue
        parsed.append(BulkShipLine(p.line, p.text, LineOutcome.READY, order_no, tracking, company))
    candidates = _candidates(session, (line.order_no for line in parsed if line.order_no))
    seen: dict[str, int] = {}
    checked: list[BulkShipLine] = []
    for line in parsed:
        if line.outcome is not LineOutcome.READY or line.order_no is None or line.tracking is None:
            checked.append(line)
            continue
        if line.order_no in seen:
            first = seen[line.order_no]
            checked.append(BulkShipLine(line.line, line.text, LineOutcome.DUPLICATE, line.order_no, line.tracking,
                                        line.carrier, message=msg.say(msg.PASTE_REPEATED, line.order_no, first)))
            continue
        seen[line.order_no] = line.line
        outcome, case_id, message = _match(line.order_no, line.tracking, candidates.get(line.order_no, []))
        checked.append(BulkShipLine(line.line, line.text, outcome, line.order_no, line.tracking, line.carrier,
                                    case_id, message))
    return checked


def check_bulk_ship(session: Session, text: str, carrier: str | None = None) -> BulkShipReport:
    """What a paste would do, line by line, without writing anything (the dialog's preview)."""
    return BulkShipReport(tuple(_check_lines(session, text, carrier)), applied=False)


def bulk_ship(db: Database, text: str, carrier: str | None = None, at: Moment | None = None,
              author: str | None = None) -> BulkShipReport:
    """Ship every line that matches one agreed reship, in one transaction; report every line.

    Lines: order number, tracking number, optionally the carrier (else the one the number's letters name,
    else `carrier`). Lines that do not match (or are malformed) are reported and skipped; the others are
    shipped together.
    """
    who = current_author() if author is None else author
    when = at or Moment(now())
    with db.transaction() as session:
        lines = _check_lines(session, text, carrier)
        context = RuleContext.load(session)
        # Their cases locked first, in id order as every recompute locks: two seats pasting lists that share
        # cases in another order deadlocked, and one seat's whole paste failed ("另一个席位同时修改了同一条记录").
        ready = [line.case_id for line in lines if line.outcome is LineOutcome.READY and line.case_id is not None]
        lock_if_shared(session, ready)
        if ready:
            # Read again now that they are ours: another seat's paste of the same courier sheet committed before
            # the lock, and each line it shipped was refused as 格式错误 naming its state, not 已录入过 / 已发出.
            lines = _check_lines(session, text, carrier)
        done: list[BulkShipLine] = []
        for line in lines:
            if line.outcome is not LineOutcome.READY or line.case_id is None or line.tracking is None:
                done.append(line)
                continue
            case = load_case(session, line.case_id, None)
            try:
                ship_in_session(session, case, line.carrier, line.tracking, when, None, who, context)
            except UserError as error:  # checked before any write of this line: nothing to undo
                done.append(BulkShipLine(line.line, line.text, LineOutcome.INVALID, line.order_no, line.tracking,
                                         line.carrier, line.case_id, error.message))
                continue
            done.append(BulkShipLine(line.line, line.text, LineOutcome.SHIPPED, line.order_no, line.tracking,
                                     line.carrier, line.case_id, line.message))
        return BulkShipReport(tuple(done), applied=True, changes=changes_in(session))

