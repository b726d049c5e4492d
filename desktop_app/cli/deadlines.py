"""`deadlines`: the platform timers running on cases, soonest first.

    python -m desktop_app deadlines [--case N] [--within HOURS] [--overdue] [--all] [--json] [--db PATH]

Deadlines are recomputed first (the case given, or every open case), so the list always reflects
the rule packs in force, including edits made since the last run.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from datetime import date, datetime
from typing import Any

from desktop_app.cli import workdays
from desktop_app.cli.arguments import hours, record_id
from desktop_app.cli.common import CommandError, add_db_option, add_json_option, looking_up, opened_ledger, print_json
from desktop_app.core.clock import as_china, format_china, now
from desktop_app.core.deadline_display import Urgency, format_remaining
from desktop_app.core.deadlines import DeadlineStatus
from desktop_app.core.money import fen_to_yuan, format_yuan
from desktop_app.core.rule_pack_model import PENALTY_UNKNOWN, WINDOW_ESTIMATE
from desktop_app.core.vocabulary import Platform
from desktop_app.core.working_days import schedule_warning
from desktop_app.services.deadline_rules import RuleContext, rule_warnings
from desktop_app.services.deadlines import older_app_note, recompute_all, recompute_case
from desktop_app.store.deadline_lists import DeadlineRow, list_deadlines

_URGENCY_MARK = {Urgency.OVERDUE: "！", Urgency.SOON: "●", Urgency.LATER: ""}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "deadlines",
        help="列出平台时限（默认：进行中的，按到期时间排序）",
        description="列出售后单上正在计时的平台时限（自动退款、平台介入、补发赔付……），按到期时间排序。"
        "列出前会按当前规则重新计算。",
    )
    parser.add_argument("--case", type=record_id, metavar="N", help="只看这个售后单")
    parser.add_argument("--within", type=hours, metavar="HOURS", help="只看这么多小时内到期的（含已逾期的）")
    parser.add_argument("--overdue", action="store_true", help="只看已逾期的")
    parser.add_argument("--all", action="store_true", help="包括已完成（met）和已超时（missed）的")
    add_json_option(parser)
    add_db_option(parser)
    parser.set_defaults(handler=run)
    # The working-day schedule belongs with the deadlines it counts (registered here, one module each).
    workdays.register(subparsers)


def run(args: argparse.Namespace) -> int:
    if args.within is not None and not args.within > 0:
        raise CommandError("--within 必须是大于 0 的小时数")
    if args.case is not None and args.case <= 0:
        raise CommandError("--case 必须是正整数（售后单编号）")
    with opened_ledger(args) as db:
        context = RuleContext.load(db)
        older = older_app_note(db)
        if older is not None:  # the listing as a newer seat computed it, without rewriting it here
            sys.stderr.write(f"注意：{older}\n")
        elif args.case is not None:
            with looking_up(), db.transaction() as session:
                recompute_case(session, args.case, context)
        else:
            # Every open case, not just the platforms whose rules changed: a script may have written
            # events with another tool, and the listing must be right whatever wrote them
            # (about 1.7 s for 100,000 open cases, milliseconds for a shop's usual few hundred).
            recompute_all(db, context)
        moment = now()
        with db.reading() as session:
            rows = list_deadlines(
                session, case_id=args.case, within_hours=args.within, overdue=args.overdue,
                include_all=args.all, now=moment,
            )
    if args.json:
        print_json([as_json(row, moment) for row in rows])
    else:
        sys.stdout.write(render_table(rows, moment))
    for note in rule_notes(rows, context, as_china(moment).date()):
        sys.stderr.write(f"注意：{note}\n")
    return 0


def rule_notes(rows: list[DeadlineRow], context: RuleContext, today: date) -> list[str]:
    """What the calendar's notice says about the rules in force today (issue 13 items 6 and 7: no official
    holiday schedule for this year, or next year from November; no window of this year for 双11; 春节 coming
    without its window), then why the listed deadlines marked 估算 are estimates where that is not said yet: a
    working-day span ending in a year without an official schedule, a yearly window carried into a year without
    its own dates (its name says （估算）)."""
    warnings = rule_warnings(context, today)
    notes = [w.text for w in warnings]
    estimated = [row for row in rows if row.estimated]
    schedule = context.calendar.schedule
    warned = {w.year for w in warnings if w.event is None}
    years = sorted({year for row in estimated if not schedule.covers(year := as_china(row.due_at).year)} - warned)
    notes.extend(schedule_warning(year) for year in years)
    if (any(WINDOW_ESTIMATE in row.name for row in estimated)
            and not any(w.event is not None and not w.announced for w in warnings)):
        notes.append("时限名称中标“（估算）”的活动窗口（如双11）还没有当年的日期，按往年的日期估算；"
                     "活动公告出来后请在“时效规则”中添加当年的窗口。")
    return notes


def as_json(row: DeadlineRow, moment: datetime) -> dict[str, Any]:
    """The documented JSON shape; times are ISO-8601 in China time (+08:00)."""
    return {
        "case": row.case_id,
        "order": row.order_no,
        "platform": row.platform,
        "timer": row.timer_id,
        "name": row.name,
        "due_at": as_china(row.due_at).isoformat(timespec="seconds"),
        "action": row.action,
        "status": row.status.value,
        # Money at stake (open) or lost (missed) by the platform's penalty, "3.00" yuan; null if none.
        "penalty_yuan": None if row.penalty_fen is None else str(fen_to_yuan(row.penalty_fen)),
        # Open, run out, and the platform acted by itself (抖店 agreed to the reship): no work, not overdue.
        "platform_acted": row.settled(moment),
        # Counted on working days of a year without an official schedule (the table's （估算）).
        "estimated": row.estimated,
        # Money is at stake but its amount is a share of an order that was not imported (the name says the cap).
        "penalty_unknown": PENALTY_UNKNOWN in row.name,
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _platform_label(platform: str) -> str:
    try:
        return Platform(platform).label
    except ValueError:
        return platform


def _settled_text(row: DeadlineRow) -> str:
    """"平台已自动同意补寄" for an open timer the platform settled when it ran out; "已超时，平台已处理"
    for one a later platform action ended (the 72 h to answer, ended by the refund on day 5)."""
    if not row.automatic:
        return "已超时，平台已处理"
    return f"平台已{row.action}" if row.action.startswith("自动") else "平台已自动处理"


def render_table(rows: list[DeadlineRow], moment: datetime) -> str:
    if not rows:
        return "没有符合条件的时限。\n"
    header = ("到期时间", "剩余", "售后单", "订单号", "平台", "时限", "到期后果", "状态")
    lines: list[tuple[str, ...]] = [header]
    for row in rows:
        level = row.urgency(moment)
        status = "平台已处理" if row.settled(moment) else row.status.label
        if row.settled(moment):
            remaining = _settled_text(row)
        elif row.status is DeadlineStatus.OPEN:
            remaining = _URGENCY_MARK[level] + format_remaining(row.due_at, moment) if level else ""
        elif row.met_at is not None and row.met_at > moment:
            # Met by what the platform will do by itself (淘宝 agrees to a 7-day return the moment the
            # buyer could escalate): nothing has happened yet, so not "已完成 <a future time>".
            remaining, status = f"将于{format_china(row.met_at)}由平台处理", "待平台处理"
        else:
            remaining = f"{row.status.label} {format_china(row.met_at)}".strip()
        lines.append((
            format_china(row.due_at) + ("（估算）" if row.estimated else ""), remaining,
            str(row.case_id) if row.case_id is not None else "—",
            row.order_no or "", _platform_label(row.platform), row.name,
            row.action if row.penalty_fen is None else f"{row.action}（{format_yuan(row.penalty_fen)}元）",
            status,
        ))
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    open_count = sum(1 for r in rows if r.status is DeadlineStatus.OPEN and not r.settled(moment))
    overdue = sum(1 for r in rows if r.urgency(moment) is Urgency.OVERDUE)
    out.append(f"共 {len(rows)} 条，进行中 {open_count} 条，其中已逾期 {overdue} 条。")
    return "\n".join(out) + "\n"
