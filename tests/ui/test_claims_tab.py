"""The 快递理赔 tab over a real database: new claim from an order, actions, totals, evidence thumbnails."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, Qt, QTimeZone, QTranslator, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import CHINA, parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, act_on_claim, open_claim
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import CarrierClaim, Order, OrderItem
from desktop_app.store.search import build_search_text
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.claims.claim_dialogs import ClaimActionDialog, EditClaimDialog, FollowUpDialog
from desktop_app.ui.claims.claim_table_model import ClaimTableModel
from desktop_app.ui.claims.claims_tab import ClaimsTab
from desktop_app.ui.claims.new_claim_dialog import NewClaimDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.row_table_model import ROW_ROLE


def add_order(db: Database, order_no: str, carrier: str, tracking: str) -> int:
    with db.transaction() as s:
        order = Order(
            order_key=f"pdd:{order_no}", platform="pdd", order_no=order_no, receiver="梁军桐", phone="18252435900",
            address="广东省深圳市宝安区文一西路535号", carrier=carrier, tracking_no=tracking, paid_fen=10600,
            postage_fen=600, shipped_at=parse_moment("2026-11-01 16:26").at, imported_at=parse_moment("2026-11-02").at,
            search_text=build_search_text([order_no, "梁军桐", "18252435900", tracking, "陶瓷马克杯", "汤碗"]),
        )
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", spec="白色", quantity=2, unit_price_fen=3000))
        order.items.append(OrderItem(position=1, title="汤碗", spec="大号", quantity=1, unit_price_fen=6000))
        s.add(order)
        s.flush()
        return order.id


@dataclass
class Env:
    db: Database
    runner: BackgroundRunner
    context: AppContext
    tab: ClaimsTab

    def idle(self, qtbot: QtBot) -> None:
        qtbot.waitUntil(lambda: not self.runner.busy, timeout=10000)


@pytest.fixture
def env(qtbot: QtBot, db_path: Path) -> Iterator[Env]:
    db = open_database(db_path)
    add_order(db, "261101-103283030276851", "中通快递", "ZT7788")
    runner = BackgroundRunner()
    context = AppContext(runner)
    tab = ClaimsTab(context)
    qtbot.addWidget(tab)
    tab.resize(1400, 800)
    tab.show()
    context.set_database(db)
    environment = Env(db, runner, context, tab)
    environment.idle(qtbot)
    yield environment
    runner.shutdown()
    db.close()


def open_action(qtbot: QtBot, env: Env, action: ClaimAction) -> ClaimActionDialog:
    buttons = env.tab.detail.action_buttons()
    assert action.value in buttons, sorted(buttons)
    qtbot.mouseClick(buttons[action.value], Qt.MouseButton.LeftButton)
    # Earlier dialogs close with WA_DeleteOnClose but may wait for deleteLater: take the open one.
    [dialog] = [d for d in env.tab.detail.findChildren(ClaimActionDialog, "claim_action_dialog") if d.isVisible()]
    return dialog


def accept(dialog: ClaimActionDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def test_new_claim_from_an_order_then_act_and_totals_follow(qtbot: QtBot, env: Env) -> None:
    tab = env.tab
    assert tab.model.rowCount() == 0 and "￥0.00" in tab.totals_label.text()
    dialog = tab.new_claim()
    assert isinstance(dialog, NewClaimDialog) and dialog.isVisible()
    dialog.search.setText("ZT7788")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(dialog.draft_loaded, timeout=5000):
        dialog.results.setCurrentRow(0)
    assert dialog.carrier.text() == "中通快递" and dialog.tracking.text() == "ZT7788"
    assert dialog.items.rowCount() == 2 and dialog.amount.text() == "100.00"
    # One mug of two broke; the bowl is fine.
    item = dialog.items.item(1, 0)
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.amount.text() == "50.00"
    dialog._spins[0].setValue(1)
    assert dialog.amount.text() == "25.00"
    dialog.incident.setCurrentIndex(dialog.incident.findData(ClaimIncident.DAMAGED.value))
    dialog.description.setPlainText("外箱压扁，杯子碎了一只")
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    claim_id = created.args[0]
    env.idle(qtbot)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.detail.detail is not None, timeout=5000)
    row = tab.model.index(0, 0).data(ROW_ROLE)
    assert row.id == claim_id and row.claimed_fen == 2500 and row.status == "draft"
    assert tab.selected_claim_ids() == [claim_id]
    assert "已申请 <b>￥25.00</b>" in tab.totals_label.text()
    assert "待追回 <b style='color:#c62828'>￥25.00</b>" in tab.totals_label.text()
    assert tab.subtotals.topLevelItemCount() == 1 and tab.subtotals.topLevelItem(0).text(0) == "中通快递"
    assert tab.detail.items.topLevelItemCount() == 1 and tab.detail.items.topLevelItem(0).text(2) == "1"
    with env.db.reading() as s:
        stored = claim_detail(s, claim_id)
    assert stored.incident == "damaged" and stored.description == "外箱压扁，杯子碎了一只"

    # Submit the statement, then the branch pays part of it.
    accept(open_action(qtbot, env, ClaimAction.SUBMIT_STATEMENT))
    env.idle(qtbot)
    qtbot.waitUntil(lambda: tab.model.index(0, 0).data(ROW_ROLE).status == "submitted", timeout=5000)
    qtbot.waitUntil(lambda: "pay_partially" in tab.detail.action_buttons(), timeout=5000)
    dialog = open_action(qtbot, env, ClaimAction.PAY_PARTIALLY)
    dialog.amount.setText("10")
    accept(dialog)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: tab.model.index(0, 0).data(ROW_ROLE).status == "partially_paid", timeout=5000)
    assert tab.totals.total.received_fen == 1000 and tab.totals.total.outstanding_fen == 1500
    assert "已到账 <b>￥10.00</b>" in tab.totals_label.text()
    assert "￥15.00" in tab.totals_label.text()
    assert tab.subtotals.topLevelItem(0).text(4) == "15.00"
    qtbot.waitUntil(lambda: tab.detail.history.topLevelItemCount() == 3, timeout=5000)
    assert "部分赔付" in tab.detail.history.topLevelItem(2).text(2)


def test_action_dialog_refuses_a_partial_payment_without_amount(qtbot: QtBot, env: Env,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    act_on_claim(env.db, claim_id, ClaimAction.SUBMIT_STATEMENT)
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: "pay_partially" in env.tab.detail.action_buttons(), timeout=5000)
    warnings: list[str] = []
    monkeypatch.setattr("desktop_app.ui.claims.claim_dialogs.QMessageBox.warning",
                        lambda _parent, _title, text: warnings.append(text))
    dialog = open_action(qtbot, env, ClaimAction.PAY_PARTIALLY)
    accept(dialog)
    assert warnings == ["部分赔付请填写本次到账金额。"] and dialog.isVisible()
    dialog.reject()


def write_png(path: Path, colour: str) -> Path:
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def test_evidence_thumbnails(qtbot: QtBot, env: Env, tmp_path: Path, data_home: Path) -> None:
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id)).claim_id
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None, timeout=5000)
    assert env.tab.detail.evidence.count() == 0
    photo = write_png(tmp_path / "外箱.png", "#d32f2f")
    record = tmp_path / "称重记录.txt"
    record.write_text("1.35 kg", encoding="utf-8")
    env.tab.detail.add_evidence_files([photo, record])
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.evidence.count() == 2, timeout=5000)
    thumb = env.tab.detail.evidence.item(0)
    assert thumb.text() == "外箱.png"
    pixmap = thumb.icon().pixmap(96, 96)
    assert not pixmap.isNull() and pixmap.width() == 96 and pixmap.height() == 72
    # The thumbnail shows the photo itself, not a generic file icon.
    assert pixmap.toImage().pixelColor(48, 36).name() == "#d32f2f"
    other = env.tab.detail.evidence.item(1)
    assert other.text() == "称重记录.txt" and not other.icon().isNull()
    assert other.icon().pixmap(96, 96).toImage().pixelColor(48, 36).name() != "#d32f2f"
    assert (data_home / "evidence" / str(claim_id) / "外箱.png").is_file()


def test_filters_subtotals_and_statement_request(qtbot: QtBot, env: Env) -> None:
    second = add_order(env.db, "261102-2", "顺丰速运", "SF1001")
    with env.db.reading() as s:
        first = s.query(Order.id).filter(Order.order_no == "261101-103283030276851").scalar()
    a = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=first)).claim_id
    b = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=second)).claim_id
    env.tab.refresh()
    env.idle(qtbot)
    assert env.tab.model.rowCount() == 2 and env.tab.subtotals.topLevelItemCount() == 2
    assert env.tab.carrier_filter.findData("顺丰速运") > 0
    env.tab.carrier_filter.setCurrentIndex(env.tab.carrier_filter.findData("顺丰速运"))
    env.idle(qtbot)
    assert [env.tab.model.row_object(r).id for r in range(env.tab.model.rowCount())] == [b]
    assert "已申请 <b>￥100.00</b>" in env.tab.totals_label.text()
    env.tab.carrier_filter.setCurrentIndex(0)
    env.idle(qtbot)
    env.tab.table.selectAll()
    assert sorted(env.tab.selected_claim_ids()) == sorted([a, b]) and env.tab.statement_button.isEnabled()
    with qtbot.waitSignal(env.tab.statement_requested, timeout=2000) as requested:
        env.tab.statement_button.click()
    assert sorted(requested.args[0]) == sorted([a, b])
    act_on_claim(env.db, a, ClaimAction.CLOSE)
    env.tab.open_filter.setCurrentIndex(env.tab.open_filter.findText("未结束"))
    env.idle(qtbot)
    assert [env.tab.model.row_object(r).id for r in range(env.tab.model.rowCount())] == [b]


def test_case_link_in_the_detail_opens_the_case(qtbot: QtBot, env: Env) -> None:
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP)).case_id
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.LOST, case_id=case_id)).claim_id
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None, timeout=5000)
    assert f"case:{case_id}" in env.tab.detail.summary.toHtml()
    with qtbot.waitSignal(env.tab.open_case, timeout=2000) as opened:
        env.tab.detail.summary.anchorClicked.emit(QUrl(f"case:{case_id}"))
    assert opened.args == [case_id]


def test_claim_model_passes_the_model_tester(qtbot: QtBot, qtmodeltester: ModelTester, env: Env) -> None:
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    for incident in (ClaimIncident.LOST, ClaimIncident.DAMAGED, ClaimIncident.DELAYED):
        open_claim(env.db, NewClaim(incident, order_id=order_id, again=True))
    env.tab.refresh()
    env.idle(qtbot)
    model: ClaimTableModel = env.tab.model
    assert model.rowCount() == 3
    qtmodeltester.check(model, force_py=True)
    env.tab.table.selectRow(2)
    chosen = model.row_object(2)
    model.sort(model.column_index("incident"), Qt.SortOrder.AscendingOrder)
    assert [model.row_object(r).incident for r in range(3)] == ["damaged", "delayed", "lost"]
    assert env.tab.selected_claim_ids() == [chosen.id]  # the selection follows its row


def test_new_claim_from_a_case_then_move_the_follow_up_and_edit(qtbot: QtBot, env: Env) -> None:
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP)).case_id
    dialog = env.tab.new_claim(case_id=case_id)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 2, timeout=5000)
    assert not dialog.search.isEnabled() and f"#{case_id}" in dialog.order_label.text()
    dialog.amount.selectAll()
    qtbot.keyClicks(dialog.amount, "88")  # cost price, as this courier's rules want
    dialog._spins[0].setValue(1)  # a later change of items keeps the typed amount
    assert dialog.amount.text() == "88"
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        dialog.submit()
    claim_id = created.args[0]
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None and env.tab.detail.detail.id == claim_id,
                    timeout=5000)
    assert env.tab.detail.detail.case_id == case_id and env.tab.detail.detail.claimed_fen == 8800

    follow = env.tab.detail.change_follow_up()
    assert isinstance(follow, FollowUpDialog)
    wanted = datetime_china(2026, 12, 3, 15, 30)
    follow.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(wanted.timestamp()), QTimeZone(b"Asia/Shanghai")))
    follow.accept()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail.follow_up_at == wanted, timeout=5000)
    assert env.tab.model.row_object(0).follow_up_at == wanted
    assert wanted.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") in env.tab.model.index(
        0, env.tab.model.column_index("follow_up")).data()

    edit = env.tab.detail.edit_claim()
    assert isinstance(edit, EditClaimDialog)
    edit.claimed.setText("90.50")
    edit._accept()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail.claimed_fen == 9050, timeout=5000)
    assert "已申请 <b>￥90.50</b>" in env.tab.totals_label.text()


def datetime_china(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHINA)


def test_a_follow_up_is_saved_when_its_dialog_is_gone_before_the_write_runs(qtbot: QtBot, env: Env,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The dialog deletes itself on close; a write still queued behind other work must not read it."""
    import time

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QMessageBox

    warnings: list[object] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args, **kwargs: warnings.append(args))
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP)).case_id
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.LOST, case_id=case_id)).claim_id
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.detail.detail is not None, timeout=5000)
    follow = env.tab.detail.change_follow_up()
    assert isinstance(follow, FollowUpDialog)
    wanted = datetime_china(2026, 12, 5, 9, 0)
    follow.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(wanted.timestamp()), QTimeZone(b"Asia/Shanghai")))
    env.runner.run(lambda: time.sleep(0.3))  # the worker is busy when the dialog is accepted
    follow.accept()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the dialog is gone
    env.idle(qtbot)
    assert warnings == []
    with env.db.reading() as s:
        assert claim_detail(s, claim_id).follow_up_at == wanted


