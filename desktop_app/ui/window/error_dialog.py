"""The error dialog: what went wrong in Chinese, the details behind a button, a copy button and where
the log file is; and the hook that turns an unexpected exception into this dialog, never a silent
traceback on a console the user does not see."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from desktop_app.app_log import last_lines, log_file

log = logging.getLogger(__name__)


class ErrorDialog(QMessageBox):
    def __init__(self, title: str, message: str, details: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("error_dialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(title)
        self.setText(message)
        self.setInformativeText(self.tr("日志文件：%1").replace("%1", str(log_file())))
        self.details = details or last_lines()
        if self.details:
            self.setDetailedText(self.details)
        self.copy_button = QPushButton(self.tr("复制详细信息"))
        self.copy_button.setObjectName("copy_details")
        self.addButton(self.copy_button, QMessageBox.ButtonRole.ActionRole)
        self.copy_button.clicked.disconnect()  # an action button would close the box; copying must not
        self.copy_button.clicked.connect(self.copy_details)
        self.addButton(QMessageBox.StandardButton.Close)

    def copy_details(self) -> None:
        QApplication.clipboard().setText("\n\n".join(p for p in (self.text(), self.informativeText(), self.details)
                                                     if p))


def show_unexpected(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the GUI: log the traceback, then say so in a dialog."""
    details = "".join(traceback.format_exception(kind, error, tb))
    log.error("unexpected error:\n%s", details)
    if QApplication.instance() is None or issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    dialog = ErrorDialog(QApplication.translate("ErrorDialog", "出错了"),
                         QApplication.translate("ErrorDialog", "程序遇到意外错误（%1）。刚才的操作可能没有完成，"
                                                "已保存的数据不受影响。请把详细信息或日志文件发给开发者。")
                         .replace("%1", kind.__name__), details, QApplication.activeWindow())
    dialog.exec()
