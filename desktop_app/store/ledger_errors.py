"""Database failures in the user's words: what SQLite or SQLAlchemy raised → a typed `UserError`.

Used by the CLI's top level and the window's error display, so that a locked, damaged, full or
read-only ledger, or a record changed by another window, is a Chinese message and never a traceback.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from desktop_app.core.errors import LedgerBusy, LedgerDamaged, StaleData, UserError
from desktop_app.store import database
from desktop_app.store.ledger_files import is_busy, is_damage

BUSY_MESSAGE = ("数据库正被另一个程序写入（另一个窗口、命令行或导入），等了 {seconds} 秒仍未完成。"
                "数据未被修改；请等它结束后再试。")
STALE_MESSAGE = "这条记录刚被另一个窗口或程序修改了，本次操作未保存。请刷新后重新操作。"


def as_user_error(error: BaseException, db_path: Path | None) -> UserError | None:
    """The user-facing error for a database failure, or None when `error` is not one (a bug)."""
    busy_seconds = max(1, round(database.BUSY_TIMEOUT_MS / 1000))
    if isinstance(error, UserError):
        return error
    if isinstance(error, orm_exc.StaleDataError):
        return StaleData(STALE_MESSAGE)
    original: BaseException | None = error
    if isinstance(error, sa_exc.DBAPIError):
        original = error.orig
    if isinstance(original, sqlite3.Error):
        return _from_sqlite(original, db_path, busy_seconds)
    if isinstance(error, OverflowError) and "SQLite INTEGER" in str(error):
        return UserError("数字太大，超出了数据库能保存的范围。数据未被修改。")
    return None


def _from_sqlite(error: sqlite3.Error, db_path: Path | None, busy_seconds: int) -> UserError | None:
    name = getattr(error, "sqlite_errorname", "") or ""
    where = f" {db_path}" if db_path is not None else ""
    if is_busy(error):
        return LedgerBusy(BUSY_MESSAGE.format(seconds=busy_seconds))
    if is_damage(error):
        return LedgerDamaged(db_path if db_path is not None else "", (str(error),))
    if name.startswith("SQLITE_FULL"):
        return UserError(f"磁盘已满，无法写入数据库{where}。数据未被修改；请腾出空间后再试。")
    if name.startswith("SQLITE_READONLY"):
        return UserError(f"数据库文件{where}是只读的（或所在文件夹不可写），无法保存修改。")
    if name.startswith("SQLITE_CANTOPEN"):
        return UserError(f"无法打开数据库文件{where}：文件夹不存在或没有权限。")
    if name.startswith("SQLITE_IOERR"):
        return UserError(f"读写数据库文件{where}时出错（磁盘、U 盘或网络盘故障？）。数据未被修改。")
    return None
