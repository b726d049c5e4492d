"""The 时效规则 settings: validate, save to the user folder, reset, working-day overrides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.rule_pack_files import (
    has_user_pack,
    load_pack,
    load_workday_overrides,
    read_pack_text,
    save_user_pack_text,
    shipped_rules_dir,
)
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.ui.rules.rules_dialog import RulesDialog
from desktop_app.ui.rules.workday_page import parse_date_lines
from tests.ui.test_calendar_tab import Ledger, at, douyin_reship, open_ledger

ANSWER_48H = "duration = { hours = 48 }"  # the first timer of douyin.toml: reship_answer


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def due_of(ledger: Ledger, case_id: int, timer_id: str) -> datetime:
    with ledger.db.reading() as session:
        rows = {r.timer_id: r for r in case_deadlines(session, case_id)}
    return rows[timer_id].due_at.astimezone(CHINA)


def make_dialog(qtbot: QtBot, ledger: Ledger) -> RulesDialog:
    ledger.context.set_database(ledger.db)
    dialog = RulesDialog(ledger.context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.ready, timeout=10000)
    return dialog


def wait_saved(qtbot: QtBot, ledger: Ledger, dialog: RulesDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    ledger.idle(qtbot)


def test_an_invalid_pack_shows_its_problems_and_is_not_saved(qtbot: QtBot, ledger: Ledger,
                                                              data_home: Path) -> None:
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("douyin")
    shipped = read_pack_text("douyin")
    assert dialog.editor.toPlainText() == shipped

    dialog.editor.setPlainText(shipped.replace(ANSWER_48H, 'duration = { hours = "48" }', 1))
    assert not dialog.validate_current()
    problems = dialog.problem_texts()
    assert problems and not dialog.problems.isHidden()
    assert "douyin.toml" in problems[0] and "reship_answer" in problems[0]

    dialog.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert not has_user_pack("douyin")
    assert not (data_home / "rules" / "douyin.toml").exists()
    assert "未保存" in dialog.status.text()

    # Broken TOML syntax: the parser's message, with the file.
    dialog.editor.setPlainText("[pack\nid = ")
    dialog.validate_button.click()
    assert "不是有效的 TOML" in dialog.problem_texts()[0]
    dialog.save_button.click()
    assert not has_user_pack("douyin")


def test_a_valid_edit_is_saved_to_the_user_folder_and_wins(qtbot: QtBot, ledger: Ledger, data_home: Path) -> None:
    case_id = douyin_reship(ledger.db, "DY1001", at("2026-05-06 20:00"))
    assert due_of(ledger, case_id, "reship_answer") == at("2026-05-08 20:00")
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("douyin")
    edited = dialog.editor.toPlainText().replace(ANSWER_48H, "duration = { hours = 24 }", 1)
    dialog.editor.setPlainText(edited)
    assert dialog.pack_list.currentItem().text().endswith(" *")  # unsaved

    assert dialog.validate_current()
    assert dialog.problems.isHidden()
    with qtbot.waitSignal(dialog.rules_saved, timeout=10000) as blocker:
        dialog.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert blocker.args == ["douyin"]
    user_file = data_home / "rules" / "douyin.toml"
    assert user_file.read_text(encoding="utf-8") == edited  # comments kept, as typed
    assert load_pack("douyin").timer("reship_answer").duration.amount == 24
    # The stored deadline was recomputed with the new rule.
    assert due_of(ledger, case_id, "reship_answer") == at("2026-05-07 20:00")
    assert dialog.pack_list.currentItem().text() == "抖店（已修改）"
    assert "已保存" in dialog.status.text() and "1 张" in dialog.status.text()

    # A new dialog (the next start, an upgrade) shows the user's copy.
    again = make_dialog(qtbot, ledger)
    again.select_pack("douyin")
    assert again.editor.toPlainText() == edited
    assert str(user_file) in again.state_label.text()


def reset_with_answer(qtbot: QtBot, ledger: Ledger, dialog: RulesDialog,
                      answer: QMessageBox.StandardButton) -> None:
    box = dialog.ask_reset()
    assert box is not None and box.isVisible()
    assert dialog.confirm_box is box
    box.button(answer).click()
    wait_saved(qtbot, ledger, dialog)


def test_reset_asks_then_removes_the_users_copy(qtbot: QtBot, ledger: Ledger, data_home: Path) -> None:
    case_id = douyin_reship(ledger.db, "DY1001", at("2026-05-06 20:00"))
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("douyin")
    dialog.editor.setPlainText(dialog.editor.toPlainText().replace(ANSWER_48H, "duration = { hours = 24 }", 1))
    dialog.save_current()
    wait_saved(qtbot, ledger, dialog)
    assert has_user_pack("douyin")

    reset_with_answer(qtbot, ledger, dialog, QMessageBox.StandardButton.No)
    assert has_user_pack("douyin")

    reset_with_answer(qtbot, ledger, dialog, QMessageBox.StandardButton.Yes)
    assert not has_user_pack("douyin")
    assert not (data_home / "rules" / "douyin.toml").exists()
    assert dialog.editor.toPlainText() == (shipped_rules_dir() / "douyin.toml").read_text(encoding="utf-8")
    assert dialog.pack_list.currentItem().text() == "抖店"
    assert due_of(ledger, case_id, "reship_answer") == at("2026-05-08 20:00")  # back to 48 h

    # Nothing to reset any more: no question.
    assert dialog.ask_reset() is None


def test_a_newer_shipped_revision_is_pointed_out(qtbot: QtBot, ledger: Ledger) -> None:
    save_user_pack_text("pdd", re.sub(r"^revision = \d+$", "revision = 0", read_pack_text("pdd"), count=1, flags=re.M))
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("pdd")
    assert not dialog.revision_note.isHidden()
    assert "默认规则已更新" in dialog.revision_note.text()
    dialog.select_pack("taobao")
    assert dialog.revision_note.isHidden()


def test_drafts_survive_switching_packs_and_closing_asks(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = make_dialog(qtbot, ledger)
    dialog.show()
    dialog.select_pack("jd")
    dialog.editor.setPlainText(dialog.editor.toPlainText() + "\n# 草稿\n")
    dialog.select_pack("taobao")
    dialog.select_pack("jd")
    assert dialog.editor.toPlainText().endswith("# 草稿\n")
    dialog.reject()
    box = dialog.confirm_box
    assert box is not None and dialog.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible()
    dialog.reject()
    assert dialog.confirm_box is not None
    dialog.confirm_box.button(QMessageBox.StandardButton.Discard).click()
    assert not dialog.isVisible()
    assert not has_user_pack("jd")


def generic_reship_agreed(ledger: Ledger, when: datetime) -> int:
    """A reship on an 'other' platform: the generic pack's 3-working-day timer starts when agreed."""
    return open_case(ledger.db, NewCase(Platform.OTHER, "G1001", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=Moment(when), actions=((CaseAction.AGREE_RESHIP, Moment(when)),)),
                     author="测试").case_id


