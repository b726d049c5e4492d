"""导入其他表格: map the columns of a sheet no platform profile knows (a supplier's 发货单, the shop's
own old 台账) to the ledger's fields, save that as a reusable profile and import with it.

The file is read on the worker thread (io/user_profiles.preview_sheet); the dialog shows its first
rows, proposes a column for each field and checks the choices as they change. "保存并导入" saves
the profile and hands the file to the normal import (ImportDialog) through `import_requested`.
`SavedMappingsDialog` lists the saved profiles and deletes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.vocabulary import Platform
from desktop_app.io.import_profiles import ImportProfile, Layout
from desktop_app.io.user_profiles import (
    HEADER_ROWS_SEARCHED,
    MAPPABLE_LAYOUTS,
    MAX_LABEL_LENGTH,
    ColumnMapping,
    SavedProfiles,
    SheetColumn,
    SheetPreview,
    check_columns,
    check_mapping,
    delete_profile,
    guess_layout,
    guess_platform,
    load_saved_profiles,
    preview_sheet,
    save_profile,
    shipped_profile_for,
    suggest_columns,
    suggest_label,
    user_profiles_dir,
)
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext

AnyIndex = QModelIndex | QPersistentModelIndex
HEADER_BACKGROUND = QColor("#fff1c2")
ABOVE_HEADER_FOREGROUND = QColor("#9a9a9a")
PROBLEM_COLOR = "#c62828"
MAX_PROBLEMS_SHOWN = 4
MAX_COLUMN_WIDTH = 220
# How the fields are grouped on screen (names as in user_profiles.MAPPABLE_FIELDS).
FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("order", ("order_no", "status", "shop_name", "buyer_nick", "paid", "goods", "postage", "paid_at",
               "buyer_note", "seller_note")),
    ("delivery", ("receiver", "phone", "address", "carrier", "tracking_no", "shipped_at", "signed_at",
                  "succeeded_at")),
    ("item", ("title", "spec", "sku_code", "quantity", "unit_price")),
)


class PreviewModel(QAbstractTableModel):
    """The first rows of the sheet as text; the header row highlighted, rows above it greyed.

    Column headings show the letter Excel shows and, once mapped, the field the column feeds.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[tuple[int, tuple[str, ...]], ...] = ()
        self._letters: list[str] = []
        self._header_row: int | None = None
        self._mapped: dict[int, str] = {}

    def set_preview(self, preview: SheetPreview | None, header_row: int | None) -> None:
        self.beginResetModel()
        self._rows = preview.rows if preview is not None else ()
        self._letters = [c.letter for c in preview.columns(header_row or 0)] if preview is not None else []
        self._header_row = header_row
        self._mapped = {}
        self.endResetModel()

    def set_header_row(self, header_row: int | None) -> None:
        self._header_row = header_row
        if self._rows and self._letters:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._letters) - 1))

    def set_mapped(self, mapped: dict[int, str]) -> None:
        """Column index → the field label shown under the column letter."""
        self._mapped = dict(mapped)
        if self._letters:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._letters) - 1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._letters)

    def row_number(self, row: int) -> int:
        return self._rows[row][0]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        number, cells = self._rows[index.row()]
        text = cells[index.column()] if index.column() < len(cells) else ""
        is_header = number == self._header_row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.BackgroundRole and is_header:
            return QBrush(HEADER_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and is_header:
            font = QFont()
            font.setBold(True)
            return font
        if (role == Qt.ItemDataRole.ForegroundRole and self._header_row is not None
                and number < self._header_row):
            return QBrush(ABOVE_HEADER_FOREGROUND)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._letters):
                return None
            field = self._mapped.get(section)
            return f"{self._letters[section]}\n{field}" if field else self._letters[section]
        if not 0 <= section < len(self._rows):
            return None
        return str(self._rows[section][0])

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


@dataclass(frozen=True, slots=True)
class _Loaded:
    preview: SheetPreview
    saved: SavedProfiles


