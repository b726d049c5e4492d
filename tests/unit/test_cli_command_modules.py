"""The command line knows every command from cli/command_table.py and imports a command's module only
when the command is parsed: the table must name the module that registers each command with the help
line that module gives it, and the lazily built parser must help, take and refuse exactly as the whole
one (every module registered up front, as the command line was built before)."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.cli.command_table import COMMANDS, command_modules
from desktop_app.cli.parser_text import ChineseArgumentParser

ROOT = Path(__file__).resolve().parents[2]


def _whole_parser() -> ChineseArgumentParser:
    parser = cli.options_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令")
    for module in command_modules():
        importlib.import_module(module).register(subparsers)
    return parser


def _command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand of `parser`, the command line itself first."""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield from _command_paths(subparser, (*prefix, name))


WHOLE_PATHS = list(_command_paths(_whole_parser()))


def test_the_table_names_each_commands_own_module_and_help_in_the_order_they_were_listed() -> None:
    registered: list[tuple[str, str, str | None]] = []
    for module in command_modules():
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(subparsers)
        registered += [(action.dest, module, action.help) for action in subparsers._choices_actions]
    assert registered == [(command.name, command.module, command.help) for command in COMMANDS]


def _said(parser: argparse.ArgumentParser, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    out, err = capsys.readouterr()
    return out, err


def test_every_command_is_walked() -> None:
    assert len(WHOLE_PATHS) > 50 and ("case", "list") in WHOLE_PATHS and ("claim", "edit") in WHOLE_PATHS


@pytest.mark.parametrize("path", WHOLE_PATHS, ids=lambda path: " ".join(path) or "(none)")
def test_each_help_is_the_whole_parsers(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    lazy = _said(cli.build_parser(), [*path, "--help"], capsys)
    assert lazy[0].startswith("用法：python -m desktop_app") and lazy[1] == ""
    assert lazy == _said(_whole_parser(), [*path, "--help"], capsys)


@pytest.mark.parametrize("argv", [
    ["import-cases"], ["import-cases", "x.csv", "--platform"], ["import-cases", "x.csv", "--bogus"],
    ["case", "frobnicate"], ["frobnicate"], ["--version"], ["--db", "x.db", "claim", "nope"], ["--bogus"],
    ["workdays"], ["--db"],
])
def test_the_lazy_parser_refuses_as_the_whole_one(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _said(cli.build_parser(), argv, capsys) == _said(_whole_parser(), argv, capsys)


@pytest.mark.parametrize("argv", [
    ["case", "list", "--open", "--limit", "5", "--db", "x.db"], ["--db", "x.db", "case", "show", "3", "--json"],
    ["import-profiles", "--delete", "某方案"], ["backup", "--list"], ["seat"],
])
def test_the_lazy_parser_takes_as_the_whole_one(argv: list[str]) -> None:
    lazy, whole = cli.build_parser().parse_args(argv), _whole_parser().parse_args(argv)
    assert vars(lazy).keys() == vars(whole).keys()
    for name, value in vars(whole).items():
        if callable(value):  # a handler: the same function of the same module
            assert getattr(lazy, name) is value
        else:
            assert getattr(lazy, name) == value


def _loaded(*argv: str) -> tuple[set[str], set[str]]:
    """(The command modules, the libraries of interest) a fresh process has imported after parsing `argv`
    (said on stderr, after what the parser said)."""
    program = ("import sys\nfrom desktop_app import cli\n"
               "try:\n    cli.build_parser().parse_args(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
               "print(' '.join(m for m in sys.modules if m.startswith('desktop_app.cli.')), file=sys.stderr)\n"
               "print(' '.join(m for m in ('sqlalchemy', 'openpyxl', 'PySide6') if m in sys.modules), "
               "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", program, *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    modules, libraries = done.stderr.splitlines()[-2:]  # after a help text or a refusal
    return set(modules.split()) & set(command_modules()), set(libraries.split())


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["frobnicate"], []])
def test_no_command_imports_no_command_module(argv: list[str]) -> None:
    assert _loaded(*argv) == (set(), set())


@pytest.mark.parametrize(("argv", "module"), [
    (["import-cases", "x.csv"], "desktop_app.cli.case_import"),
    (["--db", "x.db", "case", "list"], "desktop_app.cli.cases"),
    (["seat", "--help"], "desktop_app.cli.team"),
])
def test_a_command_imports_its_own_module_only(argv: list[str], module: str) -> None:
    modules, libraries = _loaded(*argv)
    assert modules == {module}
    assert "openpyxl" not in libraries
