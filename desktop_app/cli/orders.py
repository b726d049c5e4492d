"""`import-orders` and `export-orders`: the order import and export, headless; `order-campaign`: mark an
order as a 聚划算 order (or an ordinary one again).

Exit codes of import-orders: 0 every row went in; 1 some rows were rejected (the good ones are
stored); 2 a file was refused (nothing from it is stored) or the import was interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.cli.arguments import given, import_platform
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    open_db,
    opened_ledger,
    output_file,
    print_json,
)
from desktop_app.core.vocabulary import family_label, platform_ids

if TYPE_CHECKING:
    from desktop_app.io.import_results import ImportResult

# Row errors printed per file without --json (the JSON output always has all of them).
SHOWN_ERRORS = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    # Imported here, not at module level: `--help` must stay fast (no openpyxl/calamine import).
    from desktop_app.io.import_profiles import PLATFORM_CHOICES

    imp = subparsers.add_parser(
        "import-orders", help=f"导入平台导出的订单文件（{'、'.join(family_label(p) for p in PLATFORM_CHOICES[1:])}）",
        description="导入订单导出文件（.xlsx/.xls/.csv）。淘宝经典版的 ExportOrderDetailList 明细文件"
                    "会与同名的 ExportOrderList 一起导入。退出码：0 全部导入；1 有行未导入（其余已保存）；"
                    "2 有文件被拒绝（该文件未保存）。",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path, help="订单导出文件")
    imp.add_argument("--platform", type=import_platform(PLATFORM_CHOICES), default="auto",
                     metavar="{" + ",".join(PLATFORM_CHOICES) + "}",
                     help="平台，id 或中文名（默认 auto：按表头自动识别，包括已保存的列对应方案；天猫即淘宝）")
    imp.add_argument("--profile", metavar="ID",
                     help="按这个已保存的列对应方案读取（id 或名称，见 import-profiles 命令）")
    add_db_option(imp)
    add_json_option(imp)
    imp.set_defaults(handler=_import_orders)

    profiles = subparsers.add_parser(
        "import-profiles", help="列出或删除已保存的列对应方案（导入其他表格时保存）",
        description="列出已保存的列对应方案：表头含有方案中全部列名的表格会被 import-orders 自动识别"
                    "（程序自带的平台格式优先）。")
    profiles.add_argument("--delete", type=given("--delete"), metavar="ID", help="删除这个方案（id、名称或文件名）")
    add_json_option(profiles)
    profiles.set_defaults(handler=_import_profiles)

    exp = subparsers.add_parser("export-orders", help="把订单列表导出为 Excel（.xlsx）",
                                description="导出订单列表：平台、店铺、订单号、订单状态、收货人、手机、收货地址、商品、"
                                            "商品数量、实付金额、付款时间、发货时间、物流公司、物流单号。")
    exp.add_argument("out", metavar="OUT.xlsx", type=Path, help="导出到的文件")
    exp.add_argument("--platform", type=given("--platform"), metavar="P",
                     help="只导出一个平台：" + platform_ids() + "（或中文名；taobao 含天猫）")
    add_db_option(exp)
    exp.set_defaults(handler=_export_orders)

    campaign = subparsers.add_parser(
        "order-campaign", help="把订单标记为聚划算订单（发货时效7天），或改回普通订单",
        description="标记订单参加的平台活动。聚划算订单付款后7天内发货（普通订单72小时），订单的未结束售后单"
                    "时限随即重新计算，修改记入操作日志。导出文件里没有聚划算这一列，需要手工标记。",
    )
    campaign.add_argument("order_no", metavar="ORDER_NO", help="订单号")
    campaign.add_argument("campaign", metavar="CAMPAIGN",
                          help="活动编号：juhuasuan（聚划算，淘宝/天猫）；none = 普通订单")
    campaign.add_argument("--platform", type=given("--platform"), metavar="P",
                          help="订单号在几个平台都有时指明平台：" + platform_ids())
    add_db_option(campaign)
    add_json_option(campaign)
    campaign.set_defaults(handler=_order_campaign)


def _import_orders(args: argparse.Namespace) -> int:
    from desktop_app.services.order_import import import_files
    from desktop_app.services.search_index import catch_up

    db = open_db(args, creates=True)
    try:
        result = import_files(db, args.files, platform=args.platform, profile_id=args.profile)
    except BaseException:
        db.close()
        raise
    try:
        _print_import_result(args, result)
        sys.stdout.flush()
        # The imported orders are stored and searchable already; indexing them makes searching fast.
        # A failure here (another program holding the file) changes nothing of the import's result.
        try:
            catch_up(db)
        except Exception as exc:  # reported; the app catches up at its next start
            sys.stderr.write(f"警告：搜索索引暂未更新（{exc}），下次打开程序时会自动补上；订单已全部保存\n")
    finally:
        db.close()
    return result.exit_code


def _print_import_result(args: argparse.Namespace, result: ImportResult) -> None:
    if args.json:
        print_json(result.to_json())
    for warning in result.warnings:
        sys.stderr.write(f"警告：{warning}\n")
    for file in result.files:
        name = Path(file.file).name
        if file.refused is not None:
            sys.stderr.write(f"错误：{name}：{file.refused}\n")
            continue
        if not args.json:
            sys.stdout.write(
                f"{name}（{file.profile}）：新增 {file.inserted}，更新 {file.updated}，未变 {file.unchanged}，"
                f"失败 {file.rejected} 行\n")
        for error in file.errors[:SHOWN_ERRORS]:
            where = f"{error.table}，" if error.table else ""
            column = f"“{error.column}”列" if error.column else ""
            sys.stderr.write(f"{name}：{where}第 {error.row} 行{column}：{error.message}\n")
        if len(file.errors) > SHOWN_ERRORS:
            sys.stderr.write(f"{name}：……另有 {len(file.errors) - SHOWN_ERRORS} 个问题（用 --json 查看全部）\n")


def _import_profiles(args: argparse.Namespace) -> int:
    from desktop_app.io.user_profiles import delete_profile, load_saved_profiles

    if args.delete:
        removed = delete_profile(args.delete)
        sys.stdout.write(f"已删除 {removed}\n")
        return 0
    saved = load_saved_profiles()
    if args.json:
        print_json({
            "profiles": [{"id": p.id, "label": p.label, "platform": p.platform.value, "layout": p.layout.value,
                          "identify": [" | ".join(g) for g in p.identify], "file": str(p.source)}
                         for p in saved.profiles],
            "problems": [{"file": str(p.path), "message": p.message} for p in saved.problems],
        })
        return 0
    if not saved.profiles and not saved.problems:
        sys.stdout.write("还没有保存任何列对应方案（在程序里用“导入其他表格”保存）\n")
    for p in saved.profiles:
        columns = "、".join(g[0] for g in p.identify)
        sys.stdout.write(f"{p.id}\t{p.label}（{p.platform.label}）\t识别列：{columns}\n")
    for problem in saved.problems:
        sys.stderr.write(f"警告：{problem.path.name} 无法使用：{problem.message}\n")
    return 0


def _export_orders(args: argparse.Namespace) -> int:
    from desktop_app.services.order_export import export_orders

    if args.out.suffix.lower() != ".xlsx":
        raise CommandError(f"导出文件名应以 .xlsx 结尾：{args.out.name}")
    output_file(args.out, "导出文件")
    with opened_ledger(args) as db:
        count = export_orders(db, args.out, platform=args.platform)
    sys.stdout.write(f"已导出 {count} 个订单到 {args.out}\n")
    return 0


def _order_campaign(args: argparse.Namespace) -> int:
    from desktop_app.services.order_campaign import find_order, set_order_campaign

    wanted = None if args.campaign.strip().lower() in {"none", "无", "普通"} else args.campaign.strip().lower()
    with opened_ledger(args) as db:
        change = set_order_campaign(db, find_order(db, args.order_no, args.platform), wanted)
    if args.json:
        print_json({"order_id": change.order_id, "order_no": change.order_no, "platform": change.platform,
                    "before": change.before, "after": change.after, "changed": change.changed,
                    "cases_recomputed": change.cases_recomputed})
        return 0
    after = "普通订单" if change.after is None else f"活动 {change.after}"
    if not change.changed:
        sys.stdout.write(f"订单 {change.order_no} 已经是{after}，未修改\n")
    else:
        sys.stdout.write(f"订单 {change.order_no} 已标记为{after}；"
                         f"重新计算了 {change.cases_recomputed} 张售后单的时限\n")
    return 0
