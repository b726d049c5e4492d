"""The case guide under the detail pane: suggestion, checklist to the timeline, scripts to the clipboard,
shop policies switched on in the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.playbooks import enabled_policy_ids
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import open_database
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED,
                          receiver="秦文红"), author="小林")
    open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.REFUND_ONLY, refund_fen=800), author="小林")
    db.close()
    return db_path


def test_guide_checklist_scripts_and_policies(qtbot: QtBot, window: MainWindow) -> None:
    tab, guide = window.cases_tab, window.cases_tab.guide
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    tab.select_case(1)
    qtbot.waitUntil(lambda: guide.steps.count() == 4, timeout=5000)
    assert "同意补发" in guide.suggestion.text() and "破损" in guide.steps_title.text()
    assert "快递承担" in guide.postage.text()
    assert guide.script_text.toPlainText().startswith("秦文红您好，非常抱歉订单4145384019161461003")
    qtbot.mouseClick(guide.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == guide.script_text.toPlainText()
    guide.steps.item(0).setCheckState(Qt.CheckState.Checked)
    wait_idle(qtbot, window)
    db = window.context.db
    assert db is not None
    with db.reading() as session:
        assert "已完成（破损）：请买家拍外箱" in (case_events(session, 1)[-1].note or "")
    qtbot.waitUntil(lambda: guide.steps.count() == 4 and
                    guide.steps.item(0).checkState() == Qt.CheckState.Checked, timeout=5000)

    tab.select_case(2)
    qtbot.waitUntil(lambda: guide.case_id == 2 and "退款" in guide.suggestion.text(), timeout=5000)
    assert "店铺策略" not in guide.suggestion.text()
    dialog = guide.open_policies()
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=5000)
    dialog.list.item(0).setCheckState(Qt.CheckState.Checked)  # 小额仅退款直接退
    wait_idle(qtbot, window)
    with db.reading() as session:
        assert enabled_policy_ids(session) == ["small_refund"]
    dialog.close()
    qtbot.waitUntil(lambda: "店铺策略：小额仅退款直接退" in guide.suggestion.text(), timeout=5000)


def test_evidence_on_the_case(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab, panel = window.cases_tab, window.cases_tab.evidence
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=5000)
    tab.select_case(1)
    qtbot.waitUntil(lambda: panel.case_id == 1 and panel.add_button.isEnabled(), timeout=5000)
    photo = tmp_path / "外箱面单.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c62828"))
    assert image.save(str(photo))
    note = tmp_path / "聊天记录.pdf"
    note.write_bytes(b"%PDF-1.4")
    panel.add_files([photo, note])
    qtbot.waitUntil(lambda: panel.files.count() == 2, timeout=5000)
    assert [panel.files.item(i).text() for i in range(2)] == ["外箱面单.png", "聊天记录.pdf"]
    assert not panel.files.item(0).icon().isNull()
    panel.files.setCurrentRow(1)
    panel.remove_selected()
    qtbot.waitUntil(lambda: panel.files.count() == 1, timeout=5000)
    tab.select_case(2)
    qtbot.waitUntil(lambda: panel.case_id == 2 and panel.files.count() == 0, timeout=5000)
