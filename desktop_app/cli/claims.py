"""`claim add | list | show | act | undo | follow-up | link | evidence | ticket | edit | note`: courier claims,
headless. This module parses every `claim` subcommand, opens, lists and shows claims and records their ticket;
the steps on a claim (`act`, `undo`, `follow-up`, `link`, `evidence`, `note`) are cli/claim_steps.py, `edit`
cli/claim_edit.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli import claim_edit, claim_steps
from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.claim_steps import fen, follow_up_time, iso, yuan
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    event_moment,
    looking_up,
    opened_ledger,
    print_json,
)
from desktop_app.core.claim_escalation import Holding, NextStep
from desktop_app.core.claims import (
    ClaimAction,
    ClaimContactLevel,
    ClaimIncident,
    ClaimStatus,
    PayoutChannel,
    allowed_actions,
    claim_event_title,
)
from desktop_app.core.clock import format_china, now
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import Platform
from desktop_app.store.claim_rows import ClaimDetail, ClaimRow, ClaimSums, ClaimTotals, claim_detail


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    claim = subparsers.add_parser("claim", help="快递理赔：新建、列表、查看、操作、证据", description="快递理赔")
    sub = claim.add_subparsers(dest="claim_command", metavar="SUBCOMMAND", title="子命令")

    add = sub.add_parser("add", help="为订单（或售后单的订单）新建快递理赔，按订单预填商品和金额")
    add.add_argument("--order", help="订单号（须已导入或已有售后单记录）")
    add.add_argument("--platform", type=given("--platform"), help="平台（订单号在多个平台重复时必填）")
    add.add_argument("--case", type=record_id, metavar="N", help="关联的售后单编号（不写 --order 时用它的订单）")
    add.add_argument("--incident", required=True, help="原因：" + " ".join(i.value for i in ClaimIncident))
    add.add_argument("--amount", help="申请金额（元）；默认为买家为受损商品实付的金额")
    add.add_argument("--declared", help="保价金额（元）")
    add.add_argument("--items", help="受损商品的行号，如 1,3；某行只理赔部分件数写 3:2（第 3 行 2 件）；默认全部")
    add.add_argument("--carrier", help="快递公司（默认：订单的）")
    add.add_argument("--tracking", help="运单号（默认：订单的）")
    add.add_argument("--at", metavar="T", help="登记时间（默认：现在）")
    add.add_argument("--follow-up", metavar="T", help="跟进时间（默认：次日 10:00）")
    add.add_argument("--note", help="事故说明")
    add.add_argument("--again", action="store_true",
                     help="包裹已有进行中的理赔时仍新建一张（如同一包裹的另一件商品）")
    add_db_option(add)
    add_json_option(add)
    add.set_defaults(handler=_add)

    lst = sub.add_parser("list", help="列出快递理赔及合计")
    lst.add_argument("--status", type=given("--status"), help="状态：" + " ".join(s.value for s in ClaimStatus))
    lst.add_argument("--carrier", type=given("--carrier"), help="快递公司（完整名称）")
    state = lst.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_true", help="只列未结束的")
    state.add_argument("--closed", action="store_true", help="只列已结束的")
    state.add_argument("--due", action="store_true", help="只列今天及之前需要跟进的")
    add_db_option(lst)
    add_json_option(lst)
    lst.set_defaults(handler=_list)

    show = sub.add_parser("show", help="查看一条理赔：商品、金额、证据、记录")
    show.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    add_db_option(show)
    add_json_option(show)
    show.set_defaults(handler=_show)

    act = sub.add_parser("act", help="对理赔执行操作：" + " ".join(a.value for a in ClaimAction))
    act.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    act.add_argument("action", metavar="ACTION",
                     help="操作：" + " ".join(f"{a.value}（{a.label}）" for a in ClaimAction)
                          + "；这条理赔现在能做的，claim show N 列出")
    act.add_argument("--amount", help="本次到账金额（元）：已赔付默认为剩余申请金额；部分赔付必填")
    act.add_argument("--at", metavar="T", help="发生时间（默认：现在）")
    act.add_argument("--follow-up", metavar="T", help="下次跟进时间（默认按状态规则）")
    act.add_argument("--note", help="备注")
    act.add_argument("--channel", metavar="HOW",
                     help="赔付方式：" + " ".join(f"{c.value}（{c.label}）" for c in PayoutChannel))
    act.add_argument("--other-seat", action="store_true",
                     help="别的席位刚记过一笔到账（10 分钟内）也再记这一笔；不加时拒绝并说出是谁"
                          "（先用 claim show N 看过）")
    add_db_option(act)
    add_json_option(act)
    act.set_defaults(handler=claim_steps.act)

    undo = sub.add_parser("undo", help="撤销理赔的上一步操作（连同它登记的到账金额），如把 8.00 元错记成 80 元")
    undo.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    undo.add_argument("--other-seat", action="store_true",
                      help="最后一步是别的席位刚做的（10 分钟内）也撤销；不加时拒绝并说出是谁"
                           "（先用 claim show N 看过）")
    add_db_option(undo)
    add_json_option(undo)
    undo.set_defaults(handler=claim_steps.undo)

    follow = sub.add_parser("follow-up", help="修改或清除理赔的跟进时间")
    follow.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    follow.add_argument("when", metavar="T", help="跟进时间 YYYY-MM-DD[ HH:MM]；写 none 清除")
    follow.add_argument("--note", help="备注")
    add_db_option(follow)
    follow.set_defaults(handler=claim_steps.follow_up)

    link = sub.add_parser("link", help="关联售后单，或关联理赔款所支付的补发")
    link.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    link.add_argument("--case", type=record_id, metavar="C", help="关联到售后单 C（同一订单）")
    link.add_argument("--reship-case", type=record_id, metavar="C", help="理赔款用于售后单 C 的补发")
    add_db_option(link)
    link.set_defaults(handler=claim_steps.link)

    evidence = sub.add_parser("evidence", help="给理赔添加证据文件（复制到数据目录）")
    evidence.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    evidence.add_argument("files", nargs="+", type=Path, metavar="FILE", help="照片、称重记录、聊天截图或 PDF")
    add_db_option(evidence)
    add_json_option(evidence)
    evidence.set_defaults(handler=claim_steps.evidence)

    ticket = sub.add_parser("ticket", help="登记快递的理赔单号、对接方（网点/客服/总部）、联系人、报案时间")
    ticket.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    ticket.add_argument("--number", help="快递的理赔单号/工单号（写 none 清除）")
    ticket.add_argument("--contact-level", metavar="WHO",
                        help="对接方：" + " ".join(f"{c.value}（{c.label}）" for c in ClaimContactLevel)
                        + "（写 none 清除）")
    ticket.add_argument("--contact", help="联系人及电话（写 none 清除）")
    ticket.add_argument("--reported-at", metavar="T", help="向快递报案的时间 YYYY-MM-DD[ HH:MM]（写 none 清除）")
    ticket.add_argument("--other-seat", action="store_true",
                        help="要改的一项是别的席位刚改的（10 分钟内）也保存；不加时拒绝并说出是谁")
    add_db_option(ticket)
    add_json_option(ticket)
    ticket.set_defaults(handler=_ticket)

    claim_edit.register(sub)

    note = sub.add_parser("note", help="给理赔添加备注")
    note.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    note.add_argument("text", metavar="TEXT", help="备注内容")
    add_db_option(note)
    note.set_defaults(handler=claim_steps.note)


def _add(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import ClaimExists, NewClaim, draft_for_case, find_order, open_claim, parse_items

    if not args.order and args.case is None:
        raise CommandError("请用 --order 指定订单号，或用 --case 指定售后单")
    incident = ClaimIncident.parse(args.incident)
    platform = Platform.parse(args.platform) if args.platform else None
    lines = parse_items(args.items) if args.items else None
    claimed = fen(args.amount, "申请金额")
    declared = fen(args.declared, "保价金额")
    at = event_moment(args.at, "登记时间")
    follow_up = follow_up_time(args.follow_up)
    with opened_ledger(args, creates=True) as db:
        with db.reading() as session:
            if args.order:
                order_id = find_order(session, args.order, platform).id
            else:
                order_id = draft_for_case(session, args.case).order.id
        try:
            opened = open_claim(db, NewClaim(
                incident=incident, order_id=order_id, case_id=args.case, lines=lines, claimed_fen=claimed,
                declared_fen=declared, description=args.note, carrier=args.carrier, tracking_no=args.tracking, at=at,
                follow_up_at=follow_up, again=args.again,
            ))
        except ClaimExists as exc:
            raise CommandError(f"{exc.message}；确要为同一包裹再开一张（如另一件商品），加 --again") from None
        claim_id = opened.claim_id
        if opened.warning:
            sys.stderr.write(f"提示：{opened.warning}\n")
        if args.json:
            with db.reading() as session:
                print_json(detail_json(claim_detail(session, claim_id)))
        else:
            print(claim_id)
    return 0


def row_json(r: ClaimRow) -> dict[str, Any]:
    return {
        "id": r.id, "platform": r.platform, "order": r.order_no, "receiver": r.receiver, "carrier": r.carrier,
        "tracking": r.tracking_no, "incident": r.incident, "incident_label": ClaimIncident(r.incident).label,
        "status": r.status, "status_label": ClaimStatus(r.status).label, "open": r.is_open,
        "claimed": yuan(r.claimed_fen), "received": yuan(r.received_fen), "outstanding": yuan(r.outstanding_fen),
        "follow_up_at": iso(r.follow_up_at), "case": r.case_id, "reship": r.reship_id,
        "created_at": iso(r.created_at), "updated_at": iso(r.updated_at),
        "next_step": next_step_json(r.escalation, r.holding),
    }


def next_step_json(step: NextStep | None, holding: frozenset[Holding]) -> dict[str, Any] | None:
    """The claim's next step on the escalation path (None when it is finished)."""
    if step is None:
        return None
    return {
        "title": step.title, "action": step.step.action.value, "contact": step.step.contact,
        "contact_label": step.step.contact_label, "kind": step.step.kind.value, "due_at": iso(step.due_at),
        "explain": step.step.explain,
        "documents": [{"name": line.name, "checkable": line.checkable, "present": line.present}
                      for line in step.checklist(holding)],
        "missing": step.missing(holding),
    }


