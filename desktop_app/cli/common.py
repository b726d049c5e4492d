"""What every command module shares: its options (--db, --json), opening the ledger, JSON output and
the user error with its own exit code. Command modules import this, never the `cli` package itself
(which imports them to build the parser).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.cli.terminal_text import can_carry
from desktop_app.core.clock import Moment, format_china, now, parse_moment
from desktop_app.core.errors import NotFound, UserError

if TYPE_CHECKING:
    from desktop_app.store.database import Database, ServerProbe
    from desktop_app.store.locations import LedgerLocation


# An event this far ahead of the clock is most likely a mistyped year (2062 for 2026): said, not refused,
# because a scenario may be entered ahead of time on purpose, and `case undo` takes the step back.
_AHEAD = timedelta(days=1)


def event_moment(value: str | None, what: str) -> Moment | None:
    """When something happened, as given with `--at` and the like (None: not given, the service stamps
    now); a time more than a day ahead is recorded as given, with a reminder on stderr."""
    if not value:
        return None
    moment = parse_moment(value, what)
    if moment.at > now() + _AHEAD:
        print(f"注意：{what} {format_china(moment.at)} 在将来（现在是 {format_china(now())}），已按所填时间记录。"
              "若是输错了年份或日期，请撤销这一步后重新登记（售后单：case undo）。", file=sys.stderr)
    return moment


class CommandError(UserError):
    """A user error with a specific exit code."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# README's exit codes: a command that only looks a record up (`case show`, `claim show`, `returns find`,
# `deadlines --case`) and finds none did its job and found nothing (1); a step on a record that is not there
# is a user error (2).
NOTHING_FOUND_EXIT = 1


@contextmanager
def looking_up() -> Iterator[None]:
    """The block looks up the record the command names: not there, it is "nothing found" (exit 1)."""
    try:
        yield
    except NotFound as exc:
        raise CommandError(exc.message, NOTHING_FOUND_EXIT) from None


def existing_folder(folder: Path, subject: str) -> Path:
    """The folder a command writes its output into (`backup --to`, the folder of `--out`, `--xlsx`, an export's
    file), refused when it is not there: a mistyped path made a new folder the shop never looks in, where
    the backup or the export then sat unnoticed. Nothing is created, as with a `--db` naming no file."""
    folder = folder.expanduser()
    if folder.is_dir():
        return folder
    if folder.exists():
        raise CommandError(f"{subject}不存在：{folder.resolve()} 是一个文件，不是文件夹。请改正路径。", 2)
    raise CommandError(f"{subject}不存在：{folder.resolve()}（没有新建它）。请先建好这个文件夹，或改正路径。", 2)


def output_file(path: Path, option: str) -> Path:
    """A file a command writes: its folder must be there (as `existing_folder`), and it must not be a folder."""
    named = f"{option} {path.name}"
    if path.expanduser().is_dir():
        raise CommandError(f"{named} 是一个文件夹，不是文件：{path.expanduser().resolve()}。请写上文件名。", 2)
    existing_folder(path.expanduser().resolve().parent, f"{named} 所在的文件夹")
    return path


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH|URL",
        help="数据库文件，或团队数据库地址 postgresql+psycopg://用户:密码@主机:端口/库名"
             "（默认：环境变量 AFTERSALES_LEDGER_DB、设置中保存的团队数据库，或用户数据目录中的 ledger.sqlite3）")


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以 JSON 输出")


def location_of(args: argparse.Namespace) -> LedgerLocation:
    """The ledger this command works on: `--db`, else AFTERSALES_LEDGER_DB, the saved team server or
    the local file (services/team.py)."""
    from desktop_app.services.team import ledger_location  # lazily, like open_db: keeps `--help` fast

    return ledger_location(getattr(args, "db", None))


def db_path_of(args: argparse.Namespace) -> Path:
    """The SQLite file of a command that works on the file itself (backups, restore, check)."""
    location = location_of(args)
    if location.path is None:
        raise CommandError(f"这个命令只用于本机的数据库文件；{location.display()} 是团队数据库服务器。", 2)
    return location.path


def named_ledger_missing(args: argparse.Namespace) -> Path | None:
    """The ledger file `--db` or AFTERSALES_LEDGER_DB names when it does not exist (None otherwise; a
    server, or the default file in the data folder, which the first run creates)."""
    from desktop_app.services.team import missing_ledger_file  # lazily, like location_of

    return missing_ledger_file(getattr(args, "db", None))


def open_db(args: argparse.Namespace, creates: bool = False) -> Database:  # the store is imported lazily (`--help`)
    """The ledger the command names. Only a command that brings data in (`creates`: an import, `case add`)
    makes a new ledger where `--db` or AFTERSALES_LEDGER_DB names none: a mistyped path on a command that
    only reads or changes what is there made an empty ledger (and its folders) and answered "nothing
    found" as if from the shop's ledger."""
    from desktop_app.services.seats import check_seat, clock_warning
    from desktop_app.services.team import missing_ledger_refusal, seat_name
    from desktop_app.store.database import open_database

    if not creates and (missing := named_ledger_missing(args)) is not None:
        raise CommandError(str(missing_ledger_refusal(missing)), 2)
    db = open_database(location_of(args), seat=seat_name())
    try:
        clash = check_seat(db, seat_name())  # a team ledger: another computer under this seat name is said
    except BaseException:
        db.close()
        raise
    if clash is not None:
        sys.stderr.write(f"提醒：{clash.message}\n")
    if (clock := clock_warning(db)) is not None:  # this computer's clock minutes off the team server's
        sys.stderr.write(f"提醒：{clock}\n")
    return db


def probe_db(args: argparse.Namespace) -> ServerProbe:
    """The team server the command names, connected to without changing anything (as 测试连接 does);
    imported lazily like `open_db`."""
    from desktop_app.store.database import probe_server

    return probe_server(location_of(args))


@contextmanager
def opened_ledger(args: argparse.Namespace, creates: bool = False) -> Iterator[Database]:
    """The ledger the command names (`creates`: as `open_db`), closed when the block ends (also on errors)."""
    db = open_db(args, creates)
    try:
        yield db
    finally:
        db.close()


def print_json(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if not can_carry(sys.stdout, text):  # a GBK pipe on Windows and a 🔥 in a title: JSON's own escapes, exact
        text = json.dumps(value, ensure_ascii=True, indent=2, default=str)
    sys.stdout.write(text + "\n")


def say_same_kind_open(order_no: str, kind_label: str, case_ids: tuple[int, ...]) -> None:
    """The new case was recorded all the same (an order of several goods has several requests), but the order had
    unsettled cases of its kind already: a double entry? (`case add`, `reship promise`)."""
    if case_ids:
        others = "、".join(f"#{i}" for i in case_ids)
        sys.stderr.write(f"提醒：订单 {order_no.strip()} 已有未处理完的同类售后单 {others}（{kind_label}）："
                         "如是同一个售后，请关闭多余的一张\n")