class ColumnMappingDialog(QDialog):
    """Map one file's columns to fields, save the mapping as a profile, then import the file with it."""

    import_requested = Signal(object, str)  # list[Path], the saved profile's id
    preview_loaded = Signal()
    saved = Signal(object)  # ImportProfile

    def __init__(self, context: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.path = path
        self.preview: SheetPreview | None = None
        self._saved = SavedProfiles()
        self._columns: tuple[SheetColumn, ...] = ()
        self._filling = False  # widgets being filled by code: no validation until done
        self._saving = False
        self.setWindowTitle(self.tr("导入其他表格：按列对应"))
        self.setMinimumSize(940, 640)  # fits a 1366×768 laptop screen with its task bar
        self.resize(1000, 720)

        layout = QVBoxLayout(self)
        self.file_label = QLabel(self.tr("文件：%1").replace("%1", path.name))
        self.file_label.setObjectName("mapping_file")
        self.file_label.setToolTip(str(path))
        self.file_label.setStyleSheet("font-weight:bold")
        layout.addWidget(self.file_label)
        intro = QLabel(self.tr("说明每一列是什么：订单按“订单号”导入和合并，只导入选择了的列。保存后，"
                               "表头相同的表格以后会自动识别。"))
        intro.setWordWrap(True)
        intro.setStyleSheet("color:#666")
        layout.addWidget(intro)

        where = QHBoxLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("mapping_sheet")
        self.sheet_combo.setMinimumContentsLength(12)
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("mapping_header_row")
        self.header_spin.setRange(1, HEADER_ROWS_SEARCHED)
        self.header_spin.valueChanged.connect(self._header_row_chosen)
        where.addWidget(QLabel(self.tr("工作表")))
        where.addWidget(self.sheet_combo)
        where.addSpacing(16)
        where.addWidget(QLabel(self.tr("表头所在行")))
        where.addWidget(self.header_spin)
        self.status = QLabel(self.tr("正在读取文件……"))
        self.status.setObjectName("mapping_status")
        self.status.setStyleSheet("color:#777")
        where.addSpacing(16)
        where.addWidget(self.status, 1)
        layout.addLayout(where)

        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("mapping_preview")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMinimumHeight(150)
        layout.addWidget(self.table, 1)

        settings = QHBoxLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("mapping_name")
        self.name_edit.setMaxLength(MAX_LABEL_LENGTH + 10)  # over-long names get a message, not a silent cut
        self.name_edit.setPlaceholderText(self.tr("例如：某某档口发货回单"))
        self.name_edit.textChanged.connect(self._validate)
        self.platform_combo = QComboBox()
        self.platform_combo.setObjectName("mapping_platform")
        for platform in Platform:
            self.platform_combo.addItem(labels.platform(platform.value), platform.value)
        self.platform_combo.setToolTip(self.tr("订单号属于哪个平台：与已导入的同平台订单按订单号合并"))
        self.platform_combo.currentIndexChanged.connect(self._validate)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("mapping_layout")
        layout_names = {Layout.ORDER_ROWS: self.tr("一行一个订单"),
                        Layout.ITEM_ROWS: self.tr("一行一个商品，同一订单号的行合并为一个订单")}
        for value in MAPPABLE_LAYOUTS:
            self.layout_combo.addItem(layout_names[value], value.value)
        self.layout_combo.currentIndexChanged.connect(self._layout_chosen)
        settings.addWidget(QLabel(self.tr("方案名称")))
        settings.addWidget(self.name_edit, 2)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("平台")))
        settings.addWidget(self.platform_combo)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("每行是")))
        settings.addWidget(self.layout_combo, 2)
        layout.addLayout(settings)

        self.field_combos: dict[str, QComboBox] = {}
        self._field_labels: dict[str, QLabel] = {}
        groups = QHBoxLayout()
        titles = {"order": self.tr("订单"), "delivery": self.tr("收货与物流"), "item": self.tr("商品")}
        for group, names in FIELD_GROUPS:
            box = QGroupBox(titles[group])
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for name in names:
                combo = QComboBox()
                combo.setObjectName(f"field_{name}")
                combo.setMinimumContentsLength(10)
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.currentIndexChanged.connect(self._validate)
                label = QLabel()
                self._field_labels[name] = label
                self.field_combos[name] = combo
                form.addRow(label, combo)
            groups.addWidget(box, 1)
        layout.addLayout(groups)
        self._label_fields()

        self.notice = QLabel()
        self.notice.setObjectName("mapping_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color:#8a6d00")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.problems = QLabel()
        self.problems.setObjectName("mapping_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color:{PROBLEM_COLOR}")
        layout.addWidget(self.problems)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.save_button = QPushButton(self.tr("保存并导入"))
        self.save_button.setObjectName("save_and_import")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_and_import)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._set_form_enabled(False)
        self._load(None)

    # --- field names --------------------------------------------------------------------------
    def field_label(self, name: str) -> str:
        names = {
            "order_no": self.tr("订单号"), "status": self.tr("订单状态"), "shop_name": self.tr("店铺"),
            "buyer_nick": self.tr("买家昵称"), "paid": self.tr("实付金额"), "goods": self.tr("商品总价"),
            "postage": self.tr("邮费"), "paid_at": self.tr("付款时间"), "buyer_note": self.tr("买家留言"),
            "seller_note": self.tr("商家备注"), "receiver": self.tr("收货人"), "phone": self.tr("手机"),
            "address": self.tr("收货地址"), "carrier": self.tr("物流公司"), "tracking_no": self.tr("物流单号"),
            "shipped_at": self.tr("发货时间"), "signed_at": self.tr("签收时间"),
            "succeeded_at": self.tr("确认收货时间"), "title": self.tr("商品名称"), "spec": self.tr("商品规格"),
            "sku_code": self.tr("商家编码"), "quantity": self.tr("数量"), "unit_price": self.tr("单价"),
        }
        return names.get(name, name)

    def _required(self) -> set[str]:
        return {"order_no", "title"} if self.chosen_layout() is Layout.ITEM_ROWS else {"order_no"}

    def _label_fields(self) -> None:
        required = self._required()
        for name, label in self._field_labels.items():
            text = self.field_label(name)
            label.setText(text + (" *" if name in required else ""))
            label.setStyleSheet("font-weight:bold" if name in required else "")

    # --- reading ------------------------------------------------------------------------------
    def _load(self, sheet: str | None) -> None:
        self.status.setText(self.tr("正在读取文件……"))
        self._set_form_enabled(False)
        path = self.path

        def work() -> _Loaded:
            return _Loaded(preview_sheet(path, sheet), load_saved_profiles())

        self._context.runner.run(work, self._loaded, self._load_failed)

    def _loaded(self, loaded: _Loaded) -> None:
        preview = loaded.preview
        self.preview = preview
        self._saved = loaded.saved
        self._filling = True
        try:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(list(preview.sheet_names))
            self.sheet_combo.setCurrentText(preview.sheet)
            self.sheet_combo.setEnabled(len(preview.sheet_names) > 1)
            last = preview.row_numbers[-1] if preview.rows else 1
            self.header_spin.setRange(1, max(1, min(HEADER_ROWS_SEARCHED, last)))
            self.header_spin.setValue(preview.header_row or (preview.row_numbers[0] if preview.rows else 1))
            if not self.name_edit.text():
                self.name_edit.setText(suggest_label(self.path))
        finally:
            self._filling = False
        self.model.set_preview(preview, self.header_spin.value())
        self._arrange_preview()
        self._set_form_enabled(bool(preview.rows))
        if not preview.rows:
            self.status.setText(self.tr("这个工作表是空的"))
        elif preview.header_row is None:
            self.status.setText(self.tr("没有认出表头行：请选择表头在第几行"))
        else:
            self.status.setText(self.tr("预览前 %1 行；表头行以黄色标出").replace("%1", str(len(preview.rows))))
        self._fill_columns(guess=True)
        self.preview_loaded.emit()

    def _load_failed(self, error: Exception) -> None:
        self.status.setText(self.tr("无法读取"))
        self.problems.setText(describe_error(error))
        self._set_form_enabled(False)
        self.preview_loaded.emit()

    def _set_form_enabled(self, enabled: bool) -> None:
        for widget in (self.header_spin, self.name_edit, self.platform_combo, self.layout_combo,
                       *self.field_combos.values()):
            widget.setEnabled(enabled)
        self.save_button.setEnabled(enabled)

    def _sheet_chosen(self) -> None:
        if self._filling or self.preview is None:
            return
        sheet = self.sheet_combo.currentText()
        if sheet and sheet != self.preview.sheet:
            self._load(sheet)

    def _header_row_chosen(self) -> None:
        if self._filling or self.preview is None:
            return
        self.model.set_header_row(self.header_spin.value())
        self._arrange_preview()
        self._fill_columns(guess=False)  # the platform and layout chosen stay

    def _arrange_preview(self) -> None:
        """Size columns to the header and the data (not to a long title line above them, which
        spans the whole width instead)."""
        preview = self.preview
        if preview is None:
            return
        header_row = self.header_spin.value()
        self.table.clearSpans()
        metrics = self.table.fontMetrics()
        widths = [metrics.horizontalAdvance(c.letter) + 24 for c in preview.columns(header_row)]
        for row, (number, cells) in enumerate(preview.rows):
            if number < header_row and sum(1 for c in cells if c) <= 1 and len(widths) > 1:
                self.table.setSpan(row, 0, 1, len(widths))
                continue
            for column, text in enumerate(cells[:len(widths)]):
                extra = 28 if number == header_row else 16  # bold header text is wider
                widths[column] = max(widths[column], metrics.horizontalAdvance(text) + extra)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, min(width, MAX_COLUMN_WIDTH))

    def _layout_chosen(self) -> None:
        self._label_fields()
        self._validate()

    # --- columns ------------------------------------------------------------------------------
    def _fill_columns(self, guess: bool) -> None:
        """Offer the header row's columns in every field's box, preselecting the suggestions
        (and, with `guess`, the layout and platform the rows suggest)."""
        if self.preview is None:
            return
        header_row = self.header_spin.value()
        self._columns = self.preview.columns(header_row)
        proposal = suggest_columns([c.header for c in self._columns])
        self._filling = True
        try:
            for name, combo in self.field_combos.items():
                combo.clear()
                combo.addItem(self.tr("（不导入）"), None)
                for column in self._columns:
                    header = " ".join(column.header.split())  # a header cell may hold line breaks
                    text = (self.tr("%1（%2 列）").replace("%1", header).replace("%2", column.letter)
                            if header else self.tr("（%1 列，无表头）").replace("%1", column.letter))
                    combo.addItem(text, column.index)
                wanted = proposal.get(name)
                position = combo.findData(wanted) if wanted is not None else 0
                combo.setCurrentIndex(max(position, 0))
            if guess:
                order_no = proposal.get("order_no")
                self.set_layout(guess_layout(self.preview, header_row, order_no))
                platform = guess_platform(self.preview, header_row, order_no)
                self.platform_combo.setCurrentIndex(max(self.platform_combo.findData(platform.value), 0))
        finally:
            self._filling = False
        self._label_fields()
        self._validate()

    def set_layout(self, layout: Layout) -> None:
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(layout.value), 0))

    def choose_column(self, field: str, header: str | None) -> None:
        """Point a field at the column with this header text (None: not imported)."""
        combo = self.field_combos[field]
        if header is None:
            combo.setCurrentIndex(0)
            return
        column = next((c for c in self._columns if c.header == header), None)
        if column is None:
            raise KeyError(header)
        combo.setCurrentIndex(combo.findData(column.index))

    def chosen_columns(self) -> dict[str, int | None]:
        return {name: combo.currentData() for name, combo in self.field_combos.items()}

    def chosen_layout(self) -> Layout:
        return Layout(self.layout_combo.currentData() or Layout.ORDER_ROWS.value)

    def mapping(self) -> ColumnMapping:
        by_index = {c.index: c for c in self._columns}
        columns = {name: by_index[index].header for name, index in self.chosen_columns().items()
                   if index is not None and index in by_index}
        sheet = self.preview.sheet if self.preview is not None and len(self.preview.sheet_names) > 1 else None
        return ColumnMapping(self.name_edit.text(), self.platform_combo.currentData() or Platform.OTHER.value,
                             self.chosen_layout(), columns, sheet)

    # --- checking -----------------------------------------------------------------------------
    def current_problems(self) -> list[str]:
        if self.preview is None or not self.preview.rows:
            return []
        return [*check_columns(self._columns, self.chosen_columns()), *check_mapping(self.mapping())]

    def _validate(self) -> None:
        if self._filling or self.preview is None:
            return
        mapped = {index: self.field_label(name) for name, index in self.chosen_columns().items() if index is not None}
        self.model.set_mapped(mapped)
        problems = self.current_problems()
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(f"• {p}" for p in shown)
        if more > 0:
            text += "\n" + self.tr("……另有 %1 个问题").replace("%1", str(more))
        self.problems.setText(text)
        self.save_button.setEnabled(not problems and not self._saving and bool(self.preview.rows))
        self._show_notice()

    def _show_notice(self) -> None:
        notes: list[str] = []
        shipped = shipped_profile_for([c.header for c in self._columns])
        if shipped is not None:
            notes.append(self.tr("这个表格的表头已能被“%1”自动识别，直接用“导入订单”即可；保存的方案只在这次导入时使用。")
                         .replace("%1", shipped.label))
        mapping = self.mapping()
        same = next((p for p in self._saved.profiles if p.id == mapping.profile_id), None)
        if same is not None and mapping.label.strip():
            notes.append(self.tr("已有名为“%1”的方案，保存会替换它。").replace("%1", same.label))
        self.notice.setText("\n".join(notes))
        self.notice.setVisible(bool(notes))

    # --- saving -------------------------------------------------------------------------------
    def save_and_import(self) -> None:
        self._validate()
        if self.preview is None or self.current_problems() or self._saving:
            return
        mapping = self.mapping()
        self._saving = True
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("正在保存……"))
        self._context.runner.run(lambda: save_profile(mapping), self._saved_profile, self._save_failed)

    def _saved_profile(self, profile: ImportProfile) -> None:
        self._saving = False
        self.saved.emit(profile)
        self.import_requested.emit([self.path], profile.id)
        self.accept()

    def _save_failed(self, error: Exception) -> None:
        self._saving = False
        self.status.setText(self.tr("未能保存"))
        self.problems.setText(describe_error(error))
        self._validate()


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
        intro.setStyleSheet("color:#666")
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
        self.empty.setStyleSheet("color:#777")
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
        self._context.runner.run(load_saved_profiles, self._show, self._failed)

    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.windowTitle(), describe_error(error))

    def _show(self, saved: SavedProfiles) -> None:
        self._saved = saved
        layout_names = {Layout.ORDER_ROWS: self.tr("一行一个订单"), Layout.ITEM_ROWS: self.tr("一行一个商品")}
        rows: list[tuple[str, list[str], str | None]] = []
        for profile in saved.profiles:
            columns = "、".join(group[0] for group in profile.identify)
            rows.append((profile.id, [profile.label, labels.platform(profile.platform.value),
                                      layout_names.get(profile.layout, profile.layout.value), columns], None))
        for problem in saved.problems:
            rows.append((problem.path.name, [problem.path.name, "", "", problem.message], problem.message))
        self.table.setRowCount(len(rows))
        for row, (key, values, error) in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setToolTip(value)
                if error is not None:
                    item.setForeground(QBrush(QColor(PROBLEM_COLOR)))
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._selection_changed()
        self.loaded.emit()

    def keys(self) -> list[str]:
        """The id (or, for a broken file, the file name) of each row."""
        return [str(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)) for row in range(self.table.rowCount())]

    def selected_key(self) -> str | None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        return str(self.table.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole))

    def _selection_changed(self) -> None:
        self.delete_button.setEnabled(self.selected_key() is not None)

    def ask_to_delete(self) -> None:
        key = self.selected_key()
        if key is None:
            return
        name = self.table.item(self.table.currentRow(), 0).text()
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
        self._context.runner.run(lambda: delete_profile(key), lambda _path: self.refresh(), self._failed)

    def open_folder(self) -> None:
        folder = user_profiles_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
