"""`reship list | ship | paste | promise | agree | refuse | out-of-stock | items`: the reship queue, headless.

Reships are numbered by their case number: `reship ship 12` ships the reship of case #12.
"""

from __future__ import annotations

import argparse
import codecs
import sys
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    event_moment,
    opened_ledger,
    print_json,
    say_same_kind_open,
)
from desktop_app.core.clock import CHINA, format_china, now
from desktop_app.core.deadline_display import format_remaining
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.core.money import fen_to_yuan
from desktop_app.core.reship_states import ReshipItemRow, format_items, status_label
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, platform_ids
from desktop_app.io.nul_bytes import utf16_without_bom
from desktop_app.io.toml_files import NotAPlainFile, read_small_file
from desktop_app.services.reship_paste import BulkShipReport, outcome_label
from desktop_app.services.reship_queue import ReshipRow
from desktop_app.store.reship_queue_rows import QueueScope


def register(subparsers: Any) -> None:
    reship = subparsers.add_parser(
        "reship", help="补发队列：列表、录入运单号、记录承诺补发、缺货改退款",
        description="补发队列。补发按售后单编号称呼：`reship ship 12` 即售后单 #12 的补发。",
    )
    sub = reship.add_subparsers(dest="reship_command", metavar="SUBCOMMAND", title="子命令")

    lst = sub.add_parser("list", help="列出待补发的（按发货时限排序）")
    lst.add_argument("--all", action="store_true", help="包括已发出（含运单号）、已拒绝、缺货改退款的")
    add_json_option(lst)
    add_db_option(lst)
    lst.set_defaults(handler=_list)

    ship = sub.add_parser("ship", help="录入补发的快递公司和运单号")
    ship.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    ship.add_argument("--carrier", required=True, help="快递公司，例如 顺丰")
    ship.add_argument("--tracking", required=True, help="运单号")
    ship.add_argument("--at", metavar="T", help="发货时间 YYYY-MM-DD HH:MM（默认：现在）")
    ship.add_argument("--note", help="备注")
    add_db_option(ship)
    ship.set_defaults(handler=_ship)

    paste = sub.add_parser("paste", help="批量录入运单号：每行 订单号、运单号[、快递公司]（制表符或逗号分隔）")
    paste.add_argument("file", nargs="?", default="-", help="文本文件；省略或 - 表示从标准输入读取")
    paste.add_argument("--carrier", help="没有第三列、运单号也不以快递公司字母（SF…、YT…）开头时使用的快递公司")
    paste.add_argument("--at", metavar="T", help="发货时间（默认：现在）")
    paste.add_argument("--check", action="store_true", help="只检查每行能否匹配，不录入")
    add_json_option(paste)
    add_db_option(paste)
    paste.set_defaults(handler=_paste)

    promise = sub.add_parser("promise", help="记录在聊天中承诺的补发（拼多多承诺履约），输出新售后单编号")
    promise.add_argument("--platform", required=True, help=f"平台：{platform_ids()}（或中文名）")
    promise.add_argument("--order", required=True, help="订单号")
    promise.add_argument("--at", metavar="T", help="承诺时间（默认：现在）")
    promise.add_argument("--reason", type=given("--reason"), help="原因：" + " ".join(r.value for r in CaseReason))
    promise.add_argument("--receiver", help="收货人（订单未导入时）")
    promise.add_argument("--note", help="说明，例如 少发一只袜子")
    add_db_option(promise)
    promise.set_defaults(handler=_promise)

    agree = sub.add_parser("agree", help="同意补发")
    agree.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    agree.add_argument("--at", metavar="T", help="同意时间（默认：现在）")
    agree.add_argument("--note", help="备注")
    add_db_option(agree)
    agree.set_defaults(handler=_agree)

    refuse = sub.add_parser("refuse", help="拒绝补发（须写明原因）")
    refuse.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    refuse.add_argument("--note", required=True, help="拒绝原因")
    refuse.add_argument("--at", metavar="T", help="拒绝时间（默认：现在）")
    add_db_option(refuse)
    refuse.set_defaults(handler=_refuse)

    stock = sub.add_parser("out-of-stock", help="缺货：补发改为仅退款（售后单变为“仅退款 / 处理中”）")
    stock.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    stock.add_argument("--note", help="说明")
    stock.add_argument("--at", metavar="T", help="时间（默认：现在）")
    add_db_option(stock)
    stock.set_defaults(handler=_out_of_stock)

    items = sub.add_parser("items", help="设置要补发的商品（替换原有的）")
    items.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    items.add_argument("--item", action="append", required=True, metavar="标题|规格|数量",
                       help="一件商品，可重复；规格和数量可省略（数量默认 1），例如 --item '袜子|白色|1'")
    add_db_option(items)
    items.set_defaults(handler=_items)



