"""The headless command line: `python -m desktop_app <command> ...`, in the spirit of calibredb.

Each command module exposes `register(subparsers)`, called when its command is parsed
(cli/command_table.py names the module of each command); handlers take the parsed arguments and return an
exit code. A `UserError` becomes a Chinese message on stderr and exit code 2 (or the code it names);
a database failure (locked, damaged, full, a record changed by another program) is translated into
one (a damaged ledger also names its newest good backup); any other exception is a bug: one Chinese
line on stderr, the traceback in `<data folder>/logs/errors.log`, exit code 3.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from desktop_app import __version__
from desktop_app.cli.command_table import add_commands
from desktop_app.cli.common import (
    CommandError,
    add_db_option,
    add_json_option,
    db_path_of,
    location_of,
    open_db,
    print_json,
)
from desktop_app.cli.parser_text import ChineseArgumentParser
from desktop_app.cli.terminal_text import visible_output
from desktop_app.core.errors import LedgerDamaged, UserError, system_error_text
from desktop_app.paths import data_dir
from desktop_app.services.backups import damaged_advice
from desktop_app.store.ledger_files import make_private

if TYPE_CHECKING:
    from desktop_app.store.locations import LedgerLocation

Handler = Callable[[argparse.Namespace], int]
INTERNAL_ERROR_EXIT = 3
# The helpers every command module uses live in cli/common.py (the command modules import that, not
# this package, which imports them); they stay importable from here.
__all__ = ["CommandError", "add_db_option", "add_json_option", "build_parser", "db_path_of", "location_of",
           "open_db", "print_json", "run"]


def build_parser() -> ChineseArgumentParser:
    """The command line's parser: it knows every command; a command's own parser is built, by its module
    only, when the command is parsed (cli/command_table.py)."""
    parser = options_parser()
    add_commands(parser)
    return parser


def options_parser() -> ChineseArgumentParser:
    """The command line's parser without its commands: its description and the options before a command."""
    parser = ChineseArgumentParser(
        prog="python -m desktop_app",
        description="售后台账（Aftersales Ledger）命令行。不带命令运行时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号后退出")
    # `python -m desktop_app --db PATH` opens the window on that ledger; a command after it works on it too.
    parser.add_argument("--db", dest="db_before_command", metavar="PATH|URL",
                        help="数据库文件或团队数据库地址，写在命令前也可以（与命令后的 --db 相同）")
    return parser


def run(argv: Sequence[str]) -> int:
    with visible_output():
        return _run(argv)


def _run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(list(argv))
    except UserError as exc:  # an argument type refused a value (cli/arguments.py)
        sys.stderr.write(f"错误：{exc.message}\n")
        return 2
    if unknown:  # said by the command's own parser: its --help lists what it takes, the top one's does not
        _chosen_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "db", None) is None and args.db_before_command is not None:
        args.db = args.db_before_command
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:  # a command with subcommands (`case`, `reship` …) given none
        sys.stderr.write(_chosen_parser(parser, args).missing_subcommand() + "\n")
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): what was asked is done; stop printing, quietly, and keep
        # the interpreter's last flush from failing again (the recipe of Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # as a shell reports a command ended by SIGPIPE
    except Exception as exc:
        return _report_failure(exc, args)


def _chosen_parser(parser: ChineseArgumentParser, args: argparse.Namespace) -> ChineseArgumentParser:
    """The parser of the command the arguments named (`case` in `case` without a subcommand)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest or "", None) or "")
            if isinstance(chosen, ChineseArgumentParser):
                return _chosen_parser(chosen, args)
    return parser


def _report_failure(error: Exception, args: argparse.Namespace) -> int:
    from desktop_app.store.ledger_errors import as_user_error

    location: LedgerLocation | None = None
    try:
        location = location_of(args)
    except Exception:  # the --db value itself is what failed: the message below says so
        location = None
    try:
        known = as_user_error(error, location)
    except Exception:
        known = None
    if isinstance(known, LedgerDamaged) and location is not None and location.path is not None:
        sys.stderr.write(f"错误：{known.message}\n{damaged_advice(location.path)}\n")
        return 2
    if known is not None:
        sys.stderr.write(f"错误：{known.message}\n")
        return known.exit_code if isinstance(known, CommandError) else 2
    if isinstance(error, OSError) and error.errno is not None:
        # A file or folder the system refused (a name too long, a path under a file, a full disk):
        # the user's to fix wherever in a command it happened, said in Chinese with the path.
        where = f"{error.filename}：" if error.filename else ""
        sys.stderr.write(f"错误：{where}{system_error_text(error)}\n")
        return 2
    where = _log_internal_error(error, args)
    sys.stderr.write(f"内部错误（{type(error).__name__}）：程序出错，操作未完成。详细信息已记录到 {where}，"
                     "请把它发给开发者。\n")
    return INTERNAL_ERROR_EXIT


def _log_internal_error(error: Exception, args: argparse.Namespace) -> str:
    """Append the traceback to `<data folder>/logs/errors.log` (user-only); returns where it went."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        folder = data_dir() / "logs"
        folder.mkdir(exist_ok=True)
        make_private(folder)
        log = folder / "errors.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')} {getattr(args, 'command', '')}\n{text}\n")
        make_private(log)
        return str(log)
    except OSError:
        return "（无法写入日志文件）"
