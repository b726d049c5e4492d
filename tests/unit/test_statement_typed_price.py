"""A case whose order came only from an after-sales export has goods without a price: `statement --case`
says how to go on, and `--unit-price` values those goods for this statement (nothing stored)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aftersales_files import copy_fixture

from desktop_app.cli import run


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_goods_without_a_price_are_valued_at_the_typed_unit_price(capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path, data_home: Path) -> None:
    db = str(tmp_path / "ledger.sqlite3")
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    assert cli(capsys, "import-cases", str(path), "--db", db)[0] == 0
    code, out, _ = cli(capsys, "case", "list", "--json", "--db", db)
    case = json.loads(out)[0]
    out_file = tmp_path / "说明.xlsx"

    code, _, err = cli(capsys, "statement", "--case", str(case["id"]), "--out", str(out_file), "--db", db)
    assert code == 2 and not out_file.exists()
    assert "没有单价和金额" in err and "--unit-price 59.00" in err and "订单导出" in err

    code, _, err = cli(capsys, "statement", "--case", str(case["id"]), "--unit-price", "abc", "--out", str(out_file),
                       "--db", db)
    assert code == 2 and "--unit-price abc" in err and "单价" in err

    code, out, err = cli(capsys, "statement", "--case", str(case["id"]), "--unit-price", "59.00", "--out",
                         str(out_file), "--db", db, "--json")
    assert code == 0, err
    [statement] = json.loads(out)["statements"]
    assert statement["reference"] == f"售后单 #{case['id']}"
    assert float(statement["total"]) > 0 and float(statement["total"]) % 59 == 0
    assert out_file.exists()
    # Nothing stored: without the option the statement is refused again.
    assert cli(capsys, "statement", "--case", str(case["id"]), "--out", str(tmp_path / "b.xlsx"), "--db", db)[0] == 2


def test_a_claim_for_such_an_order_is_valued_at_the_typed_unit_price_too(capsys: pytest.CaptureFixture[str],
                                                                         tmp_path: Path, data_home: Path) -> None:
    """`--unit-price` is honoured with `--claim` as with `--order` and `--case` (it was ignored there)."""
    db = str(tmp_path / "ledger.sqlite3")
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    assert cli(capsys, "import-cases", str(path), "--db", db)[0] == 0
    case = json.loads(cli(capsys, "case", "list", "--json", "--db", db)[1])[0]
    code, out, err = cli(capsys, "claim", "add", "--case", str(case["id"]), "--incident", "lost", "--amount", "30",
                         "--db", db, "--json")
    assert code == 0, err
    claim_id = str(json.loads(out)["id"])
    out_file = tmp_path / "说明.xlsx"
    code, _, err = cli(capsys, "statement", "--claim", claim_id, "--out", str(out_file), "--db", db)
    assert code == 2 and "没有单价和金额" in err and not out_file.exists()
    code, out, err = cli(capsys, "statement", "--claim", claim_id, "--unit-price", "59.00", "--out", str(out_file),
                         "--db", db, "--json")
    assert code == 0, err
    [statement] = json.loads(out)["statements"]
    assert float(statement["total"]) > 0 and float(statement["total"]) % 59 == 0
    assert statement["reference"] == f"理赔编号 {claim_id}"
