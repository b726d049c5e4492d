"""Database failures in the user's words: what SQLite or SQLAlchemy raised → a typed `UserError`.

Used by the CLI's top level and the window's error display, so that a locked, damaged, full or
read-only ledger, or a record changed by another window, is a Chinese message and never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import psycopg
from psycopg import errors as pg_errors
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from desktop_app.core import messages as msg
from desktop_app.core.errors import LedgerBusy, LedgerDamaged, StaleData, UserError, symlink_loop, system_error_text
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
    looped = symlink_loop(error)
    if looped is not None:  # a path given (--db, a backup, a folder) that leads nowhere: an internal error before
        return UserError(f"{looped.filename}：{system_error_text(looped)}")
    if isinstance(error, OverflowError) and "SQLite INTEGER" in str(error):
        return UserError("数字太大，超出了数据库能保存的范围。数据未被修改。")
    return None


def is_passing_refusal(error: BaseException) -> bool:
    """A failure of the moment, not of the app: the ledger file locked by another program, the team server busy,
    gone or out of reach. The user is told; the driver's traceback in the log said nothing more and buried the real
    faults (a window left open overnight logged one for each read its dropped connection failed)."""
    known = as_user_error(error, None)
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    return isinstance(known, LedgerBusy) or (known is not None and isinstance(original, psycopg.OperationalError))


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
        if db_path is not None and _folder_not_writable(db_path):
            # A ledger on a read-only stick or share: its -wal and -shm cannot be made beside it. "文件夹不存在"
            # sent the user looking for a folder that is there.
            return UserError(msg.say(msg.READ_ONLY_FOLDER, where))
        return UserError(msg.say(msg.CANNOT_OPEN, where))
    if name.startswith("SQLITE_IOERR"):
        return UserError(msg.say(msg.DISK_FAILED, where))
    return None


def _folder_not_writable(db_path: Path) -> bool:
    try:
        return db_path.is_file() and not os.access(db_path.parent, os.W_OK)
    except OSError:
        return False


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
        return UserError(msg.say(msg.TEXT_TOO_LONG_FOR_SERVER, _first_line(error)))
    if isinstance(error, pg_errors.UndefinedColumn | pg_errors.UndefinedTable):
        # A seat still running an older version after another seat's newer one upgraded the ledger: its
        # reads and writes met the new schema as "内部错误（ProgrammingError）".
        return UserError(msg.say(msg.SERVER_NEWER_TABLES, named, _first_line(error)))
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return UserError(msg.say(msg.SERVER_NO_PERMISSION, named, _first_line(error)))
    if isinstance(error, pg_errors.DiskFull):
        return UserError(msg.say(msg.SERVER_DISK_FULL, named))
    if isinstance(error, pg_errors.InvalidPassword | pg_errors.InvalidAuthorizationSpecification):
        return UserError(msg.say(msg.SERVER_LOGIN_FAILED, server))
    if isinstance(error, pg_errors.InvalidCatalogName):
        return UserError(msg.say(msg.SERVER_NO_DATABASE, named))
    if isinstance(error, psycopg.OperationalError) and "no password supplied" in str(error):
        # A seat whose keyring has no password for the server (or no keyring at all): it said the driver's
        # "fe_sendauth: no password supplied" and to check the network.
        return UserError(msg.say(msg.SERVER_NO_PASSWORD, server))
    if isinstance(error, psycopg.OperationalError) and "password authentication failed" in str(error):
        return UserError(msg.say(msg.SERVER_LOGIN_FAILED, server))
    if isinstance(error, psycopg.OperationalError) and "database" in str(error) and "does not exist" in str(error):
        return UserError(msg.say(msg.SERVER_NO_DATABASE, named))
    if isinstance(error, pg_errors.TooManyConnections) or (
            isinstance(error, psycopg.OperationalError) and any(m in str(error) for m in _NO_SLOT_LEFT)):
        # Every connection the server (or the shop's account) allows is taken: "请检查网络…" sent the shop to
        # a network that works, with the driver's English as the only clue.
        return UserError(msg.say(msg.SERVER_FULL, named, _first_line(error)))
    if isinstance(error, pg_errors.AdminShutdown | pg_errors.CrashShutdown) or (
            isinstance(error, psycopg.OperationalError) and any(m in str(error) for m in _LOST_MIDWAY)):
        # In the middle of the work (the server restarted, the NAS went to sleep): not "cannot connect".
        return UserError(msg.say(msg.SERVER_LOST, named, _connection_cause(error)))
    if isinstance(error, psycopg.OperationalError):
        return UserError(msg.say(msg.SERVER_UNREACHABLE, server, _connection_cause(error)))
    return None


# How the server refuses a connection when every slot is taken (at connect, psycopg gives no SQLSTATE): all
# max_connections, the account's or the database's CONNECTION LIMIT, the last slots kept for superusers.
_NO_SLOT_LEFT = ("too many clients already", "too many connections for", "remaining connection slots are reserved")

# How the driver says a connection that was working went away (not one that could not be made): the server
# ended it while the seat was between statements or writing rows (an import's executemany said "consuming
# input failed: server closed the connection unexpectedly", and the seat was told to check the address).
_LOST_MIDWAY = ("the connection is lost", "consuming input failed", "sending query failed")

# The causes a shop meets, in its words; the driver's own line follows in brackets for whoever helps them.
CONNECTION_CAUSES = (
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
    for marker, cause in CONNECTION_CAUSES:
        if marker in lowered:
            return msg.say(msg.CAUSE, cause, detail)
    return detail


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
