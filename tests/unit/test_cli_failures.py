"""Every command's failure as a script sees it: a non-zero exit, one Chinese line on stderr naming
what is wrong, nothing on stdout, no traceback and none of the system's English words."""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.core.errors import system_error_text

# Words of the C library's strerror that leaked into Chinese messages ("No such file or directory").
ENGLISH = re.compile(r"No such file|Is a directory|File exists|Permission denied|Not a directory")


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    path = tmp_path / "ledger.sqlite3"
    assert run(["case", "add", "--platform", "taobao", "--order", "4145384019161461003", "--kind", "reship",
                "--db", str(path)]) == 0
    return str(path)


def failures(tmp_path: Path, ledger: str) -> list[list[str]]:
    folder = tmp_path / "folder"
    folder.mkdir(exist_ok=True)
    missing = str(tmp_path / "missing.csv")
    return [
        ["reship", "paste", missing, "--db", ledger],
        ["reship", "paste", str(folder), "--db", ledger],
        ["workdays", "import", str(folder), "--db", ledger],
        ["backup", "--to", ledger, "--db", ledger],  # a file where the folder should be
        ["import-cases", missing, "--db", ledger],
        ["import-cases", str(folder), "--db", ledger],
        ["import-orders", missing, "--db", ledger],
        ["product-costs", "import", str(folder), "--db", ledger],
        ["restore", str(folder), "--db", ledger],
        ["case", "act", "9999", "start", "--json", "--db", ledger],  # `case show 9999` is nothing found: exit 1
        ["case", "act", "1", "agree_reship", "--at", "2026-13-01", "--db", ledger],
        ["case", "list", "--db", str(folder)],
        ["case", "list", "--db", "mysql://u:p@h/x"],
        ["deadlines", "--within", "abc", "--db", ledger],
        ["report", "--from", "2026-11-30", "--to", "2026-11-01", "--db", ledger],
        ["case"],
        # Where the workbook cannot be written (here: under a file): a Chinese line, not 内部错误.
        ["export-cases", f"{ledger}/售后单.xlsx", "--db", ledger],
        ["export-orders", f"{ledger}/订单.xlsx", "--db", ledger],
        ["import-cases", missing, "--platform", "amazon", "--db", ledger],
    ]


