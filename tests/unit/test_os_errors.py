"""Why a file could not be read or written is said in Chinese: OSError's strerror is the C library's
English ("Is a directory"), which reached the shop inside Chinese messages."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.os_errors import os_error_reason


@pytest.mark.parametrize(("code", "said"), [
    (errno.ENOENT, "文件或文件夹不存在"), (errno.EISDIR, "这是一个文件夹，不是文件"), (errno.EACCES, "没有权限"),
    (errno.ENOSPC, "磁盘空间不足"), (errno.EROFS, "磁盘或文件夹是只读的"),
])
def test_common_causes_are_named(code: int, said: str) -> None:
    assert os_error_reason(OSError(code, "English words")) == said


def test_another_cause_keeps_the_systems_words_in_brackets() -> None:
    assert os_error_reason(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
        "读写出错（Too many levels of symbolic links）")
    assert os_error_reason(OSError("no errno")) == "读写出错（no errno）"


@pytest.mark.skipif(sys.platform != "win32", reason="a Windows sharing violation")
def test_a_file_excel_holds_open_on_windows() -> None:
    error = PermissionError(errno.EACCES, "The process cannot access the file", None, 32)
    assert os_error_reason(error) == "文件正被别的程序（如 Excel）打开"


@pytest.mark.parametrize("command", [["workdays", "import"], ["reship", "paste"]])
def test_a_folder_given_for_a_file_is_said_in_chinese(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      command: list[str]) -> None:
    code = run([*command, str(tmp_path), "--db", str(tmp_path / "ledger.sqlite3")])
    err = capsys.readouterr().err
    assert code == 2 and err.endswith(f"{tmp_path}：这是一个文件夹，不是文件\n"), err
