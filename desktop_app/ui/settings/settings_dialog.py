"""Settings (设置): the interface language (Simplified Chinese or English), the theme (跟随系统 / 浅色 /
深色, `ui.theme`), full phones in lists."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui.settings.theme import THEME_KEY, THEMES, apply_theme, theme
from desktop_app.ui.widgets.dialog_buttons import add_ok_cancel
from desktop_app.ui.widgets.status_colours import tint

LANGUAGES = (("zh_CN", "简体中文"), ("en", "English"))
LANGUAGE_KEY = "ui/language"
FULL_PHONES_KEY = "privacy/full_phones"


def full_phones(settings: QSettings) -> bool:
    """Whether lists show buyers' phones in full; masked (138****5678) unless the shop chose otherwise."""
    return str(settings.value(FULL_PHONES_KEY, "false")).lower() == "true"


def language(settings: QSettings) -> str:
    value = settings.value(LANGUAGE_KEY, "zh_CN")
    return value if value in dict(LANGUAGES) else "zh_CN"


class SettingsDialog(QDialog):
    team_requested = Signal()  # 连接团队数据库… (its own dialog: ui/team/team_db_dialog.py)

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
        self._add_theme_row(form)
        self.full_phones = QCheckBox(self.tr("列表中显示完整手机号（默认只显示 138****5678，详情中始终完整）"))
        self.full_phones.setObjectName("full_phones")
        self.full_phones.setChecked(full_phones(settings))
        form.addRow(self.tr("隐私"), self.full_phones)
        team_button = QPushButton(self.tr("连接团队数据库…"))
        team_button.setObjectName("team_database")
        team_button.clicked.connect(lambda _checked=False: self._ask_for_team())
        form.addRow(self.tr("团队"), team_button)
        layout.addLayout(form)
        note = QLabel(self.tr("语言在重新启动程序后生效。"))
        tint(note, "secondary")
        layout.addWidget(note)
        add_ok_cancel(self, layout, self._save)

    def _ask_for_team(self) -> None:
        self.team_requested.emit()
        self.reject()

    # --- theme (its own section: the row, and its saving in `_save_theme`) -------------------
    def _add_theme_row(self, form: QFormLayout) -> None:
        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        names = {"system": self.tr("跟随系统"), "light": self.tr("浅色"), "dark": self.tr("深色")}
        for code in THEMES:
            self.theme.addItem(names[code], code)
        self.theme.setCurrentIndex(self.theme.findData(theme(self._settings)))
        self.theme.setToolTip(self.tr("跟随系统：系统切换浅色/深色模式时，窗口随之切换"))
        form.addRow(self.tr("外观"), self.theme)

    def _save_theme(self) -> None:
        """Saved and applied at once (no restart)."""
        choice = str(self.theme.currentData())
        self._settings.setValue(THEME_KEY, choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)

    def _save(self) -> None:
        self._save_theme()
        self._settings.setValue(LANGUAGE_KEY, self.language.currentData())
        self._settings.setValue(FULL_PHONES_KEY, "true" if self.full_phones.isChecked() else "false")
        self._settings.sync()
        self.accept()
