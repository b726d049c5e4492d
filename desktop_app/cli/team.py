"""Team mode on the command line: moving the ledger to a server, and who sits at this computer.

    migrate-to URL [--db FILE] [--json]   copy the whole ledger file into an empty PostgreSQL database
    seat [NAME]                           show (or set) this computer's seat name, written into every change
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from desktop_app.cli.common import CommandError, add_json_option, print_json
from desktop_app.core.errors import UserError
from desktop_app.services import team
from desktop_app.services.ledger_move import TABLE_LABELS, move_ledger
from desktop_app.services.seats import SeatClash, check_seat, take_seat
from desktop_app.services.shop_rules import rule_file_title
from desktop_app.store.database import Database, open_database
from desktop_app.store.ledger_errors import as_user_error
from desktop_app.store.ledger_files import in_use_elsewhere
from desktop_app.store.locations import parse_location


def register(subparsers: Any) -> None:
    move = subparsers.add_parser(
        "migrate-to", help="把本机的数据库文件整体迁移到团队数据库（PostgreSQL）",
        description="把数据库文件里的全部数据复制到一个新建的空 PostgreSQL 数据库，核对每张表的条数后一次提交"
                    "（要么全部迁入，要么什么都不改）。数据库文件本身不会被改动。")
    move.add_argument("url", metavar="URL", help="postgresql+psycopg://用户:密码@主机:端口/库名（库需已建好且为空）")
    move.add_argument("--db", metavar="FILE",
                      help="要迁移的数据库文件（默认：用户数据目录中的 ledger.sqlite3）")
    add_json_option(move)
    move.set_defaults(handler=_migrate_to)

    seat = subparsers.add_parser(
        "seat", help="查看或设置这台电脑的席位名（每次修改都记下是谁做的）",
        description="团队共用一个数据库时，每条修改都记下席位名，其他席位的窗口会显示“谁改了什么”。"
                    f"不设置时用登录名；环境变量 {team.ENV_SEAT} 优先。")
    seat.add_argument("name", nargs="?", metavar="NAME", help="新的席位名，例如 小王")
    seat.set_defaults(handler=_seat)


def _migrate_to(args: argparse.Namespace) -> int:
    target = team.ledger_location(args.url)  # a password saved in the keyring is used if the URL has none
    if target.url is None:
        raise CommandError("迁移目标必须是团队数据库地址：postgresql+psycopg://用户:密码@主机:端口/库名")
    source = parse_location(args.db).path if args.db else team.ledger_location(None).path
    if source is None:
        raise CommandError("--db 必须是本机的数据库文件")
    if in_use_elsewhere(source):
        # The copy is of this moment: what a window still open on the file writes afterwards stays in the file.
        sys.stderr.write(f"提醒：数据库 {source} 正被另一个窗口或命令打开着。迁移复制的是此刻的内容，"
                         "之后在那里做的修改只会留在这个文件里，不会进入团队数据库："
                         "迁移完成后请关闭它（窗口：文件 → 退出），改用团队数据库\n")

    def progress(table: str, rows: int) -> None:
        if not args.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{TABLE_LABELS.get(table, table)}：{rows} 行…\033[K")

    result = move_ledger(source, target, seat=team.seat_name(), progress=progress)
    if args.json:
        print_json({"source": str(result.source), "target": result.target, "counts": result.counts,
                    "files": result.files, "missing_files": list(result.missing_files),
                    "rule_files": list(result.rule_files)})
        return 0
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
    sys.stdout.write(f"已把 {result.source} 迁移到 {result.target}，每张表的条数都已核对：\n")
    for table, label in TABLE_LABELS.items():
        sys.stdout.write(f"  {label}：{result.counts.get(table, 0)}\n")
    sys.stdout.write(f"  证据文件和印章：{result.files} 个（各席位都能查看和打印）\n")
    if result.missing_files:
        named = "、".join(result.missing_files[:10]) + ("…" if len(result.missing_files) > 10 else "")
        sys.stdout.write(f"注意：数据文件夹中找不到 {len(result.missing_files)} 个证据文件，"
                         f"服务器上只有它们的记录：{named}\n")
    if result.rule_files:
        named = "、".join(rule_file_title(n) for n in result.rule_files)
        sys.stdout.write(f"  本店修改过的时效规则：{named}（已存入团队数据库，各席位都按它计算时限）\n")
    sys.stdout.write("数据库文件未改动。以后用 --db 加这个地址（或在 设置 → 连接团队数据库 中连接）使用团队数据库。\n")
    return 0


def _seat(args: argparse.Namespace) -> int:
    """Shows or sets the name; on a team ledger says whether another computer works under it too (setting it
    takes it for this computer: the one that had it is told at its next start)."""
    if args.name is None:
        sys.stdout.write(f"{team.seat_name()}\n")
        _on_the_team_ledger(args, lambda db: check_seat(db, team.seat_name()))
        return 0
    name = team.clean_seat_name(args.name)
    team.update_team_settings(seat=name)
    sys.stdout.write(f"这台电脑的席位名已设为：{name}\n")
    _on_the_team_ledger(args, lambda db: take_seat(db, name))
    return 0


def _on_the_team_ledger(args: argparse.Namespace, check: Callable[[Database], SeatClash | None]) -> None:
    """Whether another computer uses the seat name on the team ledger this computer opens (nothing to check
    on a file ledger; a server that cannot be reached is said, the name is saved all the same)."""
    location = team.ledger_location(getattr(args, "db", None))
    if location.url is None:
        return
    try:
        db = open_database(location, seat=team.seat_name())
        try:
            clash = check(db)
        finally:
            db.close()
    except (UserError, SQLAlchemyError) as exc:
        known = as_user_error(exc, location)
        reason = known.message if known is not None else type(exc).__name__
        sys.stderr.write(f"提醒：没能连上团队数据库，未核对这个名字是否已被另一台电脑使用：{reason}\n")
        return
    if clash is not None:
        sys.stderr.write(f"提醒：{clash.message}\n")