def test_each_failure_is_one_chinese_line_on_stderr(tmp_path: Path, ledger: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    for argv in failures(tmp_path, ledger):
        code = run(argv)
        out, err = capsys.readouterr()
        assert code == 2, (argv, code, err)
        assert out == "" and err.startswith("错误：") and err.count("\n") == 1, (argv, out, err)
        assert "Traceback" not in err and not ENGLISH.search(err), (argv, err)


@pytest.mark.parametrize(("number", "said"), [
    (errno.ENOENT, "找不到这个文件或文件夹"), (errno.EISDIR, "这是一个文件夹，不是文件"),
    (errno.EEXIST, "已有同名的文件"), (errno.EACCES, "没有权限"), (errno.ENOSPC, "磁盘空间不足"),
    (errno.ELOOP, "路径里的快捷方式（符号链接）绕成了圈，指不到真正的文件"),  # was 系统错误：Too many levels…
])
def test_the_systems_reasons_are_said_in_chinese(number: int, said: str) -> None:
    assert system_error_text(OSError(number, "English words")) == said
    assert system_error_text(OSError(errno.ENOLCK, "No locks available")) == "系统错误：No locks available"


def test_a_statement_pdf_that_cannot_be_written_says_why(tmp_path: Path, ledger: str, qapp: object,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # qapp: a PDF is drawn by Qt; the session's QApplication, not a bare QGuiApplication the UI tests
    # of the same worker could not use (tests/unit/test_statement_cli.py)
    capsys.readouterr()
    target = tmp_path / f"{'货值说明' * 30}.pdf"  # a name longer than the file system takes
    code = run(["statement", "--case", "1", "--unit-price", "59.00", "--out", str(target), "--db", ledger])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == f"错误：{target}：文件名太长", err
    assert "QPainter" not in err


def test_a_statement_pdf_on_a_read_only_disk_names_the_file_chosen(tmp_path: Path, qapp: object,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A read-only disk (a USB stick locked, a mounted share) refuses even removing a file that is not there
    # (EROFS): that cleanup's error replaced the reason, naming the temporary 货值说明.pdf.part.
    ledger = str(tmp_path / "orders.sqlite3")
    samples = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
    assert run(["import-orders", str(samples / "jd_orders.csv"), "--db", ledger]) == 0
    assert run(["claim", "add", "--order", "342696464696", "--incident", "lost", "--db", ledger]) == 0
    target = tmp_path / "货值说明.pdf"
    real_open, real_unlink = Path.open, Path.unlink

    def read_only(path: Path) -> OSError:
        return OSError(errno.EROFS, "Read-only file system", str(path))

    def opening(self: Path, *args: object, **kwargs: object) -> object:
        if self.parent == tmp_path and self.name.startswith("货值说明"):
            raise read_only(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def unlinking(self: Path, missing_ok: bool = False) -> None:
        if self.parent == tmp_path and self.name.startswith("货值说明"):
            raise read_only(self)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "open", opening)
    monkeypatch.setattr(Path, "unlink", unlinking)
    capsys.readouterr()
    code = run(["statement", "--claim", "1", "--out", str(target), "--db", ledger])
    out, err = capsys.readouterr()
    assert code == 2 and out == "", err
    assert err.splitlines()[-1].startswith(f"错误：无法保存 {target}：磁盘是只读的"), err


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc: a folder nobody writes in, root too")
@pytest.mark.parametrize("name", ["货值说明.pdf", "货值说明.xlsx"])
def test_a_statement_in_a_folder_that_takes_no_files_says_why(name: str, tmp_path: Path, qapp: object,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    ledger = str(tmp_path / "orders.sqlite3")
    samples = Path(__file__).resolve().parent.parent / "fixtures" / "samples"
    assert run(["import-orders", str(samples / "jd_orders.csv"), "--db", ledger]) == 0
    assert run(["claim", "add", "--order", "342696464696", "--incident", "lost", "--db", ledger]) == 0
    capsys.readouterr()
    code = run(["statement", "--claim", "1", "--out", f"/proc/{name}", "--db", ledger])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    # Qt's painter only said "QPainter::begin(): Returned false" and 无法开始绘制.
    assert err.splitlines()[-1].startswith(f"错误：无法保存 /proc/{name}：找不到这个文件或文件夹"), err
    assert "QPainter" not in err


@pytest.mark.skipif(sys.platform != "win32", reason="a Windows sharing violation")
def test_a_file_excel_holds_open_on_windows() -> None:
    error = PermissionError(errno.EACCES, "The process cannot access the file", None, 32)
    assert system_error_text(error) == "文件正被别的程序（如 Excel）打开"


READS = [["case", "list"], ["case", "show", "1"], ["deadlines"],
         ["report", "--from", "2026-11-01", "--to", "2026-11-30"], ["reship", "list"], ["claim", "list"],
         ["returns", "transit"], ["policies"], ["workdays", "status"], ["product-costs", "list"],
         ["case", "act", "1", "agree_reship"], ["export-cases", "售后单.xlsx"]]


@pytest.mark.parametrize("argv", READS, ids=lambda argv: " ".join(argv))
def test_a_command_on_a_ledger_that_is_not_there_creates_nothing(argv: list[str], tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A mistyped --db made the folders and an empty ledger, and answered "nothing found" as if from the shop's.
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "不存在" / "ledger.sqlite3"
    for where in ("--db", "env"):
        if where == "env":
            monkeypatch.setenv("AFTERSALES_LEDGER_DB", str(missing))
        code = run(argv + (["--db", str(missing)] if where == "--db" else []))
        out, err = capsys.readouterr()
        assert code == 2 and out == "", (where, err)
        assert err == f"错误：数据库文件不存在：{missing}（没有新建它）。请检查 --db 或环境变量 AFTERSALES_LEDGER_DB " \
                      "所写的路径；导入订单或售后单、case add 会在这个路径新建台账。\n", (where, err)
        assert list(tmp_path.iterdir()) == [], where


def test_a_command_that_brings_data_in_still_creates_the_ledger(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = tmp_path / "新文件夹" / "ledger.sqlite3"
    monkeypatch.setenv("AFTERSALES_LEDGER_DB", str(fresh))
    assert run(["case", "add", "--platform", "taobao", "--order", "4145384019161461003", "--kind", "reship"]) == 0
    assert fresh.is_file()
    assert run(["case", "list"]) == 0