def _next_step_text(step: NextStep | None) -> str:
    return "" if step is None else f"{step.title}（{step.deadline_text(format_china(step.due_at))}）"


def _sums_text(sums: ClaimSums) -> str:
    return (f"{sums.count} 条  已申请 {format_yuan(sums.claimed_fen)}  已到账 {format_yuan(sums.received_fen)}"
            f"  待追回 {format_yuan(sums.outstanding_fen)}")


def _print_totals(totals: ClaimTotals) -> None:
    print(f"合计：{_sums_text(totals.total)}")
    if len(totals.by_carrier) > 1:
        for subtotal in totals.by_carrier:
            print(f"  {subtotal.carrier or '（未填快递）'}：{_sums_text(subtotal.sums)}")


def _list(args: argparse.Namespace) -> int:
    from desktop_app.store.case_queries import OpenState
    from desktop_app.store.claim_rows import ClaimFilter, claim_totals, end_of_china_day, list_claims

    f = ClaimFilter(
        carrier=args.carrier, status=ClaimStatus.parse(args.status).value if args.status else None,
        open_state=OpenState.OPEN if args.open else OpenState.CLOSED if args.closed else OpenState.ALL,
        follow_up_by=end_of_china_day(now()) if args.due else None,
    )
    with opened_ledger(args) as db, db.reading() as session:
        rows = list_claims(session, f)
        totals = claim_totals(session, f)
    if args.json:
        print_json([row_json(r) for r in rows])
        return 0
    for r in rows:
        print("\t".join([
            f"#{r.id}", Platform(r.platform).label if r.platform in Platform._value2member_map_ else r.platform,
            r.order_no, r.carrier or "", r.tracking_no or "", ClaimIncident(r.incident).label,
            ClaimStatus(r.status).label, format_yuan(r.claimed_fen), format_yuan(r.received_fen),
            format_yuan(r.outstanding_fen), format_china(r.follow_up_at), _next_step_text(r.escalation),
        ]))
    if not rows:
        sys.stderr.write("没有符合条件的快递理赔\n")
        return 0
    _print_totals(totals)
    return 0


