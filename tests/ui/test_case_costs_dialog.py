"""The 费用 dialog of the case detail pane: shows the case's money, saves its costs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_costs import case_money
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Case, Order, OrderItem, ProductCost
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_detail import CaseDetailPane
from desktop_app.ui.context import AppContext


@pytest.fixture
def pane(qtbot: QtBot, db_path: Path) -> Iterator[tuple[CaseDetailPane, Database, int]]:
    db = open_database(db_path)
    case_id = open_case(db, NewCase(platform=Platform.TAOBAO, order_no="4100000000000000321", kind=CaseKind.REFUND_ONLY,
                                    reason=CaseReason.WRONG_ITEM, refund_fen=4990,
                                    requested=parse_moment("2026-11-20 10:00")), author="测试").case_id
    runner = BackgroundRunner()
    context = AppContext(runner)
    widget = CaseDetailPane(context)
    qtbot.addWidget(widget)
    widget.show()
    context.set_database(db)
    widget.show_case(case_id)
    qtbot.waitUntil(lambda: widget.costs_button.isEnabled(), timeout=10000)
    yield widget, db, case_id
    runner.shutdown()
    db.close()


def test_costs_are_saved_and_the_net_loss_follows(qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:
    widget, db, case_id = pane
    dialog = widget.edit_costs()
    assert dialog is not None
    # The refund of 49.90 is asked for, not paid: not in the net loss, and the dialog says why.
    qtbot.waitUntil(lambda: "净损失 0.00 元" in dialog.figures.text(), timeout=10000)
    assert "还没有付给买家" in dialog.figures.text()
    dialog.postage_back.setText("8")
    dialog.written_off.setText("12.5")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    def stored() -> str:
        with db.reading() as s:
            return str(case_money(s, case_id).net_loss)

    qtbot.waitUntil(lambda: stored() == "20.50", timeout=10000)  # 8.00 (wrong item: the shop) + 12.50
    act_on_case(db, case_id, CaseAction.REFUND, author="测试")
    assert stored() == "70.40"  # and the refund once paid


def test_a_bad_amount_keeps_the_dialog_open(qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    widget, _db, _case_id = pane
    dialog = widget.edit_costs()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), timeout=10000)
    dialog.penalty.setText("三块")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "平台处罚" in warnings[0]
    dialog.reject()


def test_the_cost_table_fills_the_goods_written_off(qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int],
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    widget, db, case_id = pane
    with db.transaction() as s:
        s.add(ProductCost(sku_code="CUP-01", title="陶瓷马克杯", cost_fen=1250))
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=2))
    dialog = widget.edit_costs()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled(), timeout=10000)
    dialog.from_table.click()
    qtbot.waitUntil(lambda: dialog.written_off.text() == "25.00", timeout=10000)
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, case_id).order_id)
        order.items.append(OrderItem(position=1, title="赠品", sku_code="GIFT", quantity=1))
    # A good the table lacks: the cost table is imported from here (the message named a command before).
    sheet = tmp_path / "成本价.xlsx"
    book = Workbook()
    book.active.append(["商家编码", "商品名称", "成本价"])
    book.active.append(["GIFT", "赠品", "3.20"])
    book.active.append(["BAD", "坏行", "三块"])
    book.save(sheet)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kw: (str(sheet), ""))
    dialog.from_table.click()
    qtbot.waitUntil(lambda: dialog.findChild(QMessageBox, "cost_table_missing") is not None, timeout=10000)
    box = dialog.findChild(QMessageBox, "cost_table_missing")
    assert "GIFT" in box.text() and "命令" not in box.text()
    choose = next(b for b in box.buttons() if b.text() == "导入成本价表…")
    choose.click()
    qtbot.waitUntil(lambda: dialog.written_off.text() == "28.20", timeout=10000)  # 2 × 12.50 + 3.20
    assert "新增 1 个" in dialog.import_note.text() and "成本价.xlsx" in dialog.import_note.text()  # the bad line
    dialog.reject()


def test_nothing_compensated_reads_zero(qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:
    widget, _db, _case_id = pane
    dialog = widget.edit_costs()
    assert dialog is not None
    qtbot.waitUntil(lambda: "净损失" in dialog.figures.text(), timeout=10000)
    assert "补偿 0.00 元" in dialog.figures.text() and "—" not in dialog.figures.text()
    dialog.reject()


def test_a_refused_request_is_not_said_to_be_paid_later(qtbot: QtBot,
                                                        pane: tuple[CaseDetailPane, Database, int]) -> None:
    """Refused, the request's 49.90 was never paid: the box said 还没有付给买家 (not yet), as if still owed."""
    widget, db, case_id = pane
    act_on_case(db, case_id, CaseAction.REJECT, note="已发货未签收", author="测试")
    widget.show_case(case_id)
    qtbot.waitUntil(lambda: widget.costs_button.isEnabled(), timeout=10000)
    dialog = widget.edit_costs()
    assert dialog is not None
    qtbot.waitUntil(lambda: "净损失 0.00 元" in dialog.figures.text(), timeout=10000)
    assert "售后单已结束，退款和补偿没有付给买家" in dialog.figures.text()
    assert "还没有" not in dialog.figures.text()
    dialog.reject()


def test_every_hint_is_shown_whole(qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:
    """The money fields' hints ("补发或退回后不能再卖的货，按成本价") were cut to "补发或退回后不…"."""
    widget, _db, _case_id = pane
    dialog = widget.edit_costs()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: "净损失" in dialog.figures.text(), timeout=10000)
    for field in dialog.findChildren(QLineEdit):
        if field.placeholderText():
            assert field.width() > field.fontMetrics().horizontalAdvance(field.placeholderText()), \
                field.placeholderText()
    dialog.reject()
