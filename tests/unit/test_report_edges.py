"""The money of what an outside tester tries first, against the hand-computed second ledger of
report_ledger.py (`build_edges`): a reship of two of an order's three lines priced by a cost sheet typed
with other case and width."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_ledger import EDGE_MONEY, build_edges

from desktop_app.cli import run
from desktop_app.services.product_costs import case_goods_cost
from desktop_app.services.report import build_report, parse_period
from desktop_app.store.database import Database
from desktop_app.store.product_costs import list_product_costs

NOVEMBER = parse_period("2026-11-01", "2026-11-30")


@pytest.fixture
def edges(db: Database, tmp_path: Path) -> dict[str, int]:
    return build_edges(db, tmp_path / "成本价.xlsx")


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = run([*args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data: dict[str, object] = json.loads(out)
    return data


def test_the_november_money_matches_the_hand_computed_figures(db: Database, edges: dict[str, int],
                                                             ledger_target: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert build_report(db, NOVEMBER).money.as_strings() == EDGE_MONEY
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target)
    assert data["money"] == EDGE_MONEY and data["cases"] == 1


def test_a_reship_is_written_off_at_the_cost_of_what_it_sends(db: Database, edges: dict[str, int],
                                                              ledger_target: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Two of the order's three lines, one piece each: 30.00 + 20.50, not the order's 30.00 + 3 × 20.50 + 10.00;
    the sheet's sku-aq9gwn and ＳＫＵ－２ＷＸＸＴＪ are the order's SKU-AQ9GWN and SKU-2WXXTJ."""
    assert case_goods_cost(db, edges["e2"]).cost_fen == 5050
    with db.reading() as s:
        assert [r.sku_code for r in list_product_costs(s)] == ["SKU-2WXXTJ", "SKU-7AV3TG", "SKU-AQ9GWN"]
    data = cli_json(capsys, "costs", str(edges["e2"]), "--written-off", "cost", "--db", ledger_target)
    assert (data["written_off"], data["postage_paid"], data["net_loss"]) == ("50.50", "12.00", "62.50")
