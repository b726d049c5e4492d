"""The cost price table by 商家编码: import from a sheet, and `costs N --written-off cost`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app.cli import run
from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.product_cost_sheet import read_product_costs
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.product_costs import case_goods_cost
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem


def cost_sheet(path: Path, rows: list[tuple[object, ...]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(("小林家居 成本价表 2026-11",))  # a title line above the header
    sheet.append(("商家编码", "商品名称", "成本价"))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_sheet_is_read_and_bad_lines_are_named(tmp_path: Path) -> None:
    sheet = read_product_costs(cost_sheet(tmp_path / "成本.xlsx", [
        ("CUP-01", "陶瓷马克杯", 12.5), (20261101, "汤碗", "8.80"), ("BAD-1", "坏价格", "十二"),
        ("NONE-1", "没有价格", None), ("CUP-01", "陶瓷马克杯（新）", 13), ("", "空编码行", 1),
        ("TOO-1", "三位小数", 1.234),
    ]))
    assert [(line.sku_code, line.cost_fen) for line in sheet.lines] == [("CUP-01", 1300), ("20261101", 880)]
    assert sheet.problems == (
        "第 5 行：成本价“十二”不是有效的金额（例如 12.50）", "第 6 行：商家编码 NONE-1 没有成本价",
        "第 7 行：商家编码 CUP-01 与第 3 行重复，以本行为准", "第 9 行：成本价“1.234”最多只能有两位小数（精确到分）",
    )


def test_codes_excel_damaged_and_formulas_without_results_are_named_not_stored(tmp_path: Path) -> None:
    path = cost_sheet(tmp_path / "成本.xlsx", [
        (6901234567890123456, "条码太长", 12.5), ("1.23E+18", "科学计数", 4), (6901234567890.0, "13 位条码", 3),
        ("1E5", "像数字的编码", 2), ("=A2", "公式编码", 6), ("SKU-OK", "公式成本", "=1/0"),
    ])
    sheet = read_product_costs(path)
    # Were stored as codes "6901234567890123776", "1.23E+18" and "UncalculatedFormula('A7', 'A2')", and the
    # cost formula was named by its repr.
    assert [(line.sku_code, line.cost_fen) for line in sheet.lines] == [("6901234567890", 300), ("1E5", 200)]
    assert [p.split("：")[0] for p in sheet.problems] == ["第 3 行", "第 4 行", "第 7 行", "第 8 行"]
    assert "商家编码是被 Excel 转成数字的编号（6.90123456789012E+18）" in sheet.problems[0]
    assert "商家编码“1.23E+18”是被 Excel 转成科学计数法的编号" in sheet.problems[1]
    assert "商家编码是公式“=A2”（单元格 A7）" in sheet.problems[2]
    assert "成本价是公式“=1/0”（单元格 C8）" in sheet.problems[3]


def test_import_cli_then_price_a_case(db: Database, ledger_target: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = cost_sheet(tmp_path / "成本.xlsx", [("CUP-01", "陶瓷马克杯", 12.5), ("BOWL-2", "汤碗", "8.80"),
                                               ("X", "坏", "abc")])
    assert run(["product-costs", "import", str(path), "--db", ledger_target, "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["added"] == 2
    assert run(["product-costs", "import", str(path), "--db", ledger_target]) == 1
    out, err = capsys.readouterr()
    assert "未变 2 个" in out and "成本.xlsx：第 5 行：成本价“abc”" in err  # the file named, as imports do
    case_id = open_case(db, NewCase(platform=Platform.PDD, order_no="261120-000000000009", kind=CaseKind.RESHIP,
                                    reason=CaseReason.DAMAGED, requested=parse_moment("2026-11-20")),
                        author="测试").case_id
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
        order.items.append(OrderItem(position=1, title="汤碗", sku_code="BOWL-2", quantity=1))
    assert case_goods_cost(db, case_id).cost_fen == 3380
    assert run(["costs", str(case_id), "--written-off", "cost", "--json", "--db", ledger_target]) == 0
    assert json.loads(capsys.readouterr().out)["written_off"] == "33.80"
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=2, title="赠品勺子", sku_code="GIFT-9", quantity=1))
    assert run(["costs", str(case_id), "--written-off", "cost", "--db", ledger_target]) == 2
    assert "GIFT-9" in capsys.readouterr().err


def test_a_file_without_the_columns_is_refused(ledger_target: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "订单.csv"
    path.write_text("订单号,金额\n1,2\n", encoding="utf-8")
    assert run(["product-costs", "import", str(path), "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert "商家编码" in err and "Traceback" not in err
    picture = tmp_path / "成本.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert run(["product-costs", "import", str(picture), "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert "PNG 图片，不是表格文件" in err and "订单" not in err  # was "不是订单表格"


def _priced_for(db: Database, order_no: str, code: str) -> int | None:  # None: named as without a cost price
    """The goods cost of a reship whose order holds one line of `code` (as the platform's export wrote it)."""
    case_id = open_case(db, NewCase(platform=Platform.TAOBAO, order_no=order_no, kind=CaseKind.RESHIP,
                                    reason=CaseReason.DAMAGED, requested=parse_moment("2026-11-20")),
                        author="测试").case_id
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code=code, quantity=2))
    priced = case_goods_cost(db, case_id)
    return None if priced.missing else priced.cost_fen


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_codes_with_leading_zeros_match_whichever_side_lost_them(
        kind: str, db: Database, ledger_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """000123 typed in an Excel cell is the number 123 (shown 000123 by its format), and a csv saved from that sheet
    says 123; the platform's export says 000123. One product: priced, not named as without a cost price."""
    if kind == "xlsx":
        path = cost_sheet(tmp_path / "成本.xlsx", [(123, "陶瓷马克杯", 12.5), ("000456", "汤碗", 8.8)])
        book = load_workbook(path)
        book.active["A3"].number_format = "000000"
        book.save(path)
    else:
        path = tmp_path / "成本.csv"
        path.write_text("商家编码,商品名称,成本价\n123,陶瓷马克杯,12.50\n000456,汤碗,8.80\n", encoding="utf-8-sig")
    assert run(["product-costs", "import", str(path), "--db", ledger_target, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 2
    assert _priced_for(db, "3100000000000000001", "000123") == 2500
    assert _priced_for(db, "3100000000000000002", "456") == 1760  # the other way round: the order lost them
    assert _priced_for(db, "3100000000000000003", "０００１２３") == 2500  # full-width digits too
    # Codes of letters keep their zeros: 00A7 is not A7.
    assert _priced_for(db, "3100000000000000004", "0456A") is None
