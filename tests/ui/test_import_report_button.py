"""The import summary's 保存导入报告（xlsx）… button saves the report where the user chooses."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.ui.window.main_window import MainWindow
from tests.ui.conftest import wait_idle

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"


def test_clicking_save_report_asks_for_a_path_and_saves(qtbot: QtBot, window: MainWindow, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "订单.xlsx"
    bad.write_text("这不是表格", encoding="utf-8")
    target = tmp_path / "报告.xlsx"
    monkeypatch.setattr("desktop_app.ui.imports.import_dialog.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(target), ""))
    dialog = window.import_files([bad])
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=30000)
    wait_idle(qtbot, window)
    assert dialog.report_button.isVisible()
    qtbot.mouseClick(dialog.report_button, Qt.MouseButton.LeftButton)
    assert target.exists()
    assert str(target) in dialog.rate.text()
    dialog.accept()
