"""The pieces of the playbook editor (ui/cases/playbook_editor.py): a checkable list of kinds or reasons, the
steps as an editable ordered list, and the reply scripts with their placeholders to insert."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.playbooks import PLACEHOLDER_NAMES, PlaybookStep, ReplyScript
from desktop_app.core.vocabulary import LabelledEnum
from desktop_app.ui import labels

ID_ROLE = Qt.ItemDataRole.UserRole


def free_id(prefix: str, taken: Iterable[str]) -> str:
    used = set(taken)
    number = 1
    while f"{prefix}_{number}" in used:
        number += 1
    return f"{prefix}_{number}"


class ChoiceList(QListWidget):
    """Members of an enum to tick, laid out in rows (none ticked: the playbook fits any)."""

    changed = Signal()

    def __init__(self, members: Sequence[LabelledEnum], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSpacing(2)
        self.setFixedHeight(64)
        for member in members:
            item = QListWidgetItem(labels.label(member))
            item.setData(ID_ROLE, member.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.itemChanged.connect(lambda _item: self.changed.emit())

    def set_chosen(self, values: Iterable[str]) -> None:
        wanted = set(values)
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in wanted else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def chosen(self) -> list[str]:
        return [str(self.item(i).data(ID_ROLE)) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]


class StepList(QWidget):
    """The checklist's steps in order; each keeps its id (ticks on cases refer to it) while edited."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("editor_steps")
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.list.setToolTip(self.tr("双击一个步骤修改文字"))
        layout.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.add_button = self._button(self.tr("添加"), self.add_step, buttons)
        self.remove_button = self._button(self.tr("删除"), self.remove_step, buttons)
        self.up_button = self._button(self.tr("上移"), lambda: self.move_step(-1), buttons)
        self.down_button = self._button(self.tr("下移"), lambda: self.move_step(1), buttons)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())

    def _button(self, text: str, slot: object, column: QVBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        column.addWidget(button)
        return button

    def set_steps(self, steps: Sequence[PlaybookStep]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for step in steps:
            self._append(step.id, step.text)
        self.list.blockSignals(False)

    def _append(self, step_id: str, text: str) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, step_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        shown = labels.text(text)  # the step is edited in Chinese; an English window says how it shows it
        if shown != text:
            item.setToolTip(self.tr("处理步骤的原文（中文），按输入保存；窗口中显示为：%1").replace("%1", shown))
        self.list.addItem(item)
        return item

    def steps(self) -> list[PlaybookStep]:
        return [PlaybookStep(str(self.list.item(i).data(ID_ROLE)), self.list.item(i).text())
                for i in range(self.list.count())]

    def add_step(self) -> QListWidgetItem:
        item = self._append(free_id("step", (s.id for s in self.steps())), self.tr("新步骤"))
        self.list.setCurrentItem(item)
        self.list.editItem(item)
        self.changed.emit()
        return item

    def remove_step(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()

    def move_step(self, by: int) -> None:
        row = self.list.currentRow()
        target = row + by
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self.changed.emit()


class ScriptEditor(QWidget):
    """The reply scripts: pick one on the left, edit its title and text; placeholders are inserted
    with a click and filled from the case when the script is shown (买家、订单号、新运单号 …)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scripts: list[ReplyScript] = []
        self._row = -1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("editor_scripts")
        self.list.setMaximumWidth(190)
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加话术"))
        self.add_button.clicked.connect(lambda _checked=False: self.add_script())
        self.remove_button = QPushButton(self.tr("删除"))
        self.remove_button.clicked.connect(lambda _checked=False: self.remove_script())
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        layout.addLayout(left)
        right = QVBoxLayout()
        self.title = QLineEdit()
        self.title.setObjectName("script_title")
        self.title.setPlaceholderText(self.tr("话术标题，例如：已补发"))
        right.addWidget(self.title)
        self.text = QPlainTextEdit()
        self.text.setObjectName("script_body")
        self.text.setPlaceholderText(self.tr("发给买家的话；点下面的按钮插入占位符，显示时自动填入售后单的信息"))
        right.addWidget(self.text, 1)
        inserts = QHBoxLayout()
        inserts.addWidget(QLabel(self.tr("插入：")))
        for key, name in PLACEHOLDER_NAMES.items():
            button = QPushButton(labels.text(name))
            button.setObjectName(f"insert_{key}")
            button.setToolTip("{" + key + "}")
            button.clicked.connect(lambda _checked=False, k=key: self.insert_placeholder(k))
            inserts.addWidget(button)
        inserts.addStretch(1)
        right.addLayout(inserts)
        layout.addLayout(right, 1)
        self.list.currentRowChanged.connect(self._show)
        self.title.textEdited.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self._set_enabled()

    def set_scripts(self, scripts: Sequence[ReplyScript]) -> None:
        self._scripts = list(scripts)
        self._row = -1
        self.list.blockSignals(True)
        self.list.clear()
        for script in scripts:
            self.list.addItem(script.title)
        self.list.blockSignals(False)
        self.list.setCurrentRow(0 if scripts else -1)
        self._show(self.list.currentRow())

    def scripts(self) -> list[ReplyScript]:
        return list(self._scripts)

    def _show(self, row: int) -> None:
        self._row = row
        script = self._scripts[row] if 0 <= row < len(self._scripts) else None
        for widget in (self.title, self.text):
            widget.blockSignals(True)
        self.title.setText(script.title if script else "")
        self.text.setPlainText(script.text if script else "")
        for widget in (self.title, self.text):
            widget.blockSignals(False)
        self._set_enabled()

    def _set_enabled(self) -> None:
        on = 0 <= self._row < len(self._scripts)
        for widget in (self.title, self.text, self.remove_button):
            widget.setEnabled(on)

    def _edited(self) -> None:
        if not 0 <= self._row < len(self._scripts):
            return
        old = self._scripts[self._row]
        self._scripts[self._row] = ReplyScript(old.id, self.title.text(), self.text.toPlainText())
        self.list.item(self._row).setText(self.title.text())
        self.changed.emit()

    def add_script(self) -> None:
        script = ReplyScript(free_id("script", (s.id for s in self._scripts)), self.tr("新话术"), "")
        self._scripts.append(script)
        self.list.addItem(script.title)
        self.list.setCurrentRow(len(self._scripts) - 1)
        self.title.setFocus()
        self.title.selectAll()
        self.changed.emit()

    def remove_script(self) -> None:
        row = self._row
        if not 0 <= row < len(self._scripts):
            return
        del self._scripts[row]
        self.list.blockSignals(True)
        self.list.takeItem(row)
        self.list.blockSignals(False)
        self.list.setCurrentRow(min(row, len(self._scripts) - 1))
        self._show(self.list.currentRow())
        self.changed.emit()

    def insert_placeholder(self, key: str) -> None:
        if self.text.isEnabled():
            self.text.insertPlainText("{" + key + "}")
            self.text.setFocus()
