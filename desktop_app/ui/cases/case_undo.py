"""编辑 → 撤销 (Ctrl+Z): take back the last step of the case shown in the 售后单 tab.

The menu entry names the step it would undo (撤销“同意退货”) and, when there is none, says why in
its tooltip and status tip (no case shown, money already paid, a parcel already sent …). The undo
runs through `services.cases.undo_last_step` on the worker thread with the version the pane shows,
so a case changed meanwhile is refused rather than undone blindly.

Right after a bulk step in the 售后单 tab (批量操作), the entry takes back the whole batch instead
(撤销：批量关闭 30 单, `services.bulk.undo_batch`), until this window writes something else; a case
acted on since the batch is left alone and named in the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabWidget, QWidget

from desktop_app.core.case_undo import undo_choice
from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services import cases as case_service
from desktop_app.services.bulk import BulkOutcome, undo_batch
from desktop_app.services.cases import UndoneStep
from desktop_app.store.database import Database
from desktop_app.ui import labels
from desktop_app.ui.background import Announcement, describe_error
from desktop_app.ui.cases.bulk_undo import Batch
from desktop_app.ui.cases.case_detail import CaseDetailPane
from desktop_app.ui.context import AppContext


class CaseUndo(QObject):
    """Keeps the undo action in step with the case shown and performs it."""

    def __init__(self, action: QAction, tabs: QTabWidget, cases_tab: QWidget, pane: CaseDetailPane,
                 context: AppContext, selection: QItemSelectionModel | None = None) -> None:
        super().__init__(action)
        self.action = action
        self._tabs = tabs
        self._cases_tab = cases_tab
        self._pane = pane
        self._context = context
        self._selection = selection  # the Cases list's: several cases selected, the undo says it takes back one
        pane.case_loaded.connect(lambda _case_id: self.update())
        pane.case_cleared.connect(self.update)
        tabs.currentChanged.connect(lambda _index: self.update())
        if selection is not None:
            selection.selectionChanged.connect(lambda _s, _d: self.update())
        action.triggered.connect(self.undo)
        self.batch: Batch | None = None  # the bulk step just taken, while it is this window's last write
        context.runner.changed.connect(self._written)
        self.update()

    def offer_batch(self, batch: Batch | None) -> None:
        """A bulk step was taken in the Cases tab: Ctrl+Z now takes it back as one."""
        self.batch = batch
        self.update()

    def _written(self, announced: Announcement) -> None:
        """Another write from this window (a step on one case, an import ...) ends the batch's offer; another
        seat's does not (a case it changed is refused on its own when the batch is undone)."""
        batch = self.batch
        if batch is not None and announced.origin not in (None, batch.origin) and announced.changes.cases:
            self.batch = None
            self.update()

    def _explain(self, enabled: bool, text: str, tip: str) -> None:
        self.action.setEnabled(enabled)
        self.action.setText(text)
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)

    def update(self) -> None:
        """Text, enabled state and tooltip for the case on screen now."""
        plain = self.tr("撤销")
        shown = self._pane.current_detail
        if self._tabs.currentWidget() is not self._cases_tab:
            self._explain(False, plain, self.tr("撤销只用于“售后单”标签页中正在查看的售后单"))
            return
        if self.batch is not None:
            self._explain_batch(self.batch)
            return
        if shown is None:
            self._explain(False, plain, self.tr("先在“售后单”标签页中选择一张售后单"))
            return
        row = shown.row
        choice = undo_choice(CaseKind(row.kind), CaseStatus(row.status), shown.events)
        if not choice.possible:
            self._explain(False, plain, self.tr("#%1：%2").replace("%1", str(row.id)).replace(
                "%2", labels.message(choice.refused or "")))
            return
        title = labels.text(choice.title)
        selected = len(self._selection.selectedRows()) if self._selection is not None else 0
        if selected > 1:
            # After a bulk step on many cases, "撤销“关闭”" read as taking back the whole batch: it takes back
            # the case shown in the pane alone, and now says so.
            self._explain(True, self.tr("撤销 #%1 的“%2”（只撤销这一张）").replace("%1", str(row.id)).replace(
                "%2", title), self.tr("所选 %3 张售后单中只撤销正在查看的 #%1 的最后一步“%2”，其他的请逐张撤销"
                                      "（时间线会记下这次撤销）").replace("%1", str(row.id)).replace(
                "%2", title).replace("%3", str(selected)))
            return
        self._explain(True, self.tr("撤销“%1”").replace("%1", title),
                      self.tr("撤销 #%1 的最后一步“%2”（时间线会记下这次撤销）").replace("%1", str(row.id)).replace(
                          "%2", title))

    def _explain_batch(self, batch: Batch) -> None:
        if not batch.steps:
            self._explain(False, self.tr("撤销"), self.tr("刚才的“%1”不能撤销：%2").replace("%1", batch.title).replace(
                "%2", batch.why_not or ""))
            return
        tip = self.tr("一次撤销刚才的“%1”（%2 张售后单，时间线会记下这次撤销）").replace("%1", batch.title).replace(
            "%2", str(len(batch.steps)))
        if len(batch.steps) < batch.done:
            tip += self.tr("；另有 %1 张不能撤销：%2").replace("%1", str(batch.done - len(batch.steps))).replace(
                "%2", batch.why_not or "")
        self._explain(True, self.tr("撤销：%1 %2 单").replace("%1", batch.title).replace(
            "%2", str(len(batch.steps))), tip)

    def _undo_batch(self, batch: Batch) -> None:
        steps = batch.steps

        def done(outcome: BulkOutcome) -> None:
            text = self.tr("已撤销“%1”：%2 张").replace("%1", batch.title).replace(
                "%2", str(len(outcome.results) - len(outcome.failed)))
            if outcome.failed:
                text += self.tr("；%1 张未撤销：%2").replace("%1", str(len(outcome.failed))).replace(
                    "%2", self.tr("，").join(self.tr("#%1（%2）").replace("%1", str(r.case_id)).replace(
                        "%2", labels.message(r.error or "")) for r in outcome.failed[:5]))
            self._pane.message.emit(text)

        def failed(error: Exception) -> None:
            self._pane.message.emit(self.tr("未能撤销：%1").replace("%1", describe_error(error)))

        self.batch = None  # taken back (or refused case by case): a second Ctrl+Z is the shown case's own
        self.update()
        self._context.write(lambda db: undo_batch(db, steps), done, failed, origin=self)

    def undo(self) -> None:
        if self.batch is not None and self._tabs.currentWidget() is self._cases_tab:
            if self.batch.steps:
                self._undo_batch(self.batch)
            else:
                self._pane.message.emit(self.action.toolTip())
            return
        shown = self._pane.current_detail
        self.update()
        if shown is None or not self.action.isEnabled():
            self._pane.message.emit(self.action.toolTip())
            return
        case_id, version = shown.row.id, shown.version

        def work(db: Database) -> UndoneStep:
            return case_service.undo_last_step(db, case_id, expected_version=version)

        def done(undone: UndoneStep) -> None:
            title, status = undone.title, undone.status
            self._pane.message.emit(self.tr("已撤销 #%1 的“%2”，当前状态：%3").replace("%1", str(case_id)).replace(
                "%2", labels.text(title)).replace("%3", labels.status(status.value)))

        def failed(error: Exception) -> None:
            self._pane.message.emit(self.tr("未能撤销：%1").replace("%1", describe_error(error)))
            self._pane.reload()

        self._context.write(work, done, failed, origin=self)
