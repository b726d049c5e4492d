"""The 售后单 tab: every case across platforms and shops, searchable, filterable, with a detail pane."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.store.case_filters import CaseFilter, CaseSort, OpenState
from desktop_app.store.rows import CaseRow, ShopRow
from desktop_app.store.search_terms import SEARCH_LIMIT, is_phone_tail
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.base_tab import BaseTab, data_table
from desktop_app.ui.cases.case_table_model import CaseTableModel
from desktop_app.ui.cases.empty_state import EmptyState
from desktop_app.ui.context import AppContext
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

_COLUMN_WIDTHS = (44, 50, 90, 160, 64, 66, 76, 76, 64, 52, 170, 130)  # 更新时间 last: a whole date and time
# 下一个时限 then 金额 right after 状态, 店铺 after them: the columns a shop owner reads first stay in view on a
# 1366 px laptop beside the detail pane (金额 was past the table's edge); the user may drag them back.
_FIRST_RUN_ORDER = (CaseSort.ID, CaseSort.PLATFORM, CaseSort.ORDER_NO, CaseSort.RECEIVER, CaseSort.KIND,
                    CaseSort.REASON, CaseSort.STATUS, CaseSort.NEXT_DUE, CaseSort.AMOUNT, CaseSort.SHOP,
                    CaseSort.RESPONSIBLE, CaseSort.UPDATED)


class CasesTab(BaseTab):
    new_case_requested = Signal()
    import_requested = Signal()

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
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("case_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)"))
        bar.addWidget(self.search, 3)
        self.platform_filter = self._combo("platform_filter", self.tr("全部平台"),
                                           [(labels.label(p), p.value) for p in Platform])
        self.shop_filter = self._combo("shop_filter", self.tr("全部店铺"), [])
        self.kind_filter = self._combo("kind_filter", self.tr("全部类型"),
                                       [(labels.label(k), k.value) for k in CaseKind])
        self.status_filter = self._combo("status_filter", self.tr("全部状态"),
                                         [(labels.label(s), s.value) for s in CaseStatus])
        self.open_filter = QComboBox()
        self.open_filter.setObjectName("open_filter")
        for text, value in ((self.tr("未结束"), OpenState.OPEN), (self.tr("已结束"), OpenState.CLOSED),
                            (self.tr("全部"), OpenState.ALL)):
            self.open_filter.addItem(text, value)
        for combo in (self.platform_filter, self.shop_filter, self.kind_filter, self.status_filter,
                      self.open_filter):
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(self.apply_filter)
        # "Only these cases" (a number clicked in an import summary), shown as a chip that clears it.
        self.only_ids: frozenset[int] | None = None
        self.only_button = QPushButton()
        self.only_button.setObjectName("only_ids")
        self.only_button.setToolTip(self.tr("点击取消，显示全部售后单"))
        self.only_button.hide()
        self.only_button.clicked.connect(self.clear_only)
        bar.addWidget(self.only_button)
        # A selection handed over by the 统计 tab (period, reason, responsible ...): a chip that clears it.
        self._from_report: CaseFilter | None = None
        self.report_button = QPushButton()
        self.report_button.setObjectName("report_selection")
        self.report_button.setToolTip(self.tr("点击取消统计筛选"))
        self.report_button.hide()
        self.report_button.clicked.connect(self.clear_report_selection)
        bar.addWidget(self.report_button)
        outer.addLayout(bar)

        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.empty.import_requested.connect(self.import_requested)
        self.empty.new_case_requested.connect(self.new_case_requested)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = data_table("case_table", self.model, _COLUMN_WIDTHS, several=True,  # bulk actions
                                order=[self.model.column_index(key) for key in _FIRST_RUN_ORDER])
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
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setObjectName("export_cases")
        self.export_button.setToolTip(self.tr("导出当前列表（按当前搜索、筛选和排序）中的售后单"))
        self.export_button.clicked.connect(self.choose_export)
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

    def _combo(self, name: str, all_text: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(all_text, None)
        for text, value in items:
            combo.addItem(text, value)
        return combo

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
        self.context.look_up(_shops, self._fill_shops, waiting=True)

    def _fill_shops(self, shops: list[ShopRow]) -> None:
        current = self.shop_filter.currentData()
        self.shop_filter.blockSignals(True)
        self.shop_filter.clear()
        self.shop_filter.addItem(self.tr("全部店铺"), None)
        for shop in shops:
            self.shop_filter.addItem(self.tr("%1（%2）").replace("%2", labels.platform(shop.platform))
                                     .replace("%1", shop.name), shop.id)
        index = self.shop_filter.findData(current)
        self.shop_filter.setCurrentIndex(max(index, 0))
        self.shop_filter.blockSignals(False)

    def current_filter(self) -> CaseFilter:
        platform = self.platform_filter.currentData()
        extra = self._from_report or CaseFilter()
        return CaseFilter(
            search=self.search.text(),
            platforms=frozenset({platform}) if platform else frozenset(),
            # The shop list loads in the background: a shop handed over before it arrived still counts.
            shop_id=self.shop_filter.currentData() if self.shop_filter.currentData() is not None else extra.shop_id,
            kind=self.kind_filter.currentData(),
            status=self.status_filter.currentData(),
            open_state=OpenState(self.open_filter.currentData()),
            reason=extra.reason, responsible=extra.responsible, carrier=extra.carrier, product=extra.product,
            requested_from=extra.requested_from, requested_before=extra.requested_before, case_ids=self.only_ids,
        )

    def show_report_selection(self, selection: CaseFilter, description: str) -> None:
        """List the cases behind a figure of the 统计 tab: its platform, shop and kind go into the
        filter boxes, the rest (period, reason, responsible party) is a chip in the filter bar."""
        self._from_report = selection
        self.report_button.setText(self.tr("统计：%1  ✕").replace("%1", description))
        self.report_button.show()
        boxes = ((self.platform_filter, next(iter(selection.platforms), None)), (self.shop_filter, selection.shop_id),
                 (self.kind_filter, selection.kind), (self.status_filter, None),
                 (self.open_filter, selection.open_state))
        for combo, value in boxes:
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def clear_report_selection(self) -> None:
        self._from_report = None
        self.report_button.hide()
        self.apply_filter()

    def show_only(self, case_ids: frozenset[int], description: str) -> None:
        """List exactly these cases (open and closed) until the chip is clicked."""
        self.only_ids = frozenset(case_ids)
        self.only_button.setText(self.tr("仅显示：%1  ✕").replace("%1", description))
        self.only_button.show()
        self.open_filter.blockSignals(True)
        self.open_filter.setCurrentIndex(self.open_filter.findData(OpenState.ALL))
        self.open_filter.blockSignals(False)
        self.apply_filter()

    def clear_only(self) -> None:
        self.only_ids = None
        self.only_button.hide()
        self.apply_filter()

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
        if self.search.text() or self.open_filter.currentData() == OpenState.CLOSED:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
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

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- export ------------------------------------------------------------------------------
    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出售后单"), str(Path.home() / "售后单导出.xlsx"),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if path:
            self.export_to(Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx"))

    def export_to(self, path: Path) -> None:
        """Export the cases the list shows now (search, filters and sort as on screen)."""
        # Imported when used: the export pulls in openpyxl (and numpy), which the table does not need to show.
        from desktop_app.services.case_export import export_cases

        f, order = self.model.filter, self.model.order

        def work(db: Database) -> int:
            return export_cases(db, path, f, order)

        def failed(error: Exception) -> None:
            QMessageBox.warning(self, self.tr("导出售后单"), describe_error(error))

        self.context.read(work, lambda n: self.message.emit(
            self.tr("已导出 %1 张售后单到 %2").replace("%1", f"{n:,}").replace("%2", str(path))), failed)

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
        from desktop_app.ui.cases.bulk_dialog import BulkActionDialog, selected_cases  # when used (start-up)

        rows = self.selected_rows()
        if len(rows) < 2 or self.context.db is None:
            return None
        dialog = BulkActionDialog(self.context, selected_cases(rows), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
