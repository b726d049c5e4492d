"""The after-sales part of the import summary: one line per file with 新建售后单 / 推进 / 未变 / 冲突 /
时限不一致 / 失败 and a 说明 (a refused file's reason, 已取消), as the orders' lines; a click on a number asks for
the Cases tab to list exactly those cases."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from desktop_app.core import import_refusals as refusals
from desktop_app.core import messages
from desktop_app.io.case_import_results import CaseFileResult, CaseImportResult
from desktop_app.ui import labels
from desktop_app.ui.widgets.full_text_tips import show_full_texts

# Result attributes holding case ids, one column each (titles in `_titles`).
_ID_COLUMNS = ("inserted", "updated", "unchanged", "conflicts", "deadline_mismatches")


class CaseImportSummary(QTableWidget):
    cases_requested = Signal(object, str)  # frozenset of case ids, what they are (for the filter chip)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4 + len(_ID_COLUMNS), parent)
        self.setObjectName("case_import_summary")
        self._titles = [self.tr("新建售后单"), self.tr("推进"), self.tr("未变"), self.tr("冲突"), self.tr("时限不一致")]
        self.setHorizontalHeaderLabels([self.tr("售后文件"), self.tr("平台"), *self._titles, self.tr("失败"),
                                        self.tr("说明")])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setToolTip(self.tr("点击数字，在“售后单”页只列出这些售后单"))
        show_full_texts(self)
        self._files: list[CaseFileResult] = []
        self.cellClicked.connect(self._clicked)

    def fill(self, result: CaseImportResult) -> None:
        self._files = list(result.files)
        self.setRowCount(len(self._files))
        for row, f in enumerate(self._files):
            self.setItem(row, 0, QTableWidgetItem(Path(f.file).name))
            self.setItem(row, 1, QTableWidgetItem(labels.platform(f.platform) if f.platform else ""))
            for offset, attribute in enumerate(_ID_COLUMNS):
                ids: tuple[int, ...] = getattr(f, attribute)
                item = QTableWidgetItem(f"{len(ids):,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if ids:
                    item.setForeground(self.palette().color(QPalette.ColorRole.Link))  # either theme
                    font = item.font()
                    font.setUnderline(True)
                    item.setFont(font)
                self.setItem(row, 2 + offset, item)
            # The count right-aligned as the others; why a file was refused or stopped beside it.
            failed = QTableWidgetItem(f"{f.rejected:,}")
            failed.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 2 + len(_ID_COLUMNS), failed)
            why = (labels.message(f.refused, (*refusals.TEMPLATES, *messages.TEMPLATES)) if f.refused is not None
                   else self.tr("已取消") if f.cancelled else "")
            last = QTableWidgetItem(why)
            last.setToolTip(why)
            self.setItem(row, 3 + len(_ID_COLUMNS), last)
        header = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        self.setMinimumHeight(header + min(len(self._files), 6) * self.verticalHeader().defaultSectionSize())

    def _clicked(self, row: int, column: int) -> None:
        offset = column - 2
        if not 0 <= offset < len(_ID_COLUMNS) or row >= len(self._files):
            return
        ids = frozenset(getattr(self._files[row], _ID_COLUMNS[offset]))
        if ids:
            name = Path(self._files[row].file).name
            self.cases_requested.emit(ids, self.tr("%1 中“%2”的 %3 张").replace("%1", name).replace(
                "%2", self._titles[offset]).replace("%3", str(len(ids))))