def detail_json(d: ClaimDetail) -> dict[str, Any]:
    o = d.order
    return {
        "id": d.id, "status": d.status, "status_label": ClaimStatus(d.status).label, "open": d.is_open,
        "incident": d.incident, "incident_label": ClaimIncident(d.incident).label, "description": d.description,
        "platform": o.platform, "order": o.order_no, "carrier": d.carrier, "tracking": d.tracking_no,
        "shipped_at": iso(d.shipped_at), "claimed": yuan(d.claimed_fen), "declared": yuan(d.declared_fen),
        "received": yuan(d.received_fen), "case": d.case_id, "reship": d.reship_id,
        "reship_case": d.reship_case_id, "submitted_at": iso(d.submitted_at), "follow_up_at": iso(d.follow_up_at),
        "closed_at": iso(d.closed_at), "version": d.version,
        "ticket": d.ticket_no, "contact_level": d.contact_level, "contact": d.contact,
        "reported_at": iso(d.reported_at),
        "payouts": [
            {"amount": yuan(p.amount_fen), "paid_at": iso(p.paid_at), "channel": p.channel, "note": p.note}
            for p in d.payouts
        ],
        "receiver": o.receiver, "phone": o.phone, "address": o.address, "paid": yuan(o.paid_fen),
        "items": [
            {"title": i.title, "spec": i.spec, "quantity": i.quantity, "unit_price": yuan(i.unit_price_fen),
             "claimed": yuan(i.claimed_fen)}
            for i in d.items
        ],
        "evidence": [
            {"id": e.id, "path": e.stored_path, "name": e.original_name, "added_at": iso(e.added_at)}
            for e in d.evidence
        ],
        "allowed_actions": [a.value for a in allowed_actions(ClaimStatus(d.status))],
        "next_step": next_step_json(d.escalation, d.holding),
        "events": [
            {"at": iso(e.at), "author": e.author, "kind": e.kind, "action": e.action, "from": e.from_state,
             "to": e.to_state, "note": e.note, "undone": e.undone_by is not None}
            for e in d.events
        ],
    }


