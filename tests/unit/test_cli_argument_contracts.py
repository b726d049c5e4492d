"""The argument contracts of the command line as README states them ("a mistyped option … exit 2, the line
says where the `--help` is"; an unknown platform or shop exits 2 in Chinese), tried as a script meets them:
an option given an empty value (a shell variable that was never set), an option the command does not take,
a case number that is not one."""

from __future__ import annotations

import argparse
import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.cli import run
from desktop_app.cli.command_table import command_modules


@pytest.fixture
def ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "ledger.sqlite3"
    assert run(["case", "add", "--platform", "taobao", "--order", "4145384019161461003", "--kind", "reship",
                "--db", str(path)]) == 0
    capsys.readouterr()
    return str(path)


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The one Chinese line on stderr of a command that exits 2 and prints nothing else."""
    try:
        code = run(argv)
    except SystemExit as stop:  # argparse's own refusals end the process (python -m desktop_app exits with it)
        code = stop.code
    out, err = capsys.readouterr()
    assert code == 2, (argv, code, out, err)
    assert out == "" and err.startswith("错误：") and err.count("\n") == 1, (argv, out, err)
    return err


# `--platform ""` was read as no --platform: `report` counted every platform, `case list` and the exports
# listed every case and order, `case add --reason ""` stored a case without its reason, exit 0 each time.
@pytest.mark.parametrize(("option", "argv"), [
    ("--platform", ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--platform", ""]),
    ("--shop", ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--shop", " "]),
    ("--platform", ["case", "list", "--platform", ""]),
    ("--kind", ["case", "list", "--kind", ""]),
    ("--status", ["case", "list", "--status", ""]),
    ("--reason", ["case", "list", "--reason", ""]),
    ("--status", ["export-cases", "售后单.xlsx", "--status", ""]),
    ("--platform", ["export-orders", "订单.xlsx", "--platform", ""]),
    ("--reason", ["case", "add", "--platform", "taobao", "--order", "1", "--kind", "reship", "--reason", ""]),
    ("--status", ["claim", "list", "--status", ""]),
    ("--enable", ["policies", "--enable", ""]),
])
def test_an_option_given_an_empty_value_is_refused_naming_it(option: str, argv: list[str], ledger: str,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    err = refused([*argv, "--db", ledger], capsys)
    assert err == f"错误：{option} 后面的值是空的：请写上要用的值，或去掉 {option}\n"
    assert list(work.iterdir()) == []  # no export written


def test_an_empty_backup_folder_is_refused_not_the_working_folder(ledger: str, tmp_path: Path, data_home: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # `backup --to ""` wrote the copy into the folder the shell was in; `backup --folder ""` made that folder
    # the backup folder of every later automatic backup.
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    said = refused(["backup", "--to", "", "--db", ledger], capsys)
    assert said == "错误：--to 后面的值是空的：请写上要用的值，或去掉 --to\n"
    assert refused(["backup", "--folder", "", "--db", ledger], capsys).startswith("错误：--folder 后面的值是空的")
    assert list(work.iterdir()) == []
    assert run(["backup", "--list", "--json", "--db", ledger]) == 0
    assert json.loads(capsys.readouterr().out) == []  # nothing written anywhere, the folder not changed
    chosen = data_home / "backups.json"
    assert not chosen.exists() or json.loads(chosen.read_text(encoding="utf-8")).get("folder") is None


@pytest.mark.parametrize(("argv", "command"), [
    (["case", "add", "--platform", "taobao", "--order", "1", "--kind", "reship", "--bogus"], "case add"),
    (["report", "--from", "2026-11-01", "--to", "2026-11-30", "--jsn"], "report"),
    (["--bogus", "case", "list"], "case list"),
    (["reship", "ship", "1", "--carrier", "中通快递", "--tracking", "78123456789012", "--zz"], "reship ship"),
    (["case", "list", "extra"], "case list"),
])
def test_an_option_the_command_does_not_take_points_at_its_own_help(argv: list[str], command: str, ledger: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # The line pointed at `python -m desktop_app --help`, which lists the commands, not their options.
    err = refused([*argv, "--db", ledger], capsys)
    assert err.endswith(f"（用 python -m desktop_app {command} --help 查看说明）\n"), err
    assert "usage" not in err


@pytest.mark.parametrize("argv", [
    ["guide", "abc"], ["reply", "abc", "ask_photos"], ["evidence", "abc"], ["returns", "match", "abc", "1"],
    ["returns", "match", "1", "abc"], ["guide", "١٢"],
])
def test_a_case_number_that_is_not_one_is_said_as_everywhere_else(argv: list[str], ledger: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # These said "N：“abc”不是有效的值" (argparse's words) and took ١٢ (Arabic-Indic digits) for case 12.
    err = refused([*argv, "--db", ledger], capsys)
    assert "不是有效的编号（应为正整数，例如 12）" in err, err


def test_an_evidence_number_past_what_sqlite_holds_is_said_before_the_ledger_is_read(
        ledger: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(["evidence", "1", "--remove", "99999999999999999999", "--db", ledger], capsys) == \
        "错误：编号“99999999999999999999”太大\n"


def parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, argparse.Action]]:
    """Every argument of every command and subcommand, with the command it belongs to."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from parsers(child, (*path, name))
        else:
            yield " ".join(path), action


def test_every_argument_of_every_command_says_what_it_is_in_its_help() -> None:
    # `case act --help` listed ACTION with no word of the actions there are (case --help had them), `claim act`
    # the same; N, TEXT, TRACKING, FILE and YEAR stood bare in eleven commands' 参数.
    parser = cli.options_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        importlib.import_module(module).register(commands)
    bare = [f"{command} {action.metavar or action.dest}" for command, action in parsers(parser)
            if action.help is None]
    assert bare == []


def test_the_actions_are_listed_in_the_help_of_case_act_and_claim_act(capsys: pytest.CaptureFixture[str]) -> None:
    for command, action in (("case", "buyer_shipped_return（买家已寄回）"), ("claim", "escalate_hq（升级快递总部）")):
        with pytest.raises(SystemExit):
            run([command, "act", "--help"])
        assert action in capsys.readouterr().out.replace("\n", "").replace(" ", "")
