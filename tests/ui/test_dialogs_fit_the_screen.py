"""No dialog is larger than the screen it opens on: sized for a 1920×1080 screen, the statement preview
(820×720), the rule packs (1000×680), the playbook editor (1100×700) and the backups (820×420) put their
buttons past the bottom of a 1920×1080 screen scaled to 150 % (1280×680 free beside the taskbar) or under
the taskbar of a 1366×768 laptop."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from desktop_app.services.statements import StatementRequest
from desktop_app.ui.cases.playbook_editor import PlaybookEditor
from desktop_app.ui.reships.reship_picking import PickingListPreview
from desktop_app.ui.rules.rules_dialog import RulesDialog
from desktop_app.ui.statements.statement_dialog import StatementDialog
from desktop_app.ui.widgets import screen_fit
from desktop_app.ui.window.about_dialog import AboutDialog
from desktop_app.ui.window.main_window import MainWindow
from desktop_app.ui.window.window_state import fit_to_screen
from tests.ui.conftest import close_window, open_laptop_window, wait_idle
from tests.ui.test_cases_tab import seeded_path  # noqa: F401  (fixture: three orders)

SCALED_1080P = QRect(0, 0, 1280, 680)  # 1920×1080 at 150 %, a 40 px taskbar
LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 at 100 %, a 40 px taskbar
SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


@pytest.mark.parametrize("free", [SCALED_1080P, LAPTOP], ids=["1080p-150%", "1366x768"])
def test_the_big_dialogs_fit_the_screen(qtbot: QtBot, window: MainWindow, free: QRect,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screen_fit, "free_area", lambda _widget: free)  # the offscreen screen is 800×800
    dialogs: list[QDialog] = [
        StatementDialog(window.context, StatementRequest(order_ids=(1,)), window),
        RulesDialog(window.context, window),
        PlaybookEditor("out_of_area", window),
        AboutDialog(window),
    ]
    backups = window.care.open_backups()
    assert backups is not None
    dialogs.append(backups)
    for dialog in dialogs:
        name = type(dialog).__name__
        assert dialog.width() <= free.width(), (name, dialog.size())
        assert dialog.height() <= free.height() - screen_fit.FRAME_ALLOWANCE, (name, dialog.size())
        assert dialog.height() >= dialog.minimumSizeHint().height(), name  # shrunk, never below its content
    wait_idle(qtbot, window)
    for dialog in dialogs:
        dialog.reject()


@pytest.mark.parametrize("free, size", [(QRect(0, 0, 1920, 1040), (1632, 850)), (LAPTOP, (1280, 688)),
                                        (SCALED_1080P, (1280, 640))], ids=["1920x1080", "1366x768", "1080p-150%"])
def test_the_first_run_takes_most_of_a_roomy_screen_and_fits_a_laptop(
        qtbot: QtBot, free: QRect, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1920×1080 desktop opened the window at 1280×720, its 下一个时限 and 状态 cells cut and a third of the
    screen empty; a laptop keeps the default shrunk to its free area."""
    monkeypatch.setattr(screen_fit, "free_area", lambda _widget: free)
    window = QMainWindow()
    qtbot.addWidget(window)
    fit_to_screen(window)
    assert (window.width(), window.height()) == size


def test_a_roomy_screen_keeps_the_size_asked_for(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    screen_fit.resize_within_screen(widget, 420, 300)  # the offscreen screen (800×800) has room
    assert (widget.width(), widget.height()) == (420, 300)


@pytest.mark.parametrize("free", [SCALED_1080P, LAPTOP], ids=["1080p-150%", "1366x768"])
def test_a_print_preview_is_as_tall_as_the_screen_allows(qtbot: QtBot, free: QRect,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The picking list's print preview opened at Qt's ~675×512, its A4 page at 38 %, too small to read."""
    monkeypatch.setattr(screen_fit, "free_area", lambda _widget: free)
    preview = PickingListPreview(QTextDocument())
    qtbot.addWidget(preview)
    assert preview.height() == min(screen_fit.PREVIEW_HEIGHT, free.height() - screen_fit.FRAME_ALLOWANCE)
    assert preview.width() == min(screen_fit.PREVIEW_WIDTH, free.width())


@pytest.fixture(params=["zh_CN", "en"])
def laptop_window(request: pytest.FixtureRequest, qtbot: QtBot, seeded_path: Path,  # noqa: F811
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[MainWindow]:
    if request.param == "en":
        request.getfixturevalue("english")
    monkeypatch.setattr(screen_fit, "free_area", lambda _widget: LAPTOP)
    win = open_laptop_window(qtbot, seeded_path)
    yield win
    close_window(win)


def test_every_dialog_the_window_opens_fits_a_laptop(qtbot: QtBot, laptop_window: MainWindow) -> None:
    """The new claim's 说明 box and buttons were below a 1366×768 laptop's taskbar (the dialog opened at the
    727 px its contents asked for); every dialog the menus and the tabs open, in both languages."""
    win = laptop_window
    room = QSize(LAPTOP.width(), LAPTOP.height() - screen_fit.FRAME_ALLOWANCE)
    seen: dict[str, QSize] = {}

    def record_and_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                seen[type(widget).__name__] = widget.size()
                assert widget.height() >= widget.minimumSizeHint().height(), type(widget).__name__
                widget.reject()

    openers: list[Callable[[], object]] = [
        win.new_case_action.trigger, win.mappings_action.trigger, win.team_action.trigger,
        win.rules_action.trigger, win.shop_action.trigger, win.settings_action.trigger,
        win.backups_action.trigger, lambda: win.new_claim(),
        lambda: win.import_files([SAMPLES / "pdd_orders.csv"]),
        lambda: win.map_columns(SAMPLES / "pdd_orders.csv"),
    ]
    for opener in openers:
        QTimer.singleShot(400, record_and_close)  # a dialog run with exec() is looked at in its own loop
        opener()
        qtbot.wait(500)
        record_and_close()
        wait_idle(qtbot, win)
    assert {"NewCaseDialog", "NewClaimDialog", "SettingsDialog", "ImportDialog"} <= set(seen), seen
    too_big = {name: size.toTuple() for name, size in seen.items()
               if size.width() > room.width() or size.height() > room.height()}
    assert too_big == {}
