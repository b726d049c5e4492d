"""`import-cases`: the platforms' after-sales exports (退款管理 / 售后单 / 服务单) into cases, headless.

Exit codes as `import-orders`: 0 every row in; 1 some rows rejected (the good ones stored); 2 a file
was refused (nothing from it stored) or the import was interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.arguments import import_platform
from desktop_app.cli.common import add_db_option, add_json_option, opened_ledger, print_json
from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_import_results import CaseImportResult

SHOWN_ERRORS = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Imported here, not at module level: `--help` must stay fast (the profiles read TOML files).
    from desktop_app.io.case_profiles import PLATFORM_CHOICES, case_profiles

    order = list(Platform)
    shipped = sorted(case_profiles(), key=lambda profile: min(order.index(p) for p in profile.platforms))
    exports = "、".join(profile.label for profile in shipped)
    imp = subparsers.add_parser(
        "import-cases", help=f"导入平台导出的售后/退款列表（{exports}）",
        description="把平台的售后导出文件导入为售后单：按“平台 + 售后单号”查找，已有的向前推进（不会倒退），"
                    "店铺自己记录的备注、责任方、理赔、补发不会被改动。淘宝和天猫的退款导出格式相同："
                    "不加 --platform 时按台账里这些订单（或其他售后单）所属的平台导入，看不出时按淘宝导入并给出警告；"
                    "天猫店请用 --platform tmall。退出码：0 全部导入；1 有行未导入（其余已保存）；2 有文件被拒绝。",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path, help="售后导出文件（.xlsx/.xls/.csv）")
    imp.add_argument("--platform", type=import_platform(PLATFORM_CHOICES), default="auto",
                     metavar="{" + ",".join(PLATFORM_CHOICES) + "}",
                     help="平台，id 或中文名（默认 auto：按表头识别；淘宝/天猫的退款导出按台账判断，否则按淘宝）")
    add_db_option(imp)
    add_json_option(imp)
    imp.set_defaults(handler=_import_cases)


def _import_cases(args: argparse.Namespace) -> int:
    from desktop_app.services.case_import import import_cases

    with opened_ledger(args, creates=True) as db:
        result = import_cases(db, args.files, platform=args.platform)
    _print(args, result)
    return result.exit_code


def _print(args: argparse.Namespace, result: CaseImportResult) -> None:
    if args.json:
        print_json(result.to_json())
    for file in result.files:
        name = Path(file.file).name
        if file.refused is not None:
            sys.stderr.write(f"错误：{name}：{file.refused}\n")
            continue
        if file.cancelled:
            sys.stderr.write(f"{name}：已取消，该文件的数据没有保存\n")
            continue
        if not args.json:
            sys.stdout.write(
                f"{name}（{file.profile}）：新建售后单 {len(file.inserted)}，推进 {len(file.updated)}，"
                f"未变 {len(file.unchanged)}，冲突 {len(file.conflicts)}，时限不一致 {len(file.deadline_mismatches)}，"
                f"失败 {file.rejected} 行\n")
            if file.conflicts:
                shown = "、".join(f"#{i}" for i in file.conflicts[:SHOWN_ERRORS])
                sys.stdout.write(f"{name}：店铺已关闭、平台仍显示处理中的售后单：{shown}\n")
            if file.deadline_mismatches:
                shown = "、".join(f"#{i}" for i in file.deadline_mismatches[:SHOWN_ERRORS])
                sys.stdout.write(f"{name}：平台时限与本程序计算相差超过 1 小时：{shown}（时效规则可能需要更新）\n")
        for warning in file.warnings[:SHOWN_ERRORS]:
            sys.stderr.write(f"警告：{name}：{warning}\n")
        for error in file.errors[:SHOWN_ERRORS]:
            column = f"“{error.column}”列" if error.column else ""
            sys.stderr.write(f"{name}：第 {error.row} 行{column}：{error.message}\n")
        if len(file.errors) > SHOWN_ERRORS:
            sys.stderr.write(f"{name}：……另有 {len(file.errors) - SHOWN_ERRORS} 个问题（用 --json 查看全部）\n")
