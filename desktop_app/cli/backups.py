"""`backup` and `restore`: copies of the ledger, headless.

    backup [--to DIR]          a copy now (prints the file written); default: the backup folder
                               (a team ledger on PostgreSQL: a pg_dump file, where pg_dump is installed)
    backup --list [--json]     the backups of this ledger, newest first, with their case/order counts
                               (a team ledger: its pg_dump files in this computer's backup folder)
    backup --folder DIR|default   remember another backup folder (a cloud-synced one, say)
    restore FILE               replace the ledger with FILE (the current file is backed up first; a team
                               ledger is restored on the server with pg_restore, which the message spells out)
    check                      the complete integrity check (each open checks at most 0.5 s of it; a team
                               ledger: whether it answers)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.arguments import given, given_path
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    db_path_of,
    existing_folder,
    location_of,
    print_json,
    probe_db,
)
from desktop_app.core.errors import LedgerDamaged, UserError, system_error_text
from desktop_app.services import backups
from desktop_app.services.server_backups import dump_server, server_dumps
from desktop_app.store.ledger_files import CheckOutcome, check_integrity


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup", help="备份数据库（打印写入的文件）；--list 列出备份",
        description="用 SQLite 在线备份复制数据库（程序运行中也可以）。默认写到备份文件夹"
                    "（用户数据目录下的 backups，可用 --folder 更改）。团队数据库（PostgreSQL）用 pg_dump 备份"
                    "（需要安装 PostgreSQL 客户端工具）。")
    mode = backup.add_mutually_exclusive_group()
    mode.add_argument("--to", metavar="DIR", type=given_path("--to"), help="写到这个文件夹（不参与自动轮换）")
    mode.add_argument("--list", action="store_true", help="列出这个数据库的备份（最新的在前）")
    mode.add_argument("--folder", type=given("--folder"), metavar="DIR",
                      help="以后的备份写到这个文件夹（例如同步盘）；写 default 恢复默认")
    add_db_option(backup)
    add_json_option(backup)
    backup.set_defaults(handler=_backup)

    restore = subparsers.add_parser(
        "restore", help="用一个备份替换数据库（先备份当前文件）",
        description="用备份文件替换数据库。替换前检查备份是否完好，并把当前的数据库另存一份（恢复前）。"
                    "请先关闭打开这个数据库的窗口。")
    restore.add_argument("file", metavar="FILE", type=Path, help="备份文件（见 backup --list）")
    add_db_option(restore)
    restore.set_defaults(handler=_restore)

    check = subparsers.add_parser(
        "check", help="完整检查数据库文件是否损坏",
        description="对整个数据库文件做 SQLite 完整性检查（quick_check）。每次打开数据库时只检查最多 0.5 秒，"
                    "大的数据库可以用这个命令完整检查一遍。团队数据库只检查能否连接（完整性由数据库服务器保证）。"
                    "退出码：0 完好；2 已损坏（并给出最新的完好备份）。")
    add_db_option(check)
    check.set_defaults(handler=_check)


def _backup(args: argparse.Namespace) -> int:
    if args.folder is not None:
        chosen = None if args.folder.strip().lower() == "default" else Path(args.folder)
        sys.stdout.write(f"{backups.set_backup_folder(chosen)}\n")
        return 0
    if args.to is not None:
        existing_folder(args.to, "--to 所写的文件夹")
    location = location_of(args)
    if location.url is not None:
        if args.list:
            return _list_dumps(str(location.url.database), args.json)
        written = dump_server(location, args.to)
        if args.json:
            print_json({"file": str(written)})
        else:
            sys.stdout.write(f"{written}\n")
        return 0
    db_path = db_path_of(args).expanduser().resolve()
    if args.list:
        return _list(db_path, args.json)
    written = backups.back_up(db_path, args.to, kind="manual")
    if args.json:
        print_json({"file": str(written)})
    else:
        sys.stdout.write(f"{written}\n")
    return 0


def _list(db_path: Path, as_json: bool) -> int:
    found = backups.list_backups(db_path)
    rows = []
    for backup in found:
        counts = backups.backup_counts(backup)
        rows.append({
            "file": str(backup.path),
            "taken_at": backup.taken_at.isoformat(sep=" "),
            "kind": backup.kind,
            "cases": counts.cases if counts else None,
            "orders": counts.orders if counts else None,
        })
    if as_json:
        print_json(rows)
        return 0
    if not rows:
        sys.stdout.write(f"还没有备份（备份文件夹：{backups.backup_folder()}）\n")
        return 0
    for row, backup in zip(rows, found, strict=True):
        shown = "无法读取" if row["cases"] is None else f"售后单 {row['cases']}，订单 {row['orders']}"
        sys.stdout.write(f"{backup.taken_at:%Y-%m-%d %H:%M}  {backup.kind_label:<4}  {shown}  {backup.path}\n")
    return 0


def _list_dumps(database: str, as_json: bool) -> int:
    """`backup --list` of a team ledger: its pg_dump files in this computer's backup folder."""
    found = server_dumps(database)
    if as_json:
        print_json([{"file": str(d.path), "taken_at": d.taken_at.isoformat(sep=" "), "kind": d.kind,
                     "cases": None, "orders": None} for d in found])
        return 0
    if not found:
        sys.stdout.write(f"这台电脑上还没有团队数据库 {database} 的备份（备份文件夹：{backups.backup_folder()}）\n")
        return 0
    for dump in found:
        sys.stdout.write(f"{dump.taken_at:%Y-%m-%d %H:%M}  {dump.kind_label:<4}  {dump.path}\n")
    return 0