def _show(args: argparse.Namespace) -> int:
    from desktop_app.services.claim_evidence import evidence_on_disk

    with opened_ledger(args) as db, db.reading() as session, looking_up():
        d, paths = evidence_on_disk(session, claim_detail(session, args.id))
    if args.json:
        data = detail_json(d)
        for row, path in zip(data["evidence"], paths, strict=True):
            row["present"] = path.is_file()
        print_json(data)
        return 0
    o = d.order
    print(f"快递理赔 #{d.id}  {ClaimIncident(d.incident).label}  {ClaimStatus(d.status).label}")
    print(f"订单：{o.order_no}  收货人：{o.receiver or '—'}  手机：{o.phone or '—'}  地址：{o.address or '—'}")
    print(f"快递：{d.carrier or '—'}  运单号：{d.tracking_no or '—'}  发货：{format_china(d.shipped_at) or '—'}")
    print(f"申请：{format_yuan(d.claimed_fen) or '—'}  保价：{format_yuan(d.declared_fen) or '—'}"
          f"  已到账：{format_yuan(d.received_fen) or '—'}  跟进：{format_china(d.follow_up_at) or '—'}")
    if d.case_id is not None or d.reship_case_id is not None:
        print(f"售后单：#{d.case_id or '—'}  补发售后单：#{d.reship_case_id or '—'}")
    if d.description:
        print(f"说明：{d.description}")
    if d.ticket_no or d.contact_level or d.contact or d.reported_at:
        level = ClaimContactLevel(d.contact_level).label if d.contact_level else "—"
        print(f"理赔单号：{d.ticket_no or '—'}  对接方：{level}  联系人：{d.contact or '—'}"
              f"  报案：{format_china(d.reported_at) or '—'}")
    for p in d.payouts:
        how = PayoutChannel(p.channel).label if p.channel else "未注明方式"
        print(f"到账：{format_china(p.paid_at)}  {format_yuan(p.amount_fen)} 元（{how}）  {p.note or ''}".rstrip())
    print("商品：")
    for item in d.items:
        print(f"  · {item.title} {item.spec or ''} ×{item.quantity}  单价 {format_yuan(item.unit_price_fen) or '—'}"
              f"  申请 {format_yuan(item.claimed_fen) or '—'}")
    if d.evidence:
        print("证据：")
        for file, path in zip(d.evidence, paths, strict=True):
            gone = "" if path.is_file() else f"  ✗ 文件已不在这台电脑上（{path}），请重新添加"
            print(f"  · {file.original_name}  ({file.stored_path}){gone}")
    print("记录：")
    for e in d.events:
        change = f" {ClaimStatus(e.from_state).label}→{ClaimStatus(e.to_state).label}" \
            if e.from_state and e.to_state else ""
        title = claim_event_title(e) + ("（已撤销）" if e.undone_by is not None else "")
        print(f"  {format_china(e.at)}  {e.author or '—'}  {title}{change}  {e.note or ''}".rstrip())
    if d.escalation is not None:
        step = d.escalation
        print(f"下一步：{_next_step_text(step)}  找：{step.step.contact_label}")
        if step.step.explain:
            print(f"  {step.step.explain}")
        for line in step.checklist(d.holding):
            mark = ("✓" if line.present else "✗") if line.checkable else "□"
            print(f"  {mark} {line.name}")
    actions = allowed_actions(ClaimStatus(d.status))
    print("可执行操作：" + ("、".join(f"{a.value}（{a.label}）" for a in actions) or "无"))
    return 0


