"""导入其他表格: map the columns of a sheet no platform profile knows (a supplier's 发货单, the shop's
own old 台账, an ERP's 售后单 export) to the ledger's order fields or case fields, save that as a
reusable profile and import with it.

The file is read on the worker thread (io/sheet_preview.preview_sheet); the dialog shows its first
rows, proposes a column for each field and checks the choices as they change. "导入为" chooses the
target: 订单 (an order profile, io/user_profiles) or 售后单 (an after-sales profile, io/case_mapping,
whose preview rows are read as the import will, with row errors in Chinese). "保存并导入" saves the
profile and hands the file to the normal import (ImportDialog): order sheets through
`import_requested` with the profile's id, after-sales sheets through `cases_import_requested` (the
import finds the saved profile by the file's headers, as every later import will).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_mapping import (
    CASE_MAPPABLE_FIELDS,
    CaseMapping,
    PreviewCheck,
    check_case_mapping,
    check_preview_rows,
    save_case_profile,
    shipped_case_profile_for,
    suggest_case_columns,
)
from desktop_app.io.case_profiles import CaseProfile
from desktop_app.io.column_suggestions import MAX_LABEL_LENGTH, shipped_profile_for, suggest_columns, suggest_label
from desktop_app.io.import_profiles import ImportProfile, Layout
from desktop_app.io.sheet_preview import (
    HEADER_ROWS_SEARCHED,
    SheetColumn,
    SheetPreview,
    guess_layout,
    guess_platform,
    preview_sheet,
)
from desktop_app.io.user_profiles import (
    MAPPABLE_LAYOUTS,
    ColumnMapping,
    SavedProfiles,
    check_columns,
    check_mapping,
    load_saved_profiles,
    save_profile,
)
from desktop_app.ui import labels
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.imports.import_texts import WARNING_TEMPLATES, row_error_text
from desktop_app.ui.imports.mapping_fields import CaseFields, OrderFields
from desktop_app.ui.imports.mapping_preview import PreviewModel, PreviewTable
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import tint

MAX_PROBLEMS_SHOWN = 4
MAX_ROW_ERRORS_SHOWN = 5
ORDERS, CASES = "orders", "cases"  # the targets
@dataclass(frozen=True, slots=True)
class _Loaded:
    preview: SheetPreview
    saved: SavedProfiles


class ColumnMappingDialog(QDialog):
    """Map one file's columns to fields, save the mapping as a profile, then import the file with it."""

    import_requested = Signal(object, str)  # list[Path], the saved profile's id
    cases_import_requested = Signal(object)  # list[Path]: an after-sales sheet, its profile saved
    preview_loaded = Signal()
    saved = Signal(object)  # ImportProfile, or CaseProfile for an after-sales sheet

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
        resize_within_screen(self, 1000, 720)

        layout = QVBoxLayout(self)
        self.file_label = QLabel(self.tr("文件：%1").replace("%1", path.name))
        self.file_label.setObjectName("mapping_file")
        self.file_label.setToolTip(str(path))
        self.file_label.setStyleSheet("font-weight:bold")
        layout.addWidget(self.file_label)
        self.intro = intro = QLabel(self._intro_text(ORDERS))
        intro.setObjectName("mapping_intro")
        intro.setWordWrap(True)
        tint(intro, "secondary")
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
        tint(self.status, "secondary")
        where.addSpacing(16)
        where.addWidget(self.status, 1)
        layout.addLayout(where)

        self.model = PreviewModel(self)
        self.table = PreviewTable(self.model)
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
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("mapping_target")
        self.target_combo.addItem(self.tr("订单"), ORDERS)
        self.target_combo.addItem(self.tr("售后单"), CASES)
        self.target_combo.setToolTip(self.tr("订单表格（发货单、订单台账）还是售后表格（ERP 售后单、售后台账）"))
        self.target_combo.currentIndexChanged.connect(self._target_chosen)
        settings.addWidget(QLabel(self.tr("导入为")))
        settings.addWidget(self.target_combo)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("方案名称")))
        settings.addWidget(self.name_edit, 2)
        settings.addSpacing(12)
        settings.addWidget(QLabel(self.tr("平台")))
        settings.addWidget(self.platform_combo)
        settings.addSpacing(12)
        self.layout_label = QLabel(self.tr("每行是"))
        settings.addWidget(self.layout_label)
        settings.addWidget(self.layout_combo, 2)
        layout.addLayout(settings)

        self.order_fields = OrderFields()
        self.case_fields = CaseFields()
        self.field_combos = self.order_fields.combos
        self.case_combos = self.case_fields.combos
        for panel in (self.order_fields, self.case_fields):
            panel.changed.connect(self._validate)
            layout.addWidget(panel)
        self.case_fields.hide()
        self._label_fields()

        self.notice = QLabel()
        self.notice.setObjectName("mapping_notice")
        self.notice.setWordWrap(True)
        tint(self.notice, "due_soon")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.problems = QLabel()
        self.problems.setObjectName("mapping_problems")
        self.problems.setWordWrap(True)
        tint(self.problems, "overdue")
        layout.addWidget(self.problems)
        self.row_errors = QLabel()
        self.row_errors.setObjectName("mapping_row_errors")
        self.row_errors.setWordWrap(True)
        self.row_errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row_errors.hide()
        layout.addWidget(self.row_errors)

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

    def _required(self) -> set[str]:
        return {"order_no", "title"} if self.chosen_layout() is Layout.ITEM_ROWS else {"order_no"}

    def _label_fields(self) -> None:
        self.order_fields.mark_required(self._required())
        self.case_fields.mark_required({spec.name for spec in CASE_MAPPABLE_FIELDS if spec.required})

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
        for widget in (self.header_spin, self.name_edit, self.platform_combo, self.layout_combo, self.target_combo):
            widget.setEnabled(enabled)
        self.order_fields.set_choices_enabled(enabled)
        self.case_fields.set_choices_enabled(enabled)
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
        if self.preview is not None:
            self.table.arrange(self.preview, self.header_spin.value())

    def _layout_chosen(self) -> None:
        self._label_fields()
        self._validate()

    def target(self) -> str:
        return str(self.target_combo.currentData() or ORDERS)

    def set_target(self, target: str) -> None:
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(target), 0))

    def _intro_text(self, target: str) -> str:
        if target == CASES:
            return self.tr("说明每一列是什么：售后单按“平台 + 售后单号”导入，再次导入时向前推进，订单按订单号关联；"
                           "只导入选择了的列。保存后，表头相同的表格以后会自动识别（界面和 import-cases 命令都会）。")
        return self.tr("说明每一列是什么：订单按“订单号”导入和合并，只导入选择了的列。保存后，"
                       "表头相同的表格以后会自动识别。")

    def _target_chosen(self) -> None:
        cases = self.target() == CASES
        self.intro.setText(self._intro_text(self.target()))
        self.order_fields.setVisible(not cases)
        self.case_fields.setVisible(cases)
        self.layout_label.setVisible(not cases)
        self.layout_combo.setVisible(not cases)
        self.platform_combo.setToolTip(self.tr("售后单号属于哪个平台：再次导入时按平台和售后单号找到同一张售后单")
                                       if cases else self.tr("订单号属于哪个平台：与已导入的同平台订单按订单号合并"))
        self._validate()

    # --- columns ------------------------------------------------------------------------------
    def _fill_columns(self, guess: bool) -> None:
        """Offer the header row's columns in every field's box, preselecting the suggestions
        (and, with `guess`, the layout and platform the rows suggest)."""
        if self.preview is None:
            return
        header_row = self.header_spin.value()
        self._columns = self.preview.columns(header_row)
        headers = [c.header for c in self._columns]
        proposal = suggest_columns(headers)
        case_proposal = suggest_case_columns(headers)
        texts = (self.tr("（不导入）"), self.tr("%1（%2 列）"), self.tr("（%1 列，无表头）"))
        self._filling = True
        try:
            self.order_fields.fill(self._columns, proposal, *texts)
            self.case_fields.fill(self._columns, case_proposal, *texts)
            if guess:
                order_no = proposal.get("order_no")
                self.set_layout(guess_layout(self.preview, header_row, order_no))
                platform = guess_platform(self.preview, header_row, order_no)
                self.platform_combo.setCurrentIndex(max(self.platform_combo.findData(platform.value), 0))
                # A sheet with an after-sales number, a type and a status is a list of cases.
                is_cases = all(name in case_proposal for name in ("case_no", "kind", "status"))
                self.set_target(CASES if is_cases else ORDERS)
        finally:
            self._filling = False
        self._target_chosen()
        self._label_fields()
        self._validate()

    def set_layout(self, layout: Layout) -> None:
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(layout.value), 0))

    def choose_column(self, field: str, header: str | None) -> None:
        """Point a field of the current target at the column with this header text (None: not imported)."""
        column = None if header is None else next((c for c in self._columns if c.header == header), None)
        if header is not None and column is None:
            raise KeyError(header)
        (self.case_fields if self.target() == CASES else self.order_fields).choose(field, column)

    def chosen_columns(self) -> dict[str, int | None]:
        return (self.case_fields if self.target() == CASES else self.order_fields).chosen()

    def _headers_of(self, chosen: dict[str, int | None]) -> dict[str, str]:
        by_index = {c.index: c for c in self._columns}
        return {name: by_index[index].header for name, index in chosen.items()
                if index is not None and index in by_index}

    def case_mapping(self) -> CaseMapping:
        return CaseMapping(self.name_edit.text(), self.platform_combo.currentData() or Platform.OTHER.value,
                           self._headers_of(self.case_fields.chosen()))

    def chosen_layout(self) -> Layout:
        return Layout(self.layout_combo.currentData() or Layout.ORDER_ROWS.value)

    def mapping(self) -> ColumnMapping:
        columns = self._headers_of(self.order_fields.chosen())
        sheet = self.preview.sheet if self.preview is not None and len(self.preview.sheet_names) > 1 else None
        return ColumnMapping(self.name_edit.text(), self.platform_combo.currentData() or Platform.OTHER.value,
                             self.chosen_layout(), columns, sheet)

    # --- checking -----------------------------------------------------------------------------
    def current_problems(self) -> list[str]:
        if self.preview is None or not self.preview.rows:
            return []
        if self.target() == CASES:
            labelled = {self.case_fields.labels[name]: index for name, index in self.case_fields.chosen().items()}
            return [*check_columns(self._columns, labelled), *check_case_mapping(self.case_mapping())]
        return [*check_columns(self._columns, self.chosen_columns()), *check_mapping(self.mapping())]

    def preview_check(self) -> PreviewCheck | None:
        """The preview's rows under the header read with the current after-sales mapping (None for
        order sheets)."""
        if self.preview is None or self.target() != CASES:
            return None
        header_row = self.header_spin.value()
        header = next((h for (number, _), h in zip(self.preview.rows, self.preview.headers, strict=True)
                       if number == header_row), ())
        below = [(number, cells) for number, cells in self.preview.rows if number > header_row]
        return check_preview_rows(self.case_mapping(), header, below)

    def _show_row_errors(self, problems: list[str]) -> None:
        check = None if problems else self.preview_check()
        if check is None:
            self.row_errors.hide()
            return
        lines = [self.tr("预览的数据行中 %1 行可以导入，%2 行有问题：").replace("%1", str(check.good))
                 .replace("%2", str(len(check.errors)))]
        for error in check.errors[:MAX_ROW_ERRORS_SHOWN]:
            column = self.tr("“%1”列：").replace("%1", error.column) if error.column else ""
            lines.append(self.tr("第 %1 行").replace("%1", str(error.row)) + column
                         + row_error_text(error.column, error.message))
        lines += [labels.message(w, WARNING_TEMPLATES) for w in check.warnings[:MAX_ROW_ERRORS_SHOWN]]
        self.row_errors.setText("\n".join(lines) if check.errors or check.warnings else lines[0].split("，")[0])
        tint(self.row_errors, "overdue" if check.errors else "done")
        self.row_errors.show()

    def _validate(self) -> None:
        if self._filling or self.preview is None:
            return
        panel = self.case_fields if self.target() == CASES else self.order_fields
        mapped = {index: panel.labels[name] for name, index in panel.chosen().items() if index is not None}
        self.model.set_mapped(mapped)
        problems = self.current_problems()
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(f"• {labels.message(p)}" for p in shown)
        if more > 0:
            text += "\n" + self.tr("……另有 %1 个问题").replace("%1", str(more))
        self.problems.setText(text)
        self.save_button.setEnabled(not problems and not self._saving and bool(self.preview.rows))
        self._show_row_errors(problems)
        self._show_notice()

    def _show_notice(self) -> None:
        notes: list[str] = []
        headers = [c.header for c in self._columns]
        if self.target() == CASES:
            known = shipped_case_profile_for(headers)
            if known is not None:
                notes.append(self.tr("这个表格的表头已能被“%1”自动识别，直接用“导入”即可。").replace("%1", known.label))
            self.notice.setText("\n".join(notes))
            self.notice.setVisible(bool(notes))
            return
        shipped = shipped_profile_for(headers)
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
        self._saving = True
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("正在保存……"))
        if self.target() == CASES:
            cases = self.case_mapping()
            self._context.runner.run(lambda: save_case_profile(cases), self._saved_profile, self._save_failed)
            return
        mapping = self.mapping()
        self._context.runner.run(lambda: save_profile(mapping), self._saved_profile, self._save_failed)

    def _saved_profile(self, profile: ImportProfile | CaseProfile) -> None:
        self._saving = False
        self.saved.emit(profile)
        if isinstance(profile, CaseProfile):
            self.cases_import_requested.emit([self.path])
        else:
            self.import_requested.emit([self.path], profile.id)
        self.accept()

    def _save_failed(self, error: Exception) -> None:
        self._saving = False
        self.status.setText(self.tr("未能保存"))
        self.problems.setText(describe_error(error))
        self._validate()
