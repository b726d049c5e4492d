"""Reading and writing the app's TOML data files (rule packs, the shop's working days, the holiday
schedule): one reader that names the file and says in Chinese what is wrong, one atomic writer."""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from desktop_app.core.errors import system_error_text
from desktop_app.core.rule_packs import TOML_ERRORS, toml_problem

# UTF-8, with or without the byte order mark Windows Notepad writes in front of a file it saves.
TOML_ENCODING = "utf-8-sig"


def read_toml_file(path: Path, what: str, error: Callable[[list[str]], Exception]) -> dict[str, Any]:
    """The file's data; `error([problem])` when it is missing, not UTF-8 or not valid TOML. `what` names
    the kind of file in the messages ("规则文件", "节假日安排文件")."""
    try:
        text = path.read_text(encoding=TOML_ENCODING)
    except FileNotFoundError:
        raise error([f"找不到{what} {path}"]) from None
    except UnicodeDecodeError:
        raise error([f"{what} {path} 不是 UTF-8 编码的文本（请用记事本“另存为”，编码选 UTF-8）"]) from None
    except IsADirectoryError:
        raise error([f"{what} {path} 是一个文件夹，不是文件"]) from None
    except OSError as exc:
        raise error([f"无法读取{what} {path}（{system_error_text(exc)}）"]) from None
    return parse_toml(text, path, what, error)


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