def _new_claim_for(qtbot: QtBot, tab: ClaimsTab, tracking: str) -> NewClaimDialog:
    dialog = tab.new_claim()
    assert isinstance(dialog, NewClaimDialog)
    dialog.search.setText(tracking)
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
    with qtbot.waitSignal(dialog.draft_loaded, timeout=5000):
        dialog.results.setCurrentRow(0)
    return dialog


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_a_second_claim_for_a_parcel_is_asked_about(qtbot: QtBot, env: Env, monkeypatch: pytest.MonkeyPatch,
                                                    answer: QMessageBox.StandardButton) -> None:
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    first = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    asked: list[str] = []

    def ask(parent: object, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return answer

    monkeypatch.setattr("desktop_app.ui.claims.new_claim_dialog.QMessageBox.question", ask)
    dialog = _new_claim_for(qtbot, env.tab, "ZT7788")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    if answer == QMessageBox.StandardButton.Yes:
        with qtbot.waitSignal(dialog.created, timeout=5000) as created:
            ok.click()
        assert created.args[0] != first and not dialog.isVisible()
    else:
        ok.click()
        qtbot.waitUntil(lambda: bool(asked) and dialog.buttons.isEnabled(), timeout=5000)
        assert dialog.isVisible()  # the form stays as typed, nothing recorded
    assert asked == [f"运单 ZT7788 已有进行中的理赔 #{first}（待提交，申请 100.00 元），请在那张理赔上继续跟进。\n\n"
                     "仍要为这个包裹再新建一张理赔吗（如同一包裹的另一件商品）？"]
    with env.db.reading() as s:
        assert s.query(CarrierClaim).count() == (2 if answer == QMessageBox.StandardButton.Yes else 1)


def test_the_amounts_are_on_screen_in_a_laptop_window(qtbot: QtBot, env: Env) -> None:
    """In a 1366 px window the list shows through 下一步; 申请金额, 已到账 and 待追回 were past its right
    edge (after 收货人, 快递公司, 运单号): the money to chase comes before the next step now."""
    env.tab.resize(1354, 680)  # the tab in a 1366×768 window
    env.idle(qtbot)
    table, model = env.tab.table, env.tab.model
    for key in ("claimed", "received", "outstanding", "next_step"):
        column = model.column_index(key)
        right = table.columnViewportPosition(column) + table.columnWidth(column)
        assert right <= table.viewport().width(), (key, right, table.viewport().width())



def test_the_next_step_is_in_view_in_english_at_the_first_runs_size(qtbot: QtBot, english: QTranslator,
                                                                     env: Env) -> None:
    # In English at the first run's 1280 px the list ended inside Next step ("Next st", its text clipped
    # by the table's edge, no tooltip): the English titles are wider. The key column now narrows to what
    # is left of the view, its cut cells saying their whole text.
    open_claim(env.db, NewClaim(ClaimIncident.DAMAGED, order_id=1))
    env.tab.resize(1268, 640)  # the tab in a 1280×720 window
    env.tab.refresh()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.model.rowCount() == 1, timeout=5000)
    table, model = env.tab.table, env.tab.model
    assert model.headerData(model.column_index("next_step"), Qt.Orientation.Horizontal) == "Next step"

    def right(key: str) -> int:
        column = model.column_index(key)
        return table.columnViewportPosition(column) + table.columnWidth(column)

    qtbot.waitUntil(lambda: right("next_step") <= table.viewport().width(), timeout=3000)  # once laid out
    assert all(right(key) <= table.viewport().width() for key in ("claimed", "received", "outstanding"))

