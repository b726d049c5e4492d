"""The column mapping dialog's field boxes: one combo box per field, grouped, each offering the header
row's columns. The dialog keeps one panel per target (订单: OrderFields, 售后单: CaseFields) and shows
the chosen one; each panel names its fields and groups in Chinese."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from desktop_app.io.case_mapping import CASE_MAPPABLE_FIELDS
from desktop_app.io.sheet_preview import SheetColumn

Groups = tuple[tuple[str, tuple[str, ...]], ...]  # (group title, field names)

# How the fields are grouped on screen (names as in io/column_suggestions.MAPPABLE_FIELDS).
FIELD_GROUPS: Groups = (
    ("order", ("order_no", "status", "shop_name", "buyer_nick", "paid", "goods", "postage", "paid_at",
               "buyer_note", "seller_note")),
    ("delivery", ("receiver", "phone", "address", "carrier", "tracking_no", "shipped_at", "signed_at",
                  "succeeded_at")),
    ("item", ("title", "spec", "sku_code", "quantity", "unit_price")),
)
# The case fields (io/case_mapping.CASE_MAPPABLE_FIELDS) on screen.
CASE_FIELD_GROUPS: Groups = (
    ("case", ("case_no", "order_no", "kind", "status", "reason", "description", "amount")),
    ("times", ("requested_at", "finished_at", "platform_due_at", "return_carrier", "return_tracking_no")),
    ("goods", ("title", "spec", "quantity", "sku_code", "buyer_nick")),
)


class FieldPanel(QWidget):
    """Group boxes of field → column choices; `changed` when any choice changes. A subclass builds
    its boxes with `build` once it can translate their titles and labels."""

    changed = Signal()

    labels: dict[str, str]
    combos: dict[str, QComboBox]

    def build(self, prefix: str, groups: Groups, labels: dict[str, str]) -> None:
        """The boxes (once, from the subclass's init: its `tr` names the groups and labels)."""
        self.labels = labels
        self.combos = {}
        self._label_widgets: dict[str, QLabel] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for title, names in groups:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                combo = QComboBox()
                combo.setObjectName(f"{prefix}{name}")
                combo.setMinimumContentsLength(10)
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.currentIndexChanged.connect(self.changed)
                label = QLabel(self.labels.get(name, name))
                self._label_widgets[name] = label
                self.combos[name] = combo
                form.addRow(label, combo)
            row.addWidget(box, 1)

    def mark_required(self, required: set[str]) -> None:
        for name, label in self._label_widgets.items():
            label.setText(self.labels.get(name, name) + (" *" if name in required else ""))
            label.setStyleSheet("font-weight:bold" if name in required else "")

    def fill(self, columns: Sequence[SheetColumn], proposal: Mapping[str, int], none_text: str,
             column_text: str, blank_text: str) -> None:
        """Offer the columns in every box (texts with %1 = header, %2 = letter), preselecting the proposal."""
        for name, combo in self.combos.items():
            combo.clear()
            combo.addItem(none_text, None)
            for column in columns:
                header = " ".join(column.header.split())  # a header cell may hold line breaks
                text = (column_text.replace("%1", header).replace("%2", column.letter) if header
                        else blank_text.replace("%1", column.letter))
                combo.addItem(text, column.index)
            wanted = proposal.get(name)
            position = combo.findData(wanted) if wanted is not None else 0
            combo.setCurrentIndex(max(position, 0))

    def chosen(self) -> dict[str, int | None]:
        return {name: combo.currentData() for name, combo in self.combos.items()}

    def choose(self, field: str, column: SheetColumn | None) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(0 if column is None else combo.findData(column.index))

    def set_choices_enabled(self, enabled: bool) -> None:
        for combo in self.combos.values():
            combo.setEnabled(enabled)


class OrderFields(FieldPanel):
    """The order fields (导入为 订单)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        titles = {"order": self.tr("订单"), "delivery": self.tr("收货与物流"), "item": self.tr("商品")}
        self.build("field_", tuple((titles[group], names) for group, names in FIELD_GROUPS), self._labels())

    def _labels(self) -> dict[str, str]:
        return {
            "order_no": self.tr("订单号"), "status": self.tr("订单状态"), "shop_name": self.tr("店铺"),
            "buyer_nick": self.tr("买家昵称"), "paid": self.tr("实付金额"), "goods": self.tr("商品总价"),
            "postage": self.tr("邮费"), "paid_at": self.tr("付款时间"), "buyer_note": self.tr("买家留言"),
            "seller_note": self.tr("商家备注"), "receiver": self.tr("收货人"), "phone": self.tr("手机"),
            "address": self.tr("收货地址"), "carrier": self.tr("物流公司"), "tracking_no": self.tr("物流单号"),
            "shipped_at": self.tr("发货时间"), "signed_at": self.tr("签收时间"),
            "succeeded_at": self.tr("确认收货时间"), "title": self.tr("商品名称"), "spec": self.tr("商品规格"),
            "sku_code": self.tr("商家编码"), "quantity": self.tr("数量"), "unit_price": self.tr("单价"),
        }


class CaseFields(FieldPanel):
    """The after-sales fields (导入为 售后单)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        titles = {"case": self.tr("售后单"), "times": self.tr("时间与退货"), "goods": self.tr("商品与买家")}
        self.build("case_field_", tuple((titles[group], names) for group, names in CASE_FIELD_GROUPS),
                   self._labels())

    def _labels(self) -> dict[str, str]:
        names = {
            "case_no": self.tr("售后单号"), "order_no": self.tr("订单号"), "kind": self.tr("售后类型"),
            "status": self.tr("售后状态"), "reason": self.tr("售后原因"), "description": self.tr("问题描述"),
            "amount": self.tr("退款金额"), "requested_at": self.tr("申请时间"), "finished_at": self.tr("完结时间"),
            "platform_due_at": self.tr("平台处理时限"), "return_carrier": self.tr("退货物流公司"),
            "return_tracking_no": self.tr("退货物流单号"), "title": self.tr("商品名称"), "spec": self.tr("商品规格"),
            "quantity": self.tr("数量"), "sku_code": self.tr("商家编码"), "buyer_nick": self.tr("买家昵称"),
        }
        return {spec.name: names.get(spec.name, spec.label) for spec in CASE_MAPPABLE_FIELDS}
