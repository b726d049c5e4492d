"""导入其他表格: map the columns of a sheet no platform profile knows (a supplier's 发货单, the shop's
own old 台账, an ERP's 售后单 export) to the ledger's order fields or case fields, save that as a
reusable profile and import with it.

The file is read on the worker thread (io/sheet_preview.preview_sheet); the dialog shows its first
rows, proposes a column for each field and checks the choices as they change. "导入为" chooses the
target: 订单 (an order profile, io/user_profiles) or 售后单 (an after-sales profile, io/case_mapping,
whose preview rows are read as the import will, with row errors in Chinese). "保存并导入" saves the
profile and hands the file to the normal import (ImportDialog): order sheets through
`import_requested` with the profile's id, after-sales sheets through `cases_import_requested` (the
import finds the saved profile by the file's headers, as every later import will). Its lines of settings
are mapping_settings.py's, its field boxes mapping_fields.py's, what it says of the choices mapping_messages.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
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
    suggest_case_columns,
)
from desktop_app.io.case_profiles import CaseProfile
from desktop_app.io.column_suggestions import suggest_columns, suggest_label
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
    ColumnMapping,
    SavedProfiles,
    check_columns,
    check_mapping,
    load_saved_profiles,
    save_profile,
)
from desktop_app.ui.background import describe_error
from desktop_app.ui.context import AppContext
from desktop_app.ui.imports.mapping_fields import CaseFields, OrderFields
from desktop_app.ui.imports.mapping_messages import (
    CASES,
    ORDERS,
    intro_text,
    notice_lines,
    problems_text,
    row_errors_text,
)
from desktop_app.ui.imports.mapping_preview import PreviewModel, PreviewTable
from desktop_app.ui.imports.mapping_settings import MappingSettings, SheetChoice
from desktop_app.ui.widgets.screen_fit import resize_within_screen
from desktop_app.ui.widgets.status_colours import tint


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
        self.intro = intro = QLabel(intro_text(ORDERS))
        intro.setObjectName("mapping_intro")
        intro.setWordWrap(True)
        tint(intro, "secondary")
        layout.addWidget(intro)

        where = SheetChoice()
        self.sheet_combo, self.header_spin, self.status = where.sheet_combo, where.header_spin, where.status
        self.sheet_combo.currentIndexChanged.connect(self._sheet_chosen)
        self.header_spin.valueChanged.connect(self._header_row_chosen)
        layout.addWidget(where)

        self.model = PreviewModel(self)
        self.table = PreviewTable(self.model)
        layout.addWidget(self.table, 1)

        self.settings = MappingSettings()
        # Its boxes by their usual names (tests, the methods below).
        self.name_edit, self.platform_combo = self.settings.name_edit, self.settings.platform_combo
        self.layout_combo, self.target_combo = self.settings.layout_combo, self.settings.target_combo
        self.layout_label = self.settings.layout_label
        self.name_edit.textChanged.connect(self._validate)
        self.platform_combo.currentIndexChanged.connect(self._validate)
        self.layout_combo.currentIndexChanged.connect(self._layout_chosen)
        self.target_combo.currentIndexChanged.connect(self._target_chosen)
        layout.addWidget(self.settings)

        self.order_fields = OrderFields()
        self.case_fields = CaseFields()
        self.field_combos = self.order_fields.combos
        self.case_combos = self.case_fields.combos
        for panel in (self.order_fields, self.case_fields):
            panel.changed.connect(self._validate)
            layout.addWidget(panel)
        self.case_fields.hide()
        self._label_fields()

        self.notice, self.problems, self.row_errors = (_said("mapping_notice", "due_soon"),
                                                        _said("mapping_problems", "overdue"),
                                                        _said("mapping_row_errors", "overdue"))
        self.notice.hide()
        self.row_errors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row_errors.hide()
        for label in (self.notice, self.problems, self.row_errors):
            layout.addWidget(label)

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

    def _target_chosen(self) -> None:
        cases = self.target() == CASES
        self.intro.setText(intro_text(self.target()))
        self.order_fields.setVisible(not cases)
        self.case_fields.setVisible(cases)
        self.settings.show_target(cases)
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
        self.row_errors.setText(row_errors_text(check))
        tint(self.row_errors, "overdue" if check.errors else "done")
        self.row_errors.show()

    def _validate(self) -> None:
        if self._filling or self.preview is None:
            return
        panel = self.case_fields if self.target() == CASES else self.order_fields
        mapped = {index: panel.labels[name] for name, index in panel.chosen().items() if index is not None}
        self.model.set_mapped(mapped)
        problems = self.current_problems()
        self.problems.setText(problems_text(problems))
        self.save_button.setEnabled(not problems and not self._saving and bool(self.preview.rows))
        self._show_row_errors(problems)
        self._show_notice()

    def _show_notice(self) -> None:
        mapping = None if self.target() == CASES else self.mapping()
        notes = notice_lines([c.header for c in self._columns], mapping, self._saved)
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


def _said(name: str, colour: str) -> QLabel:
    """A line of what the dialog says about the choices (mapping_messages.py), wrapped, in its colour."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    tint(label, colour)
    return label
