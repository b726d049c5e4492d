"""导入: runs the import of order and after-sales exports (mixed in one drop) on the worker thread
with a progress bar, rows/second and cancel, then shows what happened per file — orders 新增 / 更新 /
未变 / 失败, after-sales 新建售后单 / 推进 / 未变 / 冲突 / 时限不一致 / 失败 — and offers the report as xlsx."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.event_notes import put
from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_import_results import CaseFileResult
from desktop_app.io.import_report import write_import_report
from desktop_app.io.import_results import FileImportResult, ImportProgress, ImportResult
from desktop_app.services.file_intake import IntakeResult, intake_steps
from desktop_app.store.database import Database
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.imports.case_import_summary import CaseImportSummary
from desktop_app.ui.imports.import_texts import REFUSAL_TEMPLATES, WARNING_TEMPLATES, row_error_text
from desktop_app.ui.widgets.full_text_tips import show_full_texts
from desktop_app.ui.widgets.screen_fit import keep_contents_in_view
from desktop_app.ui.widgets.status_colours import tint

PROGRESS_INTERVAL_S = 0.1  # at most ten progress updates a second reach the GUI
MAX_ERRORS_SHOWN = 200
WARNINGS_SHOWN = 8  # lines over the summary; the rest are counted
SUMMARY_ROWS_SHOWN = 8


class _ProgressRelay(QObject):
    """Carries progress from the worker thread to the dialog (a queued signal)."""

    progress = Signal(object)


class ImportDialog(QDialog):
    finished_import = Signal(object)  # ImportResult (the order files; empty when there were none)
    finished_intake = Signal(object)  # IntakeResult (orders and after-sales)
    map_columns_requested = Signal(object)  # Path of a file refused for unknown headers
    cases_requested = Signal(object, str)  # case ids clicked in the after-sales summary, what they are

    def __init__(self, context: AppContext, paths: list[Path], parent: QWidget | None = None,
                 profile_id: str | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._paths = paths
        self._profile_id = profile_id  # read every file with this saved column mapping
        self._case_platform = "auto"  # after-sales files by their header, until told 天猫 (`import_as_tmall`)
        self._as_tmall: list[Path] = []
        self._cancel = threading.Event()
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._show_progress)
        self._started = 0.0
        self.import_result: ImportResult | None = None
        self.intake: IntakeResult | None = None
        self.setWindowTitle(self.tr("导入"))
        self.setMinimumWidth(720)

        layout = QVBoxLayout(self)
        names = "、".join(p.name for p in paths[:3]) + (self.tr(" 等 %1 个文件").replace("%1", str(len(paths)))
                                                     if len(paths) > 3 else "")
        self.heading = QLabel(self.tr("正在导入：%1").replace("%1", names))
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        layout.addWidget(self.bar)
        self.rate = QLabel(self.tr("正在读取文件……"))
        self.rate.setObjectName("import_rate")
        layout.addWidget(self.rate)

        self.table = QTableWidget(0, 7)
        self.table.setObjectName("import_summary")
        self.table.setHorizontalHeaderLabels([self.tr("文件"), self.tr("平台"), self.tr("新增"), self.tr("更新"),
                                              self.tr("未变"), self.tr("失败"), self.tr("说明")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        # A refused file's reason (what is wrong, where, and what to do) wraps in full within the dialog's width:
        # cut at the width, its advice was behind a tooltip. Rows take the height their texts need.
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        show_full_texts(self.table)  # a file's name cut in a narrow column
        self.table.hide()
        layout.addWidget(self.table)
        self.case_table = CaseImportSummary()
        self.case_table.cases_requested.connect(self.cases_requested)
        self.case_table.hide()
        layout.addWidget(self.case_table)
        self.errors = QTableWidget(0, 4)
        self.errors.setObjectName("import_errors")
        self.errors.setHorizontalHeaderLabels([self.tr("文件"), self.tr("行"), self.tr("列"), self.tr("原因")])
        self.errors.verticalHeader().setVisible(False)
        self.errors.horizontalHeader().setStretchLastSection(True)
        self.errors.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        show_full_texts(self.errors)
        self.errors.hide()
        layout.addWidget(self.errors)
        self.warnings = QLabel()
        self.warnings.setObjectName("import_warnings")
        self.warnings.setWordWrap(True)
        tint(self.warnings, "due_soon")
        self.warnings.hide()
        layout.addWidget(self.warnings)

        buttons = QHBoxLayout()
        self.report_button = QPushButton(self.tr("保存导入报告（xlsx）…"))
        self.report_button.setObjectName("save_report")
        self.report_button.hide()
        self.report_button.clicked.connect(lambda: self.save_report())  # clicked(bool) is not a path
        buttons.addWidget(self.report_button)
        self.map_button = QPushButton(self.tr("按列对应导入…"))
        self.map_button.setObjectName("map_columns")
        self.map_button.setToolTip(self.tr("表头认不出的表格（供应商的表格、自己的台账）：指定各列的含义后导入"))
        self.map_button.hide()
        buttons.addWidget(self.map_button)
        # 淘宝 and 天猫 refund lists share one layout: taken as 淘宝 unless the shop says (its timers differ).
        self.tmall_button = QPushButton(self.tr("这是天猫的退款列表…"))
        self.tmall_button.setObjectName("import_as_tmall")
        self.tmall_button.setToolTip(self.tr("淘宝和天猫的退款列表格式相同，已按淘宝导入。天猫店铺点这里，"
                                             "这些售后单改为天猫，按天猫的时效规则重新计算"))
        self.tmall_button.hide()
        self.tmall_button.clicked.connect(lambda _checked=False: self.import_as_tmall())
        buttons.addWidget(self.tmall_button)
        buttons.addStretch(1)
        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.box.rejected.connect(self.cancel_or_close)
        buttons.addWidget(self.box)
        layout.addLayout(buttons)
        keep_contents_in_view(self, layout)  # the summary and its warnings, not painted over each other

    # --- running -----------------------------------------------------------------------------
    def start(self) -> None:
        db = self._context.db
        if db is None:
            return
        self._started = time.perf_counter()
        paths, cancel, relay, profile_id = list(self._paths), self._cancel.is_set, self._relay, self._profile_id
        case_platform = self._case_platform

        def work() -> IntakeResult:
            return _drive(db, paths, cancel, relay, profile_id, case_platform)

        self._context.runner.write(work, self._done, self._failed, origin=self)

    def _show_progress(self, p: ImportProgress) -> None:
        if p.overall is not None:
            self.bar.setValue(int(p.overall * 1000))
        else:
            self.bar.setRange(0, 0)  # busy indicator while a reader loads the whole file
        elapsed = max(time.perf_counter() - self._started, 1e-6)
        file_text = self.tr("第 %1/%2 个文件 %3").replace("%1", str(p.file_index + 1)).replace(
            "%2", str(p.file_count)).replace("%3", Path(p.file).name)
        if p.phase == "reading":
            self.rate.setText(file_text + self.tr("：正在读取……"))
        else:
            self.bar.setRange(0, 1000)
            self.rate.setText(file_text + self.tr("：已处理 %1 行，%2 行/秒").replace(
                "%1", f"{p.rows_done:,}").replace("%2", f"{p.rows_done / elapsed:,.0f}"))

    @property
    def running(self) -> bool:
        """Started and not finished (the worker is reading or storing the files)."""
        return self._started > 0 and self.import_result is None

    def cancel_or_close(self) -> None:
        if self.import_result is None:
            self._cancel.set()
            self.rate.setText(self.tr("正在取消……已导入的部分会全部撤销"))
            self.box.setEnabled(False)
        else:
            self.accept()

    def reject(self) -> None:  # Esc while running cancels instead of hiding a running import
        self.cancel_or_close()

    def _done(self, intake: IntakeResult) -> None:
        self.intake = intake
        result = intake.orders or ImportResult(())
        self.import_result = result
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000)
        elapsed = time.perf_counter() - self._started
        if intake.cancelled:
            self.heading.setText(self.tr("导入已取消：被取消的文件没有保存任何数据。"))
        else:
            lines = []
            if intake.orders is not None:
                lines.append(self.tr("订单：新增 %1，更新 %2，未变 %3，失败 %4 行").replace(
                    "%1", f"{result.inserted:,}").replace("%2", f"{result.updated:,}").replace(
                    "%3", f"{result.unchanged:,}").replace("%4", f"{result.rejected:,}"))
            if intake.cases is not None:
                cases = intake.cases
                lines.append(self.tr("售后单：新建 %1，推进 %2，未变 %3，冲突 %4，时限不一致 %5，失败 %6 行").replace(
                    "%1", f"{len(cases.ids('inserted')):,}").replace("%2", f"{len(cases.ids('updated')):,}").replace(
                    "%3", f"{len(cases.ids('unchanged')):,}").replace("%4", f"{len(cases.ids('conflicts')):,}").replace(
                    "%5", f"{len(cases.ids('deadline_mismatches')):,}").replace(
                    "%6", f"{sum(f.rejected for f in cases.files):,}"))
            # A file refused whole adds nothing to the counts: "导入完成" alone read as if it had gone in.
            refused = len(result.refused) + sum(1 for f in (intake.cases.files if intake.cases else ()) if f.refused)
            done = (self.tr("导入完成，其中 %n 个文件没有导入（原因见下表）。", "", refused) if refused
                    else self.tr("导入完成。"))
            self.heading.setText(done + "\n" + "\n".join(lines))
        self.rate.setText(self.tr("用时 %1 秒").replace("%1", f"{elapsed:.1f}"))
        self._fill_summary(intake)
        self._offer_tmall(intake)
        self.box.setEnabled(True)
        self.box.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.finished_import.emit(result)
        self.finished_intake.emit(intake)

    def _offer_tmall(self, intake: IntakeResult) -> None:
        files = intake.cases.files if intake.cases is not None and self._case_platform == "auto" else ()
        self._as_tmall = [Path(f.file) for f in files if f.stored and f.platform == Platform.TAOBAO.value]
        self.tmall_button.setVisible(bool(self._as_tmall))

    def import_as_tmall(self) -> None:
        """The 淘宝-layout refund lists again, told 天猫 (import-cases --platform tmall): their cases become
        天猫's and run on 天猫's timers."""
        if not self._as_tmall or self.running or self._context.db is None:
            return
        self._paths, self._case_platform = self._as_tmall, Platform.TMALL.value
        self.tmall_button.hide()
        self.import_result = self.intake = None
        self.heading.setText(self.tr("正在按天猫重新导入：%1").replace("%1", "、".join(p.name for p in self._paths)))
        self.bar.setValue(0)
        self.box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel)
        self.start()

    def _failed(self, error: Exception) -> None:
        self.import_result = ImportResult(())
        self.intake = IntakeResult(self.import_result)
        self.heading.setText(self.tr("导入失败：%1").replace("%1", describe_error(error)))
        self.box.setEnabled(True)
        self.box.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def _fill_summary(self, intake: IntakeResult) -> None:
        result = intake.orders or ImportResult(())
        if intake.cases is not None:
            self.case_table.fill(intake.cases)
            self.case_table.show()
        self.table.setRowCount(len(result.files))
        for row, f in enumerate(result.files):
            values = [Path(f.file).name, labels.platform(f.platform) if f.platform else "", f"{f.inserted:,}",
                      f"{f.updated:,}", f"{f.unchanged:,}", f"{f.rejected:,}", self._explain(f)]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if 2 <= column <= 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 6:
                    item.setToolTip(value)
                self.table.setItem(row, column, item)
        # Every file's line in view (up to SUMMARY_ROWS_SHOWN, then the table scrolls).
        shown_rows = min(len(result.files), SUMMARY_ROWS_SHOWN)
        self.table.resizeRowsToContents()
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
                                    + sum(self.table.rowHeight(row) for row in range(shown_rows)))
        self.table.setVisible(bool(result.files))
        case_files = intake.cases.files if intake.cases is not None else ()
        files: list[FileImportResult | CaseFileResult] = [*result.files, *case_files]
        errors = [(f.file, e) for f in files for e in f.errors]
        if errors:
            shown = errors[:MAX_ERRORS_SHOWN]
            self.errors.setRowCount(len(shown))
            for row, (file, e) in enumerate(shown):
                for column, value in enumerate([Path(file).name, str(e.row or ""), e.column or "",
                                                row_error_text(e.column, e.message)]):
                    self.errors.setItem(row, column, QTableWidgetItem(value))
            self.errors.resizeColumnsToContents()
        # Each run says its own: after 这是天猫的退款列表… the first run's "已按淘宝导入" stayed on screen.
        self.errors.setVisible(bool(errors))
        self.report_button.setVisible(bool(errors or result.refused or any(f.refused for f in case_files)))
        # The after-sales files' warnings too (unknown status words, requests the shop may have typed in).
        warnings = [*(labels.message(w, WARNING_TEMPLATES) for w in result.warnings),
                    *(put(self.tr("%1：%2"), (Path(f.file).name, labels.message(w, WARNING_TEMPLATES)))
                      for f in case_files for w in f.warnings)]
        told = warnings[:WARNINGS_SHOWN]
        if len(warnings) > WARNINGS_SHOWN:
            told.append(self.tr("……另有 %1 条提醒").replace("%1", f"{len(warnings) - WARNINGS_SHOWN:,}"))
        self.warnings.setText("\n".join(told))
        self.warnings.setVisible(bool(warnings))
        self._offer_mapping([Path(f.file) for f in result.files if f.unknown_layout])

    def _offer_mapping(self, unknown: list[Path]) -> None:
        """Files refused for their headers alone can be imported by mapping their columns."""
        if not unknown:
            return
        if len(unknown) == 1:
            self.map_button.clicked.connect(lambda: self.map_columns_requested.emit(unknown[0]))
        else:
            menu = QMenu(self.map_button)
            for path in unknown:
                menu.addAction(path.name).triggered.connect(
                    lambda _checked=False, p=path: self.map_columns_requested.emit(p))
            self.map_button.setMenu(menu)
        self.map_button.show()

    def _explain(self, f: FileImportResult) -> str:
        if f.refused is not None:
            return labels.message(f.refused, REFUSAL_TEMPLATES)
        parts = [labels.text(f.profile or "")]  # the format's name (the English beside it in its profile)
        if f.companions:
            parts.append(self.tr("含明细：%1").replace("%1", "、".join(Path(c).name for c in f.companions)))
        return "；".join(p for p in parts if p)

    def save_report(self, path: Path | None = None) -> Path | None:
        if self.intake is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("保存导入报告"), str(Path.home() / "导入报告.xlsx"),
                                                    self.tr("Excel 工作簿 (*.xlsx)"))
            if not chosen:
                return None
            path = Path(chosen)
        try:
            saved = write_import_report(self.intake.results, path)
        except OSError as error:
            QMessageBox.warning(self, self.windowTitle(), self.tr("无法保存报告：%1").replace("%1", str(error)))
            return None
        self.rate.setText(self.tr("报告已保存：%1").replace("%1", str(saved)))
        return saved


def _drive(db: Database, paths: list[Path], cancel: object, relay: _ProgressRelay,
           profile_id: str | None = None, case_platform: str = "auto") -> IntakeResult:
    """Run the import generator to its end on the worker thread, relaying throttled progress."""
    run = intake_steps(db, paths, cancel=cancel, profile_id=profile_id,  # type: ignore[arg-type]
                       case_platform=case_platform)
    last = 0.0
    while True:
        try:
            progress = next(run)
        except StopIteration as stop:
            return stop.value
        now = time.perf_counter()
        if now - last >= PROGRESS_INTERVAL_S or progress.phase != "importing":
            last = now
            relay.progress.emit(progress)
