"""`returns find | receive | transit | unmatched | match`: the returns desk (退货入库), headless.

Exit codes: 0 done; 1 nothing matched (`find`: no case has that return tracking number; `receive`:
the parcel was recorded as an unmatched parcel 无主件, to be matched later); 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from desktop_app.cli.arguments import days, record_id
from desktop_app.cli.common import CommandError, add_db_option, add_json_option, event_moment, opened_ledger, print_json
from desktop_app.core.clock import CHINA, format_china, now
from desktop_app.core.deadline_display import ShownDue
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.money import fen_to_yuan, format_yuan
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.store.return_queries import ReturnCaseRow, UnmatchedParcelRow

DEFAULT_TRANSIT_DAYS = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    returns = subparsers.add_parser("returns", help="退货入库：扫运单号找售后单、验货、无主件",
                                    description="退货入库")
    sub = returns.add_subparsers(dest="returns_command", metavar="SUBCOMMAND", title="子命令")

    find = sub.add_parser("find", help="按买家退货运单号找售后单（找不到时退出码 1）")
    find.add_argument("tracking", metavar="TRACKING", help="退货包裹的运单号（扫码枪扫入即可）")
    add_db_option(find)
    add_json_option(find)
    find.set_defaults(handler=_find)

    receive = sub.add_parser("receive", help="退货包裹到了：确认收货并登记验货结果；"
                                             "找不到售后单时登记为无主件（退出码 1）")
    receive.add_argument("tracking", metavar="TRACKING", help="退货包裹的运单号（扫码枪扫入即可）")
    receive.add_argument("--result", required=True,
                         help="验货结果：" + " ".join(f"{r.value}（{r.label}）" for r in InspectionResult))
    receive.add_argument("--note", help="验货备注")
    receive.add_argument("--at", metavar="T", help="收到时间（默认：现在）")
    add_db_option(receive)
    add_json_option(receive)
    receive.set_defaults(handler=_receive)

    transit = sub.add_parser("transit", help="买家寄出超过 N 天仍未收到的退货")
    transit.add_argument("--days", type=days("--days"), default=DEFAULT_TRANSIT_DAYS,
                         help=f"寄出超过几天（默认 {DEFAULT_TRANSIT_DAYS}）")
    add_db_option(transit)
    add_json_option(transit)
    transit.set_defaults(handler=_transit)

    unmatched = sub.add_parser("unmatched", help="无主件：找不到售后单的退货包裹")
    unmatched.add_argument("--all", action="store_true", help="也列出已关联的")
    add_db_option(unmatched)
    add_json_option(unmatched)
    unmatched.set_defaults(handler=_unmatched)

    match = sub.add_parser("match", help="把无主件关联到售后单（确认收货并带上验货结果）")
    match.add_argument("parcel", type=record_id, metavar="PARCEL", help="无主件编号")
    match.add_argument("case", type=record_id, metavar="CASE", help="售后单编号")
    add_db_option(match)
    add_json_option(match)
    match.set_defaults(handler=_match)


def _due_cells(shown: ShownDue) -> list[str]:
    if shown.timer is not None:
        return [shown.timer.name, format_china(shown.timer.due_at)]
    return [f"平台已超时自动处理：{shown.acted}"] if shown.acted else []


def _iso(value: Any) -> str | None:
    return value.astimezone(CHINA).isoformat() if value is not None else None


def case_json(row: ReturnCaseRow, same_parcel: list[int] | None = None) -> dict[str, Any]:
    # The deadline the window shows now (as `case show`): not one the platform already settled by itself.
    shown = row.shown(now())
    return {
        "case": row.id,
        "order": row.order_no,
        "status": row.status,
        "status_label": CaseStatus(row.status).label,
        "open": row.is_open,
        "kind": row.kind,
        "reason": row.reason,
        "platform": row.platform,
        "shop": row.shop,
        "receiver": row.receiver,
        "refund": str(fen_to_yuan(row.refund_fen)) if row.refund_fen is not None else None,
        "return_carrier": row.return_carrier,
        "return_tracking": row.return_tracking_no,
        "return_shipped_at": _iso(row.return_shipped_at),
        "next_due_at": _iso(shown.timer.due_at) if shown.timer else None,
        "next_due": shown.timer.name if shown.timer else None,
        "platform_acted": shown.acted,  # nothing left to do: the timer the platform settled last
        "items": [{"title": i.title, "spec": i.spec, "quantity": i.quantity} for i in row.items],
        "inspections": [
            {"result": x.result, "at": _iso(x.received_at), "note": x.note, "by": x.inspected_by}
            for x in row.inspections
        ],
        "same_parcel": same_parcel or [],
    }


def parcel_json(p: UnmatchedParcelRow) -> dict[str, Any]:
    return {
        "id": p.id, "tracking": p.tracking_no, "carrier_guess": p.carrier_guess, "result": p.result,
        "note": p.note, "received_at": _iso(p.received_at), "by": p.recorded_by,
        "matched_case": p.matched_case_id, "matched_at": _iso(p.matched_at),
    }


def _print_case(row: ReturnCaseRow) -> None:
    reason = f"（{CaseReason(row.reason).label}）" if row.reason else ""
    print(f"售后单 #{row.id}  {Platform(row.platform).label}  订单 {row.order_no}  "
          f"{CaseKind(row.kind).label}{reason}  {CaseStatus(row.status).label}")
    parcel = " ".join(x for x in (row.return_carrier, row.return_tracking_no) if x)
    shipped = f"（{format_china(row.return_shipped_at)} 寄出）" if row.return_shipped_at else ""
    refund = format_yuan(row.refund_fen) or "—"
    print(f"买家：{row.receiver or '—'}  退款：{refund}  退货运单：{parcel or '—'}{shipped}")
    print("应退回：" if row.items else "应退回：（订单未导入，没有商品明细）")
    for item in row.items:
        print(f"  · {item.title} {item.spec or ''} ×{item.quantity}")
    for x in row.inspections:
        print(f"已验货：{format_china(x.received_at)} {InspectionResult(x.result).label} {x.note or ''}".rstrip())


def _find(args: argparse.Namespace) -> int:
    from desktop_app.services.returns import clean_return_tracking
    from desktop_app.store.return_queries import cases_by_return_tracking, waiting_parcel

    if not args.tracking.strip(" \t\r\n'=\""):  # nothing to look up is a usage error (exit 2), not "not found"
        raise CommandError("运单号不能为空：请给出买家退货的运单号"
                           "（用 python -m desktop_app returns find --help 查看说明）", 2)
    try:
        number = clean_return_tracking(args.tracking)
    except UserError as exc:  # no case can have a number that is not one: "not found" too
        raise CommandError(f"{exc.message}；没有找到对应的售后单", 1) from None
    with opened_ledger(args) as db, db.reading() as session:
        rows = cases_by_return_tracking(session, number)
        waiting = waiting_parcel(session, number) if not rows else None
    if not rows:
        hint = f"（该包裹已作为无主件 #{waiting.id} 入库）" if waiting else ""
        raise CommandError(f"没有售后单登记了退货运单号 {number}{hint}", 1)
    if args.json:
        print_json(case_json(rows[0], [r.id for r in rows[1:]]))
        return 0
    for position, row in enumerate(rows):
        if position:
            print("同一包裹的另一张售后单：")
        _print_case(row)
    return 0


def _receive(args: argparse.Namespace) -> int:
    from desktop_app.services.returns import receive_return

    result = InspectionResult.parse(args.result)
    at = event_moment(args.at, "收到时间")
    with opened_ledger(args, creates=True) as db:
        outcome = receive_return(db, args.tracking, result, note=args.note, at=at)
    if not outcome.matched:
        parcel = outcome.parcel
        assert parcel is not None
        if args.json:
            print_json({"tracking": outcome.tracking_no, "result": result.value, "matched": False,
                        "unmatched_parcel": parcel.id, "carrier_guess": parcel.carrier_guess,
                        "received_at": _iso(parcel.received_at), "repeated": outcome.repeated})
        again = "（此前已登记过，已更新验货结果）" if outcome.repeated else ""
        carrier = f"，快递推测为{parcel.carrier_guess}" if parcel.carrier_guess else ""
        sys.stderr.write(f"没有售后单登记了退货运单号 {outcome.tracking_no}：已登记为无主件 #{parcel.id}{again}"
                         f"{carrier}；找到对应售后单后用 returns match {parcel.id} 售后单号 关联\n")
        return 1
    cases = [{
        "case": c.case_id, "order": c.order_no, "before": c.before.value, "status": c.status.value,
        "received": c.received, "inspection": c.inspection_id,
        "suggestion": {"action": c.suggestion.action.value if c.suggestion.action else None,
                       "text": c.suggestion.text, "reason": c.suggestion.reason},
    } for c in outcome.cases]
    if args.json:
        first = outcome.cases[0]
        print_json({"tracking": outcome.tracking_no, "result": result.value, "matched": True,
                    "case": first.case_id, "order": first.order_no, "status": first.status.value, "cases": cases})
        return 0
    for c in outcome.cases:
        step = f"已确认收货（{c.before.label} → {c.status.label}）" if c.received else f"状态不变（{c.status.label}）"
        print(f"#{c.case_id} 订单 {c.order_no}  验货：{result.label}  {step}")
        action = f"【{c.suggestion.action.label}】" if c.suggestion.action else ""
        print(f"  建议：{action}{c.suggestion.text}（{c.suggestion.reason}）")
    return 0


def _transit(args: argparse.Namespace) -> int:
    from desktop_app.store.return_queries import returns_in_transit

    if args.days < 0:
        raise CommandError("--days 不能为负数")
    with opened_ledger(args) as db, db.reading() as session:
        rows = returns_in_transit(session, now() - timedelta(days=args.days))
    if args.json:
        print_json([case_json(r) for r in rows])
        return 0
    moment = now()
    for r in rows:
        print("\t".join([f"#{r.id}", Platform(r.platform).label, r.order_no, r.receiver or "",
                         " ".join(x for x in (r.return_carrier, r.return_tracking_no) if x),
                         f"{format_china(r.return_shipped_at)} 寄出", *_due_cells(r.shown(moment))]).rstrip())
    if not rows:
        sys.stderr.write(f"没有寄出超过 {args.days} 天仍未收到的退货\n")
    return 0


def _unmatched(args: argparse.Namespace) -> int:
    from desktop_app.store.return_queries import unmatched_parcels

    with opened_ledger(args) as db, db.reading() as session:
        rows = unmatched_parcels(session, include_matched=args.all)
    if args.json:
        print_json([parcel_json(p) for p in rows])
        return 0
    for p in rows:
        matched = f"已关联 #{p.matched_case_id}" if p.matched_at else "待关联"
        print("\t".join([f"#{p.id}", p.tracking_no, p.carrier_guess or "未知快递", format_china(p.received_at),
                         InspectionResult(p.result).label, p.note or "", matched]))
    if not rows:
        sys.stderr.write("没有无主件\n")
    return 0


def _match(args: argparse.Namespace) -> int:
    from desktop_app.services.returns import match_parcel

    with opened_ledger(args) as db:
        done = match_parcel(db, args.parcel, args.case).value
    if args.json:
        print_json({"parcel": args.parcel, "case": done.case_id, "status": done.status.value,
                    "received": done.received})
        return 0
    print(f"无主件 #{args.parcel} 已关联到售后单 #{done.case_id}（{done.status.label}）")
    print(f"  建议：{done.suggestion.text}（{done.suggestion.reason}）")
    return 0
