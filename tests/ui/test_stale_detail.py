"""After a search or filter, no detail pane keeps showing a case, order or claim the list no longer shows."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.core.claims import ClaimIncident
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.case_queries import OpenState
from desktop_app.store.database import open_database
from desktop_app.ui.widgets.row_table_model import ROW_ROLE
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seeded_path, visible_case_ids  # noqa: F401  (fixtures)


def test_cases_search_clears_a_detail_the_list_no_longer_shows(qtbot: QtBot, window: MainWindow,
                                                               case_ids: list[int]) -> None:  # noqa: F811
    tab = window.cases_tab
    window.refresh()
    qtbot.waitUntil(lambda: visible_case_ids(window) == [case_ids[1], case_ids[0]], timeout=5000)
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: tab.detail.case_id == case_ids[1], timeout=5000)
    qtbot.keyClicks(tab.search, "2174")  # only the other case matches
    qtbot.waitUntil(lambda: visible_case_ids(window) == [case_ids[0]], timeout=5000)
    wait_idle(qtbot, window)
    assert tab.detail.case_id is None
    assert not tab.detail.action_buttons() or not any(b.isEnabled() for b in tab.detail.action_buttons().values())
    # A filter that still lists the shown case keeps it.
    tab.search.clear()
    qtbot.waitUntil(lambda: len(visible_case_ids(window)) == 2, timeout=5000)
    tab.table.selectRow(1)
    qtbot.waitUntil(lambda: tab.detail.case_id == case_ids[0], timeout=5000)
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("reship"))
    qtbot.waitUntil(lambda: visible_case_ids(window) == [case_ids[0]], timeout=5000)
    wait_idle(qtbot, window)
    assert tab.detail.case_id == case_ids[0]


def test_orders_search_clears_the_order_detail_and_its_buttons(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.orders_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=5000)
    tab.table.selectRow(0)
    shown = tab.model.index(0, 0).data(ROW_ROLE)
    qtbot.waitUntil(lambda: shown.order_no in tab.detail.toPlainText(), timeout=5000)
    assert tab.new_case_button.isEnabled()
    other = next(o for o in ("秦文红", "廖华雨", "魏桐建") if o != shown.receiver)
    tab.search.setText(other)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    wait_idle(qtbot, window)
    assert shown.order_no not in tab.detail.toPlainText()
    assert not tab.new_case_button.isEnabled() and not tab.statement_button.isEnabled()


def test_claims_filter_clears_a_claim_the_list_hides(qtbot: QtBot, window: MainWindow,
                                                     seeded_path: Path) -> None:  # noqa: F811
    db = open_database(seeded_path)
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=1), author="小林").claim_id
    db.close()
    tab = window.claims_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    tab.select_claim(claim_id)
    qtbot.waitUntil(lambda: tab.detail.claim_id == claim_id, timeout=5000)
    tab.open_filter.setCurrentIndex(tab.open_filter.findData(OpenState.CLOSED))
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)
    wait_idle(qtbot, window)
    assert tab.detail.claim_id is None
    assert not any(b.isEnabled() for b in tab.detail.action_buttons().values())
