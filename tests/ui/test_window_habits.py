"""The habits of a good desktop window: it fits a laptop screen, remembers its layout, has menus with
standard shortcuts, an About box with the licences, and an error dialog whose details can be copied."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.app_log import log_file
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.store.database import open_database
from desktop_app.ui.app import create_window
from desktop_app.ui.widgets.screen_fit import FRAME_ALLOWANCE
from desktop_app.ui.window.about_dialog import AboutDialog
from desktop_app.ui.window.main_window import MainWindow
from desktop_app.ui.window.window_state import DEFAULT_HEIGHT
from tests.ui.conftest import wait_idle
from tests.ui.test_cases_tab import case_ids, seed_orders, seeded_path  # noqa: F401  (fixtures: three orders)


def test_first_run_fits_the_screen_and_a_selected_claim_does_not_grow_it(
        qtbot: QtBot, window: MainWindow, seeded_path: Path) -> None:  # noqa: F811
    free = window.screen().availableGeometry()
    assert window.height() <= min(DEFAULT_HEIGHT, free.height() - FRAME_ALLOWANCE)
    # Nothing inside asks for more than a 1366×768 laptop has for the window's content.
    assert window.minimumSizeHint().height() <= 650
    db = open_database(seeded_path)
    claim_id = open_claim(db, NewClaim(ClaimIncident.DAMAGED, order_id=1), author="小林").claim_id
    db.close()
    window.tabs.setCurrentWidget(window.claims_tab)
    window.claims_tab.select_claim(claim_id)
    qtbot.waitUntil(lambda: bool(window.claims_tab.detail.action_buttons()), timeout=5000)
    wait_idle(qtbot, window)
    size = window.size()
    QApplication.processEvents()
    assert window.size() == size
    assert window.minimumSizeHint().height() <= 650


def test_geometry_splitters_and_columns_are_remembered(qtbot: QtBot, window: MainWindow, db_path: Path) -> None:
    # Within the offscreen screen (800×600): restoreGeometry shrinks a window to its screen. (This test
    # passed at 1000 px only while the reship queue's commands held every window at 1,150 px or more.)
    window.resize(790, 560)
    # A split both sides can have: the table's bar below it needs ~540 px (a narrower split is widened to
    # that, or not, depending on whether the hidden table page's layout was brought up to date first).
    window.cases_tab.splitter.setSizes([560, 220])
    sizes = window.cases_tab.splitter.sizes()
    window.cases_tab.table.setColumnWidth(3, 211)
    window.close()
    again = create_window(db_path)
    qtbot.addWidget(again)
    again.show()
    again.open_database()
    qtbot.waitUntil(lambda: again.context.db is not None, timeout=10000)
    wait_idle(qtbot, again)
    assert again.size() == window.size()
    assert again.cases_tab.splitter.sizes() == sizes
    assert again.cases_tab.table.columnWidth(3) == 211
    again.runner.shutdown()


def test_menus_and_standard_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    file_menu = window.findChild(QMenu, "menu_file")
    assert file_menu is not None
    texts = [a.text() for a in file_menu.actions()]
    assert "新建售后单" in texts and "打开数据文件夹" in texts and "打开日志文件夹" in texts
    assert window.new_case_action.shortcut().toString() == "Ctrl+N"
    assert window.refresh_action.shortcut().toString() == "F5"
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.cases_tab.search
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_about_names_version_licences_and_folders(qtbot: QtBot, window: MainWindow) -> None:
    about = next(a for a in window.findChild(QMenu, "menu_help").actions() if a.objectName() == "about")
    about.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible()
    assert __version__ in dialog.summary.text()
    assert "MIT" in dialog.licence.toPlainText()
    notices = dialog.notices.toPlainText()
    assert "LGPL" in notices and "PySide6" in notices and "WenQuanYi" in notices
    dialog.reject()


def test_error_dialog_copies_its_details_and_names_the_log(qtbot: QtBot, window: MainWindow) -> None:
    dialog = window.show_error("内部错误（KeyError）：'x'。数据未被修改；请把日志发给开发者。")
    assert str(log_file()) in dialog.informativeText()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # copying does not close it
    assert "KeyError" in QApplication.clipboard().text()
    dialog.close()


def test_files_given_on_the_command_line_are_imported_once_the_ledger_is_open(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop_app.ui.app import parse_gui_args
    from desktop_app.ui.imports.import_dialog import ImportDialog

    sample = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "pdd_orders.csv"
    db_path, qt_args, files = parse_gui_args(["--db", str(tmp_path / "l.sqlite3"), str(sample)])
    assert (db_path.path, qt_args, files) == (tmp_path / "l.sqlite3", [], [sample])
    win = create_window(db_path)
    qtbot.addWidget(win)
    win.import_when_open(files)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.findChild(ImportDialog) is not None, timeout=10000)
    dialog = win.findChild(ImportDialog)
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, win)
    assert dialog.import_result.inserted > 0
    dialog.accept()
    win.runner.shutdown()


def test_the_interface_font_fits_the_system(qapp: QApplication) -> None:
    from desktop_app.printing.fonts import FAMILY, register_fonts
    from desktop_app.ui.interface_font import use_system_ui_font

    register_fonts()
    before = qapp.font()
    try:
        assert use_system_ui_font(qapp, "win32") is None or qapp.font().families()[0].startswith("Microsoft")
        chosen = use_system_ui_font(qapp, "linux")
        assert chosen is not None and qapp.font().families()[0] == chosen  # the bundled font at least
        assert FAMILY in {chosen, *qapp.font().families()}
    finally:
        qapp.setFont(before)


def test_the_import_chooser_opens_where_the_last_import_came_from(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = tmp_path / "下载"
    downloads.mkdir()
    asked: list[str] = []

    titles: list[str] = []

    def choose(_parent: object, title: str, folder: str, kinds: str) -> tuple[list[str], str]:
        asked.append(folder)
        titles.append(f"{title} {kinds}")
        return ([str(downloads / "missing.csv")] if len(asked) == 1 else []), ""

    monkeypatch.setattr("desktop_app.ui.window.window_imports.QFileDialog.getOpenFileNames", choose)
    monkeypatch.setattr(window, "import_files", lambda paths, profile_id=None: None)
    window.choose_import()
    window.choose_import()
    assert asked[0] == str(Path.home()) and asked[1] == str(downloads)
    # The same 导入 takes the after-sales lists: the chooser said 订单 only (订单导出 beside the file names).
    assert "售后单" in titles[0] and "售后单导出" in titles[0]


def _right_hand_side_shares(qtbot: QtBot, window: MainWindow) -> tuple[int, int]:
    """The detail and 处理建议/证据 heights once the table page is on screen and laid out."""
    tab = window.cases_tab
    qtbot.waitUntil(lambda: tab.detail is not None and tab.right.isVisible(), timeout=10000)
    wait_idle(qtbot, window)
    QApplication.processEvents()
    detail, extras = tab.right.sizes()
    return detail, extras


def test_on_a_first_run_the_case_detail_gets_most_of_the_right_hand_side(
        qtbot: QtBot, window: MainWindow, seeded_path: Path) -> None:  # noqa: F811
    """The detail pane is built after the table, into a placeholder's slot: it must not keep the
    placeholder's few pixels (seen at 1366×768: a two-line detail above a tall, empty 处理建议)."""
    db = open_database(seeded_path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP), author="小林")
    db.close()
    window.resize(1366, 768)
    window.refresh()
    detail, extras = _right_hand_side_shares(qtbot, window)
    assert extras > 0 and detail >= extras * 3 // 4  # (3:2 by the stretch factors; the bug gave ~1:8)


