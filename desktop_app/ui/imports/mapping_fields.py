"""The column mapping dialog's field boxes: one combo box per field, grouped, each offering the header
row's columns. The dialog keeps one panel per target (订单 / 售后单) and shows the chosen one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QWidget

from desktop_app.io.sheet_preview import SheetColumn

Groups = tuple[tuple[str, tuple[str, ...]], ...]  # (group title, field names)


class FieldPanel(QWidget):
    """Group boxes of field → column choices; `changed` when any choice changes."""

    changed = Signal()

    def __init__(self, groups: Groups, labels: Mapping[str, str], prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = dict(labels)
        self.combos: dict[str, QComboBox] = {}
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
