"""An after-sales export read as another platform's than its own: 拼多多's and 抖店's lists share their
headers, the order numbers do not (io/case_platform_check.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aftersales_files import TB_HEADER, copy_fixture, tb_row, write_csv
from test_case_import import cli, listed


def test_a_pdd_list_imported_as_douyin_is_refused_naming_the_order_number(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", "douyin", "--db", ledger_target)
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "所选平台是抖店，但文件里的订单号都是拼多多订单号的样子" in err and "--platform pdd" in err
    assert "第 2 行“订单号”列的 261111-383992070643567" in err, err
    assert listed(capsys, ledger_target) == {}  # nothing stored
    # Its own platform (or none) takes it.
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", "pdd", "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"]) == ("pdd", 20)


def test_a_douyin_list_imported_as_pdd_names_the_columns_only_douyin_writes(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    [path] = copy_fixture(tmp_path, "dy_aftersales.xlsx")
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", "pdd", "--db", ledger_target)
    assert code == 2 and out == ""
    assert "所选平台是拼多多，但文件里的订单号都是抖店订单号的样子" in err and "--platform douyin" in err
    assert "（商品单号、买家昵称）" in err, err
    assert listed(capsys, ledger_target) == {}


def test_a_header_that_reads_as_douyin_with_pdd_order_numbers_is_read_as_pdd(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # A 拼多多 list written with 抖店's words (售后单号) and a 买家昵称 column: its header alone reads
    # better as 抖店's layout, its order numbers are 拼多多's, and 拼多多's layout reads the header too.
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].replace("售后编号", "售后单号") + ",买家昵称"
    path.write_text("\n".join([header, *(line + ",小王" for line in lines[1:])]) + "\n", encoding="utf-8-sig")
    code, out, err = cli(capsys, "import-cases", str(path), "--db", ledger_target, "--json")
    assert code == 0, err
    [entry] = json.loads(out)["files"]
    assert (entry["platform"], entry["inserted"]) == ("pdd", 20)
    assert {row["platform"] for row in listed(capsys, ledger_target).values()} == {"pdd"}


def test_order_numbers_that_fit_the_chosen_platform_or_no_platform_are_imported(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, ledger_target: str) -> None:
    # One order number of 抖店's shape is enough; numbers of no platform's shape (a hand-made list) say nothing.
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace("261111-383992070643567", "6999026815672311793")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    code, out, err = cli(capsys, "import-cases", str(path), "--platform", "douyin", "--db", ledger_target, "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["inserted"] == 20
    hand = write_csv(tmp_path / "手工.csv", [TB_HEADER, tb_row("A-1", "DD001"), tb_row("A-2", "DD002")])
    code, out, err = cli(capsys, "import-cases", str(hand), "--platform", "tmall", "--db", ledger_target, "--json")
    assert code == 0, err
    assert json.loads(out)["files"][0]["inserted"] == 2
