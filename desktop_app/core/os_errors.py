"""Why a file could not be read or written, said in Chinese.

An OSError's `strerror` is the C library's English ("Is a directory", "No such file or directory");
the messages the app shows are Chinese, so the common causes are named here and anything else keeps
the system's own words in brackets.
"""

from __future__ import annotations

import errno

_WHY = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "磁盘或文件夹是只读的",
    errno.EEXIST: "已经有同名的文件",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EBUSY: "文件正被别的程序使用",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EIO: "磁盘读写出错",
    errno.EINVAL: "文件名或路径无效",
}
_WINDOWS_SHARING_VIOLATION = 32  # another program (Excel) holds the file open


def os_error_reason(error: OSError) -> str:
    """The reason of `error` in Chinese: '没有权限', '这是一个文件夹，不是文件' …"""
    if getattr(error, "winerror", None) == _WINDOWS_SHARING_VIOLATION:
        return "文件正被别的程序（如 Excel）打开"
    known = _WHY.get(error.errno) if error.errno is not None else None
    if known is not None:
        return known
    return f"读写出错（{error.strerror or error}）"
