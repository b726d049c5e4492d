"""The 售后单 tab's filter bar: the search box, the platform/shop/kind/status/open boxes, and the two chips
that narrow the list from elsewhere (仅显示 from an import summary, 统计 from the 统计 tab).

The bar holds what the list is asked for (`current_filter`); the tab reloads when `changed` fires (a
box or a chip) or after the search box's debounce.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from desktop_app.core.lifecycle import CaseStatus
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.store.case_filters import CaseFilter, OpenState
from desktop_app.store.rows import ShopRow
from desktop_app.ui import labels


class CaseFilterBar(QWidget):
    changed = Signal()  # a box or a chip changed what the list is asked for: reload now

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("case_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索 订单号 / 收货人 / 手机（可输后四位）/ 物流单号 / 商品  (Ctrl+F)"))
        bar.addWidget(self.search, 3)
        self.platform_filter = _combo("platform_filter", self.tr("全部平台"),
                                      [(labels.label(p), p.value) for p in Platform])
        self.shop_filter = _combo("shop_filter", self.tr("全部店铺"), [])
        self.kind_filter = _combo("kind_filter", self.tr("全部类型"), [(labels.label(k), k.value) for k in CaseKind])
        self.status_filter = _combo("status_filter", self.tr("全部状态"),
                                    [(labels.label(s), s.value) for s in CaseStatus])
        self.open_filter = QComboBox()
        self.open_filter.setObjectName("open_filter")
        for text, value in ((self.tr("未结束"), OpenState.OPEN), (self.tr("需要处理"), OpenState.NEEDS_ACTION),
                            (self.tr("已结束"), OpenState.CLOSED), (self.tr("全部"), OpenState.ALL)):
            self.open_filter.addItem(text, value)
        # 需要处理: the open cases less those settled (已退款, 已补发 …) that wait only to be completed.
        self.open_filter.setItemData(1, self.tr("未结束、还要店铺处理的售后单（不含已退款、已补发等只等完成的）"),
                                     Qt.ItemDataRole.ToolTipRole)
        for combo in self.combos():
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        # "Only these cases" (a number clicked in an import summary), shown as a chip that clears it.
        self.only_ids: frozenset[int] | None = None
        self.only_button = _chip("only_ids", self.tr("点击取消，显示全部售后单"))
        self.only_button.clicked.connect(self.clear_only)
        bar.addWidget(self.only_button)
        # A selection handed over by the 统计 tab (period, reason, responsible ...): a chip that clears it.
        self.from_report: CaseFilter | None = None
        self.report_button = _chip("report_selection", self.tr("点击取消统计筛选"))
        self.report_button.clicked.connect(self.clear_report_selection)
        bar.addWidget(self.report_button)

    def combos(self) -> tuple[QComboBox, ...]:
        return self.platform_filter, self.shop_filter, self.kind_filter, self.status_filter, self.open_filter

    def current_filter(self) -> CaseFilter:
        platform = self.platform_filter.currentData()
        extra = self.from_report or CaseFilter()
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

    def fill_shops(self, shops: list[ShopRow]) -> None:
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

    def clear_search_quietly(self) -> None:
        """Empty the search box without starting its debounce (the caller reloads)."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)

    def set_open_state_quietly(self, state: OpenState) -> None:
        self.open_filter.blockSignals(True)
        self.open_filter.setCurrentIndex(self.open_filter.findData(state))
        self.open_filter.blockSignals(False)

    def show_report_selection(self, selection: CaseFilter, description: str) -> None:
        """A figure of the 统计 tab: its platform, shop and kind go into the boxes, the rest (period,
        reason, responsible party) is a chip."""
        self.from_report = selection
        self.report_button.setText(self.tr("统计：%1  ✕").replace("%1", description))
        self.report_button.show()
        boxes = ((self.platform_filter, next(iter(selection.platforms), None)), (self.shop_filter, selection.shop_id),
                 (self.kind_filter, selection.kind), (self.status_filter, None),
                 (self.open_filter, selection.open_state))
        for combo, value in boxes:
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            combo.blockSignals(False)
        self.clear_search_quietly()
        self.changed.emit()

    def clear_report_selection(self) -> None:
        self.from_report = None
        self.report_button.hide()
        self.changed.emit()

    def show_only(self, case_ids: frozenset[int], description: str) -> None:
        """List exactly these cases (open and closed) until the chip is clicked."""
        self.only_ids = frozenset(case_ids)
        self.only_button.setText(self.tr("仅显示：%1  ✕").replace("%1", description))
        self.only_button.show()
        self.set_open_state_quietly(OpenState.ALL)
        self.changed.emit()

    def clear_only(self) -> None:
        self.only_ids = None
        self.only_button.hide()
        self.changed.emit()


def _chip(name: str, tip: str) -> QPushButton:
    """A hidden button that says what narrows the list and clears it when clicked."""
    chip = QPushButton()
    chip.setObjectName(name)
    chip.setToolTip(tip)
    chip.hide()
    return chip


def _combo(name: str, all_text: str, items: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_text, None)
    for text, value in items:
        combo.addItem(text, value)
    return combo
