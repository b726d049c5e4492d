"""What every tab shares (after Vorta's base_tab): the context, change notifications, a search timer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop_app.core.op_changes import OpChanges
from desktop_app.ui.background import Announcement
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.column_fit import WIDEST_LABEL, Fit, fit_columns
from desktop_app.ui.widgets.full_text_tips import show_full_texts

if TYPE_CHECKING:
    from desktop_app.store.database import Database  # SQLAlchemy: the Cases tab is built before it

# Zero: keystrokes queued in one event-loop pass coalesce, and a query superseded while waiting for
# the worker is skipped (PagedTableModel.reload), so no delay is needed to stay responsive.
SEARCH_DEBOUNCE_MS = 0


class BaseTab(QWidget):
    """A tab refreshes itself when a write changed what it shows.

    A tab that is not on screen only notes that it is out of date and reloads when it is shown:
    all reads share one worker thread, and with a million cases the hidden tabs' start-up reads
    (the reship queue ~1 s) kept the visible tab waiting for seconds (measured).
    """

    message = Signal(str)  # for the status bar

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = False
        context.runner.changed.connect(self._on_changed)
        context.database_opened.connect(self.on_database)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)

    def _on_changed(self, announced: Announcement) -> None:
        if self.wants(announced.changes):
            self.request_refresh()

    def wants(self, changes: OpChanges) -> bool:
        """Whether a write that changed these areas changes what this tab shows (whoever wrote it)."""
        return changes.any

    def refresh(self) -> None:
        """Reload what the tab shows (subclasses)."""

    def refresh_hidden(self) -> None:
        """What a tab off screen still keeps current instead of reloading (subclasses: a title count)."""

    def request_refresh(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
            self.refresh_hidden()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def on_database(self, db: Database) -> None:
        self.request_refresh()

    def focus_search(self) -> bool:
        """Ctrl+F: subclasses put the cursor in their search or filter box; False: this tab has none (统计),
        and the window takes Ctrl+F to the 售后单 search instead."""
        return False


def data_table(name: str, model: QAbstractItemModel, widths: Sequence[Fit], *, several: bool = False,
               order: Sequence[int] = (), widest: int | str = WIDEST_LABEL) -> QTableView:
    """A tab's list: rows selected whole (`several`: more than one, for bulk actions), sortable, its
    columns at `widths` (pixels, or texts to show whole: ui/widgets/column_fit.py; a label at most `widest`)
    and shown in `order` (the model's columns; default: the model's order) until the user (or the window's
    remembered layout) changes them."""
    view = QTableView()
    view.setObjectName(name)
    configure_table(view)
    if several:
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setModel(model)
    fit_columns(view, view.horizontalHeader(), widths, widest)  # English labels and titles: often wider
    for visual, column in enumerate(order):
        view.horizontalHeader().moveSection(view.horizontalHeader().visualIndex(column), visual)
    # Before the last one stretches: what `GrowColumn` leaves it (ui/widgets/grow_column.py).
    view.setProperty("start_widths", [view.columnWidth(c) for c in range(model.columnCount())])
    return view


def configure_table(view: QTableView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    # Fixed row heights and interactive widths: the view never measures a million rows.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    show_full_texts(view)  # a cell cut short (…) shows its whole text as a tooltip
