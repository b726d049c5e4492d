"""The 时效规则 form: a timer edited in Chinese fields is saved as the same TOML and drives deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QRect, Qt
from PySide6.QtWidgets import QDateTimeEdit
from pytestqt.qtbot import QtBot

from desktop_app.core.rule_packs import toml_problem
from desktop_app.io.rule_pack_document import RulePackDocument
from desktop_app.io.rule_pack_files import has_user_pack, load_pack, read_pack_text, validate_pack_text
from desktop_app.ui.rules.rule_form import DurationEdit, in_words
from desktop_app.ui.rules.rules_dialog import RulesDialog
from desktop_app.ui.widgets import screen_fit
from tests.ui.test_calendar_tab import Ledger, at, douyin_reship, open_ledger
from tests.ui.test_english import CHINESE
from tests.ui.test_rules_dialog import due_of, make_dialog, wait_saved


@pytest.fixture
def ledger(db_path: Path) -> Iterator[Ledger]:
    yield from open_ledger(db_path)


def douyin_form(qtbot: QtBot, ledger: Ledger) -> RulesDialog:
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("douyin")
    assert dialog.views.currentWidget() is dialog.form  # the form is what a shop owner sees first
    dialog.form.select_timer("reship_answer")
    return dialog


def test_a_duration_changed_in_the_form_is_saved_as_toml_and_used(qtbot: QtBot, ledger: Ledger,
                                                                   data_home: Path) -> None:
    case_id = douyin_reship(ledger.db, "DY1001", at("2026-05-06 20:00"))
    assert due_of(ledger, case_id, "reship_answer") == at("2026-05-08 20:00")
    dialog = douyin_form(qtbot, ledger)
    form = dialog.form
    assert form.name.text() == "处理补寄申请（48小时）"
    assert form.starts_from.currentData() == "requested" and form.starts_from.currentText() == "买家申请售后"
    assert (form.duration.amount.value(), form.duration.unit_code()) == (48, "hours")
    assert form.kinds.codes() == ["reship"]

    form.duration.amount.setValue(24)
    # The TOML view shows the same change, and the name states the new figure (it said 48小时 on a timer due
    # in 24); everything else (comments included) as it was.
    assert form.name.text() == "处理补寄申请（24小时）"
    shipped = read_pack_text("douyin")
    edited = shipped.replace("duration = { hours = 48 }", "duration = { hours = 24 }", 1)
    assert dialog.editor.toPlainText() == edited.replace("处理补寄申请（48小时）", "处理补寄申请（24小时）", 1)
    assert dialog.form.timer_list.currentItem().text() == "处理补寄申请（24小时）"
    assert dialog.pack_list.currentItem().text().endswith(" *")

    with qtbot.waitSignal(dialog.rules_saved, timeout=10000):
        dialog.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert load_pack("douyin").timer("reship_answer").duration.amount == 24
    assert (data_home / "rules" / "douyin.toml").read_text(encoding="utf-8").startswith(shipped.split("\n", 1)[0])
    assert due_of(ledger, case_id, "reship_answer") == at("2026-05-07 20:00")

    # Working days instead of hours: the unit is a choice, its range the validator's.
    form.select_timer("reship_answer")
    form.duration.unit.setCurrentIndex(form.duration.unit.findData("working_days"))
    assert form.duration.amount.maximum() == 250
    assert "duration = { working_days = 24 }" in dialog.editor.toPlainText()
    assert form.name.text() == "处理补寄申请（24个工作日）"


def test_a_bad_value_is_named_in_chinese_and_not_saved(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = douyin_form(qtbot, ledger)
    form = dialog.form
    form.name.setText("  ")
    form.name.editingFinished.emit()
    assert not form.local_problems.isHidden()
    assert "名称不能为空" in form.local_problems.text()

    dialog.save_button.click()
    wait_saved(qtbot, ledger, dialog)
    assert not has_user_pack("douyin")
    problems = dialog.problem_texts()
    assert problems and "“名称（name）”必须是非空文字" in problems[0]
    assert "未保存" in dialog.status.text()

    # Fixed back in the form: the message goes, the pack validates.
    form.name.setText("处理补寄申请")
    form.name.editingFinished.emit()
    assert form.local_problems.isHidden()
    assert dialog.validate_current()


def test_kinds_reasons_and_penalty_are_written_as_the_validator_reads_them(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = douyin_form(qtbot, ledger)
    form = dialog.form
    reasons = {form.reasons.item(r).text(): r for r in range(form.reasons.count())}
    form.reasons.item(reasons["漏发少件"]).setCheckState(Qt.CheckState.Checked)
    form.penalty_kind.setCurrentIndex(form.penalty_kind.findData("percent"))
    form.penalty_number.setValue(5)
    form.penalty_cap.setValue(30)
    assert dialog.validate_current(), dialog.problem_texts()
    text = dialog.editor.toPlainText()
    assert 'reasons = ["missing_item"]' in text
    assert "penalty_amount = { percent = 5, max_yuan = 30 }" in text
    form.penalty_kind.setCurrentIndex(form.penalty_kind.findData("none"))
    assert "penalty_amount" not in dialog.editor.toPlainText().split("[[timers]]")[1]

    # No kind ticked = every kind: the key goes (the file's way of saying it).
    form.kinds.item(next(r for r in range(form.kinds.count()) if form.kinds.item(r).text() == "补发")).setCheckState(
        Qt.CheckState.Unchecked)
    assert "kinds" not in dialog.editor.toPlainText().split("[[timers]]")[1]


def test_windows_of_a_timer_are_edited_in_the_form(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("taobao")
    form = dialog.form
    form.select_timer("seller_confirm_return")
    names = [form.windows.item(r, 0).text() for r in range(form.windows.rowCount())]
    assert "2020年春节售后时效" in names
    row = names.index("2020年春节售后时效")
    duration = form.windows.cellWidget(row, 3)
    assert isinstance(duration, DurationEdit) and duration.amount.value() == 20
    duration.amount.setValue(25)
    assert "seller_confirm_return = { days = 25 }" in dialog.editor.toPlainText()

    end = form.windows.cellWidget(row, 2)
    assert isinstance(end, QDateTimeEdit)
    end.setDateTime(QDateTime.fromString("2019-12-31 00:00:00", "yyyy-MM-dd HH:mm:ss"))  # before its start
    assert "结束时间早于开始时间" in form.local_problems.text()
    assert not dialog.validate_current()
    assert any("结束时间早于开始时间" in p for p in dialog.problem_texts())


def test_a_syntax_error_keeps_the_form_away_and_says_where(qtbot: QtBot, ledger: Ledger) -> None:
    dialog = make_dialog(qtbot, ledger)
    dialog.select_pack("douyin")
    dialog.views.setCurrentWidget(dialog.editor)
    dialog.editor.setPlainText("[pack]\nid = douyin\n")
    dialog.views.setCurrentWidget(dialog.form)
    assert not dialog.form.unreadable.isHidden()
    assert "第 2 行第 6 列" in dialog.form.unreadable.text() and "值的写法无效" in dialog.form.unreadable.text()
    assert not dialog.form.fields.isEnabled()
    assert not dialog.validate_current()
    assert "第 2 行第 6 列" in dialog.problem_texts()[0]


def test_toml_problems_in_chinese() -> None:
    said = toml_problem("a.toml", "Expected '=' after a key in a key/value pair (at line 3, column 5)")
    assert said.startswith("规则文件 a.toml 不是有效的 TOML：第 3 行第 5 列：设置项名称后面应是“=”")
    assert toml_problem("a.toml", "Unclosed array (at end of document)").endswith(
        "文件末尾：列表缺少结尾的“]”（Unclosed array）")
    assert toml_problem("a.toml", "Something new").endswith("TOML：Something new")
    assert in_words("计时器“x”：“on_expiry”必须是非空文字") == "计时器“x”：“到期后果（on_expiry）”必须是非空文字"


def test_a_name_states_the_duration_it_has_after_an_edit() -> None:
    """A shop sets 抖店's 48 h to answer a reship request (seed 004 "商家需在48小時內進行處理") to 12 hours: every
    list said 处理补寄申请（48小时） of a deadline 12 hours after the request. The figure in the name follows the
    duration where the name states it once; a name without it (七天无理由退换货期, 168 hours) stays."""
    document = RulePackDocument(read_pack_text("douyin"), "douyin.toml")
    index = {t.id: t.index for t in document.timers()}
    assert document.set_duration(index["reship_answer"], 12, "hours") == "处理补寄申请（12小时）"
    assert document.set_duration(index["reship_ship"], 2, "working_days") == "补寄发货并上传运单号（2个工作日）"
    assert document.set_duration(index["no_reason_window"], 240, "hours") is None
    assert document.set_duration(index["buyer_ship_return"], 7, "days") is None  # the same figure
    names = {t.id: t.name for t in document.timers()}
    assert names["reship_answer"] == "处理补寄申请（12小时）" and names["no_reason_window"] == "七天无理由退货期"
    pack = validate_pack_text("douyin", document.text())
    assert pack.timer("reship_answer").display_name == "处理补寄申请（12小时）"


def test_the_document_keeps_what_it_does_not_touch() -> None:
    text = read_pack_text("taobao")
    document = RulePackDocument(text, "taobao.toml")
    assert document.text() == text
    assert document.extends() is None
    assert RulePackDocument(read_pack_text("tmall")).extends() == "taobao"
    first = document.timers()[0]
    document.set_text(first.index, "penalty", "")
    assert "penalty =" not in document.text().split("[[timers]]")[1]


@pytest.mark.usefixtures("english")
def test_the_english_form_lists_timers_in_english_and_says_what_a_field_edits(qtbot: QtBot, ledger: Ledger) -> None:
    """The 时效规则 dialog listed its timers in Chinese in the English window; the fields still edit the
    pack's own Chinese text, and their tooltip says how the window shows it."""
    dialog = douyin_form(qtbot, ledger)
    form = dialog.form
    names = [form.timer_list.item(i).text() for i in range(form.timer_list.count())]
    assert "Handle reship request (48 h)" in names
    assert not [n for n in names if CHINESE.search(n)], names
    assert form.name.text() == "处理补寄申请（48小时）"  # what is saved stays the pack's own text
    assert form.name.toolTip().endswith("the window shows it as: Handle reship request (48 h)")