def test_a_double_click_on_a_carriers_subtotal_lists_its_claims(qtbot: QtBot, env: Env) -> None:
    """Double-clicking 顺丰速运's line under the list did nothing; it shows that carrier's claims now."""
    second = add_order(env.db, "261102-2", "顺丰速运", "SF1001")
    with env.db.reading() as s:
        first = s.query(Order.id).filter(Order.order_no == "261101-103283030276851").scalar()
    open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=first))
    b = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=second)).claim_id
    env.tab.refresh()
    env.idle(qtbot)
    tree = env.tab.subtotals
    lines = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    sf = next(item for item in lines if item.text(0) == "顺丰速运")
    where = tree.visualItemRect(sf).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    env.idle(qtbot)
    assert env.tab.carrier_filter.currentData() == "顺丰速运"
    assert [env.tab.model.row_object(r).id for r in range(env.tab.model.rowCount())] == [b]
    # The figures sit beside their titles (the last column no longer stretches to the far right).
    assert not tree.header().stretchLastSection()


def test_a_claim_of_unknown_amount_shows_nothing_outstanding(qtbot: QtBot, env: Env) -> None:
    """A claim for goods without a price has no amount yet; its 待追回 read "0.00" (nothing to chase)."""
    with env.db.transaction() as s:
        order = Order(order_key="pdd:261103-3", platform="pdd", order_no="261103-3", carrier="圆通速递",
                      tracking_no="YT0001", imported_at=parse_moment("2026-11-02").at, search_text="261103-3")
        order.items.append(OrderItem(position=0, title="纯棉袜子", spec="均码", quantity=2))
        s.add(order)
        s.flush()
        order_id = order.id
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    env.tab.refresh()
    env.idle(qtbot)
    model = env.tab.model
    row = model.row_of(claim_id)
    assert row is not None and model.row_object(row).claimed_fen is None
    assert model.index(row, model.column_index("claimed")).data() == ""
    assert model.index(row, model.column_index("outstanding")).data() == ""


