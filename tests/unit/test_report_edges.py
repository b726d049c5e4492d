"""The money of what an outside tester tries first, against the hand-computed second ledger of
report_ledger.py (`build_edges`): a refund after a partial refund, a reship of two of an order's three
lines priced by a cost sheet typed with other case and width, a shop and a platform asked together."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_ledger import EDGE_MONEY, EXPECTED_MONEY, build, build_edges

from desktop_app.cli import run
from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_costs import case_money
from desktop_app.services.case_kind import change_case_kind
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.services.product_costs import case_goods_cost
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import MONEY_KEYS, MONEY_LABELS, parse_period
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.product_costs import list_product_costs

NOVEMBER = parse_period("2026-11-01", "2026-11-30")


@pytest.fixture
def edges(db: Database, tmp_path: Path) -> dict[str, int]:
    return build_edges(db, tmp_path / "成本价.xlsx")


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = run([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_the_november_money_matches_the_hand_computed_figures(db: Database, edges: dict[str, int],
                                                             ledger_target: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert build_report(db, NOVEMBER).money.as_strings() == EDGE_MONEY
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target)
    assert data["money"] == EDGE_MONEY and data["cases"] == 3


def test_a_refund_after_a_partial_refund_keeps_the_compensation_paid(db: Database, edges: dict[str, int]) -> None:
    """补偿 10.00 paid, then the case became 仅退款 and 233.00 was refunded: the buyer got 243.00. The kind change
    moved the 10.00 into the refund, which the refund's amount then replaced: 统计 counted 233.00."""
    with db.reading() as s:
        money = case_money(s, edges["e1"])
        notes = [e.note or "" for e in case_events(s, edges["e1"])]
    assert (money.refund, money.compensation, money.net_loss) == (Decimal("233.00"), Decimal("10.00"),
                                                                  Decimal("243.00"))
    assert any("已付给买家的补偿 10.00 元仍记为补偿" in n for n in notes)


def test_an_unpaid_amount_still_moves_with_the_kind(db: Database) -> None:
    case_id = open_case(db, NewCase(Platform.PDD, "261115-000000000009", CaseKind.PARTIAL_REFUND, CaseReason.DAMAGED,
                                    compensation_fen=1000), author="测试").case_id
    change_case_kind(db, case_id, CaseKind.REFUND_ONLY, author="测试")
    act_on_case(db, case_id, CaseAction.REFUND, author="测试")
    with db.reading() as s:
        money = case_money(s, case_id)
    assert (money.refund, money.compensation, money.net_loss) == (Decimal("10.00"), None, Decimal("10.00"))


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


def test_a_shop_and_a_platform_asked_together(db: Database, edges: dict[str, int], ledger_target: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The shop is a 淘宝 one (its orders came in a 淘宝 export); its 天猫 case is what --platform tmall asks.
    It said 找不到店铺“小林家居”，已有店铺：小林家居 (the window: 统计失败 with the shop's number)."""
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--platform", "tmall",
                    "--shop", "小林家居", "--db", ledger_target)
    assert data["cases"] == 1 and data["by_platform"] == {"tmall": 1}
    assert data["money"] == {**{k: "0.00" for k in EDGE_MONEY}, "pending_refund": "20.00"}
    by_id = build_report(db, NOVEMBER, Platform.PDD, edges["shop"])
    assert by_id.cases == 0 and by_id.shop is not None and by_id.shop.name == "小林家居"


def test_a_day_is_a_china_day(db: Database, edges: dict[str, int]) -> None:
    """#e3 was asked at 23:30 China time on 11 November (15:30 UTC): it is that day's, not the next's."""
    assert build_report(db, parse_period("2026-11-11", "2026-11-11")).by_platform == {"tmall": 1}
    assert build_report(db, parse_period("2026-11-12", "2026-11-12")).cases == 0


def test_the_xlsx_holds_the_figures_of_the_json_as_numbers(db: Database, ledger_target: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Every figure of `report --xlsx` is the `--json` one, a number Excel sorts and sums: the rates per 100 and
    the share of deadlines met were text ("100.00" sorted before "33.33"; "90%" summed as nothing)."""
    build(db)
    target = tmp_path / "统计.xlsx"
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(target),
                    "--db", ledger_target)
    book = load_workbook(target, read_only=True)
    sheets = {name: [tuple(r) for r in book[name].iter_rows(values_only=True)][1:] for name in book.sheetnames}
    book.close()
    money = data["money"]
    assert isinstance(money, dict)
    overview = dict(sheets["概览"])
    assert {key: f"{overview[MONEY_LABELS[key]]:.2f}" for key in MONEY_KEYS} == money == EXPECTED_MONEY
    products = data["by_product"]
    assert isinstance(products, list)
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in sheets["按商品"]] == [
        (p["key"], p["cases"], p["sold"], None if p["per_100_sold"] is None else float(p["per_100_sold"]),
         float(p["net_loss"])) for p in products]
    assert sheets["按商品"] and all(isinstance(r[4], int | float) for r in sheets["按商品"])
    timeliness = data["timeliness"]
    assert isinstance(timeliness, dict)
    total = sheets["时效"][0]
    assert total[:5] == ("合计", timeliness["deadlines"], timeliness["met"], timeliness["missed"],
                         float(timeliness["met_share"]))
    carriers = data["by_carrier"]
    assert isinstance(carriers, list)
    assert [(r[1], r[5], r[8]) for r in sheets["按快递"]] == [
        (c["parcels"], None if c["per_100_parcels"] is None else float(c["per_100_parcels"]), float(c["received"]))
        for c in carriers]


def test_the_cases_a_breakdown_leaves_out_are_said_as_in_the_tab(db: Database, ledger_target: str, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: the command prints the 统计 tab's figures and its workbook holds the tab's tables. The tab shows
    the 4 cases of 8 nobody named a responsible party for as （未填） 4; the text report left 按责任方 at its two
    parties and the workbook's 按责任方 sheet at 3 rows, so their counts added up to 4 of 8."""
    build(db)
    target = tmp_path / "统计.xlsx"
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(target),
                "--db", ledger_target]) == 0
    text = capsys.readouterr().out
    responsible = text.split("按责任方：\n")[1].split("\n\n")[0].splitlines()
    assert [line.split() for line in responsible] == [["商家", "2"], ["买家", "1"], ["快递", "1"], ["（未填）", "4"]]
    book = load_workbook(target, read_only=True)
    rows = [tuple(r) for r in book["按责任方"].iter_rows(values_only=True)][1:]
    reasons = [tuple(r) for r in book["按原因"].iter_rows(values_only=True)][1:]
    book.close()
    assert rows == [("商家", 2), ("买家", 1), ("快递", 1), ("（未填）", 4)]
    assert sum(n for _name, n in reasons) == 8 and "（未填）" not in dict(reasons)  # every case has a reason
    assert cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target)[
        "by_responsible"] == {"merchant": 2, "buyer": 1, "carrier": 1}  # the JSON's {id: count} has no such id


