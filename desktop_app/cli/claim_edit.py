"""`claim edit N [--amount YUAN] [--declared YUAN] [--other-seat]`: the claimed and declared values of a claim.

A courier that pays more than was claimed (the postage with the goods, a second piece) is recorded by
raising the claimed amount first: `claim act N pay` refuses money past it and said to use the window's
快递理赔 → 编辑, which the command line did not have. An amount below what was received is refused."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.arguments import record_id
from desktop_app.cli.common import CommandError, add_db_option, add_json_option, opened_ledger, print_json
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.money import fen_to_yuan, format_yuan, parse_yuan, yuan_to_fen


def register(sub: Any) -> None:
    edit = sub.add_parser("edit", help="修改理赔的申请金额、保价金额（快递多赔时先把申请金额改为实际赔付的金额）")
    edit.add_argument("id", type=record_id, metavar="N", help="理赔编号")
    edit.add_argument("--amount", metavar="YUAN", help="申请金额（元；写 none 清除）")
    edit.add_argument("--declared", metavar="YUAN", help="保价金额（元；写 none 清除）")
    edit.add_argument("--other-seat", action="store_true",
                      help="要改的一项是别的席位刚改的（10 分钟内）也保存；不加时拒绝并说出是谁")
    add_db_option(edit)
    add_json_option(edit)
    edit.set_defaults(handler=run)


def _fen(text: str | None, what: str, old: int | None) -> int | None:
    if text is None:
        return old
    if text.strip().lower() in ("none", "无", ""):
        return None
    return yuan_to_fen(parse_yuan(text, what))


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{fen_to_yuan(fen):.2f}"


def run(args: argparse.Namespace) -> int:
    from desktop_app.services.claims import ClaimEdit, edit_claim
    from desktop_app.store.claim_rows import claim_detail
    if args.amount is None and args.declared is None:
        raise CommandError("请至少给出 --amount、--declared 中的一项")
    with opened_ledger(args) as db:
        with db.reading() as session:
            d = claim_detail(session, args.id)
        edit = ClaimEdit(
            claimed_fen=_fen(args.amount, "申请金额", d.claimed_fen), declared_fen=_fen(args.declared, "保价金额",
                                                                                      d.declared_fen),
            carrier=d.carrier, tracking_no=d.tracking_no, description=d.description,
            incident=ClaimIncident(d.incident),
        )
        edit_claim(db, args.id, edit, expected_version=d.version, own_fields_only=not args.other_seat)
        with db.reading() as session:
            d = claim_detail(session, args.id)
    if args.json:
        print_json({"id": d.id, "claimed": _yuan(d.claimed_fen), "declared": _yuan(d.declared_fen),
                    "received": _yuan(d.received_fen or 0)})
    else:
        print(f"#{d.id} 申请金额：{format_yuan(d.claimed_fen) if d.claimed_fen is not None else '—'}  "
              f"保价金额：{format_yuan(d.declared_fen) if d.declared_fen is not None else '—'}  "
              f"已到账：{format_yuan(d.received_fen or 0)}")
    return 0
