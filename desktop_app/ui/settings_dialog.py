"""Settings (设置): the interface language (Simplified Chinese or English)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

LANGUAGES = (("zh_CN", "简体中文"), ("en", "English"))
LANGUAGE_KEY = "ui/language"


def language(settings: QSettings) -> str:
    value = settings.value(LANGUAGE_KEY, "zh_CN")
    return value if value in dict(LANGUAGES) else "zh_CN"


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(self.tr("设置"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(language(settings)))
        form.addRow(self.tr("界面语言 / Language"), self.language)
        layout.addLayout(form)
        note = QLabel(self.tr("语言在重新启动程序后生效。"))
        note.setStyleSheet("color:#666")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _save(self) -> None:
        self._settings.setValue(LANGUAGE_KEY, self.language.currentData())
        self._settings.sync()
        self.accept()
