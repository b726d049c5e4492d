"""导出 Excel… under the 售后单 list: the cases the list shows now (search, filters and sort as on screen)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, SignalInstance
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.case_table_model import CaseTableModel
from desktop_app.ui.context import AppContext

if TYPE_CHECKING:
    from desktop_app.store.database import Database


def _tr(text: str) -> str:
    return QCoreApplication.translate("CasesTab", text)  # the tab's texts, translated as they always were


class CaseListExport(QObject):
    """The export button and what it does; the tab's status bar hears the result through `message`."""

    def __init__(self, parent: QWidget, context: AppContext, model: CaseTableModel, message: SignalInstance) -> None:
        super().__init__(parent)
        self._parent = parent
        self._context = context
        self._model = model
        self._message = message
        self.button = QPushButton(_tr("导出 Excel…"))
        self.button.setObjectName("export_cases")
        self.button.setToolTip(_tr("导出当前列表（按当前搜索、筛选和排序）中的售后单"))
        self.button.clicked.connect(self.choose)

    def choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self._parent, _tr("导出售后单"), str(Path.home() / "售后单导出.xlsx"),
                                              _tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def export_to(self, path: Path) -> None:
        # Imported when used: the export pulls in openpyxl (and numpy), which the table does not need to show.
        from desktop_app.services.case_export import export_cases

        f, order = self._model.filter, self._model.order

        def work(db: Database) -> int:
            return export_cases(db, path, f, order)

        def failed(error: Exception) -> None:
            QMessageBox.warning(self._parent, _tr("导出售后单"), describe_error(error))

        self._context.read(work, lambda n: self._message.emit(
            _tr("已导出 %1 张售后单到 %2").replace("%1", f"{n:,}").replace("%2", str(path))), failed)