def test_a_payout_typed_wrong_is_taken_back_in_the_pane(qtbot: QtBot, env: Env) -> None:
    """80 typed for 8.00: 撤销上一步 names the step and the money, asks, and takes both back; before, the
    pane had no way to correct a payout (and the case's 撤销 sends the shop here for claim records)."""
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    act_on_claim(env.db, claim_id, ClaimAction.SUBMIT_STATEMENT)
    env.tab.refresh()
    env.idle(qtbot)
    env.tab.detail.show_claim(claim_id)
    env.idle(qtbot)
    qtbot.waitUntil(lambda: "pay_partially" in env.tab.detail.action_buttons(), timeout=5000)
    dialog = open_action(qtbot, env, ClaimAction.PAY_PARTIALLY)
    dialog.amount.setText("80")
    accept(dialog)
    env.idle(qtbot)
    button = env.tab.detail.undo_button
    qtbot.waitUntil(lambda: button.toolTip() == "撤销“部分赔付”，撤回到账 80.00 元", timeout=5000)
    assert button.isEnabled() and env.tab.totals.total.received_fen == 8000
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    [box] = [b for b in env.tab.detail.findChildren(QMessageBox, "claim_undo_confirm") if b.isVisible()]
    assert "80.00 元" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: env.tab.model.row_object(env.tab.model.row_of(claim_id)).status == "submitted",
                    timeout=5000)
    assert env.tab.totals.total.received_fen == 0
    with env.db.reading() as s:
        assert claim_detail(s, claim_id).payouts == ()
    qtbot.waitUntil(lambda: button.toolTip() == "撤销“提交货值说明”", timeout=5000)
    history = env.tab.detail.history
    titles = [history.topLevelItem(i).text(2) for i in range(history.topLevelItemCount())]
    assert [t for t in titles if "已撤销" in t] == ["部分赔付（已提交货值说明 → 部分赔付）（已撤销）"], titles
    assert titles[-1].startswith("撤销"), titles


