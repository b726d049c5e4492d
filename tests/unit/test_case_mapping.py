"""The column mapping's 售后单 target: a shop's own 台账 of cases with odd headers, mapped to case fields,
saved as an after-sales profile in the user's data folder and found again by its headers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from desktop_app.io.case_mapping import (
    CaseMapping,
    case_profile_table,
    check_case_mapping,
    check_preview_rows,
    save_case_profile,
    suggest_case_columns,
)
from desktop_app.io.case_profiles import user_profiles_dir
from desktop_app.io.case_rows import read_case_file, recognise
from desktop_app.io.import_errors import UnknownLayout
from desktop_app.io.user_profiles import MappingInvalid

HEADER = ["登记日期", "网店订单号", "售后ID", "处理方式", "进度", "问题", "退款", "寄回单号", "经手人"]
ROWS = [
    ["2026-11-12 09:30:00", "4145384019161461003", "SH-0001", "退货退款", "待买家退货", "发错货", "59.00", "", "小王"],
    ["2026-11-12 10:00:00", "4145384019161461004", "SH-0002", "仅退款", "已退款", "七天无理由", "19.90", "", "小李"],
    ["2026-11-13 11:00:00", "4145384019161461005", "SH-0003", "保价", "待处理", "", "10", "", "小李"],
]
COLUMNS = {"requested_at": "登记日期", "order_no": "网店订单号", "case_no": "售后ID", "kind": "处理方式",
           "status": "进度", "reason": "问题", "amount": "退款", "return_tracking_no": "寄回单号"}


def ledger_sheet(path: Path) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def test_columns_are_suggested_from_the_words_shops_use() -> None:
    proposal = suggest_case_columns(HEADER)
    assert proposal["order_no"] == 1
    assert proposal["case_no"] == 2
    assert proposal["kind"] == 3
    assert proposal["status"] == 4
    assert proposal["amount"] == 6
    assert "buyer_nick" not in proposal


def test_an_incomplete_mapping_says_what_is_missing_in_chinese() -> None:
    problems = check_case_mapping(CaseMapping("", "taobao", {"order_no": "网店订单号"}))
    assert problems[0].startswith("请填写方案名称")
    assert any("售后单号" in p for p in problems)
    assert any("售后类型" in p for p in problems)
    assert any("售后状态" in p for p in problems)
    with pytest.raises(MappingInvalid):
        case_profile_table(CaseMapping("台账", "taobao", {"order_no": "网店订单号"}))


def test_the_preview_rows_are_read_as_the_import_will(data_home: Path) -> None:
    check = check_preview_rows(CaseMapping("售后台账", "taobao", COLUMNS), HEADER,
                               [(number, row) for number, row in enumerate(ROWS, start=2)])
    assert check.good == 2
    [error] = check.errors
    assert (error.row, error.column) == (4, "处理方式")
    assert "无法识别的售后类型“保价”" in error.message


def test_a_saved_mapping_is_found_by_its_headers_in_the_data_folder(data_home: Path, tmp_path: Path) -> None:
    path = ledger_sheet(tmp_path / "售后台账2026.csv")
    with pytest.raises(UnknownLayout):
        read_case_file(path)
    profile = save_case_profile(CaseMapping(" 售后 台账 ", "taobao", COLUMNS))
    assert profile.source.parent == user_profiles_dir()
    assert profile.source.is_relative_to(data_home)
    assert "导入为售后单" in profile.source.read_text(encoding="utf-8")
    assert recognise(path) is not None
    parsed = read_case_file(path)
    assert parsed.profile.label == "售后 台账"
    assert [r.platform_case_no for r in parsed.records] == ["SH-0001", "SH-0002"]
    assert parsed.records[0].platform.value == "taobao"
    assert parsed.records[0].amount_fen == 5900
    assert parsed.records[1].reason.value == "no_reason_7d"
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "处理方式")]

