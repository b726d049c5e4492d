"""A 淘宝-layout refund list imported without --platform: 天猫's when the ledger says so, and never
taken as 淘宝 without saying how to re-run it as 天猫 (the two platforms export one layout)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aftersales_files import copy_fixture, expected
from test_case_import import cli, listed

from desktop_app.core.refund_list_platform import FamilySeen, refund_list_platform
from desktop_app.core.vocabulary import Platform


@pytest.mark.parametrize(("orders", "ledger", "platform", "says"), [
    (FamilySeen(), FamilySeen(), Platform.TAOBAO, "--platform tmall"),  # nothing known: 淘宝, and how to re-run
    (FamilySeen(tmall=3), FamilySeen(), Platform.TMALL, "--platform taobao"),
    (FamilySeen(tmall=3, taobao=2), FamilySeen(), Platform.TAOBAO, "--platform tmall"),
    (FamilySeen(taobao=5), FamilySeen(tmall=9), Platform.TAOBAO, None),  # the file's own orders decide
    (FamilySeen(), FamilySeen(tmall=9), Platform.TMALL, "--platform taobao"),
    (FamilySeen(), FamilySeen(tmall=9, taobao=1), Platform.TAOBAO, "--platform tmall"),
    (FamilySeen(), FamilySeen(taobao=4), Platform.TAOBAO, None),
])
def test_the_ledgers_evidence_decides_and_anything_not_plain_is_said(
        orders: FamilySeen, ledger: FamilySeen, platform: Platform, says: str | None) -> None:
    chosen = refund_list_platform(orders, ledger)
    assert chosen.platform is platform
    if says is None:
        assert chosen.warning is None
    else:
        assert chosen.warning is not None and says in chosen.warning and "格式相同" in chosen.warning


def test_a_tmall_list_without_its_flag(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       ledger_target: str) -> None:
    db = ledger_target
    tmall, taobao = copy_fixture(tmp_path, "tm_refunds.xlsx", "tb_refunds.csv")
    # A new ledger knows nothing: 淘宝 as before, but the shop is told, on stderr, how to re-run as 天猫.
    code, out, err = cli(capsys, "import-cases", str(tmall), "--db", db)
    assert code == 0
    assert "警告：tm_refunds.xlsx：淘宝和天猫的退款列表格式相同" in err and "--platform tmall" in err
    assert {r["platform"] for r in listed(capsys, db).values()} == {"taobao"}
    assert cli(capsys, "import-cases", str(tmall), "--platform", "tmall", "--db", db)[0] == 0

    # The next export of the same shop, the flag forgotten: its orders' cases are 天猫's.
    code, out, err = cli(capsys, "import-cases", str(tmall), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["platform"] == "tmall" and entry["unchanged"] == 20
    assert any("在台账中是天猫的，已按天猫导入" in w for w in entry["warnings"])
    # A list of orders the ledger has no case of: its other 淘宝/天猫 cases are all 天猫's.
    code, out, err = cli(capsys, "import-cases", str(taobao), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["platform"] == "tmall" and entry["inserted"] == 20
    assert any("都是天猫的" in w and "--platform taobao" in w for w in entry["warnings"])
    new = {c["platform_case"] for c in expected("tb_refunds.csv")["cases"]}
    rows = listed(capsys, db)
    assert {rows[n]["platform"] for n in new} == {"tmall"}
    # Told 淘宝, it is 淘宝's: nothing guessed over the shop's word.
    code, out, err = cli(capsys, "import-cases", str(taobao), "--platform", "taobao", "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["platform"] == "taobao" and entry["warnings"] == []
    rows = listed(capsys, db)
    assert {rows[n]["platform"] for n in new} == {"taobao"}


def test_an_order_typed_as_tmall_makes_its_refund_list_tmall(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                             ledger_target: str) -> None:
    [tmall] = copy_fixture(tmp_path, "tm_refunds.xlsx")
    first = expected("tm_refunds.xlsx")["cases"][0]
    code, _, err = cli(capsys, "case", "add", "--platform", "天猫", "--order", first["order"], "--kind", "reship",
                       "--db", ledger_target)
    assert code == 0, err
    code, out, err = cli(capsys, "import-cases", str(tmall), "--db", ledger_target, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["platform"] == "tmall" and entry["inserted"] == 20
    assert {r["platform"] for r in listed(capsys, ledger_target).values()} == {"tmall"}


def test_lists_imported_together_do_not_vouch_for_each_other(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                             ledger_target: str) -> None:
    """A 天猫 and a 淘宝 refund list in one import (the day's downloads together) on a new ledger: the first
    went in as 淘宝 with the warning, and the second as 淘宝 silently, its 'evidence' the first one's guess."""
    db = ledger_target
    tmall, taobao = copy_fixture(tmp_path, "tm_refunds.xlsx", "tb_refunds.csv")
    code, out, _ = cli(capsys, "import-cases", str(tmall), str(taobao), "--db", db, "--json")
    files = json.loads(out)["files"]
    assert code == 0 and [f["platform"] for f in files] == ["taobao", "taobao"]
    assert all(any("--platform tmall" in w for w in f["warnings"]) for f in files), files
    # A later import is told by the ledger as before: its 淘宝 cases are the ledger's word then.
    code, out, _ = cli(capsys, "import-cases", str(taobao), "--db", db, "--json")
    [entry] = json.loads(out)["files"]
    assert code == 0 and entry["platform"] == "taobao" and entry["unchanged"] == 20 and entry["warnings"] == []
