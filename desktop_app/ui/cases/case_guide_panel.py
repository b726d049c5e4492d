"""处理建议 under the case detail: the suggested next action with its reason and deadline, the playbook's
steps as a checklist (ticks go to the timeline), who pays the postage, and reply scripts to copy."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.op_changes import Written
from desktop_app.core.playbooks import ShopPolicy
from desktop_app.services.playbooks import (
    CaseGuide,
    PlaybookLibrary,
    case_guide,
    check_step,
    enabled_policy_ids,
    load_playbooks,
    load_policies,
    set_policy,
)
from desktop_app.store.database import Database
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.cases.playbook_editor import PlaybookEditor
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import OVERDUE, shade, tint
from desktop_app.ui.widgets.table_menu import explain

STEP_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True, slots=True)
class _Loaded:
    guide: CaseGuide
    library: PlaybookLibrary


class CaseGuidePanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id: int | None = None
        self.loaded: _Loaded | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.suggestion = QLabel()
        self.suggestion.setObjectName("guide_suggestion")
        self.suggestion.setWordWrap(True)
        layout.addWidget(self.suggestion)
        self.steps_title = QLabel()
        layout.addWidget(self.steps_title)
        self.steps = QListWidget()
        self.steps.setObjectName("guide_steps")
        self.steps.setMaximumHeight(110)
        # a step wraps in the pane's width (English steps are twice as long) instead of scrolling sideways
        self.steps.setWordWrap(True)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.steps)
        self.postage = QLabel()
        self.postage.setObjectName("guide_postage")
        self.postage.setWordWrap(True)
        tint(self.postage, "secondary")
        layout.addWidget(self.postage)
        scripts_row = QHBoxLayout()
        scripts_row.addWidget(QLabel(self.tr("话术：")))
        self.script_choice = QComboBox()
        self.script_choice.setObjectName("guide_scripts")
        scripts_row.addWidget(self.script_choice, 1)
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.setObjectName("copy_script")
        self.copy_button.clicked.connect(self.copy_script)
        scripts_row.addWidget(self.copy_button)
        layout.addLayout(scripts_row)
        self.script_text = QPlainTextEdit()
        self.script_text.setObjectName("guide_script_text")
        self.script_text.setReadOnly(True)
        # the script is what the buyer receives: Chinese whatever the window's language
        self.script_text.setToolTip(self.tr("话术按原文发给买家（中文），复制后粘贴到平台的聊天窗口"))
        self.script_text.setMaximumHeight(70)
        layout.addWidget(self.script_text)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("编辑步骤和话术…"))
        self.edit_button.setObjectName("edit_playbooks")
        self.edit_button.setToolTip(self.tr("修改处理步骤、运费规则和话术，或添加本店自己的；保存为本店的版本"))
        self.edit_button.clicked.connect(self.edit_playbook)
        self.policy_button = QPushButton(self.tr("店铺策略…"))
        self.policy_button.clicked.connect(self.open_policies)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.policy_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.script_choice.currentIndexChanged.connect(self._show_script)
        self.steps.itemChanged.connect(self._step_toggled)
        self._enable(False)

    def _enable(self, enabled: bool) -> None:
        for widget in (self.steps, self.script_choice):
            widget.setEnabled(enabled)
        why = self.tr("先在列表中选择一张售后单")
        explain(self.copy_button, enabled, why, self.tr("复制话术，粘贴给买家"))
        explain(self.edit_button, enabled, why,
                self.tr("修改处理步骤、运费规则和话术，或添加本店自己的；保存为本店的版本"))

    def show_case(self, case_id: int | None) -> None:
        self.case_id = case_id
        self.reload()

    def reload(self) -> None:
        case_id = self.case_id
        if case_id is None:
            self.loaded = None
            self._enable(False)
            # Nothing of the case let go stays: its reply names its order, to be copied to a buyer.
            for label in (self.suggestion, self.steps_title, self.postage):
                label.clear()
            self.steps.clear()
            self.script_choice.clear()
            self.script_text.clear()
            return

        def work(db: Database) -> _Loaded:
            library = load_playbooks()
            with db.reading() as session:
                return _Loaded(case_guide(session, case_id, library, load_policies()), library)

        self.context.read(work, self._show, self._failed)

    def _show(self, loaded: _Loaded) -> None:
        if loaded.guide.case_id != self.case_id:
            return  # an older answer for a case no longer shown
        self.loaded = loaded
        guide = loaded.guide
        s = guide.suggestion
        action = f"<b>{escape(labels.action(s.action))}</b>{escape(self.tr('：'))}" if s.action else ""
        deadline = ""
        if guide.deadline_at is not None:
            deadline = (f"<br>{escape(self.tr('时限：'))}{escape(labels.text(guide.deadline_name or ''))} "
                        f"{labels.when(guide.deadline_at)}")
        text, reason = labels.filled(s.template, s.values), labels.filled(s.reason_template, s.values)
        self.suggestion.setText(f"{escape(self.tr('建议：'))}{action}{escape(text)}"
                                f"<br><span style='color:{shade('secondary')}'>{escape(reason)}</span>{deadline}")
        self.steps.blockSignals(True)
        self.steps.clear()
        playbook = guide.playbook
        self.steps_title.setText(
            self.tr("处理步骤（%1）").replace("%1", labels.text(playbook.title)) if playbook else "")
        for step in playbook.steps if playbook else ():
            item = QListWidgetItem(labels.text(step.text))
            item.setToolTip(item.text())
            item.setData(STEP_ROLE, step.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if step.id in guide.checked else Qt.CheckState.Unchecked)
            self.steps.addItem(item)
        self.steps.blockSignals(False)
        self.postage.setText(self.tr("运费：%1").replace("%1", labels.text(guide.postage)) if guide.postage else "")
        current = self.script_choice.currentData()
        self.script_choice.blockSignals(True)
        self.script_choice.clear()
        for script in guide.scripts:
            self.script_choice.addItem(labels.text(script.title), script.id)
        self.script_choice.setCurrentIndex(max(self.script_choice.findData(current), 0))
        self.script_choice.blockSignals(False)
        self._show_script()
        self._enable(playbook is not None)
        for problem in loaded.library.problems:
            self.suggestion.setToolTip(labels.message(problem))

    def _show_script(self) -> None:
        guide = self.loaded.guide if self.loaded else None
        wanted = self.script_choice.currentData()
        text = next((s.text for s in guide.scripts if s.id == wanted), "") if guide else ""
        self.script_text.setPlainText(text)

    def copy_script(self) -> None:
        QGuiApplication.clipboard().setText(self.script_text.toPlainText())

    def _step_toggled(self, item: QListWidgetItem) -> None:
        if self.loaded is None or self.loaded.guide.playbook is None or self.case_id is None:
            return
        playbook, case_id = self.loaded.guide.playbook, self.case_id
        step_id, done = str(item.data(STEP_ROLE)), item.checkState() == Qt.CheckState.Checked

        def work(db: Database) -> Written[bool]:
            return check_step(db, case_id, playbook, step_id, done)

        self.context.write(work, None, self._failed, origin=self)

    def edit_playbook(self) -> PlaybookEditor:
        """The editor, on this case's playbook; the guide is read again after each save."""
        playbook = self.loaded.guide.playbook if self.loaded is not None else None
        dialog = PlaybookEditor(playbook.id if playbook is not None else None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _playbook_id: self.reload())
        dialog.open()
        return dialog

    def open_policies(self) -> PolicyDialog:
        dialog = PolicyDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self.reload())
        dialog.open()
        return dialog

    def _failed(self, error: Exception) -> None:
        self.suggestion.setText(escape(describe_error(error)))


