"""The interface in English: the .ts compiled and installed, the real window, the settings dialog."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel, QToolBar
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.core import case_undo
from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import open_database
from desktop_app.ui import labels
from desktop_app.ui.app import create_window, name_the_app
from desktop_app.ui.cases.case_dialogs import ActionDialog
from desktop_app.ui.settings.settings_dialog import LANGUAGE_KEY, SettingsDialog, language
from desktop_app.ui.translations import install_translators
from desktop_app.ui.widgets.full_text_tips import title_width
from desktop_app.ui.window.about_dialog import AboutDialog
from desktop_app.ui.window.tab_titles import titled
from tests.ui.conftest import opened_window

CHINESE = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def test_the_main_window_speaks_english(qtbot: QtBot, tmp_path: Path, english: QTranslator) -> None:
    win = create_window(tmp_path / "x.sqlite3")
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        qtbot.waitUntil(lambda: win.context.db is not None, timeout=10000)
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)

        assert win.windowTitle() == "Aftersales Ledger"
        tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
        assert tabs[0] == "After-sales cases" and "Orders" in tabs and "Carrier claims" in tabs
        assert "Deadline calendar" in tabs and any(t.startswith("Reship queue") for t in tabs)
        assert not [t for t in tabs if CHINESE.search(t)], tabs
        actions = [a.text() for a in win.findChild(QToolBar, "main_toolbar").actions() if a.text()]
        assert "New after-sales case" in actions
        assert not [t for t in actions if CHINESE.search(t)], actions

        assert labels.label(CaseKind.RESHIP) == "Reship"
        assert labels.status(CaseStatus.PLATFORM_INTERVENTION.value) == "Platform intervening"
        assert labels.platform(Platform.PDD.value) == "Pinduoduo"
        assert labels.text("买家签收") == "Delivered to buyer"
        assert titled("Orders", 1204) == "Orders (1,204)"  # no full-width brackets in English
        # English words are longer: every tab still fits a 1366×768 laptop (the reship queue's commands
        # asked for 1,540 px on one line before they wrapped).
        qtbot.waitUntil(lambda: getattr(win, "tab_titles", None) is not None, timeout=10000)
        widths = {win.tabs.tabText(i): win.tabs.widget(i).minimumSizeHint().width() for i in range(win.tabs.count())}
        assert max(widths.values()) <= 1300 and win.minimumSizeHint().width() <= 1300, widths
        # ... and a claim's detail fits its pane there (~460 px) without a sideways scroll bar.
        assert win.claims_tab.detail.minimumSizeHint().width() <= 460
    finally:
        win.runner.shutdown()


def test_removing_the_translator_brings_chinese_back(qapp: QApplication) -> None:
    assert labels.label(CaseKind.RESHIP) == "补发"
    assert QCoreApplication.translate("MainWindow", "售后台账") == "售后台账"


def test_choosing_english_installs_it_from_the_ts(qapp: QApplication, data_home: Path) -> None:
    """The app's own path: no shipped .qm in a source checkout, so it compiles one into the cache."""
    translators = install_translators(qapp, "en")
    try:
        assert QCoreApplication.translate("MainWindow", "售后台账") == "Aftersales Ledger"
        assert labels.label(CaseKind.RESHIP) == "Reship"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert labels.label(CaseKind.RESHIP) == "补发"


