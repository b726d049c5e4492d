"""帮助 → 关于: the version, the licence, the third-party notices (Qt's LGPL among them) and where the
data and the logs are."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import desktop_app
from desktop_app.app_log import log_dir
from desktop_app.paths import data_dir, resource
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import shade
from desktop_app.ui.window.app_icon import app_icon


def licence_text() -> str:
    """The project's LICENSE: beside the resources in a bundle, at the repository root from source."""
    for path in (resource("licenses", "LICENSE"), resource().parent / "LICENSE"):
        if path.exists():
            return path.read_text(encoding="utf-8")
    return "MIT License"


def notices_text() -> str:
    path = resource("licenses", "THIRD_PARTY_NOTICES.md")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def open_folder(path: Path) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        name = self.tr("售后台账")  # the app's name in the window's language (an English window: Aftersales Ledger)
        self.setWindowTitle(self.tr("关于 %1").replace("%1", name))
        resize_within_screen(self, 640, 480)
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        header.addWidget(logo)
        self.summary = QLabel(
            f"<h2>{name} {desktop_app.__version__}</h2>"
            + self.tr("<p>小店的售后台账：售后单、补发、快递理赔和平台时效，全部在自己的电脑上。</p>")
            + f"<p style='color:{shade('secondary')}'>Qt {qVersion()} · PySide6 {pyside_version} · Python "
              f"{sys.version.split()[0]}</p>")
        self.summary.setObjectName("about_summary")
        self.summary.setWordWrap(True)
        header.addWidget(self.summary, 1)
        layout.addLayout(header)

        tabs = QTabWidget()
        self.licence = QTextBrowser()
        self.licence.setPlainText(licence_text())
        self.notices = QTextBrowser()
        self.notices.setObjectName("third_party_notices")
        self.notices.setMarkdown(notices_text())
        self.notices.setOpenExternalLinks(True)
        tabs.addTab(self.licence, self.tr("许可证（MIT）"))
        tabs.addTab(self.notices, self.tr("第三方软件（含 Qt 的 LGPL 声明）"))
        layout.addWidget(tabs, 1)

        where = QLabel(self.tr("数据文件夹：%1<br>日志文件夹：%2").replace("%1", str(data_dir()))
                       .replace("%2", str(log_dir())))
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        data_button = QPushButton(self.tr("打开数据文件夹"))
        logs_button = QPushButton(self.tr("打开日志文件夹"))
        data_button.clicked.connect(lambda: open_folder(data_dir()))
        logs_button.clicked.connect(lambda: open_folder(log_dir()))
        buttons.addButton(data_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
