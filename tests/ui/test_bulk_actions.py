"""Bulk actions in the Cases tab: only what every selected case allows, a summary before, a result per
case after, and one case that fails (changed meanwhile) does not stop the others; goods value statements
for every selected case that has a claim or an order to state, one PDF page each."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.printing.statement_render import prepare_a4, render_statements
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.case_queries import case_events, case_row
from desktop_app.store.database import open_database
from desktop_app.store.models import Order, OrderItem
from desktop_app.store.search import build_search_text
from desktop_app.ui.app import create_window
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for n in range(4):
        open_case(db, NewCase(Platform.DOUYIN, f"69234567890123456{n}", CaseKind.RESHIP), author="小林")
    open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.RETURN_REFUND), author="小林")
    db.close()
    return db_path


def test_bulk_agree_with_one_case_failing(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    assert not tab.bulk_button.isEnabled()
    tab.table.selectAll()
    assert tab.bulk_button.isEnabled() and "5" in tab.bulk_button.text()
    # A return & refund among the reships: only what all five allow is offered.
    dialog = tab.open_bulk()
    assert dialog is not None
    offered = [dialog.action.itemData(i) for i in range(1, dialog.action.count())]  # after （选择操作）
    assert "agree_reship" not in offered and "close" in offered
    assert offered[-4:] == ["note", "responsible", "kind", "statements"]
    dialog.close()

    tab.table.clearSelection()
    reships = [r for r in range(5) if tab.model.row_object(r).kind == "reship"]
    for row in reships:
        tab.table.selectionModel().select(tab.model.index(row, 0), tab.table.selectionModel().SelectionFlag.Select
                                          | tab.table.selectionModel().SelectionFlag.Rows)
    dialog = tab.open_bulk()
    assert isinstance(dialog, BulkActionDialog) and dialog.case_ids == [1, 2, 3, 4]
    dialog.action.setCurrentIndex(dialog.action.findData("agree_reship"))
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("4 张售后单将执行“同意补发”"), timeout=5000)
    assert "待处理 → 待补发 ×4" in dialog.summary.text()
    db = window.context.db
    assert db is not None
    act_on_case(db, 3, CaseAction.CLOSE, note="买家撤销", author="客服")  # meanwhile, on another seat
    dialog.note.setPlainText("统一补发")
    seen: list[int] = []
    dialog.progressed.connect(seen.append)
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000) as finished:
        dialog.run_button.click()
    results = finished.args[0]
    assert seen == [1, 2, 3, 4]  # "正在处理 n / 4" while it runs
    assert [(r.case_id, r.ok) for r in results] == [(1, True), (2, True), (3, False), (4, True)]
    assert dialog.result_list.count() == 4 and "已关闭" in dialog.result_list.item(2).text()
    assert dialog.summary.text() == "完成 3 张，未执行 1 张"
    with db.reading() as session:
        assert [case_row(session, i).status for i in (1, 2, 3, 4)] == [
            "reship_agreed", "reship_agreed", "closed", "reship_agreed"]
        assert case_events(session, 4)[-1].note == "统一补发"
    dialog.run_button.click()  # 关闭
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5000)  # the closed one left the open list


def test_bulk_note(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData("note"))
    assert "5 张售后单添加同一条备注" in dialog.summary.text()
    dialog.note.setPlainText("已统一联系买家")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000) as finished:
        dialog.run_button.click()
    assert all(r.ok for r in finished.args[0])
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert all(case_events(session, i)[-1].note == "已统一联系买家" for i in range(1, 6))


def test_bulk_change_kind_with_a_closed_case_refused(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    db = window.context.db
    assert db is not None
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None and not dialog.kind.isEnabled()
    dialog.action.setCurrentIndex(dialog.action.findData("kind"))
    assert dialog.kind.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("partial_refund"))
    assert dialog.summary.text() == "5 张售后单将改为“部分退款/补偿”：待处理 → 待处理 ×5"
    dialog.kind.setCurrentIndex(dialog.kind.findData("reship"))
    assert dialog.summary.text() == ("1 张售后单将改为“补发”：待处理 → 待处理 ×1；"
                                     "4 张不能更改：#1（补发），#2（补发），#3（补发），#4（补发）")
    dialog.kind.setCurrentIndex(dialog.kind.findData("refund_only"))
    act_on_case(db, 2, CaseAction.CLOSE, note="买家撤销", author="客服")  # meanwhile, on another seat
    dialog.note.setPlainText("平台上买家改为仅退款")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000) as finished:
        dialog.run_button.click()
    assert [(r.case_id, r.ok) for r in finished.args[0]] == [(1, True), (2, False), (3, True), (4, True), (5, True)]
    assert "请先重新打开" in dialog.result_list.item(1).text()
    with db.reading() as session:
        assert [case_row(session, i).kind for i in range(1, 6)] == [
            "refund_only", "reship", "refund_only", "refund_only", "refund_only"]
        assert case_events(session, 5)[-1].note == "售后类型：退货退款 → 仅退款；平台上买家改为仅退款"


def test_export_what_the_list_shows(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("reship"))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5000)
    target = tmp_path / "售后单.xlsx"
    with qtbot.waitSignal(tab.message, timeout=5000) as said:
        tab.export_to(target)
    assert "已导出 4 张售后单" in said.args[0]
    shown = [tab.model.row_object(r).id for r in range(4)]
    assert [r[0] for r in load_workbook(target).active.iter_rows(min_row=2, values_only=True)] == shown


def test_bulk_assign_responsible(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None and not dialog.party.isEnabled()
    dialog.action.setCurrentIndex(dialog.action.findData("responsible"))
    assert dialog.party.isEnabled() and not dialog.note.isEnabled()
    dialog.party.setCurrentIndex(dialog.party.findData("carrier"))
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000) as finished:
        dialog.run_button.click()
    assert all(r.ok for r in finished.args[0])
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert {case_row(session, i).responsible for i in range(1, 6)} == {"carrier"}
        assert case_events(session, 2)[-1].note == "责任方：（空） → 快递"
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: {tab.model.row_object(r).responsible for r in range(5)} == {"carrier"}, timeout=5000)


def seed_orders_and_cases(path: Path) -> None:
    """Three cases on imported orders (one with a carrier claim) and one on an order never imported."""
    db = open_database(path)
    with db.transaction() as s:
        for n, (receiver, title) in enumerate((("秦文红", "宠物猫砂 6L*4包"), ("廖华雨", "儿童保温杯"),
                                                ("魏桐建", "陶瓷马克杯"))):
            number = f"414538401916146100{n}"
            order = Order(order_key=f"taobao:{number}", platform="taobao", order_no=number, receiver=receiver,
                          phone="19328792174", tracking_no=f"YT98765432{n}", carrier="圆通速递", paid_fen=7900,
                          address="广东省 深圳市 宝安区", imported_at=parse_moment("2026-11-20").at,
                          search_text=build_search_text([number, receiver]))
            order.items.append(OrderItem(title=title, spec="灰色", quantity=1, paid_fen=7900))
            s.add(order)
    for n in range(3):
        open_case(db, NewCase(Platform.TAOBAO, f"414538401916146100{n}", CaseKind.RESHIP, CaseReason.DAMAGED,
                              note="外箱压坏"), author="小林")
    open_case(db, NewCase(Platform.PDD, "261111-9", CaseKind.REFUND_ONLY), author="小林")  # order not imported
    open_claim(db, NewClaim(ClaimIncident.DAMAGED, case_id=2, description="外箱破损，内件碎裂"), author="小林")
    db.close()


@pytest.fixture
def statements_path(db_path: Path) -> Path:
    seed_orders_and_cases(db_path)
    return db_path


def test_print_statements_for_the_selected_cases(qtbot: QtBot, statements_path: Path, tmp_path: Path) -> None:
    win = create_window(statements_path)
    qtbot.addWidget(win)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.context.db is not None, timeout=10000)
    try:
        tab = win.cases_tab
        qtbot.waitUntil(lambda: tab.model.rowCount() == 4, timeout=5000)
        tab.table.selectAll()
        dialog = tab.open_bulk()
        assert dialog is not None
        dialog.action.setCurrentIndex(dialog.action.findData("statements"))
        qtbot.waitUntil(lambda: dialog.summary.text().startswith("将为 3 张售后单生成货值说明"), timeout=5000)
        assert "1 份按理赔，2 份按订单" in dialog.summary.text() and "1 张不能生成：#4" in dialog.summary.text()
        assert not dialog.note.isEnabled()
        dialog.run_button.click()
        qtbot.waitUntil(lambda: dialog.statement_dialog is not None, timeout=5000)
        results = [dialog.result_list.item(i).text() for i in range(dialog.result_list.count())]
        assert results[1] == "#2  ✓  按理赔 #1" and results[0] == "#1  ✓  按订单"
        assert results[3].startswith("#4  ✗  订单尚未导入")
        statements = dialog.statement_dialog
        assert statements is not None
        qtbot.waitUntil(lambda: len(statements.statements) == 3, timeout=10000)
        assert [s.reference for s in statements.statements] == ["售后单 #1", "理赔编号 1", "售后单 #3"]
        assert statements.statements[0].incident == "破损" and statements.statements[0].description == "外箱压坏"
        pdf = tmp_path / "货值说明.pdf"
        assert statements.save_pdf(pdf)
        assert pdf_pages(pdf) == 3
        # ... and as a printer job: the same pages through QPrinter (here printing to a file).
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printed = tmp_path / "打印.pdf"
        printer.setOutputFileName(str(printed))
        prepare_a4(printer)
        assert render_statements(printer, statements.statements) == 3
        assert pdf_pages(printed) == 3
        statements.close()
        dialog.run_button.click()
    finally:
        wait_idle(qtbot, win)
        win.runner.shutdown()


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_nothing_is_chosen_until_the_shop_chooses(qtbot: QtBot, window: MainWindow) -> None:
    """The first action every selected case allows stood preselected, 执行 the default button: Enter in
    the dialog recorded it on every case (退款 for cases in 处理中, which cannot be undone)."""
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    assert dialog.action.currentData() is None and dialog.action.currentText() == "（选择操作）"
    assert not dialog.run_button.isEnabled() and not dialog.note.isEnabled()
    assert dialog.summary.text() == "选择要对这 5 张售后单执行的操作"
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.results
    dialog.action.setCurrentIndex(dialog.action.findData("note"))
    assert dialog.run_button.isEnabled() and dialog.note.isEnabled()
    dialog.action.setCurrentIndex(0)
    assert not dialog.run_button.isEnabled()
    dialog.reject()


def test_the_run_button_says_why_it_waits_and_a_missing_reason_takes_the_cursor_there(
        qtbot: QtBot, window: MainWindow) -> None:
    # 执行 stood greyed out without a word until an action was chosen; 关闭 without a reason said so in the
    # summary and left the cursor on the action box, so the reason typed next went nowhere.
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert not dialog.run_button.isEnabled() and dialog.run_button.toolTip() == "先在“操作”中选择要执行的操作"
    dialog.action.setCurrentIndex(dialog.action.findData(CaseAction.CLOSE.value))
    assert dialog.run_button.isEnabled() and dialog.run_button.toolTip() == ""
    dialog.action.setFocus()
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.summary.text() == "“关闭”请在备注中写明原因" and not dialog.results
    qtbot.waitUntil(lambda: dialog.note.hasFocus(), timeout=2000)
    dialog.note.insertPlainText("买家已撤销")  # typed where the cursor is
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: len(dialog.results) == 5, timeout=5000)
    assert all(r.ok for r in dialog.results)
    dialog.accept()


def test_the_cases_of_a_bulk_step_stay_selected_for_the_next(qtbot: QtBot, window: MainWindow) -> None:
    """Select many, act, act again: the list's reload after a bulk step kept only the case shown in the pane
    selected, so the next bulk step (or a look at what was done) needed the rows picked again."""
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 5, timeout=5000)
    selection = tab.table.selectionModel()
    tab.table.selectRow(0)
    for row in (2, 3):
        selection.select(tab.model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    chosen = sorted(r.id for r in tab.selected_rows())
    shown = tab.detail.case_id
    assert len(chosen) == 3 and shown in chosen
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData("note"))
    dialog.note.setPlainText("已统一联系买家")
    with qtbot.waitSignals([dialog.finished_bulk, tab.model.loaded], timeout=5000):
        dialog.run_button.click()
    wait_idle(qtbot, window)
    dialog.close()
    assert sorted(r.id for r in tab.selected_rows()) == chosen
    assert tab.detail.case_id == shown and tab.bulk_button.isEnabled() and "3" in tab.bulk_button.text()
    again = tab.open_bulk()
    assert again is not None and again.case_ids == chosen
    again.close()
    # A case asked for by id (the calendar, a new case) is shown alone, as before.
    tab.select_case(chosen[-1])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: [r.id for r in tab.selected_rows()] == [chosen[-1]], timeout=5000)