class PolicyDialog(QDialog):
    """店铺策略: the shop's own rules for suggestions (like 拼多多's 售后小助手), switched on or off."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.policies: tuple[ShopPolicy, ...] = ()
        self.setWindowTitle(self.tr("店铺策略"))
        resize_within_screen(self, 520, 300)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("开启后，符合条件的售后单会显示对应的建议（只是建议，不会替你在平台上操作）。"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setObjectName("policy_list")
        layout.addWidget(self.list, 1)
        self.problem = QLabel()  # why a switch was not saved, until the next one is
        self.problem.setObjectName("policy_problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color:{OVERDUE.name()}")
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(self._toggled)

        context.look_up(lambda session: (load_policies(), enabled_policy_ids(session)), self._fill,
                        lambda error: hint.setText(describe_error(error)))

    def _fill(self, loaded: tuple[tuple[ShopPolicy, ...], list[str]]) -> None:
        self.policies, on = loaded
        self.list.blockSignals(True)
        for policy in self.policies:
            item = QListWidgetItem(self.tr("%1：%2").replace("%1", labels.text(policy.title))
                                   .replace("%2", labels.text(policy.description)))
            item.setData(STEP_ROLE, policy.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._show_stored(on)

    def _show_stored(self, on: list[str]) -> None:
        """Tick the policies the ledger has switched on (without saving anything)."""
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setCheckState(Qt.CheckState.Checked if item.data(STEP_ROLE) in on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)

    def _toggled(self, item: QListWidgetItem) -> None:
        policies, policy_id = self.policies, str(item.data(STEP_ROLE))
        enabled = item.checkState() == Qt.CheckState.Checked
        self.problem.hide()

        def work(db: Database) -> Written[list[str]]:
            return set_policy(db, policies, policy_id, enabled)

        def failed(error: Exception) -> None:
            # Not saved (the ledger locked by another program, the server gone): the box stayed ticked as clicked
            # and the suggestions went on without the policy, nothing said. It shows what is stored again, and why.
            self.problem.setText(self.tr("未保存：%1").replace("%1", describe_error(error)))
            self.problem.show()
            self.list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked if enabled else Qt.CheckState.Checked)
            self.list.blockSignals(False)
            self.context.look_up(enabled_policy_ids, self._show_stored, lambda _error: None)

        self.context.write(work, on_success=lambda written: self._show_stored(written.value), on_failure=failed,
                           origin=self)
