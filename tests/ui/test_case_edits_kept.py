"""编辑, 更改类型 and 费用 keep what was typed when their save is refused: the dialogs closed at OK and saved
afterwards, so another seat's change meanwhile or a ledger locked by another program threw the typed values away
with a message box. Now the dialog stays open with the form as typed, says why in it, and OK again saves."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.clock import parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.case_costs import case_money, set_case_costs
from desktop_app.services.cases import CaseEdit, NewCase, case_version, edit_case, open_case
from desktop_app.store import database
from desktop_app.store.case_queries import case_detail
from desktop_app.store.database import Database, open_database
from desktop_app.ui.background import BackgroundRunner
from desktop_app.ui.cases.case_costs_dialog import CaseCostsDialog
from desktop_app.ui.cases.case_detail import CaseDetailPane
from desktop_app.ui.cases.case_dialogs import EditCaseDialog
from desktop_app.ui.cases.case_kind_dialog import ChangeKindDialog
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.writing_dialog import WritingDialog
from tests.ui.refused_writes import boxes  # noqa: F401  (autouse fixtures)


@pytest.fixture
def pane(qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
         ) -> Iterator[tuple[CaseDetailPane, Database, int]]:
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)  # a locked ledger is refused in 0.3 s, not 30
    db = open_database(db_path)
    case_id = open_case(db, NewCase(platform=Platform.TAOBAO, order_no="4100000000000000321", kind=CaseKind.REFUND_ONLY,
                                    reason=CaseReason.WRONG_ITEM, refund_fen=4990,
                                    requested=parse_moment("2026-11-20 10:00")), author="测试").case_id
    runner = BackgroundRunner()
    context = AppContext(runner)
    widget = CaseDetailPane(context)
    qtbot.addWidget(widget)
    widget.show()
    context.set_database(db)
    widget.show_case(case_id)
    qtbot.waitUntil(lambda: widget._detail is not None and widget.edit_button.isEnabled(), timeout=10000)
    yield widget, db, case_id
    runner.shutdown()
    db.close()


def ok(dialog: WritingDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def refused(qtbot: QtBot, dialog: WritingDialog) -> str:
    qtbot.waitUntil(lambda: dialog.write_problem.isVisible(), timeout=10000)
    assert dialog.isVisible() and not dialog.sending
    assert dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    text = dialog.write_problem.text()
    assert text.startswith("未保存：") and "填写的内容都还在" in text, text
    return text


def locked(path: Path) -> sqlite3.Connection:
    """Another program in the middle of a long write on the ledger file."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_an_edit_typed_is_kept_when_another_seat_saved_first_and_saved_again(
        qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:
    """What this seat typed stays; what it left alone follows the other seat's save, so OK again never sends the
    old value back over it (小王 named the carrier responsible: it stays the carrier)."""
    widget, db, case_id = pane
    dialog = widget.edit_case()
    assert isinstance(dialog, EditCaseDialog)
    dialog.refund.setText("35.5")
    dialog.platform_case_no.setText("TB-MINE-01")
    with db.reading() as s:
        shown = case_detail(s, case_id)
    edit_case(db, case_id, CaseEdit(reason=CaseReason.WRONG_ITEM, refund_fen=4990, compensation_fen=None,
                                    responsible=ResponsibleParty.CARRIER, platform_case_no="TB-OTHER-02"),
              expected_version=shown.version, author="小王")
    ok(dialog)
    text = refused(qtbot, dialog)
    assert f"售后单 #{case_id} 刚被 小王 修改了" in text, text
    assert dialog.refund.text() == "35.5" and dialog.platform_case_no.text() == "TB-MINE-01"
    with db.reading() as s:
        assert case_detail(s, case_id).platform_case_no == "TB-OTHER-02"  # nothing written over it
        assert case_detail(s, case_id).refund_fen == 4990
    qtbot.waitUntil(lambda: dialog.version == case_version(db, case_id), timeout=10000)  # read again behind it
    assert dialog.responsible.currentData() == "carrier"  # left alone here: follows 小王's save
    ok(dialog)  # sent again, over the case as it is now
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    with db.reading() as s:
        saved = case_detail(s, case_id)
    assert (saved.platform_case_no, saved.refund_fen, saved.row.responsible) == ("TB-MINE-01", 3550, "carrier")


def test_a_kind_change_is_kept_while_another_program_holds_the_ledger(
        qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int], db_path: Path) -> None:
    widget, db, case_id = pane
    dialog = widget.change_kind()
    assert isinstance(dialog, ChangeKindDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.RETURN_REFUND.value))
    dialog.note.setPlainText("买家改为退货退款")
    version = case_version(db, case_id)
    holder = locked(db_path)
    try:
        ok(dialog)
        text = refused(qtbot, dialog)
        assert "另一个程序" in text, text
        assert dialog.chosen() is CaseKind.RETURN_REFUND and dialog.note_text() == "买家改为退货退款"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with db.reading() as s:
        assert case_detail(s, case_id).row.kind == CaseKind.REFUND_ONLY.value
    assert case_version(db, case_id) == version  # the database unchanged
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    with db.reading() as s:
        assert case_detail(s, case_id).row.kind == CaseKind.RETURN_REFUND.value


def test_costs_typed_are_kept_when_another_seat_saved_costs_first(
        qtbot: QtBot, pane: tuple[CaseDetailPane, Database, int]) -> None:
    widget, db, case_id = pane
    dialog = widget.edit_costs()
    assert isinstance(dialog, CaseCostsDialog)
    qtbot.waitUntil(lambda: dialog.version is not None, timeout=10000)
    dialog.postage_out.setText("12")
    dialog.penalty.setText("5")
    set_case_costs(db, case_id, CaseCosts(postage_out_fen=800, postage_back_fen=600),
                   expected_version=case_version(db, case_id), author="小王")
    ok(dialog)
    text = refused(qtbot, dialog)
    assert "小王" in text or "另一个窗口或程序" in text, text
    assert dialog.postage_out.text() == "12" and dialog.penalty.text() == "5"
    with db.reading() as s:
        assert case_money(s, case_id).costs.postage_out_fen == 800
    qtbot.waitUntil(lambda: dialog.version == case_version(db, case_id), timeout=10000)
    assert dialog.postage_back.text() == "6.00"  # left alone here: follows 小王's save, never sent back empty
    ok(dialog)
    qtbot.waitUntil(lambda: not dialog.still_open(), timeout=10000)
    with db.reading() as s:
        costs = case_money(s, case_id).costs
    assert (costs.postage_out_fen, costs.postage_back_fen, costs.penalty_fen) == (1200, 600, 500)
