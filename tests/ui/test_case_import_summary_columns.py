"""The after-sales lines of the import summary: every count right-aligned under its title, 失败 too (it was
left-aligned in the last, stretched column, which also held a refused file's reason); the reason and 已取消
have a 说明 column of their own, as the orders' lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.io.case_import_results import CaseFileResult, CaseImportResult
from desktop_app.io.import_errors import RowError
from desktop_app.ui.imports.case_import_summary import CaseImportSummary

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def test_every_count_is_right_aligned_and_a_reason_has_its_own_column(qtbot: QtBot) -> None:
    table = CaseImportSummary()
    qtbot.addWidget(table)
    bad = RowError(3, "退款金额", "“abc”不是有效的金额")
    table.fill(CaseImportResult((
        CaseFileResult("/x/tb_refunds_later.csv", "taobao", inserted=(1, 2, 3), updated=(4,), errors=(bad,)),
        CaseFileResult("/x/空表.csv", refused="文件里没有数据"),
        CaseFileResult("/x/售后单.xlsx", "douyin", cancelled=True))))
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert titles == ["售后文件", "平台", "新建售后单", "推进", "未变", "冲突", "时限不一致", "失败", "说明"]
    for row in range(3):
        for column in range(2, 8):
            item = table.item(row, column)
            assert Qt.AlignmentFlag(item.textAlignment()) == RIGHT, (row, titles[column], item.text())
    assert [table.item(row, 7).text() for row in range(3)] == ["1", "0", "0"]
    assert [table.item(row, 8).text() for row in range(3)] == ["", "文件里没有数据", "已取消"]
    assert table.horizontalHeader().stretchLastSection()  # the reason takes the room, not a count
