"""编辑处理步骤和话术 in the app: the shop's own copy in <data>/playbooks/ wins over the shipped file, the
case guide shows it at once, mistakes are said in Chinese and write nothing, 恢复默认 brings the shipped
one back; a playbook of the shop's own is added and deleted."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from desktop_app.core.errors import UserError
from desktop_app.core.playbooks import Playbook, PlaybookStep, ReplyScript
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.playbooks import load_playbooks, remove_own_copy, save_playbook
from desktop_app.store.database import open_database
from desktop_app.ui.cases.playbook_editor import PlaybookEditor
from desktop_app.ui.cases.playbook_editor_parts import ID_ROLE
from desktop_app.ui.window.main_window import MainWindow
from tests.ui.test_english import CHINESE


@pytest.fixture
def seeded_path(db_path: Path) -> Path:
    db = open_database(db_path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP, CaseReason.DAMAGED,
                          receiver="秦文红"), author="小林")
    open_case(db, NewCase(Platform.PDD, "261111-1", CaseKind.REFUND_ONLY, CaseReason.OUT_OF_AREA), author="小林")
    db.close()
    return db_path


def own_files(data_home: Path) -> list[str]:
    folder = data_home / "playbooks"
    return sorted(p.name for p in folder.glob("*.toml")) if folder.is_dir() else []


def test_edit_a_shipped_playbook_from_the_case_guide(qtbot: QtBot, window: MainWindow, data_home: Path) -> None:
    tab, guide = window.cases_tab, window.cases_tab.guide
    tab.select_case(1)
    qtbot.waitUntil(lambda: guide.steps.count() == 4, timeout=5000)
    editor = guide.edit_playbook()
    assert isinstance(editor, PlaybookEditor) and editor.isVisible()
    assert editor.current is not None and editor.current.id == "damaged"  # this case's playbook
    assert editor.title.text() == "破损" and not editor.save_button.isEnabled()
    assert editor.reasons.chosen() == ["damaged"] and editor.kinds.chosen() == []

    # A fifth step, the first one reworded, and a script of the shop's own with placeholders.
    editor.steps.list.item(0).setText("请买家拍外箱面单和破损处的照片（至少 3 张）")
    editor.steps.add_step().setText("破损商品拍照留底")
    assert editor.save_button.isEnabled() and editor.dirty
    editor.scripts.add_script()
    editor.scripts.title.setText("催买家拍照")
    editor.scripts.title.textEdited.emit("催买家拍照")
    editor.scripts.text.setPlainText("亲，订单")
    editor.scripts.text.moveCursor(QTextCursor.MoveOperation.End)  # where typing leaves it
    editor.scripts.insert_placeholder("order_no")
    editor.scripts.text.insertPlainText(" 的照片还没收到哦～")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert own_files(data_home) == ["damaged.toml"] and "已保存到" in editor.error.text()
    with (data_home / "playbooks" / "damaged.toml").open("rb") as handle:
        data = tomllib.load(handle)
    assert [s["id"] for s in data["steps"]] == ["photos", "claim", "resolve", "record", "step_1"]
    assert data["steps"][0]["text"].endswith("（至少 3 张）") and data["reasons"] == ["damaged"]
    assert data["scripts"][-1] == {"id": "script_1", "title": "催买家拍照",
                                   "text": "亲，订单{order_no} 的照片还没收到哦～"}
    assert editor.list.currentItem().text() == "破损（本店修改）"
    # The guide reads it again: five steps, the new script filled from the case.
    qtbot.waitUntil(lambda: guide.steps.count() == 5, timeout=5000)
    guide.script_choice.setCurrentIndex(guide.script_choice.findData("script_1"))
    assert guide.script_text.toPlainText() == "亲，订单4145384019161461003 的照片还没收到哦～"

    # 恢复默认: the shop's copy is deleted, the shipped playbook counts again.
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.restore_button.click()
    assert own_files(data_home) == [] and editor.steps.list.count() == 4
    qtbot.waitUntil(lambda: guide.steps.count() == 4, timeout=5000)
    editor.close()


def test_mistakes_are_said_in_chinese_and_nothing_is_written(qtbot: QtBot, data_home: Path) -> None:
    editor = PlaybookEditor("out_of_area")
    qtbot.addWidget(editor)
    editor.show()
    editor.scripts.text.setPlainText("{buyer}您好，给您退 {refund} 元")
    editor.save()
    assert "不认识的占位符 {refund}" in editor.error.text() and "{amount}" in editor.error.text()
    assert own_files(data_home) == []
    editor.scripts.text.setPlainText("{buyer}您好")
    editor.steps.add_step().setText("   ")
    assert not editor.save()
    assert editor.error.text() == f"第 {editor.steps.list.count()} 个步骤是空的：请填写内容或删除它"
    editor.steps.remove_step()
    editor.title.setText("")
    assert not editor.save() and editor.error.text() == "请填写处理步骤的名称"
    assert own_files(data_home) == []
    # Unsaved edits are never lost by a click in the list.
    other = next(i for i in range(editor.list.count()) if editor.list.item(i).data(ID_ROLE) == "damaged")
    editor.list.setCurrentRow(other)
    assert editor.current is not None and editor.current.id == "out_of_area"
    assert "未保存的修改" in editor.error.text()
    editor.revert()
    assert editor.title.text() == "超区" and not editor.dirty
    editor.list.setCurrentRow(other)
    assert editor.current.id == "damaged"


def test_a_playbook_of_the_shops_own(qtbot: QtBot, data_home: Path) -> None:
    editor = PlaybookEditor()
    qtbot.addWidget(editor)
    editor.show()
    editor.new_playbook()
    assert editor.current is not None and editor.current.id == "own_1" and editor.dirty
    editor.title.setText("预售延迟发货")
    editor.kinds.item(next(i for i in range(editor.kinds.count())
                           if editor.kinds.item(i).data(ID_ROLE) == "refund_only")).setCheckState(
        Qt.CheckState.Checked)
    editor.steps.add_step().setText("告知买家预计发货日期")
    assert editor.save()
    library = load_playbooks()
    mine = library.get("own_1")
    assert mine.title == "预售延迟发货" and mine.kinds == frozenset({CaseKind.REFUND_ONLY})
    assert "own_1" in library.own and "own_1" not in library.shipped
    assert editor.restore_button.text() == "删除" and editor.restore_button.isEnabled()
    editor.restore()
    assert own_files(data_home) == [] and "own_1" not in {p.id for p in load_playbooks().playbooks}


def test_saving_checks_as_the_loader_reads(data_home: Path) -> None:
    playbook = Playbook("damaged", " 破损 ", frozenset(), frozenset({CaseReason.DAMAGED}), "",
                        (PlaybookStep("photos", " 拍照 "),), (ReplyScript("s", "致歉", "{buyer}抱歉"),))
    path = save_playbook(playbook)
    assert load_playbooks().get("damaged").steps == (PlaybookStep("photos", "拍照"),)
    assert save_playbook(playbook) == path  # the same file again, not a second copy
    with pytest.raises(UserError, match="话术“致歉”的内容是空的"):
        save_playbook(Playbook("x", "X", frozenset(), frozenset(), "", (), (ReplyScript("s", "致歉", " "),)))
    remove_own_copy("damaged")
    with pytest.raises(UserError, match="没有本店自己的版本"):
        remove_own_copy("damaged")


@pytest.mark.usefixtures("english")
def test_the_english_editor_lists_playbooks_in_english_and_edits_the_chinese(qtbot: QtBot, data_home: Path) -> None:
    """In the English window the editor listed its playbooks in Chinese; its fields edit the playbook's own
    Chinese (that is what is saved) and now say how the window shows it; a step the shop edits has no English."""
    editor = PlaybookEditor("damaged")
    qtbot.addWidget(editor)
    titles = [editor.list.item(i).text() for i in range(editor.list.count())]
    assert "Damaged" in titles and "General after-sales" in titles
    assert not [t for t in titles if CHINESE.search(t)], titles
    assert editor.title.text() == "破损"
    assert editor.title.toolTip().endswith("the window shows it as: Damaged")
    first = editor.steps.list.item(0)
    assert first.text() == "请买家拍外箱（带快递面单）和破损处的照片"
    assert first.toolTip().endswith(
        "the window shows it as: Ask the buyer for photos of the outer box (with the shipping label) and of the damage")
    assert editor.steps.add_step().toolTip() == ""


def test_the_chinese_editor_is_unchanged(qtbot: QtBot, data_home: Path) -> None:
    editor = PlaybookEditor("damaged")
    qtbot.addWidget(editor)
    assert "破损" in [editor.list.item(i).text() for i in range(editor.list.count())]
    assert editor.title.toolTip() == "" and editor.steps.list.item(0).toolTip() == ""
