"""时效规则 → 平台规则: the page's widgets and what they show — the packs' list, which copy is in use, the
newer-defaults note, this computer's earlier edit (team ledger), the form and TOML views of one pack, its
problems, the status line and the 校验 / 保存 / 恢复默认 buttons.

What the buttons do (reading, drafts, validating, saving, resetting) is the dialog's (rules_dialog.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.rule_packs import PACK_NAMES, RulePackError
from desktop_app.io.rule_pack_files import ShopRules, has_user_pack, shipped_revision_is_newer
from desktop_app.ui.rules.local_edit_note import LocalEditNote
from desktop_app.ui.rules.rule_form import RuleForm
from desktop_app.ui.widgets.full_text_tips import show_full_texts
from desktop_app.ui.widgets.status_colours import tint

PACK_ROLE = Qt.ItemDataRole.UserRole + 1


class PackPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack_list = QListWidget()
        self.pack_list.setObjectName("pack_list")
        self.pack_list.setMaximumWidth(120)  # six platform names (`_fit_names`); the timers' list needs the room
        show_full_texts(self.pack_list)
        for name in PACK_NAMES:
            item = QListWidgetItem()
            item.setData(PACK_ROLE, name)
            self.pack_list.addItem(item)
        self.state_label = QLabel()
        self.state_label.setObjectName("pack_state")
        self.state_label.setWordWrap(True)
        self.revision_note = QLabel()
        self.revision_note.setObjectName("revision_note")
        self.revision_note.setWordWrap(True)
        self.revision_note.setStyleSheet("background:#fff3e0; color:#8a4b00; padding:4px")
        self.revision_note.hide()
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("pack_editor")
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.form = RuleForm()
        self.form.setObjectName("pack_form")
        self.views = QTabWidget()
        self.views.setObjectName("pack_views")
        self.views.addTab(self.form, self.tr("表单"))
        self.views.addTab(self.editor, self.tr("TOML（高级）"))
        self.problems = QListWidget()
        self.problems.setObjectName("pack_problems")
        self.problems.setWordWrap(True)
        tint(self.problems, "overdue")
        self.problems.hide()
        self.status = QLabel()
        self.status.setObjectName("pack_status")
        self.status.setWordWrap(True)
        self.validate_button = QPushButton(self.tr("校验"))
        self.validate_button.setObjectName("validate_pack")
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("save_pack")
        self.reset_button = QPushButton(self.tr("恢复默认"))
        self.reset_button.setObjectName("reset_pack")
        self.local_edit = LocalEditNote()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.state_label)
        right_layout.addWidget(self.revision_note)
        right_layout.addWidget(self.local_edit)
        editor_split = QSplitter(Qt.Orientation.Vertical)
        editor_split.addWidget(self.views)
        editor_split.addWidget(self.problems)
        editor_split.setStretchFactor(0, 4)
        editor_split.setStretchFactor(1, 1)
        right_layout.addWidget(editor_split, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        for button in (self.validate_button, self.save_button, self.reset_button):
            bar.addWidget(button)
        right_layout.addLayout(bar)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pack_list)
        layout.addWidget(right, 1)

    def select_pack(self, name: str) -> None:
        for row in range(self.pack_list.count()):
            if self.pack_list.item(row).data(PACK_ROLE) == name:
                self.pack_list.setCurrentRow(row)
                return
        raise KeyError(name)

    def name_pack(self, name: str, title: str, edited: bool, unsaved: bool) -> None:
        """The pack's line in the list: its title, whether the shop edited it, whether edits are unsaved."""
        for row in range(self.pack_list.count()):
            item = self.pack_list.item(row)
            if item.data(PACK_ROLE) == name:
                text = self.tr("%1（已修改）").replace("%1", title) if edited else title
                item.setText(text + " *" if unsaved else text)  # unsaved edits, as editors mark them
        self._fit_names()

    def _fit_names(self) -> None:
        """The list as wide as its names: "Generic (other platforms)" was cut at 120 px, over a sideways
        scroll bar, in English."""
        view = self.pack_list
        view.setMaximumWidth(max(120, view.sizeHintForColumn(0) + 2 * view.frameWidth() + 2))

    def show_state(self, name: str, title: str, shop: ShopRules) -> None:
        """Which copy of pack `name` is in use and where it lives; whether the shipped defaults are newer."""
        if shop.in_ledger and has_user_pack(name, shop=shop):
            self.state_label.setText(self.tr(
                "正在使用本店修改过的规则，保存在团队数据库中：每台电脑都按它计算时限。软件升级不会覆盖它。"))
        elif shop.in_ledger:
            self.state_label.setText(self.tr(
                "正在使用软件自带的默认规则。保存后本店的修改存入团队数据库，每台电脑都按它计算时限。"))
        elif has_user_pack(name, shop=shop):
            self.state_label.setText(self.tr("正在使用你修改过的规则（%1）。软件升级不会覆盖它。").replace(
                "%1", str(shop.source(f"{name}.toml"))))
        else:
            self.state_label.setText(self.tr("正在使用软件自带的默认规则。保存后会在数据文件夹中存一份你的副本。"))
        self.local_edit.show_for(name, title, shop)
        try:
            newer = shipped_revision_is_newer(name, shop=shop)
        except RulePackError:
            newer = False  # a broken file: the problems list says why when it is validated
        self.revision_note.setVisible(newer)
        if newer:
            self.revision_note.setText(self.tr(
                "软件自带的默认规则已更新，比你修改的版本新。请对照平台现行规则检查你的修改，"
                "或点“恢复默认”改用新的默认规则（你的修改会被删除）。"))

    def show_problems(self, problems: list[str]) -> None:
        self.problems.clear()
        self.problems.addItems(problems)
        self.problems.setVisible(bool(problems))

    def problem_texts(self) -> list[str]:
        return [self.problems.item(i).text() for i in range(self.problems.count())]