def test_the_chinese_form_is_unchanged(qtbot: QtBot, ledger: Ledger) -> None:
    form = douyin_form(qtbot, ledger).form
    assert "处理补寄申请（48小时）" in [form.timer_list.item(i).text() for i in range(form.timer_list.count())]
    assert form.name.toolTip() == ""


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_windows_dates_and_duration_are_in_view_on_a_laptop(qtbot: QtBot, ledger: Ledger, language: str,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             request: pytest.FixtureRequest) -> None:
    """On a 1366×768 laptop the dialog opened 1000 px wide and the windows' table showed its name and start
    only: 结束 was cut and 窗口内的时长, the figure the window is there for, lay past the table's edge."""
    if language == "en":
        request.getfixturevalue("english")
    monkeypatch.setattr(screen_fit, "free_area", lambda _widget: QRect(0, 0, 1366, 728))
    dialog = make_dialog(qtbot, ledger)
    dialog.show()
    dialog.select_pack("taobao")
    dialog.form.select_timer("seller_confirm_return")
    table = dialog.form.windows
    qtbot.waitUntil(lambda: table.viewport().width() > 0 and table.rowCount() > 0, timeout=5000)
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        end = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert end <= table.viewport().width(), (column, end, table.viewport().width())
        widget = table.cellWidget(0, column)
        if widget is not None:  # the dates and the duration whole, never squeezed below what they need
            assert header.sectionSize(column) >= widget.sizeHint().width(), column


@pytest.mark.parametrize("pack", ["taobao", "pdd", "douyin"])
def test_new_settings_of_a_timer_before_a_commented_one_stay_in_their_timer(pack: str) -> None:
    # A comment introduces the next timer in the shipped packs (淘宝's "# 卖家不处理时…", 抖店's "# 原因为…"):
    # tomlkit appended a setting the timer did not have after that comment, and a new inline table (处罚金额) ran
    # into the next `[[timers]]` line — the form's 原因 and 处罚金额 for 抖店's first timer gave "不是有效的 TOML".
    document = RulePackDocument(read_pack_text(pack), f"{pack}.toml")
    timers = document.timers()
    for timer in timers:
        document.set_text(timer.index, "penalty", "测试")
        if timer.index % 2:
            document.set_names(timer.index, "reasons", ["missing_item"])
        document.set_penalty_amount(timer.index, None, 5, 30)  # last: the inline table ran into the next line
    edited = validate_pack_text(pack, document.text())
    for timer in timers:
        rule = edited.timer(timer.id)
        assert rule.penalty == "测试" and rule.penalty_amount is not None and rule.penalty_amount.percent == 5
        assert (rule.reasons == {"missing_item"}) is bool(timer.index % 2)
