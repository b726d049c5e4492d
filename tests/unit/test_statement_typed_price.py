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


def test_a_batch_of_cases_skips_one_whose_goods_have_no_price_and_writes_the_others(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, data_home: Path) -> None:
    """README: `statement --case 3 5 8` writes by each case and exits 1 if some were skipped. A case whose
    goods have no price stopped the whole batch instead (exit 2, nothing written), although one whose order
    is not imported at all was skipped."""
    db = str(tmp_path / "ledger.sqlite3")
    [path] = copy_fixture(tmp_path, "pdd_aftersales.csv")
    assert cli(capsys, "import-cases", str(path), "--db", db)[0] == 0
    unpriced = json.loads(cli(capsys, "case", "list", "--json", "--db", db)[1])[0]["id"]
    orders = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "pdd_orders.csv"
    assert cli(capsys, "import-orders", str(orders), "--db", db)[0] == 0
    code, out, err = cli(capsys, "case", "add", "--platform", "pdd", "--order", "261118-961877507213020",
                         "--kind", "reship", "--reason", "lost", "--db", db)
    assert code == 0, err
    priced = int(out)
    out_file = tmp_path / "说明.xlsx"
    code, out, err = cli(capsys, "statement", "--case", str(unpriced), str(priced), "--out", str(out_file),
                         "--db", db, "--json")
    assert code == 1, err
    answer = json.loads(out)
    assert answer["count"] == 1 and answer["skipped"] == [unpriced] and out_file.exists()
    assert [s["reference"] for s in answer["statements"]] == [f"售后单 #{priced}"]
    assert f"跳过售后单 #{unpriced}：" in err and "没有单价和金额" in err and "--unit-price" in err
