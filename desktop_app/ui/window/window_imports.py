"""The window's import commands: 导入 (platform order and after-sales exports), 导入其他表格… (a sheet
mapped column by column), the saved mappings, files dropped on the window or given at start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTabWidget

from desktop_app.io.spreadsheet_files import dropped_files
from desktop_app.ui.context import AppContext
from desktop_app.ui.window.window_host import WindowHost

if TYPE_CHECKING:
    # The import code is loaded in the background after start (ui/window/startup.py), not with the window.
    from desktop_app.services.file_intake import IntakeResult
    from desktop_app.ui.cases.cases_tab import CasesTab
    from desktop_app.ui.imports.column_mapping_dialog import ColumnMappingDialog
    from desktop_app.ui.imports.import_dialog import ImportDialog
    from desktop_app.ui.imports.saved_mappings_dialog import SavedMappingsDialog

LAST_IMPORT_FOLDER_KEY = "import/last_folder"


class WindowImports(WindowHost):
    """Mixed into `MainWindow` (a QMainWindow): what it uses of the window is declared here. Its texts
    translate under this class's name: PySide's `tr` looks up every class of the object's type."""

    context: AppContext
    settings: QSettings
    tabs: QTabWidget
    cases_tab: CasesTab
    _files_to_import: list[Path]
    _import_code_ready: bool  # the import dialog's code is loaded (ui/window/startup.py)
    _imports_waiting: list[tuple[list[Path], str | None]]
    _import_dialogs: list[ImportDialog]  # open import dialogs, for closing the window during an import

    def show_cases(self, case_ids: frozenset[int], description: str) -> None: ...

    def show_message(self, text: str) -> None: ...

    def import_when_open(self, paths: list[Path]) -> None:
        """Import these files as soon as the ledger is open (the desktop's "open with")."""
        self._files_to_import = list(paths)

    def choose_import(self) -> None:
        if self.context.db is None:
            return
        # The platforms' after-sales lists come in here too (the empty Cases tab's 导入订单/售后单…).
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择各平台导出的订单和售后单（退款管理、售后单）文件（可多选）"), self._import_folder(),
            self.tr("订单和售后单导出 (*.csv *.xlsx *.xls);;所有文件 (*)"))
        if paths:
            self._remember_import_folder(Path(paths[0]))
            self.import_files([Path(p) for p in paths])

    def _import_folder(self) -> str:
        """Where the last import was chosen from (the shop's download folder, usually)."""
        folder = self.settings.value(LAST_IMPORT_FOLDER_KEY)
        return str(folder) if folder and Path(str(folder)).is_dir() else str(Path.home())

    def _remember_import_folder(self, chosen: Path) -> None:
        self.settings.setValue(LAST_IMPORT_FOLDER_KEY, str(chosen.parent))

    def import_files(self, paths: list[Path], profile_id: str | None = None) -> ImportDialog | None:
        """Import in the background; `profile_id` reads the files with that saved column mapping.

        Right after launch the import code may still be loading on the preparing thread (openpyxl and
        the readers: ~0.3 s): the dialog then opens once it is loaded (None is returned), instead of
        the GUI thread waiting for it."""
        if self.context.db is None or not paths:
            return None
        if not self._import_code_ready:
            self._imports_waiting.append((list(paths), profile_id))
            return None
        from desktop_app.ui.imports.import_dialog import ImportDialog

        dialog = ImportDialog(self.context, paths, self, profile_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.map_columns_requested.connect(self.map_columns)
        dialog.finished_intake.connect(self._show_imported)
        dialog.cases_requested.connect(self.show_cases)
        dialog.open()
        dialog.start()
        self._import_dialogs.append(dialog)
        dialog.destroyed.connect(lambda _gone=None, d=dialog: self._forget_import(d))
        return dialog

    def _forget_import(self, dialog: ImportDialog) -> None:
        if dialog in self._import_dialogs:
            self._import_dialogs.remove(dialog)

    def imports_let_close(self) -> bool:
        """Closing while an import runs: the window would wait, frozen, for the rest of the file (a large
        one takes minutes) and then keep it. Asked first; closing cancels the import, which stores nothing
        of the file being read (its transaction rolls back), so the ledger stays whole either way."""
        running = [d for d in self._import_dialogs if d.running]
        if not running:
            return True
        answer = QMessageBox.question(
            self, self.tr("导入还没有完成"),
            self.tr("导入还没有完成。关闭窗口会取消导入：正在导入的文件不会保存任何数据，以后可以重新导入。\n\n"
                    "要取消导入并关闭吗？"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        for dialog in running:
            dialog.cancel_or_close()
        return True

    def _import_code_loaded(self, _loaded: object = None) -> None:
        self._import_code_ready = True
        waiting, self._imports_waiting = self._imports_waiting, []
        for paths, profile_id in waiting:
            self.import_files(paths, profile_id)

    def _show_imported(self, intake: IntakeResult) -> None:
        """What was just imported, on screen: new or moved cases first, else the orders (tabs reload as
        they are shown)."""
        cases = intake.cases
        if cases is not None and (cases.ids("inserted") or cases.ids("updated")):
            self.tabs.setCurrentWidget(self.cases_tab)
        elif intake.orders is not None and (intake.orders.inserted or intake.orders.updated):
            self.tabs.setCurrentWidget(self.orders_tab)

    def choose_import_other(self) -> None:
        if self.context.db is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择要按列对应导入的表格"), self._import_folder(),
            self.tr("表格 (*.xlsx *.xls *.csv *.txt);;所有文件 (*)"))
        if path:
            self._remember_import_folder(Path(path))
            self.map_columns(Path(path))

    def map_columns(self, path: Path) -> ColumnMappingDialog | None:
        """The column mapping dialog for one file; saving it imports the file with the new mapping."""
        if self.context.db is None:
            return None
        from desktop_app.ui.imports.column_mapping_dialog import ColumnMappingDialog

        dialog = ColumnMappingDialog(self.context, path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.import_requested.connect(self.import_files)
        dialog.cases_import_requested.connect(self.import_files)
        dialog.open()
        return dialog

    def open_saved_mappings(self) -> SavedMappingsDialog:
        from desktop_app.ui.imports.saved_mappings_dialog import SavedMappingsDialog

        dialog = SavedMappingsDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.context.db is not None and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Files dropped are imported, a folder by the spreadsheets in it (io/spreadsheet_files.py): a folder
        dropped was ignored without a word."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files, empty = dropped_files(paths)
        if files or empty:
            event.acceptProposedAction()
        if empty:
            self.show_message(self.tr("文件夹“%1”里没有可导入的表格（.csv、.xlsx、.xls）").replace("%1", empty[0].name))
        if files:
            self.import_files(files)
