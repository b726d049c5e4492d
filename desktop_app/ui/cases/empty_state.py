"""The Cases tab on an empty ledger: what to do first, instead of an empty grid."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.ui.widgets.status_colours import tint


class EmptyState(QWidget):
    """First start: say what to do instead of showing an empty grid."""

    import_requested = Signal()
    new_case_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel(self.tr("还没有售后单"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size:18pt; font-weight:bold")
        layout.addWidget(title)
        # The platforms' after-sales lists come in through the same 导入 as their order exports.
        hint = QLabel(self.tr("从各平台后台导出订单和售后单（退款管理、售后单）并导入，售后单会自动建好；"
                              "也可以直接登记第一张售后单。\n"
                              "订单未导入也可以登记，导入后会自动补全收货人、商品和物流信息。"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        tint(hint, "secondary")
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton(self.tr("导入订单/售后单…"))
        self.import_button.setObjectName("empty_import")
        self.new_button = QPushButton(self.tr("新建售后单"))
        self.new_button.setObjectName("empty_new_case")
        for button in (self.import_button, self.new_button):
            button.setMinimumSize(QSize(140, 40))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(3)
        self.import_button.clicked.connect(self.import_requested)
        self.new_button.clicked.connect(self.new_case_requested)
