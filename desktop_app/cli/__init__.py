"""The headless command line: `python -m desktop_app <command> ...`, in the spirit of calibredb.

Each command module exposes `register(subparsers)`; handlers take the parsed arguments and return an
exit code. A `UserError` becomes a Chinese message on stderr and exit code 2 (or the code it names).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from desktop_app import __version__
from desktop_app.core.errors import UserError

Handler = Callable[[argparse.Namespace], int]


class CommandError(UserError):
    """A user error with a specific exit code."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", type=Path, help="数据库文件（默认：用户数据目录中的 ledger.sqlite3）")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")


def open_db(args: argparse.Namespace):  # -> Database (imported lazily: keeps `--help` fast)
    from desktop_app.paths import default_db_path
    from desktop_app.store.database import open_database

    return open_database(args.db if args.db else default_db_path())


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _command_modules() -> list[Any]:
    from desktop_app.cli import cases

    modules: list[Any] = [cases]
    for name in ("orders", "case_import", "deadlines", "reships", "claims", "statements", "report", "costs",
                 "product_costs"):
        try:
            modules.append(__import__(f"desktop_app.cli.{name}", fromlist=["register"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"desktop_app.cli.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop_app",
        description="售后台账（Aftersales Ledger）命令行。不带命令运行时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令")
    for module in _command_modules():
        module.register(subparsers)
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except CommandError as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return exc.exit_code
    except UserError as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