def test_a_photo_gone_from_disk_is_a_missing_document_in_the_pane(qtbot: QtBot, env: Env, tmp_path: Path,
                                                                  data_home: Path) -> None:
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    claim_id = open_claim(env.db, NewClaim(ClaimIncident.DAMAGED, order_id=order_id)).claim_id
    env.tab.select_claim(claim_id)
    env.idle(qtbot)
    env.tab.detail.add_evidence_files([write_png(tmp_path / "外箱.png", "#d32f2f")])
    env.idle(qtbot)
    qtbot.waitUntil(lambda: "✓ 破损/丢件的照片或聊天截图" in env.tab.detail.summary.toPlainText(), timeout=5000)
    (data_home / "evidence" / str(claim_id) / "外箱.png").unlink()
    env.tab.detail.reload()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: "✗ 破损/丢件的照片或聊天截图" in env.tab.detail.summary.toPlainText(), timeout=5000)
    assert env.tab.detail.evidence.item(0).toolTip().startswith("找不到文件")


def test_a_second_claim_past_the_orders_value_is_pointed_out(qtbot: QtBot, env: Env,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Yes to 再新建一张 with the whole order prefilled again: 统计's 向快递索赔 counted the goods twice and
    nothing said so; the tab now says what the order's claims ask against what the buyer paid."""
    with env.db.reading() as s:
        order_id = s.query(Order.id).scalar()
    first = open_claim(env.db, NewClaim(ClaimIncident.LOST, order_id=order_id)).claim_id
    monkeypatch.setattr("desktop_app.ui.claims.new_claim_dialog.QMessageBox.question",
                        lambda *args: QMessageBox.StandardButton.Yes)
    dialog = _new_claim_for(qtbot, env.tab, "ZT7788")
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in env.tab.findChildren(QMessageBox, "claim_over_order")),
                    timeout=5000)
    [box] = [b for b in env.tab.findChildren(QMessageBox, "claim_over_order") if b.isVisible()]
    assert box.text() == ("订单 261101-103283030276851 的理赔合计申请 200.00 元，超过买家为整单商品实付的 100.00 元"
                          f"（另有理赔 #{first} 100.00 元）：请核对是否重复登记，多出的部分需有保价或运费等依据")
    box.close()


