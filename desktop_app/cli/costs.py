"""`costs`: what a case cost the shop beyond refund and compensation, and its net loss.

    python -m desktop_app costs N [--postage-out YUAN] [--postage-back YUAN] [--back-payer WHO]
        [--written-off YUAN] [--penalty YUAN] [--json] [--db PATH]

Without options it shows the case's money. Given options change only those fields ("none" clears
one); a return postage without --back-payer gets the payer the rule 谁过错谁承担 names for the case's
reason (7-day no-reason: the buyer; wrong, missing, damaged ...: the shop).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from decimal import Decimal
from typing import Any

from desktop_app.cli.arguments import given, record_id
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    looking_up,
    opened_ledger,
    print_json,
)
from desktop_app.core.money import parse_yuan, yuan_to_fen
from desktop_app.core.vocabulary import ResponsibleParty
from desktop_app.services.case_costs import CaseMoney, case_money, change_case_costs
from desktop_app.services.product_costs import case_goods_cost
from desktop_app.store.database import Database

_MONEY_OPTIONS = (("postage_out", "寄出运费"), ("postage_back", "退回运费"), ("written_off", "货损（成本价）"),
                  ("penalty", "平台处罚"))


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("costs", help="售后单的费用：运费、货损、平台处罚，以及净损失",
                                   description="查看或登记一张售后单的费用（元）。不带选项时只显示。")
    parser.add_argument("id", type=record_id, metavar="N", help="售后单编号")
    for name, what in _MONEY_OPTIONS:
        extra = "；写 cost 按成本价表计算补发的商品（其他售后单：订单的商品）的成本" if name == "written_off" else ""
        parser.add_argument(f"--{name.replace('_', '-')}", metavar="YUAN", help=f"{what}（元；写 none 清除{extra}）")
    payers = " ".join(f"{p.value}（{p.label}）" for p in ResponsibleParty)
    parser.add_argument("--back-payer", type=given("--back-payer"), metavar="WHO", help=f"退回运费由谁承担：{payers}")
    add_json_option(parser)
    add_db_option(parser)
    parser.set_defaults(handler=run)


def _cleared(text: str) -> bool:
    return text.strip().lower() in ("none", "无", "")


def _fen(text: str, what: str) -> int | None:
    return None if _cleared(text) else yuan_to_fen(parse_yuan(text, what))


def _cost_from_table(db: Database, case_id: int) -> str:
    goods = case_goods_cost(db, case_id)
    if goods.missing:
        raise CommandError("成本价表中没有这些商品：" + "、".join(goods.missing)
                           + "；请先用 product-costs import 导入成本价，或直接填写金额")
    return f"{Decimal(goods.cost_fen) / 100:.2f}"


def run(args: argparse.Namespace) -> int:
    changing = any(getattr(args, name) is not None for name, _ in _MONEY_OPTIONS) or args.back_payer is not None
    payer = None if args.back_payer is None or _cleared(args.back_payer) else ResponsibleParty.parse(args.back_payer)
    with opened_ledger(args) as db:
        if args.written_off is not None and args.written_off.strip().lower() == "cost":
            args.written_off = _cost_from_table(db, args.id)
        if changing:
            # Only the fields given, onto the case as stored when the change's turn comes (a step or another
            # cost another seat recorded meanwhile is kept; a command names no version).
            typed = (("postage_out_fen", args.postage_out, "寄出运费"),
                     ("postage_back_fen", args.postage_back, "退回运费"),
                     ("written_off_fen", args.written_off, "货损"), ("penalty_fen", args.penalty, "平台处罚"))
            given: dict[str, Any] = {field: _fen(text, what) for field, text, what in typed if text is not None}
            if args.back_payer is not None:
                given["postage_back_payer"] = payer
            change_case_costs(db, args.id, lambda stored: replace(stored, **given))
        with db.reading() as session, looking_up():  # only looked at and not there: nothing found (1)
            money = case_money(session, args.id)
    if args.json:
        print_json(as_json(money))
    else:
        print(render(money))
    return 0


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{Decimal(fen) / 100:.2f}"


def as_json(m: CaseMoney) -> dict[str, Any]:
    c = m.costs
    return {
        "case": m.case_id,
        "refund": None if m.refund is None else f"{m.refund:.2f}",
        "compensation": None if m.compensation is None else f"{m.compensation:.2f}",
        "paid_out": m.paid_out,  # refund and compensation count in the net loss only once paid
        "postage_out": _yuan(c.postage_out_fen), "postage_back": _yuan(c.postage_back_fen),
        "back_payer": c.postage_back_payer.value if c.postage_back_payer else None,
        "postage_paid": _yuan(c.postage_paid_fen), "written_off": _yuan(c.written_off_fen),
        # `penalty` is the one recorded by hand (--penalty); `penalty_timers` what the case's timers' penalties
        # that fell due come to (missed, or open past due; null: none); `penalty_counted` the one in the net loss.
        "penalty": _yuan(c.penalty_fen), "penalty_timers": f"{m.timers_penalty:.2f}" if m.timers_penalty else None,
        "penalty_counted": f"{m.penalty_counted:.2f}",
        "received": f"{m.received:.2f}", "net_loss": f"{m.net_loss:.2f}",
        "order": {"order": m.order_no, "cases": m.order_cases, "net_loss": f"{m.order_net_loss:.2f}"},
    }


def render(m: CaseMoney) -> str:
    data = as_json(m)
    payer = f"{m.costs.postage_back_payer.label}承担" if m.costs.postage_back_payer else "未填承担方，按本店承担计"
    lines = [
        f"售后单 #{m.case_id}",
        f"退款 {data['refund'] or '—'}  补偿 {data['compensation'] or '—'}"
        + ("" if m.paid_out or (m.refund is None and m.compensation is None)
           else "（售后单已结束，没有付给买家，不计入净损失）" if m.ended else "（尚未付给买家，不计入净损失）"),
        f"寄出运费 {data['postage_out'] or '—'}  退回运费 {data['postage_back'] or '—'}（{payer}）"
        f"  本店承担运费 {data['postage_paid']}",
        f"货损（成本价） {data['written_off'] or '—'}  平台处罚 {penalty_words(data)}",
        f"快递已赔付 {data['received']}  净损失 {data['net_loss']}",
        f"订单 {m.order_no}：售后单 {m.order_cases} 张，合计净损失 {m.order_net_loss:.2f}",
    ]
    return "\n".join(lines)


def penalty_words(data: dict[str, Any]) -> str:
    """The penalty of `as_json` in words: recorded by hand, computed from missed timers, or both (the
    recorded one counts)."""
    recorded, timers = data["penalty"], data["penalty_timers"]
    if recorded is None:
        return f"{timers}（时限超时，按平台规则计入）" if timers else "—"
    return f"{recorded}（手工登记；时限超时按规则为 {timers}，不重复计入）" if timers else recorded