def _iso(value: datetime | None) -> str | None:
    return value.astimezone(CHINA).isoformat(timespec="seconds") if value else None


def _label(enum: type[Platform] | type[CaseReason], value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum(value).label
    except ValueError:  # written by a newer version
        return value


def as_json(row: ReshipRow, moment: datetime | None = None) -> dict[str, Any]:
    """The documented JSON shape; times ISO-8601 in China time (+08:00)."""
    return {
        "case": row.case_id,
        "order": row.order_no,
        "platform": row.platform,
        "receiver": row.receiver,
        "phone": row.phone,
        "address": row.address,
        "items": [{"title": i.title, "spec": i.spec, "quantity": i.quantity} for i in row.items],
        "items_from_order": row.items_from_order,
        "reason": row.reason,
        "status": row.status.value,
        "requested_at": _iso(row.requested_at),
        "promised_at": _iso(row.promised_at),
        "ship_by": _iso(row.ship_by),
        "ship_timer": row.ship_timer,
        "answer_by": _iso(row.answer_by),
        "penalty": row.penalty,
        # The amount the penalty puts at stake (or took, when late), as `deadlines --json`; null if none.
        "penalty_yuan": None if row.penalty_fen is None else str(fen_to_yuan(row.penalty_fen)),
        # It fell due (shipped late, or promised and not shipped by its ship-by): the case's cost counts it.
        "penalty_owed": row.penalty_fell_due(moment or now()),
        "late": row.late,
        "carrier": row.carrier,
        "tracking": row.tracking_no,
        "shipped_at": _iso(row.shipped_at),
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _due_text(row: ReshipRow, moment: datetime) -> str:
    if row.ship_settled(moment):
        return f"平台已{row.ship_expiry or '自动处理'}，不要再发货"
    due = row.due(moment)
    if due is not None:
        prefix = ("平台已自动同意，发货" if row.settled(moment)
                  else "答复" if row.answer_by is not None and due == row.answer_by else "发货")
        return f"{prefix}{format_china(due)}（{format_remaining(due, moment)}）"
    if row.settled(moment):
        return "平台已自动同意"
    if row.tracking_no:
        return f"{row.carrier or ''} {row.tracking_no}".strip() + ("（超时发出）" if row.late else "")
    return ""


def render_table(rows: list[ReshipRow], moment: datetime) -> str:
    if not rows:
        return "补发队列是空的。\n"
    header = ("售后单", "平台", "订单号", "收货人", "补发商品", "原因", "状态", "时限 / 运单号")
    lines: list[tuple[str, ...]] = [header]
    for row in rows:
        lines.append((
            f"#{row.case_id}", _label(Platform, row.platform), row.order_no, row.receiver or "",
            format_items(row.items) or "（未定）", _label(CaseReason, row.reason), status_label(row.status),
            _due_text(row, moment),
        ))
    widths = [max(_width(line[i]) for line in lines) for i in range(len(header))]
    out = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines]
    waiting = sum(1 for r in rows if r.is_open)
    overdue = sum(1 for r in rows if r.is_open and (due := r.due(moment)) is not None and due <= moment)
    out.append(f"共 {len(rows)} 条，待处理 {waiting} 条，其中已逾期 {overdue} 条。")
    return "\n".join(out) + "\n"


def _list(args: argparse.Namespace) -> int:
    from desktop_app.services.deadline_rules import RuleContext
    from desktop_app.services.deadlines import recompute_changed_rules
    from desktop_app.services.reship_queue import reship_rows

    with opened_ledger(args) as db:
        context = RuleContext.load(db)
        # Ship-bys come from the stored deadlines: bring them in line with edited rule packs first.
        recompute_changed_rules(db, context)
        with db.reading() as session:
            rows = reship_rows(session, QueueScope.ALL if args.all else QueueScope.OPEN, context=context)
    if args.json:
        print_json([as_json(r) for r in rows])
    else:
        sys.stdout.write(render_table(rows, now()))
    return 0


def _ship(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import ship

    at = event_moment(args.at, "发货时间")
    with opened_ledger(args) as db:
        ship(db, args.id, args.carrier, args.tracking, at=at, note=args.note)
    print(f"#{args.id} 补发已发出：{args.carrier.strip()} {args.tracking.strip()}")
    return 0


# 100,000 lines (reship_paste.MAX_PASTED_LINES) of an order number, a tracking number and a carrier's name
# are ≈ 5 MB.
MAX_PASTE_BYTES = 8 * 1024 * 1024


def _read_text(name: str) -> str:
    if name == "-":
        # Capped like a file: `cat huge | reship paste -` (or /dev/zero piped in) was read whole.
        data = sys.stdin.buffer.read(MAX_PASTE_BYTES + 1)
        if len(data) > MAX_PASTE_BYTES:
            raise CommandError(f"标准输入的内容太大（超过 {MAX_PASTE_BYTES // (1024 * 1024)} MB），什么也没有录入："
                               "请分成几批粘贴")
        return _decoded(data, "标准输入")
    path = Path(name)
    try:
        data = read_small_file(path, MAX_PASTE_BYTES, pipes=True)  # `reship paste <(…)` is a pipe
    except NotAPlainFile as error:
        raise CommandError(f"无法读取文件 {path}：{error}") from None
    except OSError as error:
        raise CommandError(f"无法读取文件 {path}：{system_error_text(error)}") from None
    return _decoded(data, f"文件 {path}")


def _decoded(data: bytes, source: str) -> str:
    # Excel on Chinese Windows saves text as GB18030; its "Unicode 文本" (tab-separated, what a column pair copied
    # into a .txt becomes) is UTF-16 with a byte order mark, and was refused as no text file.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030", *filter(None, [utf16_without_bom(data[:4096])]))
        if b"\x00" in data[:4096]:  # a NUL in a UTF-8 or GB text is no paste: UTF-16 without its mark first
            encodings = encodings[2:] + encodings[:2]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"{source} 不是文本文件")


def report_json(report: BulkShipReport) -> dict[str, Any]:
    return {
        "applied": report.applied,
        "shipped": report.shipped,
        "ready": report.ready,
        "problems": len(report.problems),
        "lines": [
            {"line": line.line, "outcome": line.outcome.value, "order": line.order_no, "tracking": line.tracking,
             "carrier": line.carrier, "case": line.case_id, "message": line.message}
            for line in report.lines
        ],
    }


def _paste(args: argparse.Namespace) -> int:
    from desktop_app.services.reship_paste import bulk_ship, check_bulk_ship

    text = _read_text(args.file)
    at = event_moment(args.at, "发货时间")
    with opened_ledger(args) as db:
        if args.check:
            with db.reading() as session:
                report = check_bulk_ship(session, text, args.carrier)
        else:
            report = bulk_ship(db, text, args.carrier, at)
    if args.json:
        print_json(report_json(report))
    else:
        for line in report.lines:
            print(f"第{line.line}行\t{outcome_label(line.outcome)}\t{line.message}".rstrip())
        done = f"可录入 {report.ready} 条" if not report.applied else f"已录入 {report.shipped} 条"
        print(f"{done}，有问题 {len(report.problems)} 条。")
    return 1 if report.problems else 0


def _promise(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import record_promise

    platform = Platform.parse(args.platform)
    reason = CaseReason.parse(args.reason) if args.reason else None
    at = event_moment(args.at, "承诺时间")
    with opened_ledger(args, creates=True) as db:
        opened = record_promise(db, platform, args.order, at=at, note=args.note, reason=reason,
                                receiver=args.receiver)
    # Two seats promising the one reship a buyer asked both for in chat (at once, or minutes apart): two parcels.
    say_same_kind_open(args.order, CaseKind.RESHIP.label, opened.same_kind_open)
    print(opened.case_id)
    return 0


def _agree(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import agree

    at = event_moment(args.at, "同意时间")
    with opened_ledger(args) as db:
        agree(db, args.id, at=at, note=args.note)
    print(f"#{args.id} 已同意补发")
    return 0


def _refuse(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import refuse

    at = event_moment(args.at, "拒绝时间")
    with opened_ledger(args) as db:
        refuse(db, args.id, args.note, at=at)
    print(f"#{args.id} 已拒绝补发")
    return 0


def _out_of_stock(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import mark_out_of_stock

    at = event_moment(args.at, "时间")
    with opened_ledger(args) as db:
        mark_out_of_stock(db, args.id, args.note, at=at)
    print(f"#{args.id} 缺货，已改为仅退款，请在平台上给买家退款")
    return 0


def parse_item(text: str) -> ReshipItemRow:
    """'标题|规格|数量' with spec and quantity optional."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) > 3:
        raise UserError(f"商品“{text}”的格式应为 标题|规格|数量")
    title = parts[0]
    spec = parts[1] if len(parts) > 1 and parts[1] else None
    quantity_text = parts[2] if len(parts) > 2 and parts[2] else "1"
    if not quantity_text.isdigit():
        raise UserError(f"商品“{title}”的数量“{quantity_text}”不是正整数")
    return ReshipItemRow(title, spec, int(quantity_text))


def _items(args: argparse.Namespace) -> int:
    from desktop_app.services.reships import update_items

    items = [parse_item(text) for text in args.item]
    with opened_ledger(args) as db:
        update_items(db, args.id, items)
    print(f"#{args.id} 补发商品：{format_items(items)}")
    return 0
