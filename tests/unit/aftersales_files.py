"""Writing after-sales exports for tests in each platform's real encoding and layout."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aftersales"

TB_HEADER = ["退款编号", "订单编号", "支付宝交易号", "订单付款时间", "商品编码", "退款完结时间", "买家实际支付金额",
             "宝贝标题", "买家退款金额", "手工退款/系统退款", "是否需要退货", "退款的申请时间", "超时时间", "退款状态",
             "货物状态", "退货物流信息", "发货物流信息", "客服介入状态", "卖家真实姓名", "买家退款原因", "买家退款说明",
             "部分退款/全部退款"]
DY_HEADER = ["售后单号", "订单号", "商品单号", "商品名称", "商品规格", "商品数量", "售后类型", "售后状态", "售后原因",
             "申请时间", "退款金额", "退货物流公司", "退货物流单号", "买家昵称", "售后完结时间"]


def tb_row(case_no: str, order_no: str, *, status: str = "买家已经申请退款，等待卖家同意", returns: str = "否",
           scope: str = "全部退款", amount: str = "59.00", requested: str = "2026-11-20 10:00:00",
           finished: str = "", due: str = "", reason: str = "七天无理由退换货", logistics: str = "",
           intervention: str = "不需客服介入") -> list[str]:
    values = {
        "退款编号": case_no, "订单编号": order_no, "支付宝交易号": "2026112022001",
        "订单付款时间": "2026-11-11 09:00:00",
        "商品编码": "SKU-1", "退款完结时间": finished, "买家实际支付金额": amount, "宝贝标题": "纯棉袜子 10双装",
        "买家退款金额": amount, "手工退款/系统退款": "系统退款", "是否需要退货": returns, "退款的申请时间": requested,
        "超时时间": due, "退款状态": status, "货物状态": "买家已收到货", "退货物流信息": logistics,
        "发货物流信息": "圆通速递,YT2439332836791", "客服介入状态": intervention, "卖家真实姓名": "林晓燕",
        "买家退款原因": reason, "买家退款说明": "", "部分退款/全部退款": scope,
    }
    return [values[h] for h in TB_HEADER]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "gb18030") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], date1904: bool = False) -> Path:
    """`date1904`: saved with Excel for Mac's 1904 date system (workbookPr date1904="1")."""
    book = Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def copy_fixture(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        target = folder / name
        shutil.copyfile(FIXTURES / name, target)
        paths.append(target)
    return paths


def expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "expected_cases.json").read_text(encoding="utf-8"))[name]
    return data