def test_the_settings_dialog_saves_english(qtbot: QtBot, tmp_path: Path) -> None:
    path = str(tmp_path / "settings.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == "zh_CN"

    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    buttons = dialog.findChild(QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert settings.value(LANGUAGE_KEY) == "en"
    assert language(QSettings(path, QSettings.Format.IniFormat)) == "en"


def test_deadline_names_the_engine_added_to_are_english_too(english: QTranslator) -> None:
    """A deadline's name is its timer's name plus what the engine added (an assumed figure, a clock
    started by the platform's automatic approval): both parts translate; what no glossary knows (a
    date window's name) stays as it is rather than hiding the name."""
    assert labels.text("处理仅退款申请（48小时）（时长为估计）") == (
        "Handle refund-only request (48 h) (duration assumed)")
    assert labels.text("处理仅退款申请（48小时）（时长为估计）（按平台自动同意起算）") == (
        "Handle refund-only request (48 h) (duration assumed) (counted from the platform's automatic approval)")
    assert labels.text("处理仅退款申请（48小时）（2022年春节售后时效：15天）") == (
        "Handle refund-only request (48 h)（2022年春节售后时效：15天）")
    assert labels.text("不认识的计时器（3天）") == "不认识的计时器（3天）"
    assert labels.text("处理仅退款申请（48小时）") == "Handle refund-only request (48 h)"


def test_what_a_deadline_does_when_it_runs_out_is_english_too(english: QTranslator) -> None:
    """The calendar's 到期后果 and the reship queue's 逾期后果 (a shipped timer's `on_expiry` and penalty)
    and the claim follow-up deadline stayed Chinese in the English window ("快递理赔跟进", "自动全额退款")."""
    import tomllib

    from desktop_app.paths import resource
    from desktop_app.services.claim_upkeep import FOLLOW_UP_ACTION, FOLLOW_UP_NAME

    texts = {FOLLOW_UP_NAME, FOLLOW_UP_ACTION}
    for pack in resource("rules").glob("*.toml"):
        for timer in tomllib.loads(pack.read_text(encoding="utf-8")).get("timers", []):
            texts.update(t for t in (timer.get("on_expiry"), timer.get("penalty")) if isinstance(t, str))
    assert len(texts) > 20
    chinese = sorted(t for t in texts if CHINESE.search(labels.text(t)))
    assert not chinese, chinese
    assert labels.text("快递理赔跟进") == "Carrier claim follow-up"


def test_the_suggested_next_step_is_english_too(english: QTranslator) -> None:
    """处理建议 and the returns desk's advice were Chinese in the English window ("Suggested: 平台已超时自动
    处理（处理仅退款申请（5天））…", "当前状态：待处理"): their sentences translate, and so do the values put
    in them (a timer's name, a status); a parcel's carrier and number stay as they are."""
    from desktop_app.core import playbooks, returns
    from desktop_app.core.lifecycle import CaseStatus as Status
    from desktop_app.core.vocabulary import CaseKind as Kind

    for sentence in (*playbooks.SUGGESTION_TEXTS, *returns.SUGGESTION_TEXTS):
        assert not CHINESE.search(labels.filled(sentence, ())), sentence
    acted = playbooks.suggest_next(Kind.REFUND_ONLY, None, Status.PENDING, 4990,
                                   platform_acted="处理仅退款申请（48小时）（时长为估计）")
    assert labels.filled(acted.template, acted.values) == (
        "The platform acted by itself (Handle refund-only request (48 h) (duration assumed)): check the result "
        "in its back office, then record it here (refund, close ...)")
    assert labels.filled(acted.reason_template, acted.values) == "Status now: Pending"
    assert acted.text.startswith("平台已超时自动处理（处理仅退款申请（48小时）（时长为估计））")  # the command line's
    assert acted.reason == "当前状态：待处理"
    shipped = playbooks.suggest_next(Kind.RETURN_REFUND, None, Status.AWAITING_RETURN, 4990,
                                     return_parcel="圆通速递 YT7332608645585")
    assert labels.filled(shipped.template, shipped.values).startswith(
        "The buyer shipped it back (圆通速递 YT7332608645585); ")


def test_the_returns_desk_punctuates_in_english(qtbot: QtBot, tmp_path: Path, english: QTranslator) -> None:
    """A parcel's line read "Return & refund（Quality problem）", "Buyer：— Refund：267.00" and "Defective，Receipt
    confirmed（Return received）": Chinese brackets, colons and commas glued into the English words."""
    from desktop_app.core.clock import parse_moment
    from desktop_app.core.lifecycle import CaseAction
    from desktop_app.core.returns import InspectionResult
    from desktop_app.core.vocabulary import CaseReason
    from desktop_app.services.cases import NewCase, open_case
    from desktop_app.services.returns import ReturnParcel, buyer_shipped_return
    from desktop_app.store.database import open_database

    path = tmp_path / "returns.sqlite3"
    db = open_database(path)
    agreed = ((CaseAction.AGREE_RETURN, parse_moment("2026-11-21 10:00")),)
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6986905836318194186", CaseKind.RETURN_REFUND,
                                    CaseReason.QUALITY, refund_fen=26700, actions=agreed), author="小林").case_id
    buyer_shipped_return(db, case_id, ReturnParcel.of("顺丰速运", "SF8069735761783"), author="小林")
    db.close()
    win = create_window(path)
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        qtbot.waitUntil(lambda: win.context.db is not None and not win.runner.busy, timeout=10000)
        tab = win.returns_tab
        win.tabs.setCurrentWidget(tab)
        tab.scan.setText("SF8069735761783")
        tab.lookup()
        qtbot.waitUntil(lambda: "6986905836318194186" in tab.found_label.text(), timeout=10000)
        found = tab.found_label.text()
        assert "Return &amp; refund (Quality problem)" in found and "Buyer: —   Refund: 267.00" in found
        tab.record(InspectionResult.DEFECTIVE)
        qtbot.waitUntil(lambda: "Receipt confirmed" in tab.outcome_label.text(), timeout=10000)
        assert "Defective, Receipt confirmed (Return received)" in tab.outcome_label.text()
        assert not re.search("[（），：]", tab.outcome_label.text() + found)
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
    finally:
        win.team_changes.stop()
        win.runner.shutdown()
        if win.context.db is not None:
            win.context.db.close()


