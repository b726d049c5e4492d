"""The order pane's 聚划算 checkbox: shown for 淘宝/天猫 orders, marks the order (audit-logged) and the
case's ship-by deadline becomes 7 days; not offered for platforms without 聚划算."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.models import AuditEvent, Order
from desktop_app.ui.orders.orders_tab import OrdersTab
from desktop_app.ui.widgets.paged_model import ROW_ROLE
from tests.ui.test_calendar_tab import Ledger, ledger  # noqa: F401  (fixture)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def select_order(qtbot: QtBot, tab: OrdersTab, ledger: Ledger, order_no: str) -> None:  # noqa: F811
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10000)
    row = next(r for r in range(tab.model.rowCount())
               if tab.model.index(r, 0).data(ROW_ROLE).order_no == order_no)
    tab.table.setCurrentIndex(tab.model.index(row, 0))
    ledger.idle(qtbot)
    qtbot.waitUntil(lambda: order_no in tab.detail.toPlainText(), timeout=10000)


def test_the_checkbox_marks_a_taobao_order_as_juhuasuan(qtbot: QtBot, ledger: Ledger) -> None:  # noqa: F811
    case_id = open_case(ledger.db, NewCase(
        Platform.TAOBAO, "3100000000000000002", CaseKind.REFUND_ONLY, CaseReason.LATE_SHIPMENT,
        requested=Moment(at("2026-11-21 10:00")), milestones={"paid": Moment(at("2026-11-20 08:00"))}),
        author="测试").case_id
    open_case(ledger.db, NewCase(Platform.PDD, "250101-123456789012345", CaseKind.REFUND_ONLY), author="测试")
    tab = OrdersTab(ledger.context)
    qtbot.addWidget(tab)
    tab.show()
    ledger.context.set_database(ledger.db)
    ledger.idle(qtbot)

    select_order(qtbot, tab, ledger, "250101-123456789012345")
    assert tab.juhuasuan_box.isHidden()  # 拼多多 has no 聚划算
    select_order(qtbot, tab, ledger, "3100000000000000002")
    assert not tab.juhuasuan_box.isHidden() and not tab.juhuasuan_box.isChecked()

    with qtbot.waitSignal(tab.message, timeout=10000) as said:
        tab.juhuasuan_box.click()
    ledger.idle(qtbot)
    assert "已标记为聚划算订单" in said.args[0]
    with ledger.db.reading() as session:
        assert session.scalar(select(Order.campaign).where(Order.order_no == "3100000000000000002")) == "juhuasuan"
        assert session.scalar(select(AuditEvent.to_state).where(AuditEvent.action == "campaign")) == "juhuasuan"
        ship_by = next(d for d in case_deadlines(session, case_id) if d.timer_id == "ship_by")
    assert ship_by.due_at == at("2026-11-27 08:00") and "聚划算" in ship_by.name
    select_order(qtbot, tab, ledger, "3100000000000000002")
    assert tab.juhuasuan_box.isChecked()
