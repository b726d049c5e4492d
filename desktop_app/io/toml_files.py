"""Reading and writing the app's TOML data files (rule packs, the shop's working days, the holiday
schedule): one reader that names the file and says in Chinese what is wrong, one atomic writer."""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.errors import system_error_text
from desktop_app.core.rule_packs import TOML_ERRORS, toml_problem

# UTF-8, with or without the byte order mark Windows Notepad writes in front of a file it saves.
TOML_ENCODING = "utf-8-sig"
# The largest shipped file (a rule pack with its quotes) is ≈ 20 KB.
MAX_TOML_BYTES = 4 * 1024 * 1024


class NotAPlainFile(OSError):
    """A path that is a device or a pipe, or a file past the size its reader takes (the message says which)."""


def read_small_file(path: Path, limit: int, pipes: bool = False) -> bytes:
    """The file's bytes, up to `limit`. A device (/dev/zero behind a link named like a data file) was read until memory
    ran out and a pipe waited for a writer forever, hanging every start of the window that read its folder: refused
    as NotAPlainFile, a pipe too unless `pipes` (a command's own file argument, such as <(…))."""
    found = path.stat()
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(f"{path} 是一个文件夹")
    if not (stat.S_ISREG(found.st_mode) or (pipes and stat.S_ISFIFO(found.st_mode))):
        raise NotAPlainFile("不是普通文件（是设备或管道）")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotAPlainFile(f"文件太大（超过 {limit // (1024 * 1024)} MB）")
    return data


def read_toml_file(path: Path, what: str, error: Callable[[list[str]], Exception]) -> dict[str, Any]:
    """The file's data; `error([problem])` when it is missing, not UTF-8 or not valid TOML. `what` names
    the kind of file in the messages ("规则文件", "节假日安排文件")."""
    return parse_toml(read_toml_text(path, what, error), path, what, error)


def read_toml_text(path: Path, what: str, error: Callable[[list[str]], Exception]) -> str:
    """The file's text, not parsed; `error([problem])` when it is missing or not UTF-8 (as `read_toml_file`)."""
    try:
        return read_small_file(path, MAX_TOML_BYTES).decode(TOML_ENCODING)
    except NotAPlainFile as exc:
        raise error([f"{what} {path} {exc}"]) from None
    except FileNotFoundError:
        raise error([f"找不到{what} {path}"]) from None
    except UnicodeDecodeError:
        raise error([f"{what} {path} 不是 UTF-8 编码的文本（请用记事本“另存为”，编码选 UTF-8）"]) from None
    except IsADirectoryError:
        raise error([f"{what} {path} 是一个文件夹，不是文件"]) from None
    except OSError as exc:
        raise error([f"无法读取{what} {path}（{system_error_text(exc)}）"]) from None


def parse_toml(text: str, source: Path | str, what: str, error: Callable[[list[str]], Exception]) -> dict[str, Any]:
    """TOML text as data, or `error([problem])` with the line, column and fault in Chinese."""
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except TOML_ERRORS as exc:
        raise error([toml_problem(source, str(exc), what)]) from None


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename: a crash mid-save never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
