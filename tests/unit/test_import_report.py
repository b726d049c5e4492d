"""The import report: rejected rows and refused files in an xlsx the shop owner can open."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from order_files import PDD_HEADER, pdd_row, run_import, write_csv

from desktop_app.services.order_import import save_import_report
from desktop_app.store.database import Database


def test_report_lists_every_problem(tmp_path: Path, db: Database) -> None:
    bad_rows = write_csv(tmp_path / "pdd.csv", [
        PDD_HEADER,
        pdd_row("261101-000000000000001"),
        pdd_row("261101-000000000000002", paid="=1+1"),  # also a formula attempt in the message
        pdd_row("", receiver="无单号"),
    ])
    (tmp_path / "empty.csv").write_bytes(b"")
    result = run_import(db, bad_rows, tmp_path / "empty.csv")
    out = save_import_report(result, tmp_path / "report" / "导入报告.xlsx")
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["导入结果", "失败的行"]
    summary = [[c.value for c in row] for row in workbook["导入结果"].iter_rows()]
    assert summary[0] == ["文件", "平台", "新增", "更新", "未变", "失败行数", "结果"]
    assert summary[1][:6] == ["pdd.csv", "pdd", 1, 0, 0, 2] and summary[1][6] == "部分行未导入"
    assert summary[2][0] == "empty.csv" and "空" in summary[2][6]
    problems = workbook["失败的行"]
    lines = [[c.value for c in row] for row in problems.iter_rows(min_row=2)]
    assert [(line[0], line[2], line[3]) for line in lines] == [
        ("pdd.csv", 3, "用户实付金额(元)"), ("pdd.csv", 4, "订单号"), ("empty.csv", None, None)]
    assert "=1+1" in lines[0][4]
    assert all(cell.data_type == "s" for row in problems.iter_rows(min_row=2) for cell in row[4:5])
    assert problems.freeze_panes == "A2" and problems.auto_filter.ref == "A1:E4"


def test_report_of_one_file(tmp_path: Path, db: Database) -> None:
    path = write_csv(tmp_path / "pdd.csv", [PDD_HEADER, pdd_row("x y")])
    result = run_import(db, path)
    out = save_import_report(result.files[0], tmp_path / "one.xlsx")
    lines = list(load_workbook(out)["失败的行"].iter_rows(min_row=2, values_only=True))
    assert len(lines) == 1 and lines[0][2] == 2
