"""`export-cases`: the case list to Excel, with the filters of `case list`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.case_filters import add_case_filter_options, case_filter
from desktop_app.cli.common import CommandError, add_db_option, opened_ledger, output_file


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    exp = subparsers.add_parser("export-cases", help="把售后单列表导出为 Excel（.xlsx），可按条件筛选",
                                description="导出售后单列表（最近更新的在前），筛选条件与 case list 相同。")
    exp.add_argument("out", metavar="OUT.xlsx", type=Path, help="导出到的文件")
    add_case_filter_options(exp, "导出")
    add_db_option(exp)
    exp.set_defaults(handler=_export_cases)


def _export_cases(args: argparse.Namespace) -> int:
    from desktop_app.services.case_export import export_cases

    if args.out.suffix.lower() != ".xlsx":
        raise CommandError(f"导出文件名应以 .xlsx 结尾：{args.out.name}")
    output_file(args.out, "导出文件")
    f = case_filter(args)
    with opened_ledger(args) as db:
        count = export_cases(db, args.out, f)
    sys.stdout.write(f"已导出 {count} 张售后单到 {args.out}\n")
    return 0
