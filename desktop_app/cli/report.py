"""`report`: where the money goes in a period — the figures of the 统计 tab.

    python -m desktop_app report --from YYYY-MM-DD --to YYYY-MM-DD [--platform P] [--shop S] [--json]
        [--xlsx FILE] [--claims-older-than DAYS] [--db PATH]

The period is China-time days, both inclusive, and filters on when the buyer asked for the case
(requested_at). `--platform taobao` is Taobao only (tmall is its own platform); Chinese names work.
`--shop` is a shop's name (as in the order exports) or number.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop_app.cli.arguments import days, given
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    opened_ledger,
    output_file,
    print_json,
)
from desktop_app.core.claims import ClaimStatus
from desktop_app.core.clock import as_china
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty, platform_ids
from desktop_app.services.report import OLD_CLAIM_DAYS, build_report
from desktop_app.services.report_export import export_report
from desktop_app.services.report_figures import MONEY_KEYS, MONEY_LABELS, Report, Timeliness, parse_period


def register(subparsers: Any) -> None:
    platforms = platform_ids()
    parser = subparsers.add_parser(
        "report",
        help="统计：一段时间内的售后单、费用、理赔和时效",
        description="统计一段时间内（按买家申请售后的日期，北京时间，含首尾两天）的售后单：按类型、平台、原因、"
        "责任方、商品、快递的数量，退款、补偿、运费、货损、处罚、理赔和净损失，以及平台时限的达成情况。",
    )
    parser.add_argument("--from", dest="first", required=True, metavar="YYYY-MM-DD", help="开始日期（含）")
    parser.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="结束日期（含）")
    parser.add_argument("--platform", type=given("--platform"), metavar="P",
                        help=f"只看一个平台：{platforms}（或中文名；taobao 不含 tmall）")
    parser.add_argument("--shop", type=given("--shop"), metavar="S", help="只看一个店铺（店铺名或编号）")
    parser.add_argument("--claims-older-than", type=days("--claims-older-than"), default=OLD_CLAIM_DAYS,
                        metavar="DAYS",
                        help=f"列出超过这么多天仍未结束的理赔（默认 {OLD_CLAIM_DAYS}）")
    parser.add_argument("--xlsx", metavar="FILE", type=Path, help="同时把这些数字导出为 Excel 文件")
    add_json_option(parser)
    add_db_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    period = parse_period(args.first, args.last)
    platform = Platform.parse(args.platform) if args.platform else None
    if args.claims_older_than < 0:
        raise CommandError("--claims-older-than 必须是不小于 0 的天数")
    if args.xlsx is not None:
        output_file(args.xlsx, "--xlsx")
    with opened_ledger(args) as db:
        report = build_report(db, period, platform, args.shop, old_claim_days=args.claims_older_than)
    if args.xlsx is not None:
        export_report(report, args.xlsx)
    if args.json:
        print_json(as_json(report))
    else:
        sys.stdout.write(render(report))
    return 0


def _share(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _timeliness_json(t: Timeliness) -> dict[str, Any]:
    return {
        "deadlines": t.deadlines, "met": t.met, "missed": t.missed, "open": t.open, "overdue_now": t.overdue_now,
        "met_share": _share(t.met_share), "resolved": t.resolved,
        "median_resolve_hours": None if t.median_resolve_hours is None else str(t.median_resolve_hours),
    }


def as_json(r: Report) -> dict[str, Any]:
    """The documented shape: counts as {id: count}, money as yuan strings with two places."""
    return {
        "from": r.period.first.isoformat(), "to": r.period.last.isoformat(), "date": "requested_at",
        "platform": r.platform.value if r.platform else None,
        "shop": {"id": r.shop.id, "name": r.shop.name, "platform": r.shop.platform} if r.shop else None,
        "cases": r.cases, "open": r.open, "closed": r.cases - r.open,
        "by_kind": r.by_kind, "by_platform": r.by_platform, "by_reason": r.by_reason,
        "by_responsible": r.by_responsible,
        "money": r.money.as_strings(),
        "penalised_cases": r.penalised_cases,
        # money.penalties in its parts: recorded on the cases by hand; put on cases without a recorded one by
        # their platform timers that fell due in the period (missed, or open past due; by the due time).
        "penalties": {"recorded": f"{r.money.penalties_recorded:.2f}", "timers": f"{r.money.penalties_timers:.2f}",
                      "timer_cases": r.timer_penalised_cases,
                      # fell due with the amount unknown (a share of an order not imported): not in "timers"
                      "unknown_cases": r.unknown_penalty_cases},
        "timeliness": {**_timeliness_json(r.timeliness),
                       "by_platform": {t.platform: _timeliness_json(t) for t in r.timeliness_by_platform}},
        "by_product": [
            {"key": p.key, "title": p.title, "cases": p.cases, "sold": p.sold, "per_100_sold": _share(p.per_100_sold),
             "net_loss": f"{p.net_loss:.2f}"}
            for p in r.products
        ],
        "by_carrier": [
            {"carrier": c.carrier, "parcels": c.parcels, "cases": c.cases, "lost": c.lost, "damaged": c.damaged,
             "per_100_parcels": _share(c.per_100_parcels), "claims": c.claims, "claimed": f"{c.claimed:.2f}",
             "received": f"{c.received:.2f}", "outstanding": f"{c.outstanding:.2f}"}
            for c in r.carriers
        ],
        "claims": {
            "count": r.claims, "open": r.open_claims, "older_than_days": r.old_claim_days,
            "attention": [
                {"claim": a.id, "carrier": a.carrier, "order": a.order_no, "status": a.status,
                 "created_at": as_china(a.created_at).isoformat(timespec="seconds"),
                 "outstanding": f"{Decimal(a.outstanding_fen) / 100:.2f}", "old": a.is_old,
                 "evidence_missing": a.evidence_missing, "ticket_missing": a.ticket_missing}
                for a in r.attention
            ],
        },
        "notes": list(r.notes),
    }


# --- text ---------------------------------------------------------------------------------------


def _label(enum: type[LabelledEnum], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:  # written by a newer version
        return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
            for row in rows]


def _counts(title: str, counts: dict[str, int], enum: type[LabelledEnum], unset: int) -> list[str]:
    """A breakdown as the 统计 tab shows it: the cases it leaves out (none recorded) as （未填）."""
    rows: list[tuple[str, ...]] = [(_label(enum, k), str(n)) for k, n in counts.items()]
    rows += [("（未填）", str(unset))] if unset else []
    return [f"{title}：", *("  " + line for line in _table(rows))] if rows else []


def render(r: Report) -> str:
    scope = f"{r.period.first} 至 {r.period.last}（按申请日期）"
    if r.platform:
        scope += f"，{r.platform.label}"
    if r.shop:
        scope += f"，店铺 {r.shop.name}"
    out = [f"统计：{scope}", f"售后单 {r.cases} 张（进行中 {r.open}，已结束 {r.cases - r.open}）", ""]
    for title, counts, enum in (("按类型", r.by_kind, CaseKind), ("按平台", r.by_platform, Platform),
                                ("按原因", r.by_reason, CaseReason), ("按责任方", r.by_responsible, ResponsibleParty)):
        out.extend(_counts(title, counts, enum, r.unset(counts)))
    money = r.money.as_strings()
    out += ["", "费用（元）：", *("  " + line for line in _table([(MONEY_LABELS[k], money[k]) for k in MONEY_KEYS]))]
    t = r.timeliness
    share = "—" if t.met_share is None else f"{t.met_share * 100:.0f}%"
    median = "—" if t.median_resolve_hours is None else f"{t.median_resolve_hours} 小时"
    out += ["", f"时效：平台时限 {t.deadlines} 个，按时 {t.met}，超时 {t.missed}（按时率 {share}），"
                f"当前已逾期 {t.overdue_now}；已结束 {t.resolved} 张，处理时长中位数 {median}"]
    if r.products:
        rows: list[tuple[str, ...]] = [("商品", "售后单", "售出件数", "每百件售后", "净损失")]
        rows += [(p.title[:24] + p.name[len(p.title):], str(p.cases), "—" if p.sold is None else str(p.sold),
                  "—" if p.per_100_sold is None else str(p.per_100_sold), f"{p.net_loss:.2f}") for p in r.products]
        out += ["", "按商品：", *("  " + line for line in _table(rows))]
    if r.carriers:
        rows = [("快递", "发货单数", "售后单", "丢件", "破损", "每百单丢损", "理赔", "已赔付", "待追回")]
        rows += [(c.carrier or "（未填）", str(c.parcels), str(c.cases), str(c.lost), str(c.damaged),
                  "—" if c.per_100_parcels is None else str(c.per_100_parcels), str(c.claims),
                  f"{c.received:.2f}", f"{c.outstanding:.2f}") for c in r.carriers]
        out += ["", "按快递：", *("  " + line for line in _table(rows))]
    out += ["", f"理赔 {r.claims} 件，未结束 {r.open_claims} 件"]
    for a in r.attention:
        problems = [w for w, flag in ((f"超过 {r.old_claim_days} 天", a.is_old), ("缺少证据", a.evidence_missing),
                                      ("缺少理赔单号", a.ticket_missing)) if flag]
        out.append(f"  理赔 #{a.id} {a.carrier or ''} 订单 {a.order_no} {_label(ClaimStatus, a.status)}："
                   + "、".join(problems))
    out += [f"注：{note}" for note in r.notes]
    return "\n".join(out) + "\n"
