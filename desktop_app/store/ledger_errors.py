"""Database failures in the user's words: what SQLite or SQLAlchemy raised → a typed `UserError`.

Used by the CLI's top level and the window's error display, so that a locked, damaged, full or
read-only ledger, or a record changed by another window, is a Chinese message and never a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from desktop_app.core import messages as msg
from desktop_app.core.errors import LedgerBusy, LedgerDamaged, StaleData, UserError
from desktop_app.store import database
from desktop_app.store.ledger_files import is_busy, is_damage
from desktop_app.store.locations import LedgerLocation

STALE_MESSAGE = "这条记录刚被另一个窗口或程序修改了，本次操作未保存。请刷新后重新操作。"


def as_user_error(error: BaseException, where: Path | LedgerLocation | None) -> UserError | None:
    """The user-facing error for a database failure, or None when `error` is not one (a bug)."""
    busy_seconds = max(1, round(database.BUSY_TIMEOUT_MS / 1000))
    db_path = where.path if isinstance(where, LedgerLocation) else where
    if isinstance(error, UserError):
        return error
    if isinstance(error, orm_exc.StaleDataError):
        return StaleData(STALE_MESSAGE)
    original: BaseException | None = error
    if isinstance(error, sa_exc.DBAPIError):
        original = error.orig
    if isinstance(original, sqlite3.Error):
        return _from_sqlite(original, db_path, busy_seconds)
    if isinstance(original, psycopg.Error):
        server = where.display() if isinstance(where, LedgerLocation) else ""
        return _from_server(original, server, busy_seconds)
    if isinstance(error, OverflowError) and "SQLite INTEGER" in str(error):
        return UserError("数字太大，超出了数据库能保存的范围。数据未被修改。")
    return None


def server_user_error(error: BaseException, server: LedgerLocation) -> UserError | None:
    """`as_user_error` for a failure of the PostgreSQL server at `server` only, said with its address
    (None for any other error): for work on two ledgers, whose failure the top level would otherwise
    name after the ledger of `--db`."""
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    if not isinstance(original, psycopg.Error):
        return None
    return _from_server(original, server.display(), max(1, round(database.SERVER_LOCK_TIMEOUT_MS / 1000)))


def _from_sqlite(error: sqlite3.Error, db_path: Path | None, busy_seconds: int) -> UserError | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    where = f" {db_path}" if db_path is not None else ""
    if is_busy(error):
        return LedgerBusy(msg.say(msg.LEDGER_BUSY, busy_seconds))
    if is_damage(error):
        return LedgerDamaged(db_path if db_path is not None else "", (str(error),))
    if name.startswith("SQLITE_FULL"):
        return UserError(msg.say(msg.DISK_FULL, where))
    if name.startswith("SQLITE_READONLY"):
        return UserError(msg.say(msg.READ_ONLY, where))
    if name.startswith("SQLITE_CANTOPEN"):
        return UserError(msg.say(msg.CANNOT_OPEN, where))
    if name.startswith("SQLITE_IOERR"):
        return UserError(msg.say(msg.DISK_FAILED, where))
    return None


def _from_server(error: psycopg.Error, server: str, busy_seconds: int) -> UserError | None:
    """PostgreSQL's failures a seat meets: the server unreachable or refusing, another seat holding
    the rows, a conflict the server resolved by failing one side, no permission, no space. `server`:
    its address ("" when not known: the window's messages said "团队数据库 团队数据库")."""
    named, server = (f" {server} ", f" {server}") if server else ("", "")
    if isinstance(error, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
        return LedgerBusy(msg.say(msg.SERVER_BUSY, busy_seconds))
    if isinstance(error, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
        return StaleData("另一个席位同时修改了同一条记录，本次操作未保存。请刷新后重新操作。")
    if isinstance(error, pg_errors.NumericValueOutOfRange):
        return UserError("数字太大，超出了数据库能保存的范围。数据未被修改。")
    if isinstance(error, pg_errors.StringDataRightTruncation):
        return UserError(f"有一项文字太长，团队数据库存不下（{_first_line(error)}）。数据未被修改。")
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return UserError(f"团队数据库{named}的账号没有权限做这件事（{_first_line(error)}）。请让管理员授权。")
    if isinstance(error, pg_errors.DiskFull):
        return UserError(f"团队数据库{named}的磁盘已满，无法写入。数据未被修改。")
    if isinstance(error, pg_errors.InvalidPassword | pg_errors.InvalidAuthorizationSpecification):
        return UserError(f"无法登录团队数据库{server}：用户名或密码不对。请在 设置 → 团队数据库 中重新填写。")
    if isinstance(error, pg_errors.InvalidCatalogName):
        return UserError(f"团队数据库{named}不存在：请先在服务器上建好这个数据库（CREATE DATABASE），或检查库名。")
    if isinstance(error, psycopg.OperationalError) and "password authentication failed" in str(error):
        return UserError(f"无法登录团队数据库{server}：用户名或密码不对。请在 设置 → 团队数据库 中重新填写。")
    if isinstance(error, psycopg.OperationalError) and "database" in str(error) and "does not exist" in str(error):
        return UserError(f"团队数据库{named}不存在：请先在服务器上建好这个数据库（CREATE DATABASE），或检查库名。")
    if isinstance(error, pg_errors.AdminShutdown | pg_errors.CrashShutdown) or (
            isinstance(error, psycopg.OperationalError) and "the connection is lost" in str(error)):
        # In the middle of the work (the server restarted, the NAS went to sleep): not "cannot connect".
        return UserError(f"与团队数据库{named}的连接在操作中途断开了：{_connection_cause(error)}。"
                         "这次没有做完的修改没有保存；请等服务器恢复后再做一次。")
    if isinstance(error, psycopg.OperationalError):
        return UserError(f"无法连接团队数据库{server}：{_connection_cause(error)}。请检查网络、服务器地址和端口，"
                         "以及服务器是否已启动。")
    return None


# The causes a shop meets, in its words; the driver's own line follows in brackets for whoever helps them.
_CONNECTION_CAUSES = (
    ("connection refused", "服务器拒绝连接（这个端口上没有运行数据库，或被防火墙拦住）"),
    ("failed to resolve host", "找不到这个服务器地址"),
    ("name or service not known", "找不到这个服务器地址"),
    ("no route to host", "网络不通，连不到这台服务器"),
    ("network is unreachable", "网络不通，连不到这台服务器"),
    ("timeout expired", "连接超时（网络不通，或服务器没有响应）"),
    ("timed out", "连接超时（网络不通，或服务器没有响应）"),
    ("server closed the connection unexpectedly", "服务器意外断开了连接"),
    ("terminating connection due to administrator command", "服务器关闭或重启了"),
    ("the connection is lost", "网络或服务器断开了连接"),
)


def _connection_cause(error: BaseException) -> str:
    detail = _first_line(error)
    lowered = str(error).lower()
    for marker, cause in _CONNECTION_CAUSES:
        if marker in lowered:
            return f"{cause}（{detail}）"
    return detail


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