@pytest.mark.parametrize(("reason", "incident"), [
    (CaseReason.DAMAGED, ClaimIncident.DAMAGED), (CaseReason.MISSING_ITEM, ClaimIncident.MISSING),
    (CaseReason.SIGNED_NOT_RECEIVED, ClaimIncident.SIGNED_NOT_RECEIVED)])
def test_a_claim_started_from_a_case_says_what_the_case_says_happened(
        qtbot: QtBot, env: Env, reason: CaseReason, incident: ClaimIncident) -> None:
    # 快递理赔 of a 破损 case (its right-click menu, the pane's button) opened on 丢件, the first entry: the
    # claim went to the courier as a lost parcel unless the shop noticed the 原因 box.
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP, reason)).case_id
    dialog = env.tab.new_claim(case_id=case_id)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 2, timeout=5000)
    assert dialog.incident.currentData() == incident.value
    with qtbot.waitSignal(dialog.created, timeout=5000) as created:
        dialog.submit()
    env.idle(qtbot)
    with env.db.reading() as session:
        assert claim_detail(session, created.args[0]).incident == incident.value


def test_a_claim_from_a_case_whose_reason_does_not_say_leaves_the_choice(qtbot: QtBot, env: Env) -> None:
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.REFUND_ONLY,
                                        CaseReason.NOT_RECEIVED)).case_id
    dialog = env.tab.new_claim(case_id=case_id)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 2, timeout=5000)
    assert dialog.incident.currentIndex() == 0
    dialog.reject()