def _cleared(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("none", "无", "")


def _ticket(args: argparse.Namespace) -> int:
    from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
    given = (args.number, args.contact_level, args.contact, args.reported_at)
    if all(value is None for value in given):
        raise CommandError("请至少给出 --number、--contact-level、--contact、--reported-at 中的一项")
    level = None if args.contact_level is None or _cleared(args.contact_level) else \
        ClaimContactLevel.parse(args.contact_level)
    reported = None if args.reported_at is None or _cleared(args.reported_at) else \
        event_moment(args.reported_at, "报案时间")
    with opened_ledger(args) as db:
        with db.reading() as session:
            d = claim_detail(session, args.id)
        ticket = ClaimTicket(
            ticket_no=d.ticket_no if args.number is None else (None if _cleared(args.number) else args.number),
            contact_level=(ClaimContactLevel(d.contact_level) if d.contact_level else None)
            if args.contact_level is None else level,
            contact=d.contact if args.contact is None else (None if _cleared(args.contact) else args.contact),
            reported_at=d.reported_at if args.reported_at is None else (reported.at if reported else None),
        )
        # Over a field another seat has just changed (its save committed as this command started): refused
        # naming that seat unless --other-seat; never its number replaced without a word.
        set_claim_ticket(db, args.id, ticket, expected_version=d.version, own_fields_only=not args.other_seat)
        with db.reading() as session:
            d = claim_detail(session, args.id)
    if args.json:
        print_json(detail_json(d))
    else:
        level_text = ClaimContactLevel(d.contact_level).label if d.contact_level else "—"
        print(f"#{d.id} 理赔单号：{d.ticket_no or '—'}  对接方：{level_text}  联系人：{d.contact or '—'}"
              f"  报案：{format_china(d.reported_at) or '—'}")
    return 0
