"""恢复备份: the ledger's backups with date, kind and case/order counts; back up now, change the folder,
restore one (the window backs up the current file first and reopens the ledger).

Listing opens every backup to count its rows, so it runs off the GUI thread — on a thread of its own,
not the database worker: a damaged ledger has no worker to lend, and a big backup must not hold up
the tabs. Slow file work that is not a database operation (the daily backup, the complete integrity
check of a big ledger) uses the same `run_aside`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services import backups
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import tint


class AsideRunner(QObject):
    """Runs one slow file job on a plain thread; the callback comes back on the GUI thread."""

    _done = Signal(object, object, object)  # callback, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done.connect(self._deliver)
        self._threads: list[threading.Thread] = []

    def run(self, work: Callable[[], Any], callback: Callable[[Any, BaseException | None], None]) -> None:
        def body() -> None:
            try:
                result, error = work(), None
            except Exception as failure:  # delivered to the callback, shown to the user there
                result, error = None, failure
            with contextlib.suppress(RuntimeError):  # the window or dialog was deleted meanwhile
                self._done.emit(callback, result, error)

        thread = threading.Thread(target=body, name="ledger-files", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait(self, seconds: float = 30.0) -> None:
        for thread in self._threads:
            thread.join(seconds)

    @Slot(object, object, object)
    def _deliver(self, callback: Callable[[Any, BaseException | None], None], result: Any,
                 error: BaseException | None) -> None:
        try:
            callback(result, error)
        except RuntimeError as failure:  # the dialog was closed meanwhile
            if "already deleted" not in str(failure):
                raise


@dataclass(frozen=True, slots=True)
class ListedBackup:
    backup: backups.BackupFile
    cases: int | None
    orders: int | None


def list_with_counts(db_path: Path) -> list[ListedBackup]:
    found = []
    for backup in backups.list_backups(db_path):
        counts = backups.backup_counts(backup)
        found.append(ListedBackup(backup, counts.cases if counts else None, counts.orders if counts else None))
    return found


class BackupDialog(QDialog):
    """Emits `restore_requested(path)` after the user confirmed; the window does the restore."""

    restore_requested = Signal(object)  # Path
    COLUMNS = 5

    def __init__(self, db_path: Path, parent: QWidget | None = None, message: str = "") -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.aside = AsideRunner(self)
        self.listed: list[ListedBackup] = []
        self.setWindowTitle(self.tr("恢复备份"))
        resize_within_screen(self, 820, 420)
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        tint(self.message, "overdue")
        layout.addWidget(self.message)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("时间"), self.tr("类型"), self.tr("售后单"), self.tr("订单"),
                                              self.tr("文件")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.status = QLabel(self.tr("正在读取备份……"))
        tint(self.status, "secondary")
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.backup_now = QPushButton(self.tr("立即备份"))
        self.backup_now.clicked.connect(self.take_backup)
        self.change_folder = QPushButton(self.tr("更改备份文件夹…"))
        self.change_folder.clicked.connect(self.choose_folder)
        row.addWidget(self.backup_now)
        row.addWidget(self.change_folder)
        row.addStretch(1)
        self.restore_button = QPushButton(self.tr("恢复所选备份…"))
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.confirm_restore)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        text = self.tr("备份文件夹：%1（每天第一次启动时自动备份，保留 7 个每日备份和 4 个每周备份）")
        self.folder_label.setText(text.replace("%1", str(backups.backup_folder())))
        path = self.db_path
        self.aside.run(lambda: list_with_counts(path), self._listed)

    def _listed(self, listed: list[ListedBackup] | None, error: BaseException | None) -> None:
        if error is not None or listed is None:
            self.status.setText(describe_error(error) if error else "")
            return
        self.listed = listed
        self.table.setRowCount(len(listed))
        for row, item in enumerate(listed):
            unreadable = self.tr("无法读取")
            # The kind's name is the service's Chinese (每日自动 …), translated like the core's words.
            cells = (item.backup.taken_at.strftime("%Y-%m-%d %H:%M"), labels.text(item.backup.kind_label),
                     unreadable if item.cases is None else f"{item.cases:,}",
                     unreadable if item.orders is None else f"{item.orders:,}", str(item.backup.path))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column in (2, 3):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("共 %n 个备份", "", len(listed)) if listed
                            else self.tr("还没有备份。"))
        if listed:
            self.table.selectRow(0)

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> ListedBackup | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.listed):
            return None
        chosen = self.listed[rows[0].row()]
        return chosen if chosen.cases is not None else None

    def take_backup(self) -> None:
        self.backup_now.setEnabled(False)
        self.status.setText(self.tr("正在备份……"))
        path = self.db_path
        self.aside.run(lambda: backups.back_up(path), self._backed_up)

    def _backed_up(self, written: Path | None, error: BaseException | None) -> None:
        self.backup_now.setEnabled(True)
        if error is not None:
            QMessageBox.warning(self, self.tr("备份失败"), describe_error(error))
            self.status.setText("")
            return
        self.reload()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份文件夹（例如同步盘中的文件夹）"),
                                                  str(backups.backup_folder()))
        if folder:
            self.set_folder(Path(folder))

    def set_folder(self, folder: Path | None) -> None:
        try:
            backups.set_backup_folder(folder)
        except Exception as error:
            QMessageBox.warning(self, self.tr("无法使用这个文件夹"), describe_error(error))
            return
        self.reload()

    def confirm_restore(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        text = (self.tr("用 %1 的备份（售后单 %2，订单 %3）替换当前数据库？\n\n当前数据库会先另存为一个“恢复前”备份，"
                        "之后仍可在这里恢复它。")
                .replace("%1", chosen.backup.taken_at.strftime("%Y-%m-%d %H:%M"))
                .replace("%2", f"{chosen.cases:,}").replace("%3", f"{chosen.orders:,}"))
        # No by default: Enter pressed out of habit put an older ledger in place of today's work.
        answer = QMessageBox.question(self, self.tr("恢复备份"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(chosen.backup.path)
            self.accept()

    def done(self, result: int) -> None:
        self.aside.wait()
        super().done(result)
