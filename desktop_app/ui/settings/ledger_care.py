"""The window's care of its ledger file: the daily backup, the complete integrity check of a big file,
the offer of a backup when the file is damaged, and the restore (close, replace, reopen).

Kept out of main_window.py: the window calls `opened(db)`, `open_failed(error)` and `open_backups()`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.core.errors import LedgerDamaged
from desktop_app.services import backups
from desktop_app.services.server_backups import daily_server_backup, dump_server
from desktop_app.store.ledger_files import CheckOutcome, IntegrityReport, check_integrity
from desktop_app.store.locations import LedgerLocation
from desktop_app.ui.background import BackgroundRunner, describe_error
from desktop_app.ui.low_priority import lower_this_threads_priority
from desktop_app.ui.settings.backup_dialog import AsideRunner, BackupDialog

if TYPE_CHECKING:
    from desktop_app.store.database import Database

log = logging.getLogger(__name__)


class LedgerCare(QObject):
    """`reopen_requested` asks the window to open the (restored) ledger again."""

    closing = Signal()  # the ledger is about to be replaced: stop using it
    reopen_requested = Signal()
    message = Signal(str)

    def __init__(self, location: LedgerLocation, runner: BackgroundRunner, window: QWidget) -> None:
        super().__init__(window)
        self.location = location
        self.db_path = location.path  # None: a team ledger on a server, backed up with pg_dump
        self.runner = runner
        self.window = window
        self.aside = AsideRunner(self)
        self.current: Database | None = None
        self.dialog: BackupDialog | None = None

    def set_location(self, location: LedgerLocation) -> None:
        self.location = location
        self.db_path = location.path

    # --- after open ---------------------------------------------------------------------------
    def opened(self, db: Database) -> None:
        """The daily backup, then (on a file too big for the check at open) the complete check."""
        self.current = db
        path = self.db_path
        if path is None:  # a team ledger: a pg_dump a day where this computer has pg_dump
            location = self.location
            self.aside.run(lambda: daily_server_backup(location), self._backed_up)
            return
        self.aside.run(lambda: backups.daily_backup(path), self._backed_up)
        if db.integrity is not None and db.integrity.outcome is CheckOutcome.UNFINISHED:
            self.aside.run(lambda: _complete_check(path), self._checked)

    def _backed_up(self, written: Path | None, error: BaseException | None) -> None:
        if error is not None:
            self.message.emit(self.tr("自动备份失败：%1").replace("%1", describe_error(error)))
        elif written is not None:
            log.info("daily backup written to %s", written)

    def _checked(self, report: IntegrityReport | None, error: BaseException | None) -> None:
        if report is not None and report.damaged and self.db_path is not None:
            self.offer_backup(LedgerDamaged(self.db_path, report.problems))

    # --- damage ------------------------------------------------------------------------------
    def open_failed(self, error: Exception) -> bool:
        """True when the failure was a damaged ledger (a backup is offered); else the window reports it."""
        if isinstance(error, LedgerDamaged):
            self.offer_backup(error)
            return True
        return False

    def offer_backup(self, damaged: LedgerDamaged) -> None:
        """Look for the newest good backup off the GUI thread, then offer it."""
        path = self.db_path
        if path is None:
            return
        self.aside.run(lambda: backups.newest_good_backup(path),
                       lambda good, _error: self._offer(damaged, good))

    def _offer(self, damaged: LedgerDamaged, good: backups.BackupFile | None) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("数据库已损坏"), damaged.message, parent=self.window)
        restore = None
        if good is not None:
            text = self.tr("最新的完好备份：%1（%2）。恢复它吗？当前文件会先另存一份。")
            box.setInformativeText(text.replace("%1", str(good.path))
                                   .replace("%2", good.taken_at.strftime("%Y-%m-%d %H:%M")))
            restore = box.addButton(self.tr("恢复这个备份"), QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setInformativeText(self.tr("没有找到完好的备份。请不要删除这个文件，复制一份后联系技术支持。"))
        choose = box.addButton(self.tr("查看所有备份…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setObjectName("damaged_ledger")
        box.finished.connect(lambda _code: self._offer_answered(box.clickedButton(), restore, choose, good))
        box.open()

    def _offer_answered(self, clicked: object, restore: object, choose: object,
                        good: backups.BackupFile | None) -> None:
        if clicked is not None and clicked is restore and good is not None:
            self.restore(good.path)
        elif clicked is not None and clicked is choose:
            self.open_backups()

    # --- the dialog and the restore ----------------------------------------------------------------
    def open_backups(self) -> BackupDialog | None:
        if self.db_path is None:
            self.dump_server()
            return None
        dialog = BackupDialog(self.db_path, self.window)
        dialog.restore_requested.connect(self.restore)
        dialog.open()
        self.dialog = dialog
        return dialog

    def restore(self, backup: Path) -> None:
        """Close the ledger on the worker (after queued work), replace it, and ask for a reopen."""
        db, self.current = self.current, None
        path = self.db_path
        assert path is not None  # restoring is for files; a server is restored with pg_restore
        self.closing.emit()

        def work() -> Path:
            if db is not None:
                db.close()
            return backups.restore_backup(path, backup)

        self.runner.run(work, self._restored, self._restore_failed)

    def _restored(self, safety: Path) -> None:
        self.message.emit(self.tr("已恢复备份；恢复前的数据库另存为 %1").replace("%1", str(safety)))
        self.reopen_requested.emit()

    def _restore_failed(self, error: Exception) -> None:
        QMessageBox.warning(self.window, self.tr("恢复未完成"), describe_error(error))
        self.reopen_requested.emit()

    # --- a team ledger on a server -------------------------------------------------------------
    def dump_server(self) -> None:
        """备份与恢复 on a team ledger: a pg_dump copy into the backup folder, off the GUI thread."""
        location = self.location
        text = self.tr("团队数据库在服务器上，用 PostgreSQL 的 pg_dump 备份到备份文件夹 %1。"
                       "恢复请在服务器上用 pg_restore。现在备份吗？").replace("%1", str(backups.backup_folder()))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("备份团队数据库"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.window)
        box.setObjectName("server_backup")
        box.finished.connect(lambda code: self._dump_answered(code, location))
        box.open()

    def _dump_answered(self, code: int, location: LedgerLocation) -> None:
        if code == QMessageBox.StandardButton.Yes:
            self.aside.run(lambda: dump_server(location), self._dumped)

    def _dumped(self, written: Path | None, error: BaseException | None) -> None:
        if error is not None:
            QMessageBox.warning(self.window, self.tr("备份未完成"), describe_error(error))
        elif written is not None:
            self.message.emit(self.tr("团队数据库已备份到 %1").replace("%1", str(written)))

    def shutdown(self) -> None:
        self.aside.wait()


def _complete_check(path: Path) -> IntegrityReport:
    """The check the opening left unfinished (a big file), at the lowest priority: at a million cases 7–30 s of a
    core and of the disk, beside the user's first searches (issue 18)."""
    lower_this_threads_priority()
    return check_integrity(path, None)
