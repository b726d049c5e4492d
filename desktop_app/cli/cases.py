"""`case add | list | show | act | edit | note | undo`: the Cases tab, headless. This module parses every `case`
subcommand and adds, lists and shows cases; the steps on a case (`act`, `note`, `undo`) are cli/case_steps.py,
`edit` cli/case_edit.py."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from desktop_app.cli import case_edit, case_steps
from desktop_app.cli.arguments import given, list_limit, record_id
from desktop_app.cli.case_filters import add_case_filter_options, case_filter
from desktop_app.cli.common import (
    add_db_option,
    add_json_option,
    event_moment,
    looking_up,
    opened_ledger,
    print_json,
    say_same_kind_open,
)
from desktop_app.core.case_costs import penalty_fell_due
from desktop_app.core.claims import ClaimStatus
from desktop_app.core.clock import CHINA, Moment, format_china, now
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions, event_title
from desktop_app.core.money import fen_to_yuan, format_yuan, parse_yuan
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty, platform_ids
from desktop_app.store.case_queries import CaseOrder, case_detail, case_row, case_rows, count_cases
from desktop_app.store.rows import CaseDetail, CaseRow

# Milestones `case add` accepts as options: option name → milestone.
_MILESTONE_OPTIONS = {
    "paid_at": ("--paid-at", "paid", "买家付款时间"),
    "shipped_at": ("--shipped-at", "shipped", "原订单发货时间"),
    "return_shipped_at": ("--return-shipped-at", "return_shipped", "买家寄回退货的时间"),
    "succeeded_at": ("--succeeded-at", "trade_succeeded", "交易成功（确认收货）时间"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    case = subparsers.add_parser("case", help="售后单：新建、列表、查看、操作", description="售后单")
    sub = case.add_subparsers(dest="case_command", metavar="SUBCOMMAND", title="子命令")

    add = sub.add_parser("add", help="新建售后单（订单未导入也可以）")
    add.add_argument("--platform", required=True, help=f"平台：{platform_ids()}（或中文名）")
    add.add_argument("--order", required=True, help="订单号")
    add.add_argument("--kind", required=True, help="类型：" + " ".join(k.value for k in CaseKind))
    add.add_argument("--reason", type=given("--reason"), help="原因：" + " ".join(r.value for r in CaseReason))
    add.add_argument("--amount", help="金额（元）：退款或补偿金额")
    add.add_argument("--responsible", type=given("--responsible"),
                     help="责任方：" + " ".join(r.value for r in ResponsibleParty))
    add.add_argument("--platform-case", help="平台售后单号")
    add.add_argument("--receiver", help="收货人（订单未导入时）")
    add.add_argument("--phone", help="手机（订单未导入时）")
    add.add_argument("--signed-at", metavar="T", help="买家签收时间 YYYY-MM-DD[ HH:MM[:SS]]（北京时间）")
    add.add_argument("--requested-at", metavar="T", help="买家申请售后的时间（默认：现在）")
    add.add_argument("--agreed-at", metavar="T", help="商家已同意（退货或补发）的时间")
    for dest, (flag, _milestone, label) in _MILESTONE_OPTIONS.items():
        add.add_argument(flag, dest=dest, metavar="T", help=label)
    add.add_argument("--note", help="说明")
    add_db_option(add)
    add_json_option(add)
    add.set_defaults(handler=_add)

    lst = sub.add_parser("list", help="列出售后单")
    add_case_filter_options(lst, "列")
    lst.add_argument("--limit", type=list_limit, default=1000, help="最多列出几条（默认 1000）")
    add_db_option(lst)
    add_json_option(lst)
    lst.set_defaults(handler=_list)

    show = sub.add_parser("show", help="查看一张售后单及其时间线")
    show.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    add_db_option(show)
    add_json_option(show)
    show.set_defaults(handler=_show)

    change_kind = case_steps.CHANGE_KIND
    act = sub.add_parser("act", help="对售后单执行操作：" + " ".join(a.value for a in CaseAction)
                         + f" {change_kind}（更改售后类型，与 --kind 一起用）")
    act.add_argument("id", metavar="N[,N...]", help="售后单编号；多个用逗号分隔（3,5,8），逐单执行并分别报告结果")
    act.add_argument("action", metavar="ACTION",
                     help="操作：" + " ".join(f"{a.value}（{a.label}）" for a in CaseAction)
                          + f" {change_kind}（更改售后类型，与 --kind 一起用）；这张售后单现在能做的，case show N 列出")
    act.add_argument("--kind", type=given("--kind"), help=f"新的售后类型（与 {change_kind} 一起用）："
                     + " ".join(k.value for k in CaseKind))
    act.add_argument("--note", help="备注")
    act.add_argument("--at", metavar="T", help="发生时间（默认：现在）")
    act.add_argument("--carrier", help="买家退货的快递公司（与 buyer_shipped_return 一起用）")
    act.add_argument("--tracking", help="买家退货的运单号（与 buyer_shipped_return 一起用）")
    act.add_argument("--amount", metavar="YUAN",
                     help="实际退款或补偿的金额（元；与 refund、refund_in_transit、compensate 一起用），统计按它计入")
    add_db_option(act)
    add_json_option(act)
    act.set_defaults(handler=case_steps.act)

    case_edit.register(sub)

    note = sub.add_parser("note", help="给售后单添加备注")
    note.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    note.add_argument("text", metavar="TEXT", help="备注内容")
    add_db_option(note)
    note.set_defaults(handler=case_steps.note)

    undo = sub.add_parser("undo", help="撤销售后单的最后一步（退款、补偿、已寄出的包裹不能撤销）")
    undo.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    undo.add_argument("--other-seat", action="store_true",
                      help="最后一步是别的席位刚做的（10 分钟内）也撤销；不加时拒绝并说出是谁（先用 case show N 看过）")
    add_db_option(undo)
    add_json_option(undo)
    undo.set_defaults(handler=case_steps.undo)



def _add(args: argparse.Namespace) -> int:
    from desktop_app.services.cases import NewCase, amount_fields, open_case

    kind = CaseKind.parse(args.kind)
    amount = parse_yuan(args.amount) if args.amount else None
    refund_fen, compensation_fen = amount_fields(kind, amount)
    milestones = {
        milestone: m
        for dest, (_flag, milestone, label) in _MILESTONE_OPTIONS.items()
        if (m := event_moment(getattr(args, dest), label)) is not None
    }
    actions: tuple[tuple[CaseAction, Moment], ...] = ()
    agreed = event_moment(args.agreed_at, "同意时间")
    if agreed is not None:
        if kind is CaseKind.RESHIP:
            actions = ((CaseAction.AGREE_RESHIP, agreed),)
        elif kind in (CaseKind.RETURN_REFUND, CaseKind.EXCHANGE, CaseKind.REPAIR):
            actions = ((CaseAction.AGREE_RETURN, agreed),)
            # Shipped after the agreement: the step (买家已寄回), not only its time.
            shipped = milestones.pop("return_shipped", None)
            if shipped is not None:
                actions = (*actions, (CaseAction.BUYER_SHIPPED_RETURN, shipped))
        else:
            raise UserError(f"“{kind.label}”售后单没有“同意”这一步，不能使用 --agreed-at")
    if "return_shipped" in milestones:
        # Left alone, the shipping sat on a case still 待处理 (then 等待买家退货 once agreed) while 下一个时限
        # already counted the 10 days to confirm receipt from it.
        if kind in (CaseKind.RETURN_REFUND, CaseKind.EXCHANGE, CaseKind.REPAIR):
            raise UserError("买家是在商家同意退货之后寄回的：--return-shipped-at 请与 --agreed-at（同意退货的时间）"
                            "一起使用")
        raise UserError(f"“{kind.label}”售后单没有退货这一步，不能使用 --return-shipped-at")
    new = NewCase(
        platform=Platform.parse(args.platform), order_no=args.order, kind=kind,
        reason=CaseReason.parse(args.reason) if args.reason else None,
        refund_fen=refund_fen, compensation_fen=compensation_fen,
        responsible=ResponsibleParty.parse(args.responsible) if args.responsible else None,
        platform_case_no=args.platform_case, note=args.note,
        requested=event_moment(args.requested_at, "申请时间"), signed=event_moment(args.signed_at, "签收时间"),
        milestones=milestones, actions=actions, receiver=args.receiver, phone=args.phone,
    )
    with opened_ledger(args, creates=True) as db:
        opened = open_case(db, new)
        case_id = opened.case_id
        say_same_kind_open(new.order_no, new.kind.label, opened.same_kind_open)
        if args.json:
            with db.reading() as session:
                print_json(case_json(case_row(session, case_id)))
        else:
            print(case_id)
    return 0


def case_json(row: CaseRow, moment: datetime | None = None) -> dict[str, Any]:
    # What the 下一个时限 column shows at `moment` (now): after an answer the platform gave by itself,
    # the timer that follows it (CaseRow.next_due).
    next_due_at, next_due = row.next_due(moment or now())
    return {
        "id": row.id,
        "platform": row.platform,
        "shop": row.shop,
        "order": row.order_no,
        "receiver": row.receiver,
        "kind": row.kind,
        "reason": row.reason,
        "status": row.status,
        "status_label": CaseStatus(row.status).label,
        "open": row.is_open,
        "amount": str(fen_to_yuan(row.amount_fen)) if row.amount_fen is not None else None,
        "responsible": row.responsible,
        "next_due_at": next_due_at.astimezone(CHINA).isoformat() if next_due_at else None,
        "next_due": next_due,
        "updated_at": row.updated_at.astimezone(CHINA).isoformat(),
        "platform_case": row.platform_case_no,
        "requested_at": row.requested_at.astimezone(CHINA).isoformat() if row.requested_at else None,
        "platform_status": row.platform_status,
        "platform_due_at": row.platform_due_at.astimezone(CHINA).isoformat() if row.platform_due_at else None,
    }


def _list(args: argparse.Namespace) -> int:
    f = case_filter(args)
    with opened_ledger(args) as db, db.reading() as session:
        rows = case_rows(session, f, CaseOrder(), 0, max(args.limit, 0))
        total = count_cases(session, f) if len(rows) >= args.limit else len(rows)
    if total > len(rows):
        # A script reading the list must not take the first page for the whole ledger.
        sys.stderr.write(f"只列出了前 {len(rows):,} 张，符合条件的共 {total:,} 张；用 --limit {total} 列出全部\n")
    if args.json:
        moment = now()  # one moment for the whole list
        print_json([case_json(r, moment) for r in rows])
        return 0
    for r in rows:
        print("\t".join([
            f"#{r.id}", Platform(r.platform).label, r.order_no, r.receiver or "", CaseKind(r.kind).label,
            CaseReason(r.reason).label if r.reason else "", CaseStatus(r.status).label,
            format_yuan(r.amount_fen), format_china(r.updated_at),
        ]))
    if not rows:
        sys.stderr.write("没有符合条件的售后单\n")
    elif total == len(rows):
        # As `reship list` and `deadlines` end with their count, on stderr: stdout stays one row a line
        # for scripts (`cut -f1` into `case act`); a cut list said its count above.
        sys.stderr.write(f"共 {total:,} 张\n")
    return 0


def detail_json(d: CaseDetail, moment: datetime | None = None) -> dict[str, Any]:
    china = CHINA
    moment = moment or now()
    o = d.order.order
    return {
        **case_json(d.row),
        "refund": str(fen_to_yuan(d.refund_fen)) if d.refund_fen is not None else None,
        "compensation": str(fen_to_yuan(d.compensation_fen)) if d.compensation_fen is not None else None,
        "platform_case": d.platform_case_no,
        "platform_reason": d.platform_reason,
        "return_carrier": d.return_carrier,
        "return_tracking": d.return_tracking_no,
        "description": d.description,
        "requested_at": d.requested_at.astimezone(china).isoformat() if d.requested_at else None,
        "signed_at": d.signed_at.astimezone(china).isoformat() if d.signed_at else None,
        "signed_date_only": d.signed_date_only,
        "version": d.version,
        # Money at stake (open) or lost (missed) by a platform penalty, "3.00" yuan, as `deadlines --json`.
        # `fell_due`: missed, or open past its due: counted in the case's cost unless a penalty was recorded by hand.
        "penalties": [{"name": p.name, "due_at": p.due_at.astimezone(china).isoformat(),
                       "penalty_yuan": None if p.penalty_fen is None else str(fen_to_yuan(p.penalty_fen)),
                       "amount_unknown": p.penalty_fen is None, "status": p.status,
                       "fell_due": penalty_fell_due(p.status, p.due_at, moment)} for p in d.penalties],
        "allowed_actions": [a.value for a in allowed_actions(CaseKind(d.row.kind), CaseStatus(d.row.status))],
        "order_detail": {
            "imported": o.imported, "status": o.status, "receiver": o.receiver, "phone": o.phone,
            "address": o.address, "paid": str(fen_to_yuan(o.paid_fen)) if o.paid_fen is not None else None,
            "carrier": o.carrier, "tracking": o.tracking_no,
            "items": [{"title": i.title, "spec": i.spec, "quantity": i.quantity} for i in d.order.items],
        },
        "events": [
            {"at": e.at.astimezone(china).isoformat(), "author": e.author, "kind": e.kind, "action": e.action,
             "milestone": e.milestone, "from": e.from_state, "to": e.to_state, "note": e.note,
             "undone": e.undone_by is not None}
            for e in d.events
        ],
    }


def _show(args: argparse.Namespace) -> int:
    from desktop_app.cli.costs import as_json as cost_json
    from desktop_app.cli.costs import penalty_words
    from desktop_app.services.case_costs import case_money

    with opened_ledger(args) as db, db.reading() as session:
        with looking_up():
            d = case_detail(session, args.id)
        money = case_money(session, args.id)
    cost = cost_json(money)  # what `costs N --json` says: the case's cost and net loss, and its order's
    if args.json:
        print_json({**detail_json(d), "cost": cost})
        return 0
    r, o = d.row, d.order.order
    print(f"售后单 #{r.id}  {Platform(r.platform).label}  订单 {r.order_no}  {CaseKind(r.kind).label}"
          f"  {CaseStatus(r.status).label}")
    print(f"原因：{CaseReason(r.reason).label if r.reason else '—'}  金额：{format_yuan(r.amount_fen) or '—'}"
          f"  责任方：{ResponsibleParty(r.responsible).label if r.responsible else '—'}")
    print(f"收货人：{o.receiver or '—'}  手机：{o.phone or '—'}  地址：{o.address or '—'}")
    if not o.imported:
        print("（订单尚未导入，仅记录了订单号）")
    for item in d.order.items:
        print(f"  · {item.title} {item.spec or ''} ×{item.quantity}")
    shown = r.shown(now())
    if shown.acted:
        print(f"下一个时限：平台已超时自动处理：{shown.acted}")
    if shown.timer is not None:
        estimated = "（估算）" if shown.timer.estimated else ""
        print(f"下一个时限：{shown.timer.name} {format_china(shown.timer.due_at)}{estimated}")
    moment = now()
    for p in d.penalties:
        when = (f"已超时（{format_china(p.due_at)}）" if penalty_fell_due(p.status, p.due_at, moment)
                else f"{format_china(p.due_at)} 前未完成")
        owed = "，金额未知（订单未导入）" if p.penalty_fen is None else f" {format_yuan(p.penalty_fen)} 元"
        print(f"赔付：{p.name}：{when}须赔付{owed}")
    print(f"费用：本店承担运费 {cost['postage_paid']}  货损 {cost['written_off'] or '—'}"
          f"  平台处罚 {penalty_words(cost)}  快递已赔付 {cost['received']}  净损失 {cost['net_loss']}"
          f"（订单合计 {cost['order']['net_loss']}）")
    print("时间线：")
    for e in d.events:
        what = event_title(e) + ("（已撤销）" if e.undone_by is not None else "")
        states = ClaimStatus if e.subject == "claim" else CaseStatus
        change = f" {states(e.from_state).label}→{states(e.to_state).label}" if e.from_state and e.to_state else ""
        print(f"  {format_china(e.at)}  {e.author or '—'}  {what}{change}  {e.note or ''}".rstrip())
    actions = allowed_actions(CaseKind(r.kind), CaseStatus(r.status))
    print("可执行操作：" + ("、".join(f"{a.value}（{a.label}）" for a in actions) or "无"))
    return 0
