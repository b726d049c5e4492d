"""The history of a case or a claim as a four-column list: time, who, what, note."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from desktop_app.core.clock import CHINA
from desktop_app.ui import labels

NOTE_COLUMN = 3


def _tr(text: str) -> str:
    return QCoreApplication.translate("TimelineView", text)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    date_only: bool  # only the day is known (an imported date): shown without a time
    author: str
    title: str
    note: str | None
    recorded_at: datetime | None = None  # when the ledger wrote it, as a tooltip on the time


def transition(title: str, before: str, after: str) -> str:
    """`title（before → after）` for an event that moved a state."""
    return _tr("%1（%2 → %3）").replace("%1", title).replace("%2", before).replace("%3", after)


class TimelineView(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setHeaderLabels([self.tr("时间"), self.tr("操作人"), self.tr("事件"), self.tr("备注")])
        self.setWordWrap(True)

    def show_entries(self, entries: Iterable[TimelineEntry], *, scroll_to_end: bool = False) -> None:
        self.clear()
        for e in entries:
            when = e.at.astimezone(CHINA).strftime("%Y-%m-%d") if e.date_only else labels.when(e.at)
            shown = labels.note(e.note)
            item = QTreeWidgetItem([when, e.author, e.title, shown])
            item.setToolTip(NOTE_COLUMN, shown)
            if e.recorded_at is not None:
                item.setToolTip(0, self.tr("记录于 %1").replace("%1", labels.when(e.recorded_at, seconds=True)))
            self.addTopLevelItem(item)
        for column in range(NOTE_COLUMN):
            self.resizeColumnToContents(column)
        if scroll_to_end:
            last = self.topLevelItem(self.topLevelItemCount() - 1)  # None when the timeline is empty
            if last is not None:
                self.scrollToItem(last)
