"""已保存的列对应方案: the column mappings the shop saved (order sheets and after-sales sheets), what
each recognises, deleting one, and their folders."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.io.case_mapping import delete_case_profile
from desktop_app.io.case_profiles import CaseProfile, user_case_profiles
from desktop_app.io.import_profiles import Layout
from desktop_app.io.user_profiles import SavedProfiles, delete_profile, load_saved_profiles, user_profiles_dir
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.status_colours import OVERDUE, tint

CASE_KEY = "cases:"  # row keys of after-sales mappings (kept in their own folder)


def _load_all() -> tuple[SavedProfiles, tuple[CaseProfile, ...]]:
    return load_saved_profiles(), user_case_profiles()[0]


class SavedMappingsDialog(QDialog):
    """The saved column mappings: what each recognises, deleting one, and their folder."""

    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._saved = SavedProfiles()
        self.confirmation: QMessageBox | None = None
        self.setWindowTitle(self.tr("已保存的列对应方案"))
        self.setMinimumSize(760, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("表头含有方案中全部列名的表格，导入时会自动按方案读取（程序自带的平台格式优先）。"))
        intro.setWordWrap(True)
        tint(intro, "secondary")
        layout.addWidget(intro)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("saved_mappings")
        self.table.setHorizontalHeaderLabels([self.tr("方案名称"), self.tr("平台"), self.tr("每行是"),
                                              self.tr("识别的列")])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("还没有保存任何列对应方案。用“导入其他表格…”导入一个表格时即可保存。"))
        self.empty.setObjectName("saved_mappings_empty")
        tint(self.empty, "secondary")
        self.empty.hide()
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton(self.tr("删除"))
        self.delete_button.setObjectName("delete_mapping")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.ask_to_delete)
        folder = QPushButton(self.tr("打开所在文件夹"))
        folder.clicked.connect(self.open_folder)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(folder)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        self._context.runner.run(_load_all, self._show, self._failed)

    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.windowTitle(), describe_error(error))

    def _show(self, loaded: tuple[SavedProfiles, tuple[CaseProfile, ...]]) -> None:
        saved, case_profiles = loaded
        self._saved = saved
        layout_names = {Layout.ORDER_ROWS: self.tr("一行一个订单"), Layout.ITEM_ROWS: self.tr("一行一个商品")}
        rows: list[tuple[str, list[str], str | None]] = []
        for profile in saved.profiles:
            columns = "、".join(group[0] for group in profile.identify)
            rows.append((profile.id, [profile.label, labels.platform(profile.platform.value),
                                      layout_names.get(profile.layout, profile.layout.value), columns], None))
        for case_profile in case_profiles:
            columns = "、".join(group[0] for group in case_profile.identify)
            rows.append((CASE_KEY + case_profile.id, [case_profile.label, labels.platform(case_profile.platform.value),
                                                      self.tr("一行一个售后单"), columns], None))
        for problem in saved.problems:
            rows.append((problem.path.name, [problem.path.name, "", "", problem.message], problem.message))
        self.table.setRowCount(len(rows))
        for row, (key, values, error) in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setToolTip(value)
                if error is not None:
                    item.setForeground(QBrush(OVERDUE))
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._selection_changed()
        self.loaded.emit()

    def keys(self) -> list[str]:
        """The id (or, for a broken file, the file name) of each row."""
        return [key for row in range(self.table.rowCount()) if (key := self._key(row)) is not None]

    def selected_key(self) -> str | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        return self._key(rows.pop())

    def _key(self, row: int) -> str | None:
        item = self.table.item(row, 0)  # every listed row has one
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected_key() is not None)

    def ask_to_delete(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        item = self.table.item(self.table.currentRow(), 0)
        name = item.text() if item is not None else key
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("删除列对应方案"),
                          self.tr("删除方案“%1”？以后这种表格需要重新对应各列。").replace("%1", name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("删除"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("取消"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.delete(key) if button is yes else None)
        self.confirmation = box
        box.open()

    def delete(self, key: str) -> None:
        if key.startswith(CASE_KEY):
            case_id = key[len(CASE_KEY):]
            self._context.runner.run(lambda: delete_case_profile(case_id), lambda _path: self.refresh(), self._failed)
            return
        self._context.runner.run(lambda: delete_profile(key), lambda _path: self.refresh(), self._failed)

    def open_folder(self) -> None:
        folder = user_profiles_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
