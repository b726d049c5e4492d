"""编辑处理步骤和话术: the shop's own playbooks and reply scripts, edited in the app.

Left, every playbook (程序自带 or 本店); right, the one chosen: its name, the kinds and reasons it
fits, who pays the postage, the steps of its checklist and its reply scripts. 保存 writes the shop's
own copy into <data folder>/playbooks/ (services.playbooks.save_playbook), which the loader prefers
to the shipped file of the same id; 恢复默认 deletes that copy again. A mistake (an empty step, an
unknown placeholder) is said in Chinese under the form and nothing is written.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserError
from desktop_app.core.playbooks import Playbook
from desktop_app.core.vocabulary import CaseKind, CaseReason
from desktop_app.services.playbooks import (
    PlaybookLibrary,
    load_playbooks,
    new_playbook_id,
    remove_own_copy,
    save_playbook,
)
from desktop_app.ui import labels
from desktop_app.ui.cases.playbook_editor_parts import ID_ROLE, ChoiceList, ScriptEditor, StepList
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import tint


class PlaybookEditor(QDialog):
    saved = Signal(str)  # the id of the playbook saved or restored

    def __init__(self, select_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("编辑处理步骤和话术"))
        resize_within_screen(self, 1100, 700)
        self.library = PlaybookLibrary(())
        self.current: Playbook | None = None
        self.dirty = False
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("修改后保存为本店的版本（保存在数据文件夹中，优先于程序自带的）；"
                              "“恢复默认”删除本店的版本。处理步骤按售后类型和原因匹配，越具体越优先。"))
        hint.setWordWrap(True)
        tint(hint, "secondary")
        layout.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("playbook_list")
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("新建"))
        self.new_button.setObjectName("new_playbook")
        self.new_button.clicked.connect(lambda _checked=False: self.new_playbook())
        self.restore_button = QPushButton(self.tr("恢复默认"))
        self.restore_button.setObjectName("restore_playbook")
        self.restore_button.clicked.connect(lambda _checked=False: self.restore())
        row.addWidget(self.new_button)
        row.addWidget(self.restore_button)
        left_layout.addLayout(row)
        splitter.addWidget(left)

        right = QWidget()
        form = QFormLayout(right)
        self.title = QLineEdit()
        self.title.setObjectName("playbook_title")
        form.addRow(self.tr("名称"), self.title)
        self.kinds = ChoiceList(list(CaseKind))
        self.kinds.setObjectName("playbook_kinds")
        form.addRow(self.tr("适用类型"), self.kinds)
        self.reasons = ChoiceList(list(CaseReason))
        self.reasons.setObjectName("playbook_reasons")
        form.addRow(self.tr("适用原因"), self.reasons)
        fits_hint = QLabel(self.tr("都不勾选：适用于所有类型（或原因）"))
        tint(fits_hint, "secondary")
        form.addRow("", fits_hint)
        self.postage = QPlainTextEdit()
        self.postage.setObjectName("playbook_postage")
        self.postage.setFixedHeight(48)
        self.postage.setPlaceholderText(self.tr("谁出运费，例如：谁过错谁承担"))
        form.addRow(self.tr("运费规则"), self.postage)
        self.steps = StepList()
        form.addRow(self.tr("处理步骤"), self.steps)
        self.scripts = ScriptEditor()
        form.addRow(self.tr("话术"), self.scripts)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([220, 880])
        layout.addWidget(splitter, 1)

        self.error = QLabel()
        self.error.setObjectName("playbook_error")
        self.error.setWordWrap(True)
        tint(self.error, "overdue")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.revert_button = self.buttons.addButton(self.tr("撤销修改"), QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button.clicked.connect(lambda _checked=False: self.save())
        self.revert_button.clicked.connect(lambda _checked=False: self.revert())
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for widget in (self.kinds, self.reasons, self.steps, self.scripts):
            widget.changed.connect(self._edited)
        self.title.textEdited.connect(self._edited)
        self.postage.textChanged.connect(self._edited)
        self.list.currentRowChanged.connect(self._chosen)
        self.reload(select_id)

    # --- the list ------------------------------------------------------------------------------
    def reload(self, select_id: str | None = None) -> None:
        try:
            self.library = load_playbooks()
        except UserError as error:
            self._say(labels.message(error))
            return
        self.list.blockSignals(True)
        self.list.clear()
        for playbook in sorted(self.library.playbooks, key=lambda p: (p.id not in self.library.shipped, p.title)):
            item = QListWidgetItem(self._list_text(playbook))
            item.setData(ID_ROLE, playbook.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        wanted = next((i for i in range(self.list.count()) if self.list.item(i).data(ID_ROLE) == select_id), 0)
        self.list.setCurrentRow(wanted)
        self._chosen(wanted)
        problems = self.tr("；").join(labels.message(problem) for problem in self.library.problems)
        self._say(problems)

    def _list_text(self, playbook: Playbook) -> str:
        title = labels.text(playbook.title)  # the list in the window's language; the fields edit the Chinese
        if playbook.id not in self.library.own:
            return title
        mark = self.tr("（本店修改）") if playbook.id in self.library.shipped else self.tr("（本店）")
        return title + mark

    def _chosen(self, row: int) -> None:
        item = self.list.item(row)
        wanted = str(item.data(ID_ROLE)) if item is not None else None
        if self.current is not None and wanted == self.current.id and self.dirty:
            return
        if self.dirty and self.current is not None:
            # Never lose edits by a click in the list: back to the playbook being edited.
            self.list.blockSignals(True)
            self.list.setCurrentRow(self._row_of(self.current.id))
            self.list.blockSignals(False)
            self._say(self.tr("“%1”有未保存的修改：请先保存，或点“撤销修改”").replace(
                "%1", self.current.title))
            return
        try:
            playbook = self.library.get(wanted) if wanted else None
        except UserError:
            playbook = None  # a new playbook not saved yet
        if playbook is not None:
            self._show(playbook)

    def _row_of(self, playbook_id: str) -> int:
        return next((i for i in range(self.list.count()) if self.list.item(i).data(ID_ROLE) == playbook_id), -1)

    def _show(self, playbook: Playbook) -> None:
        self.current = playbook
        for widget in (self.title, self.postage):
            widget.blockSignals(True)
        self.title.setText(playbook.title)
        self.postage.setPlainText(playbook.postage)
        for widget, said in ((self.title, playbook.title), (self.postage, playbook.postage)):
            shown = labels.text(said)  # the fields edit the Chinese; an English window says how it shows it
            widget.setToolTip(self.tr("处理步骤的原文（中文），按输入保存；窗口中显示为：%1").replace("%1", shown)
                              if shown != said else "")
        for widget in (self.title, self.postage):
            widget.blockSignals(False)
        self.kinds.set_chosen(k.value for k in playbook.kinds)
        self.reasons.set_chosen(r.value for r in playbook.reasons)
        self.steps.set_steps(playbook.steps)
        self.scripts.set_scripts(playbook.scripts)
        self._set_dirty(False)
        own, shipped = playbook.id in self.library.own, playbook.id in self.library.shipped
        self.restore_button.setText(self.tr("恢复默认") if shipped or not own else self.tr("删除"))
        self.restore_button.setEnabled(own)
        self.restore_button.setToolTip(self.tr("删除本店的版本，改用程序自带的") if shipped
                                       else self.tr("删除这个本店自己添加的处理步骤"))

    def _say(self, text: str, ok: bool = False) -> None:
        """A line under the form: what went wrong (red), or where it was saved (green)."""
        tint(self.error, "done" if ok else "overdue")
        self.error.setText(text)

    def _edited(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if not dirty:
            self._say("")

    # --- editing -------------------------------------------------------------------------------
    def edited_playbook(self) -> Playbook | None:
        """The form as a playbook (not yet checked)."""
        if self.current is None:
            return None
        return Playbook(
            self.current.id, self.title.text(), frozenset(CaseKind(k) for k in self.kinds.chosen()),
            frozenset(CaseReason(r) for r in self.reasons.chosen()), self.postage.toPlainText().strip(),
            tuple(self.steps.steps()), tuple(self.scripts.scripts()),
        )

    def save(self) -> bool:
        playbook = self.edited_playbook()
        if playbook is None:
            return False
        try:
            path = save_playbook(playbook)
        except UserError as error:
            self._say(labels.message(error))
            return False
        self._set_dirty(False)
        self.reload(playbook.id)
        self._say(self.tr("已保存到 %1").replace("%1", str(path)), ok=True)
        self.saved.emit(playbook.id)
        return True

    def revert(self) -> None:
        if self.current is None:
            return
        current = self.current
        self._set_dirty(False)
        try:
            self._show(self.library.get(current.id))
        except UserError:  # a new one never saved: drop it
            self.list.takeItem(self._row_of(current.id))
            self.current = None
            self._chosen(self.list.currentRow())

    def new_playbook(self) -> None:
        if self.dirty:
            self._chosen(-1)  # says to save or revert first
            return
        playbook = Playbook(new_playbook_id(self.library), self.tr("新的处理步骤"), frozenset(), frozenset(), "",
                            (), ())
        item = QListWidgetItem(playbook.title + self.tr("（未保存）"))
        item.setData(ID_ROLE, playbook.id)
        self.list.blockSignals(True)
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._show(playbook)
        self.restore_button.setEnabled(False)
        self._set_dirty(True)
        self.title.setFocus()
        self.title.selectAll()

    def restore(self) -> None:
        if self.current is None or self.current.id not in self.library.own:
            return
        playbook_id = self.current.id
        try:
            remove_own_copy(playbook_id)
        except UserError as error:
            self._say(labels.message(error))
            return
        self._set_dirty(False)
        self.reload(playbook_id)
        self.saved.emit(playbook_id)