def test_case_show_carries_the_cost_of_the_case(db: Database, edges: dict[str, int], ledger_target: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`case show --json` had no cost at all (only `costs N` said it): the same object under "cost"."""
    shown = cli_json(capsys, "case", "show", str(edges["e1"]), "--db", ledger_target)
    assert shown["cost"] == cli_json(capsys, "costs", str(edges["e1"]), "--db", ledger_target)
    cost = shown["cost"]
    assert isinstance(cost, dict)
    assert (cost["refund"], cost["compensation"], cost["paid_out"], cost["net_loss"]) == ("233.00", "10.00", True,
                                                                                         "243.00")
    reship = cli_json(capsys, "case", "show", str(edges["e2"]), "--db", ledger_target)["cost"]
    assert isinstance(reship, dict)
    assert (reship["postage_paid"], reship["written_off"], reship["net_loss"], reship["order"]) == (
        "12.00", "50.50", "62.50", {"order": "342696464696", "cases": 1, "net_loss": "62.50"})
    assert run(["case", "show", str(edges["e2"]), "--db", ledger_target]) == 0
    assert "费用：本店承担运费 12.00  货损 50.50  平台处罚 —  快递已赔付 0.00  净损失 62.50（订单合计 62.50）" \
        in capsys.readouterr().out


def test_a_reship_item_typed_by_hand_is_unknown_not_free(db: Database, edges: dict[str, int], ledger_target: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A 补发商品 that is no line of the order has no 商家编码: its cost is unknown (the command names it and
    writes nothing), never 0.00 added to the others'."""
    reships.update_items(db, edges["e2"], [ReshipItemRow("儿童保温杯", None, 1), ReshipItemRow("袜子", "白色", 2)],
                         author="测试")
    assert case_goods_cost(db, edges["e2"]).missing == ("袜子（没有商家编码）",)
    assert run(["costs", str(edges["e2"]), "--written-off", "cost", "--db", ledger_target]) == 2
    assert "成本价表中没有这些商品：袜子（没有商家编码）" in capsys.readouterr().err
    with db.reading() as s:
        assert case_money(s, edges["e2"]).costs.written_off_fen == 5050  # unchanged


def test_two_lines_of_one_product_count_its_case_once(db: Database, ledger_target: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """An order of two colours under one 商家编码 (a listing's code, as 淘宝 exports it), and two sizes of one
    title without a code: the case counted twice for the product (cases 2, its 25.00 net loss 50.00)."""
    with db.transaction() as s:
        order = Order(order_key="taobao:4100000000000000401", platform="taobao", order_no="4100000000000000401",
                      search_text="", paid_at=parse_moment("2026-11-03 09:00").at,
                      imported_at=parse_moment("2026-11-03").at)
        lines = (("TEE-01", "纯棉T恤", "白色", 1), ("TEE-01", "纯棉T恤", "黑色", 2), (None, "帆布袋", "大", 1),
                 (None, "帆布袋", "小", 1))
        for n, (code, title, spec, quantity) in enumerate(lines):
            order.items.append(OrderItem(position=n, title=title, spec=spec, sku_code=code, quantity=quantity))
        s.add(order)
    case_id = open_case(db, NewCase(Platform.TAOBAO, "4100000000000000401", CaseKind.REFUND_ONLY, CaseReason.QUALITY,
                                    refund_fen=2500, requested=parse_moment("2026-11-05 10:00")), author="测试").case_id
    act_on_case(db, case_id, CaseAction.REFUND, at=parse_moment("2026-11-05 11:00"), author="测试")
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--db", ledger_target)
    assert data["by_product"] == [
        {"key": "TEE-01", "title": "纯棉T恤", "cases": 1, "sold": 3, "per_100_sold": "33.33", "net_loss": "25.00"},
        {"key": "帆布袋", "title": "帆布袋", "cases": 1, "sold": 2, "per_100_sold": "50.00", "net_loss": "25.00"}]


def test_a_refund_after_a_refund_on_the_reopened_case_adds_up(db: Database, ledger_target: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """仅退款 of 100.00 asked: 30.00 refunded, completed, reopened, the other 70.00 refunded. The second amount
    replaced the first: costs, 统计 and the order counted 70.00 of the 100.00 the buyer got."""
    new = NewCase(Platform.JD, "310000000501", CaseKind.REFUND_ONLY, CaseReason.QUALITY, refund_fen=10000,
                  requested=parse_moment("2026-11-20 10:00"))
    case_id = open_case(db, new, author="测试").case_id
    for args in (("refund", "--amount", "30", "--at", "2026-11-20 11:00"), ("complete", "--at", "2026-11-21 10:00"),
                 ("reopen", "--at", "2026-11-22 10:00"), ("refund", "--amount", "70", "--at", "2026-11-22 11:00")):
        assert run(["case", "act", str(case_id), args[0], *args[1:], "--db", ledger_target]) == 0
    capsys.readouterr()
    cost = cli_json(capsys, "costs", str(case_id), "--db", ledger_target)
    assert (cost["refund"], cost["net_loss"]) == ("100.00", "100.00")
    assert build_report(db, NOVEMBER).money.refunded == Decimal("100.00")
    with db.reading() as s:
        notes = [e.note for e in case_events(s, case_id) if e.action == "refund"]
    assert notes == ["退款 30.00 元", "退款 70.00 元，累计 100.00 元"]


def test_a_claim_of_the_order_counts_once_among_its_cases(db: Database, ledger_target: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """An order of two cases (a 15.00 compensation, then a 40.00 refund) and a claim recorded for the order, paid
    30.00: each case's net loss subtracted the 30.00 (−15.00 and 10.00, 5.00 together for an order at 25.00)."""
    cases = []
    for kind, fen, action in ((CaseKind.PARTIAL_REFUND, 1500, CaseAction.COMPENSATE),
                              (CaseKind.REFUND_ONLY, 4000, CaseAction.REFUND)):
        new = NewCase(Platform.PDD, "261120-000000000601", kind, CaseReason.DAMAGED,
                      refund_fen=None if kind is CaseKind.PARTIAL_REFUND else fen,
                      compensation_fen=fen if kind is CaseKind.PARTIAL_REFUND else None,
                      requested=parse_moment("2026-11-20 10:00"))
        cases.append(open_case(db, new, author="测试").case_id)
        act_on_case(db, cases[-1], action, at=parse_moment("2026-11-20 11:00"), author="测试")
    with db.reading() as s:
        order_id = s.get_one(Case, cases[0]).order_id
    claim_id = open_claim(db, NewClaim(incident=ClaimIncident.DAMAGED, order_id=order_id, claimed_fen=5000,
                                       at=parse_moment("2026-11-20 12:00")), author="测试").claim_id
    act_on_claim(db, claim_id, ClaimAction.SUBMIT_STATEMENT, at=parse_moment("2026-11-21 10:00"), author="测试")
    act_on_claim(db, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=3000, at=parse_moment("2026-11-25 10:00"),
                 author="测试")
    first, second = (cli_json(capsys, "costs", str(c), "--db", ledger_target) for c in cases)
    assert (first["received"], first["net_loss"], second["received"], second["net_loss"]) == (
        "30.00", "-15.00", "0.00", "40.00")
    assert first["order"] == second["order"] == {"order": "261120-000000000601", "cases": 2, "net_loss": "25.00"}
    assert build_report(db, NOVEMBER).money.net_loss == Decimal("25.00")
