"""The returns desk end to end: scan → what should be inside → inspection → the suggested next step;
a parcel without a case becomes 无主件 and is matched later; returns on the way too long are listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.returns import InspectionResult
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.cases import CaseEdit, NewCase, edit_case, open_case
from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import open_database
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.search import build_search_text
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.returns.returns_tab import ReturnsTab
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    with db.transaction() as s:
        order = Order(order_key="taobao:4145384019161461003", platform="taobao", order_no="4145384019161461003",
                      receiver="秦文红", imported_at=parse_moment("2026-11-20").at,
                      search_text=build_search_text(["4145384019161461003", "秦文红"]))
        order.items.append(OrderItem(title="宠物猫砂 豆腐砂 6L", spec="原味", quantity=4, paid_fen=7900))
        s.add(order)
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    fresh = open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RETURN_REFUND,
                                  CaseReason.NO_REASON_7D, refund_fen=7900, actions=agreed), author="小林").case_id
    buyer_shipped_return(db, fresh, ReturnParcel.of("中通快递", "75123456789012"), author="小林")
    late = open_case(db, NewCase(Platform.PDD, "261111-755306313554903", CaseKind.RETURN_REFUND, actions=agreed),
                     author="小林").case_id
    buyer_shipped_return(db, late, ReturnParcel.of(None, "YT7500000000001"), at=parse_moment("2026-11-22 09:00"),
                         author="小林")
    db.close()
    return db_path


def scan_at_the_desk(qtbot: QtBot, window: MainWindow, number: str, shows: str) -> ReturnsTab:
    """The returns desk opened and a parcel scanned, once what it found (`shows`) is on screen."""
    tab = window.returns_tab
    window.tabs.setCurrentWidget(tab)
    wait_idle(qtbot, window)
    qtbot.keyClicks(tab.scan, number)
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shows in tab.found_label.text(), timeout=5000)
    return tab


def test_scan_inspect_and_take_the_next_step(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.returns_tab
    window.tabs.setCurrentWidget(tab)
    wait_idle(qtbot, window)
    # The parcel shipped on 11-22 is long on the way; the one shipped today is not.
    qtbot.waitUntil(lambda: tab.transit_table.rowCount() == 1, timeout=5000)
    assert tab.transit_table.item(0, 2).text() == "261111-755306313554903"
    assert not tab.result_buttons[InspectionResult.GOOD].isEnabled()

    qtbot.keyClicks(tab.scan, "75123456789012")
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "宠物猫砂 豆腐砂 6L" in tab.found_label.text(), timeout=5000)
    assert "×4" in tab.found_label.text() and "等待买家退货" in tab.found_label.text()
    tab.note.setText("吊牌完好")
    qtbot.mouseClick(tab.result_buttons[InspectionResult.GOOD], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.suggest_button.isVisible(), timeout=5000)
    assert "已确认收货" in tab.outcome_label.text() and "退款" in tab.suggest_button.text()
    assert tab.scan.text() == "" and tab.note.text() == ""
    qtbot.waitUntil(lambda: "已验货" in tab.found_label.text() and "已收到退货" in tab.found_label.text(),
                    timeout=5000)
    qtbot.mouseClick(tab.suggest_button, Qt.MouseButton.LeftButton)
    confirm = tab.findChild(ActionDialog, "action_dialog")
    assert confirm is not None and confirm.paid.text() == "79.00"  # money paid: confirmed, never in one click
    confirm.accept()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not tab.suggest_button.isVisible(), timeout=5000)
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert case_row(session, 1).status == "refunded"


def test_a_refund_the_desk_suggests_asks_what_was_paid_and_says_it_cannot_be_undone(
        qtbot: QtBot, window: MainWindow) -> None:
    # 少件: the suggestion says to refund what came back, and 记为“退款” recorded the whole 79.00 in one
    # click — a step that cannot be undone (编辑 → 撤销 refuses a refund), counted in 统计 as paid.
    tab = scan_at_the_desk(qtbot, window, "75123456789012", shows="宠物猫砂 豆腐砂 6L")
    tab.note.setText("只退回 3 袋")
    qtbot.mouseClick(tab.result_buttons[InspectionResult.MISSING], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.suggest_button.isVisible(), timeout=5000)
    assert "先把退款金额改为实收部分" in tab.outcome_label.text() and "退款" in tab.suggest_button.text()
    qtbot.waitUntil(lambda: "已验货" in tab.found_label.text(), timeout=5000)
    db = window.context.db
    assert db is not None

    qtbot.mouseClick(tab.suggest_button, Qt.MouseButton.LeftButton)
    first = tab.findChild(ActionDialog, "action_dialog")
    assert first is not None and first.isVisible()
    warning = first.findChild(QLabel, "irreversible")
    assert warning is not None and "无法撤销" in warning.text()
    assert first.paid.text() == "79.00" and first.note.toPlainText() == "验货少件后"
    first.reject()  # thought better of it: nothing recorded, the suggestion stays
    wait_idle(qtbot, window)
    with db.reading() as session:
        assert case_row(session, 1).status == "return_received"
    assert tab.suggest_button.isVisible()

    dialog = tab.take_suggestion()
    assert dialog is not None
    dialog.paid.setText("59.25")
    dialog.accept()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not tab.suggest_button.isVisible(), timeout=5000)
    with db.reading() as session:
        row = case_row(session, 1)
        assert (row.status, row.amount_fen) == ("refunded", 5925)


def test_a_parcel_without_a_case_is_kept_and_matched_later(qtbot: QtBot, window: MainWindow) -> None:
    tab = scan_at_the_desk(qtbot, window, "SF1400123456789", shows="没有售后单")
    empty = tab.result_buttons[InspectionResult.EMPTY]
    qtbot.mouseClick(empty, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "无主件 #1" in tab.outcome_label.text(), timeout=5000)
    assert "顺丰速运" in tab.outcome_label.text() and not tab.suggest_button.isVisible()
    qtbot.waitUntil(lambda: tab.unmatched_table.rowCount() == 1, timeout=5000)
    assert tab.unmatched_table.item(0, 1).text() == "SF1400123456789"
    assert tab.unmatched_table.item(0, 4).text() == "空包"
    tab.match_parcel(1, 2)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.unmatched_table.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: tab.transit_table.rowCount() == 0, timeout=5000)  # case 2 is received now
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert case_row(session, 2).status == "return_received"


def test_a_return_the_platform_refunded_by_itself_says_so(qtbot: QtBot, window: MainWindow) -> None:
    """淘宝 refunds by itself 10 days after the buyer shipped the return when the shop has not confirmed it:
    the list on the way says so instead of showing that time as a deadline still ahead (in plain colour)."""
    db = window.context.db
    assert db is not None
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-10-30 10:00")),)
    old = open_case(db, NewCase(Platform.TAOBAO, "3975104904954902673", CaseKind.RETURN_REFUND,
                                CaseReason.NO_REASON_7D, requested=parse_moment("2026-10-29 20:00"), actions=agreed),
                    author="小林").case_id
    buyer_shipped_return(db, old, ReturnParcel.of("韵达快递", "4621234567890"), at=parse_moment("2026-11-01 09:00"),
                         author="小林")
    tab = window.returns_tab
    window.tabs.setCurrentWidget(tab)
    tab.refresh()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.transit_table.rowCount() == 2, timeout=5000)
    cells = {tab.transit_table.item(r, 2).text(): tab.transit_table.item(r, 6) for r in range(2)}
    assert cells["3975104904954902673"].text() == "平台已超时自动处理：确认收到退货（买家寄回后10天）"


def test_a_key_inspects_a_found_parcel_and_ctrl_1_still_shows_the_cases(qtbot: QtBot, window: MainWindow) -> None:
    """The inspection's keys were Ctrl+1 … Ctrl+5, also 视图's tab keys (Ctrl+1 售后单 …): with a parcel found
    both wanted the key, Qt called it ambiguous and did neither — Ctrl+1 for 良品 did nothing. The
    inspection is on Alt+1 … Alt+5 now; Ctrl+1 shows the Cases tab whatever the desk holds."""
    tab = window.returns_tab
    window.tabs.setCurrentWidget(tab)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=5000)
    wait_idle(qtbot, window)
    good = tab.result_buttons[InspectionResult.GOOD]
    assert good.shortcut().toString() == "Alt+1" and good.text().endswith("(Alt+1)")
    qtbot.keyClicks(tab.scan, "75123456789012")
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: good.isEnabled(), timeout=5000)
    qtbot.keyClick(tab.scan, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "已确认收货" in tab.outcome_label.text(), timeout=5000)
    assert window.tabs.currentWidget() is tab
    wait_idle(qtbot, window)
    qtbot.keyClicks(tab.scan, "YT7500000000001")
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: good.isEnabled(), timeout=5000)
    qtbot.keyClick(tab.scan, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # a parcel found: not ambiguous
    assert window.tabs.currentIndex() == 0


def test_a_double_click_on_a_parcel_without_a_case_asks_which_case(qtbot: QtBot, window: MainWindow,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Double-clicking a 无主件 did nothing (only 关联到售后单… did); it asks for the case as the button does."""
    tab = scan_at_the_desk(qtbot, window, "SF1400123456789", shows="没有售后单")
    qtbot.mouseClick(tab.result_buttons[InspectionResult.GOOD], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.unmatched_table.rowCount() == 1, timeout=5000)
    asked: list[str] = []

    def answer(_parent: object, _title: str, label: str, *_args: object) -> tuple[int, bool]:
        asked.append(label)
        return 2, True

    monkeypatch.setattr(QInputDialog, "getInt", answer)
    table = tab.unmatched_table
    where = table.visualItemRect(table.item(0, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert asked == ["售后单编号："]
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.unmatched_table.rowCount() == 0, timeout=5000)


def test_the_returns_lists_have_right_click_menus(qtbot: QtBot, window: MainWindow) -> None:
    """在途退货 and 无主件 had no right-click menu: the return parcel's number, to chase the courier, was
    copied by hand from the cell. Their menus open the case (or match the parcel) and copy the numbers."""
    tab = window.returns_tab
    window.tabs.setCurrentWidget(tab)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: tab.transit_table.rowCount() == 1, timeout=5000)
    table = tab.transit_table
    assert table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = tab.transit_menu_at(table.indexAt(table.visualItemRect(table.item(0, 2)).center()))
    assert menu is not None
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert list(entries) == ["打开售后单", "复制订单号", "复制退货运单号"]
    entries["复制退货运单号"].trigger()
    assert QApplication.clipboard().text() == "YT7500000000001"
    entries["复制订单号"].trigger()
    assert QApplication.clipboard().text() == "261111-755306313554903"
    with qtbot.waitSignal(tab.open_case, timeout=2000) as blocker:
        entries["打开售后单"].trigger()
    assert blocker.args == [2]

    window.tabs.setCurrentWidget(tab)
    qtbot.keyClicks(tab.scan, "SF1400123456789")
    qtbot.keyClick(tab.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "没有售后单" in tab.found_label.text(), timeout=5000)
    qtbot.mouseClick(tab.result_buttons[InspectionResult.EMPTY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.unmatched_table.rowCount() == 1, timeout=5000)
    parcels = tab.unmatched_table
    assert parcels.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    menu = tab.unmatched_menu_at(parcels.indexAt(parcels.visualItemRect(parcels.item(0, 1)).center()))
    assert menu is not None
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert list(entries) == ["关联到售后单…", "复制运单号"]
    entries["复制运单号"].trigger()
    assert QApplication.clipboard().text() == "SF1400123456789"


def test_the_desks_suggestion_is_refused_when_another_seat_changed_the_case_meanwhile(
        qtbot: QtBot, window: MainWindow) -> None:
    """Issue 18 (never a lost update): the suggested 退款 was made for the case as the desk read it after the
    receipt. Another seat corrected the case's refund meanwhile: the desk's step is refused naming that seat,
    nothing is recorded over the correction, and the parcel's cases are shown as they are now."""
    tab = scan_at_the_desk(qtbot, window, "75123456789012", shows="宠物猫砂 豆腐砂 6L")
    qtbot.mouseClick(tab.result_buttons[InspectionResult.GOOD], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.suggest_button.isVisible() and "已验货" in tab.found_label.text(), timeout=5000)
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        case = session.get_one(Case, 1)
        edit = CaseEdit(CaseReason(case.reason) if case.reason else None, 5000, case.compensation_fen,
                        ResponsibleParty(case.responsible) if case.responsible else None, case.platform_case_no)
        version = case.version
    edit_case(db, 1, edit, expected_version=version, author="小李")  # another seat, between scan and click

    qtbot.mouseClick(tab.suggest_button, Qt.MouseButton.LeftButton)
    confirm = tab.findChild(ActionDialog, "action_dialog")
    assert confirm is not None
    confirm.accept()
    qtbot.waitUntil(lambda: "小李" in tab.outcome_label.text(), timeout=5000)
    assert "刚被 小李 修改了" in tab.outcome_label.text() and not tab.suggest_button.isVisible()
    assert confirm.isVisible() and "小李" in confirm.write_problem.text()  # the dialog open, what was typed kept
    with db.reading() as session:
        row = case_row(session, 1)
        assert (row.status, row.amount_fen) == ("return_received", 5000)