def test_the_amount_is_in_view_in_english_at_the_first_runs_size(qtbot: QtBot, tmp_path: Path,
                                                                  english: QTranslator) -> None:
    # The first run opens 1280 px wide on a 1366×768 laptop (window_state.fit_to_screen). In Chinese the list
    # shows through 金额; in English the titles are wider (Platform, Buyer / recipient, Amount) and Amount
    # ended past the table's edge. Next deadline lends the room (its cut cells say their whole text).
    db = open_database(tmp_path / "x.sqlite3")
    open_case(db, NewCase(Platform.PDD, "261111-755306313554903", CaseKind.RETURN_REFUND, refund_fen=5900),
              author="小林")
    db.close()
    win = create_window(tmp_path / "x.sqlite3")
    qtbot.addWidget(win)
    try:
        win.show()
        win.open_database()
        qtbot.waitUntil(lambda: win.context.db is not None and not win.runner.busy, timeout=10000)
        win.resize(1280, 720)
        win.cases_tab.reset_panes()
        qtbot.waitUntil(lambda: not win.runner.busy, timeout=10000)
        table, model = win.cases_tab.table, win.cases_tab.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and table.isVisible(), timeout=5000)
        qtbot.wait(50)
        for key in ("status", "next_due", "amount"):
            column = model.column_index(key)
            right = table.columnViewportPosition(column) + table.columnWidth(column)
            assert 0 < right <= table.viewport().width(), (key, right, table.viewport().width())
        next_due = model.column_index("next_due")
        narrow = table.columnWidth(next_due)
        assert narrow >= title_width(table.horizontalHeader(), "Next deadline")  # its title whole
        win.resize(1920, 1040)  # a wider window gives the room back
        win.cases_tab.reset_panes()
        qtbot.waitUntil(lambda: table.columnWidth(next_due) > narrow, timeout=2000)
        amount = model.column_index("amount")
        assert table.columnViewportPosition(amount) + table.columnWidth(amount) <= table.viewport().width()
    finally:
        win.team_changes.stop()
        win.runner.shutdown()
        if win.context.db is not None:
            win.context.db.close()


def test_why_a_step_cannot_be_undone_is_english_too(qtbot: QtBot, english: QTranslator) -> None:
    # 退款's confirmation read "This cannot be undone once recorded: 钱已经退给买家，台账里撤销不能把钱收回."
    # and 编辑 → 撤销's tooltip gave its reasons in Chinese: the core's texts were not in the catalog.
    dialog = ActionDialog(CaseAction.REFUND, "#1", paying="refunded", recorded_fen=5900)
    qtbot.addWidget(dialog)
    warning = dialog.findChild(QLabel, "irreversible")
    assert warning is not None and "the money is with the buyer" in warning.text()
    assert not CHINESE.search(warning.text()), warning.text()
    for text in case_undo.UNDO_TEXTS:
        assert not CHINESE.search(labels.message(text)), text
    refused = case_undo.undo_choice(CaseKind.RETURN_REFUND, CaseStatus.REFUNDED, [])
    assert labels.message(refused.refused or "") == "This case has no step to undo"


def test_the_app_and_its_about_box_are_named_in_english(qtbot: QtBot, qapp: QApplication,
                                                         english: QTranslator) -> None:
    """An English window's title bars said 'Aftersales Ledger — 售后台账' (the name Qt adds to every title was
    set in Chinese) and 帮助 → 关于 said 'About 售后台账' over a heading 售后台账 0.1.0."""
    before = qapp.applicationDisplayName()
    try:
        name_the_app(qapp)
        assert qapp.applicationDisplayName() == "Aftersales Ledger"
    finally:
        qapp.setApplicationDisplayName(before)
    about = AboutDialog()
    qtbot.addWidget(about)
    assert about.windowTitle() == "About Aftersales Ledger"
    assert f"<h2>Aftersales Ledger {__version__}</h2>" in about.summary.text()


def test_the_claims_search_reads_whole_in_english_at_the_first_runs_size(qtbot: QtBot, tmp_path: Path,
                                                                        english: QTranslator) -> None:
    # Ctrl+F's box in 快递理赔 sits beside three filters, a check box and two buttons: its first English
    # placeholder ended in "#claim no. …" at 1280 px.
    with contextmanager(opened_window)(qtbot, tmp_path / "x.sqlite3") as win:
        win.resize(1280, 720)
        win.tabs.setCurrentWidget(win.claims_tab)
        search = win.claims_tab.search
        qtbot.waitUntil(search.isVisible, timeout=5000)
        qtbot.wait(50)
        assert search.placeholderText().startswith("Search")
        room = search.contentsRect().width() - search.textMargins().left() - search.textMargins().right() - 12
        assert search.fontMetrics().horizontalAdvance(search.placeholderText()) <= room
