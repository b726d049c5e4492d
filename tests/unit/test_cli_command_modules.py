"""A command named first on the command line is parsed by a parser of its own module only
(cli.COMMAND_MODULES): the table must name the module that registers each command, and such a
parser must take and refuse the command's arguments exactly as the whole command line does."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import cli

ROOT = Path(__file__).resolve().parents[2]


def _registered() -> dict[str, str]:
    """command → the module that registers it, found by registering each module on its own."""
    found: dict[str, str] = {}
    for module in cli._command_modules():
        subparsers = argparse.ArgumentParser().add_subparsers()
        module.register(subparsers)
        found.update({name: module.__name__.rsplit(".", 1)[1] for name in subparsers.choices})
    return found


def test_the_table_names_each_commands_own_module_and_every_command() -> None:
    assert _registered() == cli.COMMAND_MODULES


def _help(parser: argparse.ArgumentParser, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    out, err = capsys.readouterr()
    return out, err


@pytest.mark.parametrize("command", sorted(cli.COMMAND_MODULES))
def test_a_commands_own_parser_helps_as_the_whole_one(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _help(cli.build_parser(command), [command, "--help"], capsys) == \
        _help(cli.build_parser(), [command, "--help"], capsys)


@pytest.mark.parametrize("argv", [["import-cases"], ["import-cases", "x.csv", "--platform"],
                                  ["import-cases", "x.csv", "--bogus"], ["case", "frobnicate"]])
def test_a_commands_own_parser_refuses_as_the_whole_one(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _help(cli.build_parser(argv[0]), argv, capsys) == _help(cli.build_parser(), argv, capsys)


def test_import_cases_starts_without_the_other_commands_modules() -> None:
    program = ("import sys\nfrom desktop_app import cli\ncli.build_parser('import-cases')\n"
               "print(sorted(m for m in sys.modules if m.startswith('desktop_app.cli.')))\n"
               "print('openpyxl' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=True)
    modules, openpyxl = done.stdout.splitlines()
    assert "desktop_app.cli.case_import" in modules and "desktop_app.cli.statements" not in modules
    assert openpyxl == "False"


@pytest.mark.parametrize(("argv", "said"), [
    (["deadlines", "--bogus"], "无法识别的参数：--bogus"),
    (["import-cases"], "缺少必需的参数：FILE"),
    (["evidence", "1", "--remove", "abc"], "--remove：“abc”不是有效的值"),
    (["statement", "--claim", "1", "--order", "2", "--out", "x.pdf"], "--order：不能与 --claim 同时使用"),
    (["case", "new"], "SUBCOMMAND：没有“new”这个选择（可选：add、list"),
])
def test_argparse_speaks_chinese(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    # One line, as every other failure: what is wrong and where the help is (no usage lines before it).
    assert err.startswith(f"错误：{said}") and err.count("\n") == 1 and "--help 查看说明）" in err, err
    assert "usage:" not in err and "error:" not in err and "invalid" not in err


@pytest.mark.parametrize(("command", "choices"), [
    ("case", "add、list、show、act"), ("reship", "list、ship"), ("claim", "add、list"),
    ("returns", "find、receive"), ("product-costs", "import、list"),
])
def test_a_command_without_its_subcommand_fails_in_one_line_on_stderr(
        command: str, choices: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run([command]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, (out, err)
    assert err.startswith(f"错误：python -m desktop_app {command} 后面缺少子命令（可选：{choices}"), err


def test_the_help_headings_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["import-orders", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "\n参数:\n" in out and "\n选项:\n" in out and "显示这段说明后退出" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


@pytest.mark.parametrize(("argv", "said"), [
    (["import-orders", "--platform", "xx", "a.csv"],
     "--platform：没有“xx”这个选择（可选：auto、taobao、pdd、douyin、jd，或其中文名）"),
    (["import-cases", "--platform", "other", "a.csv"],
     "--platform：没有“other”这个选择（可选：auto、taobao、tmall、pdd、douyin、jd，或其中文名）"),
])
def test_an_import_platform_that_does_not_exist_is_one_line(argv: list[str], said: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"错误：{said}\n"
