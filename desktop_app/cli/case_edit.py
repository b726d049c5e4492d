"""`case edit N [--requested-at T] [--reason R] [--other-seat]`: correct what the case's timers run from.

A case typed in without `--requested-at` takes the moment it was typed in as the buyer's request, and a
mistyped day or year stayed on the answer timers, the holiday windows keyed to the request and 统计's
period: the command line had no way to correct it (the window's 编辑 had none either). The reason decides
timers too (七天无理由: 淘宝 agrees to the return by itself after 72 h). Both are recomputed at once."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.common import CommandError, add_db_option, add_json_option, event_moment, opened_ledger, print_json
from desktop_app.core.clock import as_china, format_china
from desktop_app.core.vocabulary import CaseReason, ResponsibleParty


def register(sub: Any) -> None:
    edit = sub.add_parser("edit", help="改正售后单的买家申请时间或原因（时限随之重新计算）")
    edit.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    edit.add_argument("--requested-at", metavar="T",
                      help="买家申请售后的时间 YYYY-MM-DD[ HH:MM[:SS]]（北京时间）：不能晚于售后单的第一步")
    edit.add_argument("--reason", type=given("--reason"), help="原因：" + " ".join(r.value for r in CaseReason))
    edit.add_argument("--other-seat", action="store_true",
                      help="要改的一项是别的席位刚改的（10 分钟内）也保存；不加时拒绝并说出是谁")
    add_db_option(edit)
    add_json_option(edit)
    edit.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop_app.services.cases import CaseEdit, edit_case
    from desktop_app.store.case_queries import case_detail

    if args.requested_at is None and args.reason is None:
        raise CommandError("请至少给出 --requested-at、--reason 中的一项")
    requested = event_moment(args.requested_at, "申请时间")
    reason = CaseReason.parse(args.reason) if args.reason is not None else None
    with opened_ledger(args) as db:
        with db.reading() as session:
            d = case_detail(session, args.id)
        kept = CaseReason(d.row.reason) if d.row.reason else None
        edit_case(db, args.id, CaseEdit(
            reason=reason or kept, refund_fen=d.refund_fen, compensation_fen=d.compensation_fen,
            responsible=ResponsibleParty(d.row.responsible) if d.row.responsible else None,
            platform_case_no=d.platform_case_no, requested=requested,
        ), expected_version=d.version, own_fields_only=not args.other_seat)
        with db.reading() as session:
            d = case_detail(session, args.id)
    reason_label = CaseReason(d.row.reason).label if d.row.reason else "—"
    if args.json:
        print_json({"id": d.row.id, "requested_at": as_china(d.requested_at).isoformat(timespec="seconds")
                    if d.requested_at is not None else None, "reason": d.row.reason})
    else:
        print(f"#{d.row.id} 买家申请时间：{format_china(d.requested_at) or '—'}  原因：{reason_label}"
              f"（时限已重新计算：case show {d.row.id}）")
    return 0
