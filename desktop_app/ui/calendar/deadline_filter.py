"""Ctrl+F in the 时效日历: one box that narrows the day's list and the two side lists at once (by case
number, order number, platform, timer or consequence) and says how many rows it still shows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop_app.ui.calendar.deadline_list import DeadlineList
from desktop_app.ui.widgets.status_colours import tint


class DeadlineFilter(QWidget):
    def __init__(self, lists: Sequence[DeadlineList], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lists = tuple(lists)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit()
        self.field.setObjectName("deadline_filter")
        self.field.setClearButtonEnabled(True)
        self.field.setPlaceholderText(self.tr("筛选列表：售后单号 / 订单号 / 平台 / 时限  (Ctrl+F)"))
        row.addWidget(self.field, 1)
        self.shown = QLabel()
        self.shown.setObjectName("deadline_filter_count")
        tint(self.shown, "secondary")
        row.addWidget(self.shown)
        self.field.textChanged.connect(self._filter)
        for deadline_list in self._lists:
            deadline_list.filled.connect(self._count)

    def focus(self) -> None:
        self.field.setFocus()
        self.field.selectAll()

    def _filter(self, text: str) -> None:
        for deadline_list in self._lists:
            deadline_list.set_filter(text)
        self._count()

    def _count(self) -> None:
        if not self.field.text().strip():
            self.shown.clear()
            return
        shown = sum(d.shown_count() for d in self._lists)
        listed = sum(d.topLevelItemCount() for d in self._lists)
        self.shown.setText(self.tr("显示 %1 / %2 条").replace("%1", str(shown)).replace("%2", str(listed)))
