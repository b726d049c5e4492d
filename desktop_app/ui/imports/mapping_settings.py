"""The column mapping dialog's two lines of settings: where in the file the sheet is (its sheet, its header
row, how reading it went), and the mapping's (import as 订单 or 售后单, its name, the platform its numbers
belong to and, for 订单, whether a row is an order or an item; shown as the target asks)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop_app.core.vocabulary import Platform
from desktop_app.io.column_suggestions import MAX_LABEL_LENGTH
from desktop_app.io.import_profiles import Layout
from desktop_app.io.sheet_preview import HEADER_ROWS_SEARCHED
from desktop_app.io.user_profiles import MAPPABLE_LAYOUTS
from desktop_app.ui import labels
from desktop_app.ui.imports.mapping_messages import CASES, ORDERS
from desktop_app.ui.widgets.status_colours import tint


class SheetChoice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        where = QHBoxLayout(self)
        where.setContentsMargins(0, 0, 0, 0)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("mapping_sheet")
        self.sheet_combo.setMinimumContentsLength(12)
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("mapping_header_row")
        self.header_spin.setRange(1, HEADER_ROWS_SEARCHED)
        where.addWidget(QLabel(self.tr("工作表")))
        where.addWidget(self.sheet_combo)
        where.addSpacing(16)
        where.addWidget(QLabel(self.tr("表头所在行")))
        where.addWidget(self.header_spin)
        self.status = QLabel(self.tr("正在读取文件……"))
        self.status.setObjectName("mapping_status")
        tint(self.status, "secondary")
        where.addSpacing(16)
        where.addWidget(self.status, 1)


class MappingSettings(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("mapping_name")
        self.name_edit.setMaxLength(MAX_LABEL_LENGTH + 10)  # over-long names get a message, not a silent cut
        self.name_edit.setPlaceholderText(self.tr("例如：某某档口发货回单"))
        self.platform_combo = QComboBox()
        self.platform_combo.setObjectName("mapping_platform")
        for platform in Platform:
            self.platform_combo.addItem(labels.platform(platform.value), platform.value)
        self.platform_combo.setToolTip(self.tr("订单号属于哪个平台：与已导入的同平台订单按订单号合并"))
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("mapping_layout")
        layout_names = {Layout.ORDER_ROWS: self.tr("一行一个订单"),
                        Layout.ITEM_ROWS: self.tr("一行一个商品，同一订单号的行合并为一个订单")}
        for value in MAPPABLE_LAYOUTS:
            self.layout_combo.addItem(layout_names[value], value.value)
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("mapping_target")
        self.target_combo.addItem(self.tr("订单"), ORDERS)
        self.target_combo.addItem(self.tr("售后单"), CASES)
        self.target_combo.setToolTip(self.tr("订单表格（发货单、订单台账）还是售后表格（ERP 售后单、售后台账）"))
        settings = QHBoxLayout(self)
        settings.setContentsMargins(0, 0, 0, 0)
        settings.addWidget(QLabel(self.tr("导入为")))
        settings.addWidget(self.target_combo)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("方案名称")))
        settings.addWidget(self.name_edit, 2)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("平台")))
        settings.addWidget(self.platform_combo)
        settings.addSpacing(12)
        self.layout_label = QLabel(self.tr("每行是"))
        settings.addWidget(self.layout_label)
        settings.addWidget(self.layout_combo, 2)

    def show_target(self, cases: bool) -> None:
        """An after-sales sheet has no order-or-item layout, and its platform says where its case numbers belong."""
        self.layout_label.setVisible(not cases)
        self.layout_combo.setVisible(not cases)
        self.platform_combo.setToolTip(self.tr("售后单号属于哪个平台：再次导入时按平台和售后单号找到同一张售后单")
                                       if cases else self.tr("订单号属于哪个平台：与已导入的同平台订单按订单号合并"))
