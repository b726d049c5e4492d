"""Net loss per order and per product, against hand-computed values on the report ledger
(tests/unit/report_ledger.py): the dashboard's product table, `report --json` and `costs`."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from report_ledger import build

from desktop_app.cli import run
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_costs import case_money
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem

NOVEMBER = parse_period("2026-11-01", "2026-11-30")


@pytest.fixture
def ledger(db: Database) -> dict[str, int]:
    """The report ledger, plus: #1's order holds a bowl and a mug; a second case on #3's order
    (#11: compensation 5.00 asked 2026-11-30 10:00, not yet paid)."""
    ids = build(db)
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, ids["c1"]).order_id)
        order.items.append(OrderItem(position=0, title="汤碗", sku_code="BOWL-02", quantity=1))
        order.items.append(OrderItem(position=1, title="陶瓷马克杯", sku_code="CUP-01", quantity=1))
    ids["c11"] = open_case(db, NewCase(
        platform=Platform.TMALL, order_no="4100000000000000003", kind=CaseKind.PARTIAL_REFUND,
        reason=CaseReason.QUALITY, compensation_fen=500, requested=parse_moment("2026-11-30 10:00"),
    ), author="测试").case_id
    return ids


def test_net_loss_per_product(db: Database, ledger: dict[str, int]) -> None:
    products = {p.key: p for p in build_report(db, NOVEMBER).products}
    # The mug: #1 (postage 8.00 + written off 20.00) + #3 (refund 100.00 paid) + #11 (compensation 5.00 not
    # yet paid: nothing) − 50.00 the courier paid on #3's claim = 78.00. The bowl: #1 alone = 28.00.
    assert (products["CUP-01"].cases, products["CUP-01"].net_loss) == (3, Decimal("78.00"))
    assert (products["BOWL-02"].cases, products["BOWL-02"].net_loss) == (1, Decimal("28.00"))


def test_net_loss_of_the_order_beside_the_case(db: Database, ledger: dict[str, int]) -> None:
    with db.reading() as s:
        three = case_money(s, ledger["c3"])
        one = case_money(s, ledger["c1"])
    # #3 alone: 100.00 − 50.00; its order the same: #11's compensation is only asked for.
    assert (three.net_loss, three.order_no, three.order_cases, three.order_net_loss) == (
        Decimal("50.00"), "4100000000000000003", 2, Decimal("50.00"))
    assert (one.order_cases, one.order_net_loss) == (1, Decimal("28.00"))
    # Once paid, #11's 5.00 is its loss and its order's: 100.00 + 5.00 − 50.00.
    act_on_case(db, ledger["c11"], CaseAction.COMPENSATE, author="测试")
    with db.reading() as s:
        eleven = case_money(s, ledger["c11"])
    assert (eleven.net_loss, eleven.order_cases, eleven.order_net_loss) == (Decimal("5.00"), 2, Decimal("55.00"))
    products = {p.key: p for p in build_report(db, NOVEMBER).products}
    assert products["CUP-01"].net_loss == Decimal("83.00")


def test_cli_report_and_costs_carry_the_net_loss(db: Database, ledger_target: str, ledger: dict[str, int],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cup = next(p for p in data["by_product"] if p["key"] == "CUP-01")  # #1's order was not imported: not sold
    assert cup == {"key": "CUP-01", "title": "陶瓷马克杯", "cases": 3, "sold": 5, "per_100_sold": "60.00",
                   "net_loss": "78.00"}
    assert {"by_kind", "by_platform", "by_reason", "money"} <= set(data)
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target]) == 0
    text = capsys.readouterr().out
    assert "净损失" in text.split("按商品：")[1].splitlines()[1] and "78.00" in text.split("按商品：")[1]
    assert run(["costs", str(ledger["c3"]), "--db", ledger_target, "--json"]) == 0
    costs = json.loads(capsys.readouterr().out)
    assert costs["order"] == {"order": "4100000000000000003", "cases": 2, "net_loss": "50.00"}
    assert costs["net_loss"] == "50.00"
    assert run(["costs", str(ledger["c3"]), "--db", ledger_target]) == 0
    assert "订单 4100000000000000003：售后单 2 张，合计净损失 50.00" in capsys.readouterr().out