def test_working_day_overrides_are_validated_saved_and_used(qtbot: QtBot, ledger: Ledger, data_home: Path) -> None:
    # Agreed Friday 2026-10-09 10:00: 3 working days are Sat 10-10 (调休), Mon 10-12, Tue 10-13.
    case_id = generic_reship_agreed(ledger, at("2026-10-09 10:00"))
    assert due_of(ledger, case_id, "reship_within") == at("2026-10-13 10:00")
    dialog = make_dialog(qtbot, ledger)
    dialog.pages.setCurrentIndex(1)

    dialog.workdays.holidays_edit.setPlainText("2026-10-12\n2026-13-01\n")
    dialog.workdays.workdays_edit.setPlainText("2026-10-12\n")
    dialog.workdays.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    problems = dialog.workdays.workday_problem_texts()
    assert any("第 2 行" in p and "2026-13-01" in p for p in problems)
    assert any("同一天不能既是休息日又是工作日：2026-10-12" in p for p in problems)
    assert not (data_home / "rules" / "workdays.toml").exists()

    dialog.workdays.holidays_edit.setPlainText("2026-10-12  # 仓库盘点\n\n")
    dialog.workdays.workdays_edit.setPlainText("")
    with qtbot.waitSignal(dialog.rules_saved, timeout=10000) as blocker:
        dialog.workdays.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert blocker.args == ["workdays"]
    assert dialog.workdays.workday_problems.isHidden()
    assert load_workday_overrides() == WorkdayOverrides(frozenset({date(2026, 10, 12)}))
    assert due_of(ledger, case_id, "reship_within") == at("2026-10-14 10:00")  # Sat, Tue, Wed
    assert dialog.workdays.holidays_edit.toPlainText() == "2026-10-12\n"

    # An extra working Sunday (written with slashes) brings it back a day: Sat, Sun, Tue.
    dialog.workdays.workdays_edit.setPlainText("2026/10/11\n")
    dialog.workdays.save_workdays()
    wait_saved(qtbot, ledger, dialog)
    assert load_workday_overrides() == WorkdayOverrides(frozenset({date(2026, 10, 12)}),
                                                        frozenset({date(2026, 10, 11)}))
    assert due_of(ledger, case_id, "reship_within") == at("2026-10-13 10:00")
    assert dialog.workdays.workdays_edit.toPlainText() == "2026-10-11\n"

    # The saved lists come back in a new dialog.
    again = make_dialog(qtbot, ledger)
    assert again.workdays.holidays_edit.toPlainText() == "2026-10-12\n"


