"""One status-colour system: the same four colours, the same legend, in every tab."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA
from desktop_app.ui.calendar import calendar_tab
from desktop_app.ui.cases import case_table_model
from desktop_app.ui.claims import claim_table_model
from desktop_app.ui.widgets.status_colours import DONE, DUE_SOON, OVERDUE, WAITING, legend_html, urgency
from desktop_app.ui.window.main_window import MainWindow


def test_urgency_by_the_next_deadline() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=CHINA)
    assert urgency(now - timedelta(minutes=1), now) == OVERDUE
    assert urgency(now + timedelta(hours=23), now) == DUE_SOON
    assert urgency(now + timedelta(hours=25), now) == WAITING
    assert urgency(None, now) == WAITING
    assert len({c.name() for c in (OVERDUE, DUE_SOON, WAITING, DONE)}) == 4


def test_every_tab_uses_the_same_colours_and_shows_the_legend(qtbot: QtBot, window: MainWindow) -> None:
    assert case_table_model.OVERDUE == claim_table_model.OVERDUE == calendar_tab.OVERDUE == OVERDUE
    assert case_table_model.SOON == claim_table_model.SOON == DUE_SOON
    assert calendar_tab.LATER == WAITING
    html = legend_html()
    assert all(word in html for word in ("已逾期", "24小时内到期", "等待中", "已完成"))
    for tab in (window.cases_tab, window.reship_tab, window.claims_tab):
        found = tab.findChild(QLabel, "status_legend")
        assert found is not None and found.text() == html


def test_the_claims_tab_title_counts_open_claims(qtbot: QtBot, window: MainWindow) -> None:
    from desktop_app.core.claims import ClaimIncident
    from desktop_app.services.claims import NewClaim, open_claim
    from desktop_app.store.models import Order

    db = window.context.db
    assert db is not None
    index = window.tabs.indexOf(window.claims_tab)
    assert window.tabs.tabText(index) == "快递理赔"
    with db.transaction() as s:
        order = Order(order_key="pdd:1", platform="pdd", order_no="1", paid_fen=1000)
        s.add(order)
        s.flush()
        order_id = order.id
    window.context.write(lambda d: open_claim(d, NewClaim(ClaimIncident.LOST, order_id=order_id), "小林"))
    qtbot.waitUntil(lambda: window.tabs.tabText(index) == "快递理赔（1）", timeout=5000)
