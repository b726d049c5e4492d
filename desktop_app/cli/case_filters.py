"""The filter options `case list` and `export-cases` share, and the CaseFilter they make."""

from __future__ import annotations

import argparse

from desktop_app.cli.arguments import given
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, platform_ids
from desktop_app.store.case_queries import CaseFilter, OpenState


def add_case_filter_options(parser: argparse.ArgumentParser, verb: str) -> None:
    """--platform/--kind/--status/--reason/--search and --open|--needs-action|--closed; `verb` is 列 or 导出."""
    parser.add_argument("--platform", type=given("--platform"), help="平台：" + platform_ids() + "（或中文名）")
    parser.add_argument("--kind", type=given("--kind"), help="类型")
    parser.add_argument("--status", type=given("--status"), help="状态：" + " ".join(s.value for s in CaseStatus))
    parser.add_argument("--reason", type=given("--reason"), help="原因")
    parser.add_argument("--search", help="搜索订单号、收货人、手机（含后四位）、物流单号、商品")
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--open", action="store_true", help=f"只{verb}未结束的")
    state.add_argument("--needs-action", action="store_true",
                       help=f"只{verb}还要处理的：未结束，且不是已退款、已补发等只等完成的")
    state.add_argument("--closed", action="store_true", help=f"只{verb}已结束的")


def case_filter(args: argparse.Namespace) -> CaseFilter:
    return CaseFilter(
        search=args.search or "",
        platforms=frozenset({Platform.parse(args.platform).value}) if args.platform else frozenset(),
        kind=CaseKind.parse(args.kind).value if args.kind else None,
        status=CaseStatus.parse(args.status).value if args.status else None,
        reason=CaseReason.parse(args.reason).value if args.reason else None,
        open_state=(OpenState.OPEN if args.open else OpenState.NEEDS_ACTION if args.needs_action
                    else OpenState.CLOSED if args.closed else OpenState.ALL),
    )
