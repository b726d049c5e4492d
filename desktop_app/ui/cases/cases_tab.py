"""The 售后单 tab: every case across platforms and shops, searchable, filterable, with a detail pane."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.store.case_filters import CaseFilter, CaseSort, OpenState
from desktop_app.store.rows import CaseRow, ShopRow
from desktop_app.store.search_terms import SEARCH_LIMIT, is_phone_tail
from desktop_app.ui.base_tab import BaseTab, data_table
from desktop_app.ui.cases.case_filter_bar import CaseFilterBar
from desktop_app.ui.cases.case_list_export import CaseListExport
from desktop_app.ui.cases.case_table_model import CaseTableModel
from desktop_app.ui.cases.empty_state import EmptyState
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.column_fit import ORDER_NO, Fit, amount, moment, vocabulary
from desktop_app.ui.widgets.grow_column import grow_column
from desktop_app.ui.widgets.paged_model import PAGE_SIZE, ROW_ROLE
from desktop_app.ui.widgets.scroll_pane import scrolling
from desktop_app.ui.widgets.status_colours import legend, tint
from desktop_app.ui.widgets.table_menu import install_row_menu

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop_app.store.database import Database
    from desktop_app.store.first_page import FirstPage
    from desktop_app.ui.cases.bulk_dialog import BulkActionDialog
    from desktop_app.ui.cases.case_detail import CaseDetailPane
    from desktop_app.ui.cases.case_evidence_panel import CaseEvidencePanel
    from desktop_app.ui.cases.case_guide_panel import CaseGuidePanel

# Beside the detail pane the first run's 1280 px window shows the list through 金额 (Amount) in English too:
# a kind, reason or status label wider than this one (six characters, ~12 letters) is cut (its tooltip says
# it whole).
CASE_LABELS = "等待买家退货"


def _column_fits() -> tuple[Fit, ...]:
    """The columns' starting widths (in the model's order), from their texts in the language shown."""
    return (("99999",), vocabulary(Platform), 90, (ORDER_NO,), 64, vocabulary(CaseKind), vocabulary(CaseReason),
            vocabulary(CaseStatus), amount(), vocabulary(ResponsibleParty), 170, moment())


# 下一个时限 then 金额 right after 状态, 店铺 after them: the columns a shop owner reads first stay in view on a
# 1366 px laptop beside the detail pane (金额 was past the table's edge); the user may drag them back.
_FIRST_RUN_ORDER = (CaseSort.ID, CaseSort.PLATFORM, CaseSort.ORDER_NO, CaseSort.RECEIVER, CaseSort.KIND,
                    CaseSort.REASON, CaseSort.STATUS, CaseSort.NEXT_DUE, CaseSort.AMOUNT, CaseSort.SHOP,
                    CaseSort.RESPONSIBLE, CaseSort.UPDATED)


class CasesTab(BaseTab):
    new_case_requested = Signal()
    import_requested = Signal()
    bulk_done = Signal(object)  # the bulk step just taken (ui.cases.bulk_undo.Batch), or None: Ctrl+Z's offer

    def __init__(self, context: AppContext, parent: QWidget | None = None, panes: bool = True) -> None:
        """`panes=False`: the detail pane and its neighbours come with `build_panes()` — the window shows
        the table's first page before their code (the services, SQLAlchemy) is imported (issue 15)."""
        super().__init__(context, parent)
        self.model = CaseTableModel(context.runner, self)
        self.detail: CaseDetailPane | None = None
        self.guide: CaseGuidePanel | None = None
        self.evidence: CaseEvidencePanel | None = None
        self._wanted_case: int | None = None  # chosen before the detail pane was built
        self._first_any_case = True  # from the early first page: whether the ledger has any case
        self._pending_select: int | None = None
        self._kept_selection: set[int] = set()  # the cases selected together before a reload (a bulk step)
        self._filter_changed = False  # the next load follows a new search/filter, not a refresh

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.filter_bar = CaseFilterBar()
        self.filter_bar.changed.connect(self.apply_filter)
        bar = self.filter_bar  # its boxes and chips by their usual names (tests, the window)
        self.search, self.only_button, self.report_button = bar.search, bar.only_button, bar.report_button
        self.platform_filter, self.shop_filter, self.kind_filter, self.status_filter, self.open_filter = bar.combos()
        self.show_report_selection, self.clear_report_selection = bar.show_report_selection, bar.clear_report_selection
        self.show_only, self.clear_only = bar.show_only, bar.clear_only
        outer.addWidget(bar)

        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.empty.import_requested.connect(self.import_requested)
        self.empty.new_case_requested.connect(self.new_case_requested)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = data_table("case_table", self.model, _column_fits(), several=True,  # bulk actions
                                order=[self.model.column_index(key) for key in _FIRST_RUN_ORDER], widest=CASE_LABELS)
        self.table.horizontalHeader().setSortIndicator(
            self.model.column_index("updated"), Qt.SortOrder.DescendingOrder)
        grow_column(self.table, self.model.column_index(CaseSort.NEXT_DUE),  # a wide window's room,
                    keep_in_view=self.model.column_index(CaseSort.AMOUNT))  # a narrow one's 金额 in view
        left_layout.addWidget(self.table)
        below = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("case_count")
        # Room for a million's count from the start: the first count would widen the pane and repaint the
        # whole table beside the ledger's opening imports (issue 15).
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance(
            self.tr("共 %1 张售后单").replace("%1", "1,000,000")))
        below.addWidget(self.count_label, 1)
        below.addWidget(legend())  # what the colours mean (the same in every tab)
        self.bulk_button = QPushButton(self.tr("批量操作…"))
        self.bulk_button.setObjectName("bulk_button")
        self.bulk_button.setToolTip(self.tr("按住 Ctrl 或 Shift 选择多张售后单，对它们执行同一操作"))
        self.bulk_button.setEnabled(False)
        self.bulk_button.clicked.connect(self.open_bulk)
        below.addWidget(self.bulk_button)
        self.complete_refunded_button = QPushButton(self.tr("完成已退款的…"))
        self.complete_refunded_button.setObjectName("complete_refunded_button")
        self.complete_refunded_button.setToolTip(self.tr(
            "平台已退款、只等完成的未结束售后单（按当前的平台、店铺、类型和搜索）：一次全部完成"))
        self.complete_refunded_button.clicked.connect(self.complete_refunded)
        below.addWidget(self.complete_refunded_button)
        self.export = CaseListExport(self, context, self.model, self.message)
        self.export_button, self.export_to = self.export.button, self.export.export_to
        below.addWidget(self.export_button)
        left_layout.addLayout(below)
        self.right = QSplitter(Qt.Orientation.Vertical)
        waiting = QLabel(self.tr("正在打开数据库……"))  # where the detail pane goes (`build_panes`)
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(waiting, "secondary")
        self.right.addWidget(waiting)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.reset_panes()
        self.stack.addWidget(self.splitter)
        self.stack.addWidget(self.empty)
        # A stack resizes only the page it shows: the table's page keeps the window's width while the
        # empty-ledger page is up (the window can widen then: the tabs after this one come later).
        self.stack.installEventFilter(self)
        outer.addWidget(self.stack, 1)

        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._open_current)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.selectionModel().selectionChanged.connect(lambda _s, _d: self._selection_changed())
        self.table.activated.connect(self._open_index)
        install_row_menu(self.table, actions=[(self.tr("打开"), lambda row: self._show_case(row.id))])
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.loaded.connect(self._loaded)
        self.model.load_failed.connect(self.message)
        if panes:
            self.build_panes()

    def build_panes(self) -> None:
        """The detail pane, 处理建议 and 证据 beside the table; a case chosen before shows in them."""
        # Imported here: with panes=False the table is shown before their code (see __init__).
        from desktop_app.ui.cases.case_detail import CaseDetailPane
        from desktop_app.ui.cases.case_evidence_panel import CaseEvidencePanel
        from desktop_app.ui.cases.case_guide_panel import CaseGuidePanel

        if self.detail is not None:
            return
        context = self.context
        self.detail = CaseDetailPane(context)
        self.detail.message.connect(self.message)
        self.guide = CaseGuidePanel(context)
        self.guide.setObjectName("case_guide")
        self.evidence = CaseEvidencePanel(context)
        self.detail.case_loaded.connect(self.guide.show_case)
        self.detail.case_loaded.connect(self.evidence.show_case)
        # Neither goes on showing (and offering steps, replies and evidence of) a case the pane let go.
        self.detail.case_cleared.connect(lambda: self.guide.show_case(None) if self.guide is not None else None)
        self.detail.case_cleared.connect(lambda: self.evidence.show_case(None) if self.evidence is not None else None)
        self.extras = QTabWidget()
        self.extras.setDocumentMode(True)
        self.extras.addTab(self.guide, self.tr("处理建议"))
        self.extras.addTab(self.evidence, self.tr("证据"))
        # Kept: PySide's replaceWidget leaves the new widget's ownership with Python.
        self.detail_area = scrolling(self.detail)
        waiting = self.right.replaceWidget(0, self.detail_area)
        if waiting is not None:
            waiting.deleteLater()
        self.right.addWidget(self.extras)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        # The detail takes the placeholder's slot, and with it the placeholder's small size: share the
        # height 3:2 as the stretch factors would have (a saved layout is restored over it afterwards).
        height = sum(self.right.sizes())
        if height > 0:
            self.right.setSizes([height * 3 // 5, height - height * 3 // 5])
        wanted, self._wanted_case = self._wanted_case, None
        if wanted is not None:
            self.detail.show_case(wanted)

    def _show_case(self, case_id: int | None) -> None:
        if self.detail is None:
            self._wanted_case = case_id
        else:
            self.detail.show_case(case_id)

    def _shown_case(self) -> int | None:
        return self._wanted_case if self.detail is None else self.detail.case_id

    def reset_panes(self) -> None:
        """The table first: the detail pane wraps its text."""
        self.splitter.setSizes([820, 440])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.stack and event.type() == QEvent.Type.Resize:
            self.splitter.resize(self.stack.size())
        return super().eventFilter(watched, event)

    # --- data --------------------------------------------------------------------------------
    def wants(self, changes: OpChanges) -> bool:
        return changes.cases or changes.orders or changes.deadlines

    def on_database(self, db: Database) -> None:
        # The early first page (show_first_page) stays if nothing else was asked for meanwhile.
        keep = self.model.showing_first_page and self.model.filter == self.current_filter()
        self.model.set_database(db, load=not keep)
        self._load_shops()
        if not keep:
            self.apply_filter()

    def show_first_page(self, page: FirstPage) -> bool:
        """Before the ledger opens: its first screen as store/first_page read it, if the table still
        starts as it was read (no search, filter or other sort chosen meanwhile)."""
        f = self.current_filter()
        if self.context.db is not None or f != CaseFilter(open_state=OpenState.OPEN) or page.order != self.model.order:
            return False
        self._first_any_case = page.any_case
        self._filter_changed = True
        self.model.show_first_page(f, page)
        return True

    def refresh(self) -> None:
        if self.context.db is None:
            return
        self._load_shops()
        self.model.reload()
        if self.detail is not None:
            self.detail.reload()

    def _load_shops(self) -> None:
        self.context.look_up(_shops, self.filter_bar.fill_shops, waiting=True)

    def current_filter(self) -> CaseFilter:
        return self.filter_bar.current_filter()

    def apply_filter(self) -> None:
        if self.context.db is None:
            return
        self.search_timer.stop()
        self._filter_changed = True
        self.model.set_filter(self.current_filter())

    def _loaded(self, total: int) -> None:
        self.table.doItemsLayout()  # the scroll bar now, not after the paint: one full paint, not two
        self.count_label.setText(self.tr("共 %1 张售后单").replace("%1", f"{total:,}"))
        f = self.current_filter()
        if is_phone_tail(f.search):  # which field matched: said here, highlighted in the table
            self.count_label.setText(self.tr("按手机尾号“%1”查找（只查手机号）：共 %2 张售后单").replace(
                "%1", f.search.strip()).replace("%2", f"{total:,}"))
        if self.model.search_cut:
            text = self.tr("匹配的订单太多，只列出前 %1 个订单的 %2 张售后单；请多输入几个字")
            self.count_label.setText(text.replace("%1", f"{SEARCH_LIMIT:,}").replace("%2", f"{total:,}"))
        narrowed = f != CaseFilter(open_state=f.open_state)
        if total > 0 or narrowed:
            self.stack.setCurrentWidget(self.splitter)
        else:
            # Nothing listed and no filter typed: an empty ledger, or only closed cases hidden?
            if self.context.db is None:  # the early first page said whether there is any case
                self.stack.setCurrentWidget(self.splitter if self._first_any_case else self.empty)
            self.context.look_up(_any_case, lambda known: self.stack.setCurrentWidget(
                self.splitter if known else self.empty), waiting=True)
        self._restore_selection()
        # A reload forgets the selected rows without saying so (a model reset): the bulk button follows.
        self._selection_changed()

    def is_showing_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def shown_page(self) -> QWidget:
        """What paints the list now: the table's rows, or the empty ledger's page."""
        return self.empty if self.is_showing_empty_state() else self.table.viewport()

    # --- selection ---------------------------------------------------------------------------
    def select_case(self, case_id: int) -> None:
        """Show a case (after creating it, or from the calendar): clear filters that would hide it."""
        self._pending_select = case_id
        self._show_case(case_id)
        if self.search.text() or self.open_filter.currentData() in (OpenState.CLOSED, OpenState.NEEDS_ACTION):
            self.filter_bar.clear_search_quietly()
            self.open_filter.setCurrentIndex(self.open_filter.findData(OpenState.ALL))
        self.apply_filter()

    def _remember_selection(self) -> None:
        """Before a reload: the cases selected together, so that a reload (after a bulk step, another seat's
        change, F5) leaves them selected for the next step instead of the shown case alone."""
        rows = self.table.selectionModel().selectedRows()
        self._kept_selection = {r.id for i in rows if (r := i.data(ROW_ROLE)) is not None} if len(rows) > 1 else set()

    def _restore_selection(self) -> None:
        requested = self._pending_select is not None  # asked for by id (new case, calendar): keep it
        wanted = self._pending_select or self._shown_case()
        self._pending_select = None
        kept, self._kept_selection = (set() if requested else self._kept_selection), set()
        filter_changed, self._filter_changed = self._filter_changed, False
        if wanted is None:
            return
        # The wanted case is usually on the first page (newest first); never scan beyond it.
        first_page = min(self.model.rowCount(), PAGE_SIZE)
        for row in range(first_page):
            r = self.model.row_object(row)
            if r is not None and r.id == wanted:
                self.table.selectRow(row)
                self._select_also(kept - {wanted}, first_page)
                return
        # Not listed (or, after a new search, not on the first page): the pane must not keep showing
        # it with live buttons that would act on a case the list hides.
        if not requested and (filter_changed or self.model.rowCount() <= PAGE_SIZE):
            self._show_case(None)

    def _select_also(self, case_ids: set[int], rows: int) -> None:
        """Add these cases (those listed on the first page) to the selection, the current row unchanged."""
        if not case_ids:
            return
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(rows):
            r = self.model.row_object(row)
            if r is not None and r.id in case_ids:
                selection.select(self.model.index(row, 0), flags)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if row is not None and row.id != self._shown_case():
            self._show_case(row.id)

    def _open_index(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if row is not None:
            self._show_case(row.id)
            if self.detail is not None:
                self.detail.note_edit.setFocus()

    def _open_current(self) -> None:
        if self.model.rowCount() == 0:
            return
        index = self.table.currentIndex()
        if not index.isValid():
            index = self.model.index(0, 0)
            self.table.setCurrentIndex(index)
        self.table.setFocus()
        self._open_index(index)

    def focus_search(self) -> bool:
        self.search.setFocus()
        self.search.selectAll()
        return True

    # --- bulk actions ------------------------------------------------------------------------
    def selected_rows(self) -> list[CaseRow]:
        rows = [index.data(ROW_ROLE) for index in self.table.selectionModel().selectedRows()]
        return sorted((r for r in rows if r is not None), key=lambda r: r.id)

    def _selection_changed(self) -> None:
        count = len(self.table.selectionModel().selectedRows())
        self.bulk_button.setEnabled(count > 1)
        self.bulk_button.setText(self.tr("批量操作（%1）…").replace("%1", str(count)) if count > 1
                                 else self.tr("批量操作…"))

    def open_bulk(self) -> BulkActionDialog | None:
        """The batch dialog for the selected cases. A selection reaching rows the list has not read yet (全选
        over more than a page) opens it once they are read: then None is returned."""
        numbers = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        if len(numbers) < 2 or self.context.db is None:
            return None
        if all(self.model.is_loaded(n) for n in numbers):
            return self._open_bulk_of(self.selected_rows())
        self.model.read_rows(numbers, self._open_bulk_of)
        return None

    def _open_bulk_of(self, rows: list[CaseRow] | None) -> BulkActionDialog | None:
        from desktop_app.ui.cases.bulk_dialog import BulkActionDialog, selected_cases  # when used (start-up)

        if rows is None or len(rows) < 2 or self.context.db is None:
            return None  # the list was loaded again meanwhile: the selection went with it
        rows = sorted(rows, key=lambda r: r.id)
        return self._open_batch(BulkActionDialog(self.context, selected_cases(rows), self))

    def complete_refunded(self) -> None:
        """Every open 已退款 case the filter lists, completed in one batch (ui/cases/complete_refunded)."""
        from desktop_app.ui.cases.complete_refunded import complete_refunded  # when used (start-up)

        complete_refunded(self.context, self.current_filter(), self, self._open_batch, self.message.emit)

    def _open_batch(self, dialog: BulkActionDialog) -> BulkActionDialog:
        from desktop_app.ui.cases.bulk_undo import batch_of

        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished_bulk.connect(lambda results: self.bulk_done.emit(batch_of(
            dialog.action.currentText(), dialog.action.currentData(), dialog.chosen(),
            [s.kind for s in dialog.selected], results, dialog)))
        dialog.open()
        return dialog


# Imported by the reads that need them, on the reading thread: the tab is built before SQLAlchemy is
# imported (store/first_page shows its first screen).
def _shops(session: Session) -> list[ShopRow]:
    from desktop_app.store.case_queries import list_shops

    return list_shops(session)


def _any_case(session: Session) -> bool:
    from desktop_app.store.case_queries import count_cases

    return count_cases(session, CaseFilter()) > 0