def test_the_new_claim_dialog_keeps_its_description_box_above_its_buttons(qtbot: QtBot, env: Env) -> None:
    # Opened from a case at 1366×768, the dialog stayed at the height it opened at once the order's lines were
    # in: Qt squeezed the 理赔 group below its minimum and the 说明 box ran 27 px under the group's edge, cut
    # off above 保存 / 取消 (a wrapped label's lines do not count in a dialog's minimum size).
    case_id = open_case(env.db, NewCase(Platform.PDD, "261101-103283030276851", CaseKind.RESHIP,
                                        CaseReason.DAMAGED)).case_id
    dialog = env.tab.new_claim(case_id=case_id)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 2, timeout=5000)
    qtbot.wait(50)  # the layout settles on the next turn of the event loop
    box = dialog.description.parentWidget()
    assert box is not None
    assert dialog.description.geometry().bottom() <= box.contentsRect().bottom()
    for child in (box, dialog.items.parentWidget()):
        assert child is not None and child.height() >= child.minimumSizeHint().height(), child.title()
    buttons = dialog.buttons.mapTo(dialog, dialog.buttons.rect().topLeft()).y()
    assert box.mapTo(dialog, box.rect().bottomLeft()).y() < buttons
    dialog.reject()


def test_enter_in_the_order_search_picks_the_order_found(qtbot: QtBot, env: Env,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter after typing the order's number pressed 保存 and said 请先选择订单, the order listed right
    under the box; Enter now picks the first match, also when pressed before the search answered."""
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *args, **_kw: told.append(str(args[2])) or QMessageBox.StandardButton.Ok)
    dialog = env.tab.new_claim()
    assert isinstance(dialog, NewClaimDialog)
    with qtbot.waitSignal(dialog.draft_loaded, timeout=5000):
        qtbot.keyClicks(dialog.search, "ZT7788")
        qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # within the typing delay: nothing listed yet
    assert told == [] and dialog.isVisible()
    assert dialog.results.currentRow() == 0 and dialog.tracking.text() == "ZT7788"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # again, the list answered: still no 保存
    assert told == [] and dialog.isVisible() and dialog.results.currentRow() == 0


def test_an_empty_claims_list_says_what_to_do(qtbot: QtBot, env: Env) -> None:
    """The first day's 快递理赔 tab was an empty list beside 在左侧列表中选择一条理赔查看详情: nothing said how a
    claim comes in. A search that hides every claim says so instead."""
    tab = env.tab
    assert tab.model.rowCount() == 0
    assert "还没有快递理赔" in tab.detail.summary.toPlainText()
    assert "新建理赔" in tab.detail.summary.toPlainText()
    dialog = _new_claim_for(qtbot, tab, "ZT7788")
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    env.idle(qtbot)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    tab.search.setText("没有这个运单")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)
    env.idle(qtbot)
    assert "没有符合条件的理赔" in tab.detail.summary.toPlainText()


def test_the_order_search_masks_phones_as_every_list_does(qtbot: QtBot, env: Env) -> None:
    """The orders list shows 182****5900 (设置: full phones off), the new claim's order search listed 18252435900."""
    dialog = env.tab.new_claim()
    assert isinstance(dialog, NewClaimDialog)
    dialog.search.setText("ZT7788")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
    line = dialog.results.item(0).text()
    assert "182****5900" in line and "18252435900" not in line
    env.context.show_full_phones = True  # the shop chose to see them in full
    dialog.search.setText("ZT778")
    qtbot.waitUntil(lambda: dialog.results.count() == 1 and "18252435900" in dialog.results.item(0).text(),
                    timeout=5000)
    dialog.close()