@pytest.mark.parametrize(("text", "days", "bad"), [
    ("2026-10-01\n2026/10/02\n\n# 注释\n", {date(2026, 10, 1), date(2026, 10, 2)}, ()),
    ("2026-02-30\n明天\n", set(), ((1, "2026-02-30"), (2, "明天"))),
])
def test_date_lines(text: str, days: set[date], bad: tuple[tuple[int, str], ...]) -> None:
    parsed = parse_date_lines(text)
    assert parsed.days == days and parsed.bad == bad


def test_a_years_official_schedule_is_entered_in_the_window(qtbot: QtBot, ledger: Ledger, data_home: Path) -> None:
    # The calendar told the shop to enter next year's published schedule under 工作日调整, whose days
    # only override single days: the year stayed 估算. 填写官方节假日安排… enters the year whole.
    case_id = generic_reship_agreed(ledger, at("2027-04-30 10:00"))  # a Friday before 劳动节
    with ledger.db.reading() as session:
        before = {r.timer_id: r for r in case_deadlines(session, case_id)}["reship_within"]
    assert before.estimated
    dialog = make_dialog(qtbot, ledger)
    dialog.pages.setCurrentIndex(1)
    official = dialog.workdays.open_official_year()
    assert official is not None
    qtbot.addWidget(official)
    assert official.year.value() == 2027
    assert official.origin.text().startswith("还没有这一年的官方安排")
    assert "2027-01-01\n" in official.holidays_edit.toPlainText()  # the statutory estimate, to correct
    assert official.workdays_edit.toPlainText() == ""

    official.holidays_edit.setPlainText("2027-05-01..2027-05-05\n2027-13-01\n")
    official.workdays_edit.setPlainText("2027-05-07\n")  # a Friday: a working day anyway
    official.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    problems = official.problems.text()
    assert "放假日第 2 行：“2027-13-01”不是日期" in problems and "2027-05-07 本来就是工作日" in problems
    assert not (data_home / "rules" / "china_holidays.toml").exists()

    # A notice copied in part: the holidays left out would count as working days, so nothing is saved.
    official.holidays_edit.setPlainText("2027-01-01\n2027-05-01 ~ 2027-05-05\n")
    official.workdays_edit.setPlainText("2027-05-08\n")
    official.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    problems = official.problems.text()
    assert "没有春节（全国年节及纪念日放假办法规定的 2027-02-05–2027-02-10 放假" in problems
    assert "没有国庆节" in problems
    assert "没有元旦" not in problems and "没有劳动节" not in problems
    assert not (data_home / "rules" / "china_holidays.toml").exists()

    # As published (made up here): 劳动节 5 days off, Saturday 05-08 worked; the other holidays as estimated.
    whole = "2027-01-01\n2027-02-05..2027-02-10\n2027-04-05\n2027-05-01 ~ 2027-05-05\n2027-06-09\n2027-09-15\n"
    official.holidays_edit.setPlainText(whole + "2027-10-01..2027-10-05\n")
    with qtbot.waitSignal(official.saved, timeout=10000) as saved:
        official.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    wait_saved(qtbot, ledger, dialog)
    assert saved.args[0].startswith("已保存 2027 年的官方安排（") and "重新计算 1 张售后单" in saved.args[0]
    assert dialog.workdays.workday_status.text() == saved.args[0]
    with ledger.db.reading() as session:
        after = {r.timer_id: r for r in case_deadlines(session, case_id)}["reship_within"]
    assert not after.estimated and after.due_at.astimezone(CHINA) == at("2027-05-08 10:00")  # Thu, Fri, Sat

    # Opened again, the year shows what was entered.
    again = dialog.workdays.open_official_year()
    assert again is not None
    qtbot.addWidget(again)
    again.year.setValue(2027)
    assert again.origin.text().startswith("已有这一年的官方安排（店铺按国务院办公厅通知填写）")
    assert again.holidays_edit.toPlainText() == (whole.replace(" ~ ", "..") + "2027-10-01..2027-10-05\n")
    assert again.workdays_edit.toPlainText() == "2027-05-08\n"

    # Entered wrongly? 删除这一年的安排 takes it back: the estimate again (劳动节 05-01..05-04, no worked Saturday):
    # Wed 05-05, Thu 05-06, Fri 05-07 10:00（估算）. A year the shop did not enter offers nothing to remove.
    again.year.setValue(2028)
    assert not again.remove_button.isEnabled() and "无需删除" in again.remove_button.toolTip()
    again.year.setValue(2027)
    assert again.remove_button.isEnabled()
    with qtbot.waitSignal(again.saved, timeout=10000) as removed:
        again.remove_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert removed.args[0].startswith("已删除 2027 年的官方安排（") and "重新计算 1 张售后单" in removed.args[0]
    assert not (data_home / "rules" / "china_holidays.toml").exists()
    with ledger.db.reading() as session:
        back = {r.timer_id: r for r in case_deadlines(session, case_id)}["reship_within"]
    assert back.estimated and back.due_at.astimezone(CHINA) == at("2027-05-07 10:00")


def test_the_timers_names_are_whole_in_their_list(qtbot: QtBot, ledger: Ledger) -> None:
    """The list of a pack's timers was 200 px: "处理售后申请（72小时后买家可申请…" and the like were cut,
    with a sideways scroll bar under them, beside a platform list wider than its six names."""
    dialog = make_dialog(qtbot, ledger)
    dialog.resize(1000, 680)
    dialog.show()
    qtbot.waitExposed(dialog)
    timers = dialog.form.timer_list
    for row in range(dialog.pack_list.count()):
        dialog.pack_list.setCurrentRow(row)
        qtbot.waitUntil(lambda: timers.count() > 0, timeout=5000)
        widest = max(timers.visualItemRect(timers.item(i)).width() for i in range(timers.count()))
        needed = max(timers.sizeHintForColumn(0), widest)
        assert needed <= timers.viewport().width(), (dialog.pack_list.currentItem().text(), needed)
