"""Qt's own file dialog (Linux without a portal) in the window's language: the Chinese window's 导入/导出
dialogs said "Look in:", "Files of type:" and "Folder" (Qt's zh_CN translation lacks those texts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QFileSystemModel, QLabel
from pytestqt.qtbot import QtBot

from desktop_app.ui.translations import install_translators

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
TYPE_COLUMN = 2  # QFileSystemModel: name, size, type, date modified


@pytest.fixture(params=["zh_CN", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication, data_home: Path) -> Iterator[str]:
    translators = install_translators(qapp, request.param)
    yield request.param
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def test_the_file_dialog_speaks_the_windows_language(qtbot: QtBot, tmp_path: Path, language: str) -> None:
    (tmp_path / "订单").mkdir()
    dialog = QFileDialog(None, "导入", str(tmp_path), "表格 (*.xlsx *.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on Linux without a portal
    qtbot.addWidget(dialog)
    dialog.show()
    files = dialog.findChild(QFileSystemModel)
    assert files is not None
    folder = files.index(str(tmp_path / "订单"))
    qtbot.waitUntil(lambda: bool(files.index(folder.row(), TYPE_COLUMN, folder.parent()).data()))
    kind = files.index(folder.row(), TYPE_COLUMN, folder.parent()).data()
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel) if label.text()}
    buttons = [button.text() for button in dialog.findChildren(QAbstractButton) if button.text()]
    if language == "zh_CN":
        assert labels["lookInLabel"] == "查找范围(&L)：" and labels["fileTypeLabel"] == "文件类型(&T)："
        assert kind == "文件夹"
        assert [text for text in [*labels.values(), *buttons] if LATIN_WORD.search(text)] == []
    else:  # the English window keeps Qt's English
        assert labels["lookInLabel"] == "&Look in:" and labels["fileTypeLabel"] == "Files of &type:"
        assert kind == "Folder"
