"""The 统计 tab's figure tables: what the model answers for each role, and the Qt model contract."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.store.case_queries import CaseFilter
from desktop_app.ui.dashboard.figure_table import SELECTION_ROLE, WEIGHT_ROLE, FigureModel, FigureRow, FigureTable

ROWS = [FigureRow(("破损", "30"), 30, CaseFilter(), "破损"), FigureRow(("丢件", "-15"), -15)]


def test_the_model_answers_cells_alignment_bars_and_the_cases_of_a_row(qtmodeltester: ModelTester) -> None:
    model = FigureModel(("原因", "售后单"))
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    assert (model.rowCount(), model.columnCount()) == (2, 3)  # the bar is the last column
    cell = model.index
    assert [model.data(cell(1, c)) for c in range(3)] == ["丢件", "-15", None]
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    aligned = [model.data(cell(0, c), Qt.ItemDataRole.TextAlignmentRole) for c in range(3)]
    assert aligned == [None, right, None]  # the name left, figures right
    assert [model.data(cell(r, 2), WEIGHT_ROLE) for r in range(2)] == [1.0, 0.5]  # share of the largest
    assert model.data(cell(0, 0), SELECTION_ROLE) is ROWS[0]
    tips = [model.data(cell(r, 0), Qt.ItemDataRole.ToolTipRole) for r in range(2)]
    assert tips == ["单击列出这些售后单", None]  # only a row standing for cases is clickable
    assert model.data(model.index(5, 0)) is None


def test_no_rows_no_bars(qtmodeltester: ModelTester) -> None:
    model = FigureModel(("费用", "金额（元）"), bar=False)
    model.set_rows([FigureRow(("退款", "0.00"))])
    qtmodeltester.check(model)
    assert model.columnCount() == 2 and model.data(model.index(0, 1), WEIGHT_ROLE) == 0.0


def test_each_column_fits_its_widest_text_wherever_it_is_and_its_title(qtbot: QtBot) -> None:
    """Widths are measured once per set of rows, not by the view on every layout pass: the widest text
    far down a long list (200 claims to chase) and a title wider than its figures both fit."""
    table = FigureTable("report_claims", ("理赔", "问题（需要跟进的原因说明）"), bar=False)
    qtbot.addWidget(table)
    long_problem = "超过 14 天、缺少证据、缺少理赔单号"
    rows = [FigureRow((f"#{n}", "")) for n in range(199)] + [FigureRow(("#199", long_problem))]
    table.set_rows(rows)
    table.show()
    cells, titles = table.fontMetrics(), table.horizontalHeader().fontMetrics()
    assert table.columnWidth(1) > cells.horizontalAdvance(long_problem)
    assert table.columnWidth(0) > titles.horizontalAdvance("理赔")
    table.set_rows(rows[:3])  # fewer, shorter texts: the column narrows to its title again
    title = titles.horizontalAdvance("问题（需要跟进的原因说明）")
    assert title < table.columnWidth(1) < cells.horizontalAdvance(long_problem)
    assert table.horizontalHeader().sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive


def test_rows_that_need_a_scroll_bar_are_painted_once(qtbot: QtBot) -> None:
    """The table is laid out when its rows are set, before the paint: its layout after the reset, the
    columns' widths and the scroll bar that the rows call for came after the first paint, each repainting
    it — the 统计 tab's first opening painted every table twice (bench/README.md, session 21)."""
    table = FigureTable("report_products", ("商品", "售后单"))
    qtbot.addWidget(table)
    table.resize(400, 150)
    table.show()
    qtbot.waitExposed(table)
    paints: list[QEvent.Type] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                paints.append(event.type())
            return False

    counter = Paints()
    table.viewport().installEventFilter(counter)
    qtbot.wait(50)
    paints.clear()
    table.set_rows([FigureRow((f"商品{n:02d}", f"{100 - n:,}"), 100 - n) for n in range(20)])
    assert table.verticalScrollBar().isVisible()  # at once, not after the paint
    qtbot.wait(200)
    assert len(paints) == 1
    table.set_rows([FigureRow(("商品", "1"), 1)])  # fewer: the scroll bar goes at once too
    assert not table.verticalScrollBar().isVisible()
