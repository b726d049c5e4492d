"""`workdays`: the official holiday + 调休 schedule the working-day timers count with.

    python -m desktop_app workdays status [--json] [--db PATH|URL]
    python -m desktop_app workdays import FILE [--db PATH|URL]
    python -m desktop_app workdays remove YEAR [--db PATH|URL]

The schedule ships for 2020–2026 (`resources/workdays/china_holidays.toml`). When the State Council
publishes next year's arrangement, write it in the same format (see that file) and `import` it: it is
validated, stored in the shop's own copy (a ledger file's: `<data folder>/rules/china_holidays.toml`; a
team ledger keeps it itself, for every seat; the same year replaces the shipped one) and the open cases'
deadlines are recomputed; `remove` takes an imported year back (a wrong file: the shipped year or the
estimate counts again, the deadlines recomputed). A year without a schedule is
counted Monday–Friday less its statutory holidays (`resources/workdays/china_statutory_holidays.toml`,
no 调休) and its deadlines are marked 估算.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.common import CommandError, add_db_option, add_json_option, opened_ledger, print_json
from desktop_app.core.clock import now
from desktop_app.core.errors import system_error_text
from desktop_app.core.working_days import HolidaySchedule, YearSchedule, schedule_warnings
from desktop_app.io.holiday_schedule_file import (
    SCHEDULE_FILE,
    load_schedule,
    loads,
    parse_schedule,
    read_schedule,
    shipped_schedule_path,
)
from desktop_app.io.toml_files import MAX_TOML_BYTES, NotAPlainFile, read_small_file
from desktop_app.services.deadline_rules import older_app_message, older_than_ledger, unused_local_message
from desktop_app.services.ledger_rules import import_schedule, remove_schedule_year
from desktop_app.services.shop_rules import shop_rules, unused_local_edits


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "workdays",
        help="官方节假日与调休安排（计算工作日时限用）：查看、导入新一年的安排",
        description="计算“N个工作日”时限所用的官方节假日与调休安排。程序自带 2020–2026 年；"
        "新一年的安排公布后用 import 导入（格式见 resources/workdays/china_holidays.toml）。"
        "没有安排的年份按周一至周五估算（法定节假日不算工作日，调休未知），时限标为“估算”。团队数据库的安排保存在数据库中，每台电脑通用。",
    )
    actions = parser.add_subparsers(dest="workdays_action", required=True, metavar="{status,import,remove}")
    status = actions.add_parser("status", help="列出已有安排的年份，并提示缺少的年份")
    add_json_option(status)
    add_db_option(status)
    status.set_defaults(handler=run_status)
    imported = actions.add_parser("import", help="导入一个或几个年份的安排（TOML），同一年份覆盖原有安排")
    imported.add_argument("file", type=Path, metavar="FILE", help="这一年的节假日与调休安排（TOML）")
    add_db_option(imported)
    imported.set_defaults(handler=run_import)
    removed = actions.add_parser(
        "remove", help="删除导入过的某一年的安排（导入错了时）：这一年回到程序自带的安排或估算")
    removed.add_argument("year", type=int, metavar="YEAR", help="年份，例如 2027")
    add_db_option(removed)
    removed.set_defaults(handler=run_remove)


def run_status(args: argparse.Namespace) -> int:
    with opened_ledger(args) as db, db.reading() as session:
        shop = shop_rules(session)
        older, unused = older_than_ledger(session), unused_local_edits(session)
    notes = ([older_app_message(older)] if older else []) + ([unused_local_message(unused)] if unused else [])
    schedule = load_schedule(shop=shop)
    user_text = shop.text(SCHEDULE_FILE)
    user_years = set(parse_schedule(loads(user_text, shop.source(SCHEDULE_FILE)), shop.source(SCHEDULE_FILE)).years
                     ) if user_text is not None else set()
    warnings = schedule_warnings(schedule, now().date()) + notes
    kept = str(shop.source(SCHEDULE_FILE))
    if args.json:
        print_json({
            "years": [{"year": y, "from_user_file": y in user_years, "source": s.source,
                       "holidays": len(s.holidays), "workdays": len(s.workdays)}
                      for y, s in sorted(schedule.years.items())],
            "estimated_years": [{"year": y, "source": s.source, "holidays": len(s.holidays)}
                                for y, s in _estimated(schedule)],
            "warnings": warnings,
            "shipped_file": str(shipped_schedule_path()),
            "user_file": kept,
            "in_ledger": shop.in_ledger,
        })
        return 0
    origin_of_user = "团队数据库" if shop.in_ledger else "本店文件"
    for year, entry in sorted(schedule.years.items()):
        origin = origin_of_user if year in user_years else "程序自带"
        sys.stdout.write(f"{year}年：放假 {len(entry.holidays)} 天，调休上班 {len(entry.workdays)} 天（{origin}）\n")
    for year, entry in _estimated(schedule):
        sys.stdout.write(f"{year}年：还没有官方安排，按法定节假日估算：放假 {len(entry.holidays)} 天，调休未知\n")
    for warning in warnings:
        sys.stdout.write(f"注意：{warning}\n")
    if shop.in_ledger:
        sys.stdout.write("本店的安排保存在团队数据库中，每台电脑通用。\n")
    else:
        sys.stdout.write(f"本店的安排文件：{kept}\n")
    return 0


def _estimated(schedule: HolidaySchedule) -> list[tuple[int, YearSchedule]]:
    """The years counted on the statutory holidays alone (no official schedule entered)."""
    return [(y, s) for y, s in sorted(schedule.estimates.items()) if not schedule.covers(y)]


def run_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    try:
        text = read_small_file(path, MAX_TOML_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise CommandError(f"找不到文件：{path}") from None
    except NotAPlainFile as exc:
        raise CommandError(f"读不了文件 {path}：{exc}") from None
    except UnicodeDecodeError:
        raise CommandError(f"文件 {path} 不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise CommandError(f"读不了文件 {path}：{system_error_text(exc)}") from None
    parse_schedule(loads(text, str(path)), str(path))  # a broken file is refused before the ledger opens
    with opened_ledger(args, creates=True) as db:
        saved, years = import_schedule(db, text, str(path))
    listed = "、".join(str(y) for y in years)
    sys.stdout.write(f"已导入 {listed} 年的节假日安排（{saved.value.where}），"
                     f"重新计算了 {saved.value.recomputed} 个售后单的时限。\n")
    if saved.value.older_app:
        sys.stderr.write(f"注意：{saved.value.older_app}\n")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with opened_ledger(args) as db:
        saved = remove_schedule_year(db, args.year).value
    shipped = read_schedule(shipped_schedule_path()).covers(args.year)
    now_counts = "程序自带的安排" if shipped else "按法定节假日估算（标为“估算”）"
    sys.stdout.write(f"已删除本店导入的 {args.year} 年节假日安排（{saved.where}），这一年改为{now_counts}；"
                     f"重新计算了 {saved.recomputed} 个售后单的时限。\n")
    if saved.older_app:
        sys.stderr.write(f"注意：{saved.older_app}\n")
    return 0