def test_the_first_case_of_an_empty_ledger_shows_the_detail_pane_with_its_full_share(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty ledger shows its welcome page, and when that page is up before the table page was
    ever laid out (the early first page came quickly) the panes are built into a splitter of height
    0: when the first case arrives the detail must still get its share, not 0 pixels (seen in CI)."""
    path = tmp_path / "empty.sqlite3"
    seed_orders(path)  # orders, no case yet
    build_first_tab = MainWindow._build_first_tab

    def quick_first_page(self: MainWindow) -> None:  # the welcome page before any layout pass
        build_first_tab(self)
        self.cases_tab.stack.setCurrentWidget(self.cases_tab.empty)

    monkeypatch.setattr(MainWindow, "_build_first_tab", quick_first_page)
    win = create_window(path)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.open_database()
    qtbot.waitUntil(lambda: win.context.db is not None and win.cases_tab.detail is not None, timeout=10000)
    wait_idle(qtbot, win)
    assert win.cases_tab.is_showing_empty_state()
    db = open_database(path)
    open_case(db, NewCase(Platform.TAOBAO, "4145384019161461003", CaseKind.RESHIP), author="小林")
    db.close()
    try:
        win.refresh()
        detail, extras = _right_hand_side_shares(qtbot, win)
        assert extras > 0 and detail >= extras * 3 // 4
    finally:
        win.team_changes.stop()
        win.runner.shutdown()
        if win.context.db is not None:
            win.context.db.close()


def test_the_keyboard_works_right_after_launch(qtbot: QtBot, case_ids: list[int],  # noqa: F811
                                                window: MainWindow) -> None:
    """The window opened on 正在打开数据库…, a label that takes no focus, and nothing had it once the tabs
    replaced it: typing, Enter and Tab went nowhere until a click. The search has it now; the pane shows
    no case until one is asked for."""
    tab = window.cases_tab
    assert window.focusWidget() is tab.search
    assert tab.detail is not None and tab.detail.case_id is None
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search, timeout=3000)
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)  # Enter: the first case listed, the list takes the keyboard
    qtbot.waitUntil(lambda: tab.detail.case_id is not None, timeout=5000)
    assert QApplication.focusWidget() is not tab.search