def _restore(args: argparse.Namespace) -> int:
    location = location_of(args)
    if location.url is not None:
        _refuse_team_restore(location.url.database or "", Path(args.file))
    db_path = db_path_of(args).expanduser().resolve()
    safety = backups.restore_backup(db_path, args.file)
    sys.stdout.write(f"已用 {args.file} 恢复 {db_path}；恢复前的数据库已另存为 {safety}\n")
    return 0


def _check(args: argparse.Namespace) -> int:
    location = location_of(args)
    if location.url is not None:
        # The server keeps its own files whole; what a seat can check is that the ledger answers.
        probe = probe_db(args)
        cases = "" if probe.cases is None else f"，售后单 {probe.cases} 张"
        sys.stdout.write(f"团队数据库可以正常连接：{location.display()}（PostgreSQL {probe.version}{cases}）。"
                         "数据文件的完整由数据库服务器自己保证。\n")
        return 0
    db_path = db_path_of(args).expanduser().resolve()
    if not db_path.is_file():
        raise UserError(f"找不到数据库文件：{db_path}")
    report = check_integrity(db_path, None)
    if report.damaged:
        raise LedgerDamaged(db_path, report.problems)
    if report.outcome is not CheckOutcome.HEALTHY:  # "完好" was said of a file never read
        raise UserError(f"无法检查数据库文件 {db_path}：它正被另一个程序写入，或在这里无法读取（只读的文件夹、"
                        "磁盘已满、没有权限）。文件没有被判为损坏；请稍后再试，或把它复制到可写的文件夹后检查")
    sys.stdout.write(f"数据库完好：{db_path}（检查用时 {report.seconds:.1f} 秒）\n")
    return 0


def _refuse_team_restore(database: str, file: Path) -> None:
    """Replacing a database every seat works in is the server administrator's step, with all seats closed:
    the command for a pg_dump file. A ledger file (SQLite) got the same pg_restore line, which fails on
    the server; it is said what the file is and how it does go to the server (migrate-to, an empty database)."""
    try:
        with file.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise CommandError(f"无法读取 {file}：{system_error_text(exc)}", 2) from None
    if head.startswith(b"SQLite format 3"):
        raise CommandError(
            f"{file} 是单机账本文件（SQLite），不是团队数据库的备份，不能恢复到团队数据库。要查看它：--db {file}；"
            "要把它搬到服务器：先建一个空数据库，再运行 python -m desktop_app migrate-to 新库地址 --db 这个文件", 2)
    if not head.startswith(b"PGDMP"):
        raise CommandError(f"{file} 不是 pg_dump 的备份文件（.dump），不能用来恢复团队数据库 {database}", 2)
    raise CommandError(
        "团队数据库不能在这里直接恢复（其他席位正在使用它）。请先让所有席位关闭程序，再在数据库服务器上运行："
        f"pg_restore --clean --if-exists --no-owner -d {database} {file}", 2)
