"""时效规则: edit the platforms' rule packs and the shop's working-day overrides.

Page 平台规则 (its widgets: `pack_page`) shows a pack (the user's copy if there is one, else the shipped
defaults) as a form per timer (`rule_form`: name, start event, duration, kinds, reasons, penalty, windows)
and, for experts, as its TOML text; both edit the same text. 校验 lists every problem the validator finds (file and
timer named, the file's keys named in Chinese too); 保存 validates first and refuses a broken pack;
恢复默认 deletes the shop's copy after a confirmation. The shop's
copy lives in the data folder of a ledger file, in the ledger itself on a team ledger (every seat computes
with it; `services.ledger_rules`), so upgrades never overwrite it; when the shipped defaults carry a
newer revision than the copy was based on, a note says so. The dialog reads the ledger's rules off the GUI
thread when it opens (`ready` after), and saves against the version it showed: when another seat saved
the same file meanwhile, the save is refused, said in Chinese, and the fresh text shown. On a team ledger,
a pack this computer's data folder holds an older edit of can be loaded into the editor (载入本机的修改)
and saved for the team.

Page 工作日调整 holds the shop's extra days off and extra working days (one date per line).

Every save or reset then recomputes, on the worker thread, the open cases whose rules changed
(`recompute_changed_rules`) and the runner announces what it changed (deadlines, cases) so the tabs refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidgetItem,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import UserError
from desktop_app.core.op_changes import Written
from desktop_app.core.rule_packs import PACK_NAMES, RulePackError, platform_of_pack
from desktop_app.io.rule_pack_files import (
    ShopRules,
    has_user_pack,
    read_pack_text,
    validate_pack_text,
)
from desktop_app.services.ledger_rules import SavedRules, reset_pack, save_pack_text
from desktop_app.services.shop_rules import shop_rules, shop_rules_of
from desktop_app.store.database import Database
from desktop_app.store.rule_files import RuleFileChanged
from desktop_app.ui import labels
from desktop_app.ui.background import Announcement, describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.rules.pack_page import PACK_ROLE, PackPage
from desktop_app.ui.rules.rule_fields import in_words
from desktop_app.ui.rules.workday_page import WorkdayPage
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.table_menu import explain


class RulesDialog(QDialog):
    """Non-modal settings window; `rules_saved(pack or "workdays")` after a save/reset and recompute."""

    rules_saved = Signal(str)
    rules_loaded = Signal()  # the ledger's rules are read (at opening, after another seat's change)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("时效规则"))
        resize_within_screen(self, 1280, 680)
        self._texts: dict[str, str] = {}  # each pack's text as last loaded or saved
        self._drafts: dict[str, str] = {}  # unsaved edits, kept while switching between packs
        self._current: str | None = None
        self._busy = False
        self.confirm_box: QMessageBox | None = None
        self._discard_confirmed = False
        self._shop: ShopRules | None = None  # the ledger's rules as last read

        self.page = page = PackPage()
        # The page's widgets by their usual names (tests, the methods below).
        self.pack_list, self.editor, self.form, self.views = page.pack_list, page.editor, page.form, page.views
        self.state_label, self.revision_note, self.local_edit = page.state_label, page.revision_note, page.local_edit
        self.problems, self.status = page.problems, page.status
        self.validate_button, self.save_button, self.reset_button = (page.validate_button, page.save_button,
                                                                     page.reset_button)
        self.editor.textChanged.connect(self._edited)
        self.form.edited.connect(self._form_edited)
        self.views.currentChanged.connect(lambda _index: self._load_form())
        self.validate_button.clicked.connect(self.validate_current)
        self.save_button.clicked.connect(self.save_current)
        self.reset_button.clicked.connect(self.ask_reset)
        self.local_edit.load_requested.connect(self.load_local_edit)
        self.pages = QTabWidget()
        self.pages.addTab(page, self.tr("平台规则"))
        self.workdays = WorkdayPage(self._run, lambda: self._busy)
        self.workdays.saved.connect(lambda: self.rules_saved.emit("workdays"))
        self.workdays.fresh_needed.connect(self.reload_rules)
        self.pages.addTab(self.workdays, self.tr("工作日调整"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(buttons)

        self.pack_list.currentItemChanged.connect(self._pack_chosen)
        self.editor.setEnabled(False)
        self.form.setEnabled(False)
        self.reload_rules()
        context.runner.changed.connect(self._changed_elsewhere)
        self.pack_list.setCurrentRow(0)

    @property
    def ready(self) -> bool:
        """Whether the ledger's rules are read and shown."""
        return self._shop is not None

    def reload_rules(self) -> None:
        """Read the ledger's rules (a team ledger's off the GUI thread), then show them."""
        if self.context.db is None:
            self._rules_read(ShopRules.of_folder())
        else:
            self.context.look_up(shop_rules, self._rules_read, self._rules_failed, waiting=True)

    def _changed_elsewhere(self, announced: Announcement) -> None:
        """Another seat's change on a team ledger (its rules among what may have changed): read them again.
        Not while an edit is unsaved: its save must still be made against the version it started from."""
        if announced.origin is None and announced.changes.deadlines and self._shop is not None \
                and self._shop.in_ledger and not self._busy and not self.has_unsaved_edits():
            self.reload_rules()

    def _rules_read(self, shop: ShopRules) -> None:
        if shop == self._shop:  # nothing changed (another seat's change of cases): leave the page be
            self.rules_loaded.emit()
            return
        self._shop = shop
        self.editor.setEnabled(True)
        self.form.setEnabled(True)
        self.workdays.load(shop)
        if self._current is not None:
            self._show_pack(self._current)
        self.rules_loaded.emit()

    def _rules_failed(self, error: Exception) -> None:
        self.status.setText(self.tr("无法读取时效规则：%1").replace("%1", describe_error(error)))
    # --- packs -------------------------------------------------------------------------------
    @property
    def current_pack(self) -> str | None:
        return self._current

    def select_pack(self, name: str) -> None:
        self.page.select_pack(name)

    def pack_title(self, name: str) -> str:
        platform = platform_of_pack(name)
        return labels.label(platform) if platform is not None else self.tr("通用（其他平台）")

    def _refresh_item(self, name: str) -> None:
        edited = self._shop is not None and has_user_pack(name, shop=self._shop)
        self.page.name_pack(name, self.pack_title(name), edited, name in self._drafts)

    def _pack_chosen(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if previous is not None and self._current is not None:
            self._keep_draft()
        if current is None:
            return
        self._current = current.data(PACK_ROLE)
        self._show_pack(self._current)

    def _keep_draft(self) -> None:
        name = self._current
        if name is None or self._shop is None:  # nothing shown yet
            return
        text = self.editor.toPlainText()
        if text != self._texts.get(name):
            self._drafts[name] = text
        else:
            self._drafts.pop(name, None)
        self._refresh_item(name)

    def _show_pack(self, name: str) -> None:
        self.problems.clear()
        self.problems.hide()
        self.status.clear()
        if self._shop is None:  # shown once the ledger's rules are read
            return
        try:
            self._texts[name] = read_pack_text(name, shop=self._shop)
        except (OSError, UnicodeDecodeError) as error:
            self._texts[name] = ""
            self._show_problems([self.tr("无法读取规则文件：%1").replace("%1", str(error))])
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._drafts.get(name, self._texts[name]))
        self.editor.blockSignals(False)
        self._load_form()
        self._show_state(name)
        for pack in PACK_NAMES:
            self._refresh_item(pack)

    def _show_state(self, name: str) -> None:
        assert self._shop is not None
        self.page.show_state(name, self.pack_title(name), self._shop)

    def load_local_edit(self, text: str) -> None:
        """This computer's own edit of the pack shown, into the editor as an unsaved change."""
        self.editor.setPlainText(text)
        self._load_form()
        self.status.setText(self.tr("已载入本机的修改，检查后点“保存”存入团队数据库"))

    def _load_form(self) -> None:
        """The form shows the text as it is now (after typing in the TOML view, another pack ...)."""
        if self._current is not None and self._shop is not None and self.views.currentWidget() is self.form:
            self.form.load(self.editor.toPlainText(), str(self._shop.source(f"{self._current}.toml")),
                           self.pack_title)

    def _form_edited(self, text: str) -> None:
        """A change in the form: the same text the TOML view shows and 保存 writes."""
        self.editor.setPlainText(text)

    def _edited(self) -> None:
        if self._current is not None:
            self._keep_draft()
            self.status.clear()

    def _show_problems(self, problems: list[str]) -> None:
        self.page.show_problems(problems)

    def problem_texts(self) -> list[str]:
        return self.page.problem_texts()

    def validate_current(self) -> bool:
        """Check the editor's text as the pack's new content; show every problem found."""
        name = self._current
        if name is None or self._shop is None:
            return False
        try:
            pack = validate_pack_text(name, self.editor.toPlainText(), shop=self._shop)
        except RulePackError as error:
            self._show_problems([in_words(problem) for problem in error.problems])
            self.status.setText(self.tr("有 %1 处问题，未保存").replace("%1", str(len(error.problems))))
            return False
        except UserError as error:
            self._show_problems([labels.message(error)])
            self.status.setText(self.tr("有 1 处问题，未保存"))
            return False
        self._show_problems([])
        self.status.setText(self.tr("规则有效：%1 个计时器，%2 个时间窗口").replace(
            "%1", str(len(pack.timers))).replace("%2", str(len(pack.overrides))))
        return True

    def save_current(self) -> None:
        """Validate, then save the user's copy and recompute the affected deadlines."""
        name = self._current
        if name is None or self._busy or not self.validate_current():
            return
        text = self.editor.toPlainText()
        assert self._shop is not None  # validated against it
        expected = self._shop.version(f"{name}.toml")

        def work(db: Database) -> Written[tuple[SavedRules, ShopRules]]:
            saved = save_pack_text(db, name, text, expected)
            return Written((saved.value, shop_rules_of(db)), saved.changes)

        def done(result: Written[tuple[SavedRules, ShopRules]]) -> None:
            saved, shop = result.value
            self._shop = shop
            self._texts[name] = text
            self._drafts.pop(name, None)
            self._after_write(name, self.tr("已保存到 %1；已按新规则重新计算 %2 张售后单的时限").replace(
                "%1", saved.where).replace("%2", str(saved.recomputed)), saved.older_app)

        self._run(work, done, self._pack_failed)

    def ask_reset(self) -> QMessageBox | None:
        """Ask before deleting the user's copy; answered asynchronously (never exec())."""
        name = self._current
        if name is None or self._busy:
            return None
        if (self._shop is None or not has_user_pack(name, shop=self._shop)) and name not in self._drafts:
            self.status.setText(self.tr("已经是默认规则"))
            return None
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("恢复默认"),
                          self.tr("把“%1”的规则恢复为软件自带的默认规则？你对它的修改会被删除。").replace(
                              "%1", self.pack_title(name)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._reset_answered(name, result))
        self.confirm_box = box
        box.open()
        return box

    def _reset_answered(self, name: str, result: int) -> None:
        self.confirm_box = None
        if result == QMessageBox.StandardButton.Yes.value:
            self.reset_pack(name)

    def reset_pack(self, name: str) -> None:
        """Delete the user's copy of `name` (no question asked) and recompute."""
        if self._busy or self._shop is None:
            return
        expected = self._shop.version(f"{name}.toml")

        def work(db: Database) -> Written[tuple[SavedRules, ShopRules]]:
            saved = reset_pack(db, name, expected)
            return Written((saved.value, shop_rules_of(db)), saved.changes)

        def done(result: Written[tuple[SavedRules, ShopRules]]) -> None:
            saved, shop = result.value
            self._shop = shop
            self._drafts.pop(name, None)
            self._texts.pop(name, None)
            message = self.tr("已恢复默认规则；已重新计算 %1 张售后单的时限").replace("%1", str(saved.recomputed))
            self._after_write(name, message, saved.older_app)

        self._run(work, done, self._pack_failed)

    def _after_write(self, name: str, message: str, older_app: str | None) -> None:
        if self._current == name:
            self._show_pack(name)
        else:
            self._refresh_item(name)
        # This computer's app too old to recompute: the shop's message says why nothing was recomputed.
        self.status.setText(message if older_app is None else f"{message}\n{older_app}")
        self.rules_saved.emit(name)

    def _pack_failed(self, error: Exception) -> None:
        if isinstance(error, RulePackError):
            self._show_problems([in_words(problem) for problem in error.problems])
        message = self.tr("未完成：%1").replace("%1", describe_error(error))
        if isinstance(error, RuleFileChanged):
            # Another seat saved (or reset) the pack since it was shown: its version replaces the draft.
            name = error.name.removesuffix(".toml")
            self._drafts.pop(name, None)
            self.rules_loaded.connect(lambda: self.status.setText(message), Qt.ConnectionType.SingleShotConnection)
            self.reload_rules()
        self.status.setText(message)

    # --- plumbing ----------------------------------------------------------------------------
    def _run(self, work: Callable[[Database], object], done: Callable[..., None],
             failed: Callable[[Exception], None]) -> None:
        """One write at a time; buttons wait until the worker has saved and recomputed."""
        self._set_busy(True)

        def finish(result: object) -> None:
            self._set_busy(False)
            done(result)

        def fail(error: Exception) -> None:
            self._set_busy(False)
            failed(error)

        try:
            self.context.write(work, finish, fail, origin=self)
        except UserError as error:  # no ledger open
            fail(error)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.save_button, self.reset_button, self.validate_button, self.workdays.save_button):
            explain(button, not busy, self.tr("正在保存并重新计算时限，请稍候"))

    @property
    def busy(self) -> bool:
        return self._busy

    def has_unsaved_edits(self) -> bool:
        self._keep_draft()
        return bool(self._drafts)

    def reject(self) -> None:
        """Close (Esc, 关闭, the title bar); asks first when edits are unsaved, waits for a save."""
        if self._busy:
            self.status.setText(self.tr("正在保存，请稍候……"))
            return
        if self._discard_confirmed or not self.has_unsaved_edits():
            super().reject()
            return
        names = "、".join(self.pack_title(name) for name in PACK_NAMES if name in self._drafts)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("未保存的修改"),
                          self.tr("“%1”的规则改了还没有保存。放弃这些修改并关闭？").replace("%1", names),
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(self._close_answered)
        self.confirm_box = box
        box.open()

    def _close_answered(self, result: int) -> None:
        self.confirm_box = None
        if result == QMessageBox.StandardButton.Discard.value:
            self._discard_confirmed = True
            self._drafts.clear()
            self.reject()
