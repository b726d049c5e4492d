"""更改类型 of an agreed return (seed 001 "用户撤销退款申请,重新申请"): the buyer withdrew it and applied anew as
another kind, so a case whose parcel has not left goes back to 处理中 and offers 同意退货 again; one whose parcel is
on its way keeps 等待买家退货. The pane's dialog and the batch dialog say so before it happens."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_queries import case_row
from desktop_app.store.database import open_database
from desktop_app.ui.cases.case_kind_dialog import ChangeKindDialog
from desktop_app.ui.cases.cases_tab import CasesTab
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


def shown(tab: CasesTab) -> int | None:
    """The case whose detail the pane holds (loaded off the GUI thread after the selection)."""
    detail = tab.detail._detail
    return None if detail is None else detail.row.id


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    for order in ("3901234567890001", "3901234567890002"):
        case_id = open_case(db, NewCase(Platform.TMALL, order, CaseKind.EXCHANGE), author="小林").case_id
        act_on_case(db, case_id, CaseAction.AGREE_RETURN, author="小林")
    # The second one's parcel is on its way.
    act_on_case(db, 2, CaseAction.BUYER_SHIPPED_RETURN, author="小林")
    db.close()
    return db_path


def test_the_pane_says_an_unsent_return_asked_anew_is_agreed_again(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    tab.select_case(2)
    qtbot.waitUntil(lambda: shown(tab) == 2, timeout=5000)
    dialog = tab.detail.change_kind()
    assert isinstance(dialog, ChangeKindDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("return_refund"))
    assert "状态：等待买家退货 → 等待买家退货" in dialog.outcome.text()
    dialog.reject()
    tab.select_case(1)
    qtbot.waitUntil(lambda: shown(tab) == 1, timeout=5000)
    dialog = tab.detail.change_kind()
    assert isinstance(dialog, ChangeKindDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("return_refund"))
    assert "状态：等待买家退货 → 处理中" in dialog.outcome.text()
    dialog.ok_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: "agree_return" in tab.detail.action_buttons(), timeout=5000)
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert (case_row(session, 1).kind, case_row(session, 1).status) == ("return_refund", "processing")


def test_the_batch_dialog_says_which_go_back_to_processing(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    tab.table.selectAll()
    dialog = tab.open_bulk()
    assert dialog is not None
    dialog.action.setCurrentIndex(dialog.action.findData("kind"))
    dialog.kind.setCurrentIndex(dialog.kind.findData("return_refund"))
    assert dialog.summary.text() == ("2 张售后单将改为“退货退款”：等待买家退货 → 等待买家退货 ×2；"
                                     "等待买家退货而买家还没寄回的改为处理中，须重新同意退货")
    with qtbot.waitSignal(dialog.finished_bulk, timeout=5000) as finished:
        dialog.run_button.click()
    assert all(r.ok for r in finished.args[0])
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert [case_row(session, i).status for i in (1, 2)] == ["processing", "awaiting_return"]
