"""更改类型 in the case detail pane: the dialog says where the state lands before it happens, the case
follows, and a closed case says why it cannot be changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import reships
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import open_database
from desktop_app.ui.cases.case_kind_dialog import ChangeKindDialog
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    reship = open_case(db, NewCase(Platform.DOUYIN, "6923456789012345678", CaseKind.RESHIP, refund_fen=1500),
                       author="小林").case_id
    reships.agree(db, reship, author="小林")
    closed = open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.RETURN_REFUND), author="小林").case_id
    act_on_case(db, closed, CaseAction.CLOSE, author="小林")
    db.close()
    return db_path


def test_change_kind_from_the_detail_pane(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    tab.select_case(1)
    qtbot.waitUntil(lambda: tab.detail.case_id == 1 and "ship_reship" in tab.detail.action_buttons(), timeout=5000)
    assert tab.detail.kind_button is not None and tab.detail.kind_button.isEnabled()
    dialog = tab.detail.change_kind()
    assert isinstance(dialog, ChangeKindDialog)
    assert dialog.kind.findData("reship") == -1  # not the kind it already is
    dialog.kind.setCurrentIndex(dialog.kind.findData("partial_refund"))
    text = dialog.outcome.text()
    assert "状态：待补发 → 处理中" in text and "补发将取消" in text and "补偿金额" in text
    dialog.note.setPlainText("买家要补偿，不要补发")
    dialog.ok_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "compensate" in tab.detail.action_buttons(), timeout=5000)
    assert "部分退款/补偿" in tab.detail.title.text()
    events = [tab.detail.timeline.topLevelItem(i).text(3) for i in range(tab.detail.timeline.topLevelItemCount())]
    assert "售后类型：补发 → 部分退款/补偿；退款金额 15.00 元改记为补偿金额；买家要补偿，不要补发" in events
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert case_row(session, 1).kind == "partial_refund"


def test_a_closed_case_says_why_its_kind_cannot_change(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    tab.select_case(2)
    qtbot.waitUntil(lambda: tab.detail.case_id == 2 and "reopen" in tab.detail.action_buttons(), timeout=5000)
    assert tab.detail.kind_button is not None and not tab.detail.kind_button.isEnabled()
    assert "请先重新打开" in tab.detail.kind_button.toolTip()
