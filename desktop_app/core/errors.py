"""Typed errors: a `UserError` is the user's to fix and carries a Chinese message; anything else is a bug."""

from __future__ import annotations

import errno
import os
import re

from desktop_app.core.messages import LEDGER_DAMAGED, say


class UserError(Exception):
    """A known problem with what the user gave us (bad value, bad file, forbidden action): `message` is the
    Chinese the command line prints; one naming values is a `Message` (core/messages.py), which the window
    shows in its language (ui/labels.message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    """The thing asked for does not exist (case number, order number ...)."""


class ActionNotAllowed(UserError):
    """The case's current state does not allow the action."""


class StaleData(UserError):
    """Someone else changed the record since it was read (optimistic locking). `version`: the record's version
    when it was refused, under its row lock — the state the message describes — when the refusal knows it."""

    def __init__(self, message: str, version: int | None = None) -> None:
        super().__init__(message)
        self.version = version


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the app."""


class LedgerDamaged(UserError):
    """The ledger file fails SQLite's integrity check: it is not written to."""

    def __init__(self, path: object, problems: tuple[str, ...] = ()) -> None:
        super().__init__(say(LEDGER_DAMAGED, str(path)))
        self.path = path
        self.problems = problems


class LedgerBusy(UserError):
    """Another program kept the ledger locked for longer than the busy timeout."""


class ReadInterrupted(Exception):
    """A read was stopped on purpose before it finished (the user asked for something newer): its result
    is not wanted, so it is neither an error to show nor a bug to log."""


# What the system said about a file, in Chinese: Python's strerror is the C library's English
# ("No such file or directory", "Is a directory") inside otherwise Chinese messages.
_SYSTEM_ERRORS = {
    errno.ENOENT: "找不到这个文件或文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被别的程序使用",
    errno.EMFILE: "打开的文件太多",
    errno.EIO: "磁盘读写出错",
    errno.EINVAL: "文件名或路径无效",
    # a shortcut (symbolic link) pointing at itself, or two at each other
    errno.ELOOP: "路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EFBIG: "文件太大",
    errno.ESTALE: "网络盘上的文件已失效（请重新打开网络盘）",
    errno.ETIMEDOUT: "读写超时（网络盘或 U 盘可能已断开）",
}


_WINDOWS_SHARING_VIOLATION = 32  # Windows: another program (Excel) holds the file open
_SHARING_VIOLATION = "文件正被别的程序（如 Excel）打开"
# what a message may name as the reason (the window translates them inside it)
SYSTEM_ERROR_WORDS = (*dict.fromkeys(_SYSTEM_ERRORS.values()), _SHARING_VIOLATION, "没有读取或写入的权限")


_SYMLINK_LOOP = re.compile(r"^Symlink loop from (['\"])(.*)\1$", re.DOTALL)


def symlink_loop(error: BaseException) -> OSError | None:
    """Python 3.11's Path.resolve() on a symbolic link looping back on itself raises RuntimeError("Symlink loop
    from '…'") where 3.13 raises OSError(ELOOP): the OSError it stands for, or None for any other error."""
    found = _SYMLINK_LOOP.match(str(error)) if type(error) is RuntimeError else None
    if found is None:
        return None
    return OSError(errno.ELOOP, os.strerror(errno.ELOOP), found.group(2))


def system_error_text(error: OSError) -> str:
    """The reason an OSError gives, in Chinese (the system's own words for errors not listed)."""
    if getattr(error, "winerror", None) == _WINDOWS_SHARING_VIOLATION:
        return _SHARING_VIOLATION
    known = _SYSTEM_ERRORS.get(error.errno) if error.errno is not None else None
    if known is not None:
        return known
    return f"系统错误：{error.strerror or error}"
