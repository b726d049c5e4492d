"""`export-cases`: the case list to Excel, with the filters of `case list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.common import CommandError, add_db_option, open_db
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, platform_ids


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exp = subparsers.add_parser("export-cases", help="把售后单列表导出为 Excel（.xlsx），可按条件筛选",
                                description="导出售后单列表（最近更新的在前），筛选条件与 case list 相同。")
    exp.add_argument("out", metavar="OUT.xlsx", type=Path, help="导出到的文件")
    exp.add_argument("--platform", help="平台：" + platform_ids() + "（或中文名）")
    exp.add_argument("--kind", help="类型")
    exp.add_argument("--status", help="状态：" + " ".join(s.value for s in CaseStatus))
    exp.add_argument("--reason", help="原因")
    exp.add_argument("--search", help="搜索订单号、收货人、手机（含后四位）、物流单号、商品")
    state = exp.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_true", help="只导出未结束的")
    state.add_argument("--closed", action="store_true", help="只导出已结束的")
    add_db_option(exp)
    exp.set_defaults(handler=_export_cases)


def _export_cases(args: argparse.Namespace) -> int:
    from desktop_app.services.case_export import export_cases
    from desktop_app.store.case_queries import CaseFilter, OpenState

    if args.out.suffix.lower() != ".xlsx":
        raise CommandError(f"导出文件名应以 .xlsx 结尾：{args.out.name}")
    f = CaseFilter(
        search=args.search or "",
        platforms=frozenset({Platform.parse(args.platform).value}) if args.platform else frozenset(),
        kind=CaseKind.parse(args.kind).value if args.kind else None,
        status=CaseStatus.parse(args.status).value if args.status else None,
        reason=CaseReason.parse(args.reason).value if args.reason else None,
        open_state=OpenState.OPEN if args.open else OpenState.CLOSED if args.closed else OpenState.ALL,
    )
    db = open_db(args)
    try:
        count = export_cases(db, args.out, f)
    finally:
        db.close()
    sys.stdout.write(f"已导出 {count} 张售后单到 {args.out}\n")
    return 0
