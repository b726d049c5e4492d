"""The 时效规则 form's own fields: ticks of kinds or reasons (none ticked: every one, as a key left out of the
file), a duration with its unit, and the validator's messages with the file's keys named in words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QSpinBox, QWidget

from desktop_app.core.rule_messages import RULE_KEY_WORDS
from desktop_app.core.rule_pack_tables import MAX_DURATION
from desktop_app.core.vocabulary import LabelledEnum
from desktop_app.io.rule_pack_document import DURATION_UNITS
from desktop_app.ui import labels

CODE_ROLE = Qt.ItemDataRole.UserRole + 1


# The form's texts, translated under its name as they always were.
def _tr(text: str) -> str:
    return QCoreApplication.translate("RuleForm", text)


def in_words(problem: str) -> str:
    """A validator message in the window's language (core/messages.py) with each “key” also named in words:
    “duration” → “时长（duration）”, in English “Duration (duration)”."""
    shown = labels.message(problem)
    for key, words in RULE_KEY_WORDS.items():
        named = _tr("“%1（%2）”").replace("%1", labels.text(words)).replace("%2", key)
        # The English quotes keys "straight": the curly ones are full-width in the interface's CJK font.
        shown = shown.replace(f"“{key}”", named).replace(f'"{key}"', named)
    return shown


class CheckList(QListWidget):
    """Codes to tick; none ticked means every one (as an omitted key in the file)."""

    changed = Signal()

    def __init__(self, members: list[LabelledEnum], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumHeight(110)
        for member in members:
            item = QListWidgetItem(labels.label(member))
            item.setData(CODE_ROLE, member.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_codes(self, codes: tuple[str, ...]) -> None:
        self.blockSignals(True)
        for row in range(self.count()):
            item = self.item(row)
            ticked = item.data(CODE_ROLE) in codes
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def codes(self) -> list[str]:
        return [self.item(r).data(CODE_ROLE) for r in range(self.count())
                if self.item(r).checkState() == Qt.CheckState.Checked]


class DurationEdit(QWidget):
    """An amount and its unit; the amount's range follows the unit (the validator's limits)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.amount = QSpinBox()
        self.amount.setObjectName("duration_amount")
        self.unit = QComboBox()
        self.unit.setObjectName("duration_unit")
        names = {"hours": self.tr("小时"), "days": self.tr("天"), "working_days": self.tr("个工作日")}
        for code in DURATION_UNITS:
            self.unit.addItem(names[code], code)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.amount)
        layout.addWidget(self.unit)
        layout.addStretch(1)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.amount.valueChanged.connect(lambda _v: self.changed.emit())
        self._unit_changed()

    def _unit_changed(self) -> None:
        self.amount.setRange(1, MAX_DURATION[self.unit_code()])
        self.changed.emit()

    def unit_code(self) -> str:
        return str(self.unit.currentData())

    def set_value(self, amount: int | None, unit: str) -> None:
        self.blockSignals(True)
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))
        self.amount.setValue(amount or 1)
        self.blockSignals(False)
