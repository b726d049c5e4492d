"""The reship queue's dialogs keep what was typed when their write is refused: they closed at OK and wrote
afterwards, so another seat's change meanwhile, a ledger locked by another program or an order number the ledger
refuses threw away the reason, tracking number, items or promise typed, behind a message box. Now the dialog stays
open with the form as typed, says why in it, and OK again (the cause gone) records it and closes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.reship_states import ReshipItemRow, ReshipStatus
from desktop_app.core.vocabulary import CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.cases import CaseEdit, case_version, edit_case
from desktop_app.store.case_queries import case_row
from desktop_app.ui.reships.reship_dialogs import DecisionDialog, ItemsDialog, PromiseDialog, ShipDialog
from desktop_app.ui.reships.reship_paste_dialog import PasteDialog
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from tests.ui.refused_writes import boxes, quick_lock  # noqa: F401  (autouse fixtures)
from tests.ui.test_reship_tab import Queue, add_order, douyin_request, queue, row_of  # noqa: F401  (fixture)


@pytest.fixture
def held(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a long write on the ledger file (`release` it to let the retry in)."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def hold(holder: sqlite3.Connection) -> None:
    holder.execute("BEGIN IMMEDIATE")


def release(holder: sqlite3.Connection) -> None:
    holder.execute("ROLLBACK")


def refused(qtbot: QtBot, dialog: WritingDialog) -> str:
    qtbot.waitUntil(lambda: dialog.write_problem.isVisible(), timeout=10000)
    assert dialog.isVisible() and not dialog.sending
    text = dialog.write_problem.text()
    assert text.startswith("未保存：") and "填写的内容都还在" in text, text
    return text


def closed(qtbot: QtBot, queue: Queue, dialog: WritingDialog) -> None:  # noqa: F811
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    queue.idle(qtbot)


def selected(qtbot: QtBot, queue: Queue, order_no: str) -> int:  # noqa: F811
    add_order(queue.db, "douyin", order_no, [("纯棉袜子", "白色", 2)])
    case_id = douyin_request(queue.db, order_no)
    queue.open(qtbot)
    queue.tab.select_case(case_id)
    return case_id


def test_an_agreement_typed_is_kept_when_another_seat_changed_the_case_and_sent_again(
        qtbot: QtBot, queue: Queue) -> None:  # noqa: F811
    case_id = selected(qtbot, queue, "DY8001")
    dialog = queue.tab.agree_selected()
    assert isinstance(dialog, DecisionDialog)
    dialog.note.setPlainText("和买家确认了，补一只白袜")
    edit_case(queue.db, case_id, CaseEdit(CaseReason.MISSING_ITEM, None, None, None, "DY-AS-7788"),
              expected_version=case_version(queue.db, case_id), author="小王")  # another seat, meanwhile
    version = case_version(queue.db, case_id)
    dialog.ok_button.click()
    text = refused(qtbot, dialog)
    assert f"售后单 #{case_id} 刚被 小王 修改了" in text, text
    assert dialog.note_text() == "和买家确认了，补一只白袜" and queue.tab.error_box is None
    assert row_of(queue.db, case_id).status is ReshipStatus.REQUESTED and case_version(queue.db, case_id) == version
    qtbot.waitUntil(lambda: dialog.version == version, timeout=10000)  # the case as it is now, read behind it
    dialog.ok_button.click()
    closed(qtbot, queue, dialog)
    assert row_of(queue.db, case_id).status is ReshipStatus.AGREED


def test_a_refusal_reason_is_kept_while_another_program_holds_the_ledger(
        qtbot: QtBot, queue: Queue, held: sqlite3.Connection) -> None:  # noqa: F811
    case_id = selected(qtbot, queue, "DY8002")
    dialog = queue.tab.refuse_selected()
    assert isinstance(dialog, DecisionDialog)
    dialog.note.setPlainText("买家已签收，照片显示数量齐全")
    hold(held)
    dialog.ok_button.click()
    assert "另一个程序" in refused(qtbot, dialog)
    assert dialog.note_text() == "买家已签收，照片显示数量齐全"
    release(held)
    assert row_of(queue.db, case_id).status is ReshipStatus.REQUESTED
    dialog.ok_button.click()
    closed(qtbot, queue, dialog)
    with queue.db.reading() as s:
        assert case_row(s, case_id).status == "rejected"


def test_a_tracking_number_typed_is_kept_while_the_ledger_is_locked(
        qtbot: QtBot, queue: Queue, held: sqlite3.Connection) -> None:  # noqa: F811
    case_id = selected(qtbot, queue, "DY8003")
    reships.agree(queue.db, case_id)
    queue.tab.refresh()
    queue.idle(qtbot)
    queue.tab.select_case(case_id)
    dialog = queue.tab.ship_selected()
    assert isinstance(dialog, ShipDialog)
    dialog.tracking.setText("SF1234567890123")
    dialog.note.setText("加急")
    hold(held)
    dialog.ok_button.click()
    refused(qtbot, dialog)
    assert dialog.tracking.text() == "SF1234567890123" and dialog.carrier.currentText() == "顺丰速运"
    assert dialog.note.text() == "加急"
    release(held)
    assert row_of(queue.db, case_id).tracking_no is None
    dialog.ok_button.click()
    closed(qtbot, queue, dialog)
    assert row_of(queue.db, case_id).tracking_no == "SF1234567890123"


def test_out_of_stock_and_items_typed_are_kept_when_refused(
        qtbot: QtBot, queue: Queue, held: sqlite3.Connection) -> None:  # noqa: F811
    case_id = selected(qtbot, queue, "DY8004")
    items = queue.tab.edit_items_selected()
    assert isinstance(items, ItemsDialog)
    items.quantity_box(0).setValue(1)
    hold(held)
    items.ok_button.click()
    refused(qtbot, items)
    assert items.quantity_box(0).value() == 1
    release(held)
    assert row_of(queue.db, case_id).items == (ReshipItemRow("纯棉袜子", "白色", 2),)
    items.ok_button.click()
    closed(qtbot, queue, items)
    assert row_of(queue.db, case_id).items == (ReshipItemRow("纯棉袜子", "白色", 1),)

    queue.tab.select_case(case_id)
    stock = queue.tab.out_of_stock_selected()
    assert isinstance(stock, DecisionDialog)
    stock.note.setPlainText("白色断货，买家同意退款")
    hold(held)
    stock.ok_button.click()
    refused(qtbot, stock)
    assert stock.note_text() == "白色断货，买家同意退款"
    release(held)
    stock.ok_button.click()
    closed(qtbot, queue, stock)
    with queue.db.reading() as s:
        assert case_row(s, case_id).kind == "refund_only"


def test_a_promise_with_an_order_number_excel_mangled_is_kept_to_correct(
        qtbot: QtBot, queue: Queue) -> None:  # noqa: F811
    queue.open(qtbot)
    dialog = queue.tab.record_promise()
    assert isinstance(dialog, PromiseDialog)
    dialog.order_no.setText("2.60508E+21")
    dialog.note.setText("少发一只袜子")
    dialog.ok_button.click()
    assert "科学计数法" in refused(qtbot, dialog)
    assert dialog.order_no.text() == "2.60508E+21" and dialog.note.text() == "少发一只袜子"
    assert queue.tab.model.rowCount() == 0
    dialog.order_no.setText("260508-755306313554903")
    dialog.ok_button.click()
    closed(qtbot, queue, dialog)
    qtbot.waitUntil(lambda: queue.tab.model.rowCount() == 1, timeout=10000)
    row = queue.tab.current_row()
    assert row is not None and row.order_no == "260508-755306313554903" and row.status is ReshipStatus.AGREED


def test_pasted_tracking_numbers_stay_while_the_ledger_is_locked(
        qtbot: QtBot, queue: Queue, held: sqlite3.Connection) -> None:  # noqa: F811
    """批量粘贴运单号 already wrote while open: pinned here with the others (the text and carrier kept, said why)."""
    case_id = reships.record_promise(queue.db, Platform.PDD, "260506-1").case_id
    queue.open(qtbot)
    dialog = queue.tab.paste_many()
    assert isinstance(dialog, PasteDialog)
    dialog.carrier.setCurrentText("中通")
    dialog.text.setPlainText("260506-1\tZT1000000001\n")
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.report.ready == 1, timeout=10000)
    hold(held)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "另一个程序" in dialog.summary.text(), timeout=10000)
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.text.toPlainText() == "260506-1\tZT1000000001\n" and dialog.carrier.currentText() == "中通"
    release(held)
    assert row_of(queue.db, case_id).tracking_no is None
    with qtbot.waitSignal(dialog.shipped, timeout=10000):
        dialog.ok_button.click()
    assert row_of(queue.db, case_id).tracking_no == "ZT1000000001"
