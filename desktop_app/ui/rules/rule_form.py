"""The 时效规则 form: one timer at a time, in Chinese, over the same TOML the expert view shows.

The form edits a `RulePackDocument` of the pack's text and hands back the new text (`edited`): the
dialog keeps one text per pack, validates it with the one validator and saves it as it would save
text typed in the TOML view, comments kept. Values the widgets cannot hold wrongly (numbers, units,
events, kinds) are chosen; what can still be wrong (an empty name, a window ending before it
starts) is said at once beside the form, in Chinese, and the validator refuses it on save.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.clock import CHINA
from desktop_app.core.lifecycle import MILESTONE_LABELS
from desktop_app.core.rule_pack_tables import MAX_ACTION_LENGTH, MAX_NAME_LENGTH
from desktop_app.core.rule_packs import MILESTONES, RulePackError
from desktop_app.core.vocabulary import CaseKind, CaseReason
from desktop_app.io.rule_pack_document import RulePackDocument, TimerFields, WindowFields
from desktop_app.ui import labels
from desktop_app.ui.rules.rule_fields import CheckList, DurationEdit
from desktop_app.ui.rules.rule_fields import in_words as in_words  # named from here too, as before the split
from desktop_app.ui.widgets.china_time import CHINA_ZONE
from desktop_app.ui.widgets.full_text_tips import show_full_texts
from desktop_app.ui.widgets.scroll_pane import scrolling
from desktop_app.ui.widgets.status_colours import OVERDUE


class RuleForm(QWidget):
    """Timers of one pack file as a form; `edited(text)` after every change."""

    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc: RulePackDocument | None = None
        self._timers: list[TimerFields] = []
        self._windows: list[WindowFields] = []
        self._loading = False
        self.timer_list = QListWidget()
        self.timer_list.setObjectName("timer_list")
        # As wide as the shipped timers' names ("补寄发货并上传运单号（48小时，一直未收到货）" was cut
        # at 200 px); a longer one (in English: "Handle after-sales request (after 72 h the buyer may ask the
        # platform to step in)") takes a second line rather than the form's room.
        self.timer_list.setFixedWidth(300)
        self.timer_list.setWordWrap(True)
        self.timer_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.timer_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        show_full_texts(self.timer_list)
        self.timer_list.currentRowChanged.connect(self._show_timer)
        self.unreadable = QLabel()
        self.unreadable.setObjectName("form_unreadable")
        self.unreadable.setWordWrap(True)
        self.unreadable.setStyleSheet(f"color:{OVERDUE.name()}")
        self.unreadable.hide()
        self.inherited = QLabel()
        self.inherited.setWordWrap(True)
        self.inherited.hide()
        self.local_problems = QLabel()
        self.local_problems.setObjectName("form_problems")
        self.local_problems.setWordWrap(True)
        self.local_problems.setStyleSheet(f"color:{OVERDUE.name()}")
        self.local_problems.hide()

        self.name = QLineEdit()
        self.name.setObjectName("timer_name")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.starts_from = QComboBox()
        self.starts_from.setObjectName("timer_starts_from")
        for code in sorted(MILESTONES, key=lambda m: MILESTONE_LABELS.get(m, m)):
            self.starts_from.addItem(labels.text(MILESTONE_LABELS.get(code, code)), code)
        self.duration = DurationEdit()
        self.on_expiry = QLineEdit()
        self.on_expiry.setObjectName("timer_on_expiry")
        self.on_expiry.setMaxLength(MAX_ACTION_LENGTH)
        self.kinds = CheckList(list(CaseKind))
        self.kinds.setObjectName("timer_kinds")
        self.reasons = CheckList(list(CaseReason))
        self.reasons.setObjectName("timer_reasons")
        self.penalty = QLineEdit()
        self.penalty.setObjectName("timer_penalty")
        self.penalty_kind = QComboBox()
        self.penalty_kind.setObjectName("penalty_kind")
        for code, text in (("none", self.tr("不写金额")), ("fixed", self.tr("每次固定金额")),
                           ("percent", self.tr("按实付金额的百分比"))):
            self.penalty_kind.addItem(text, code)
        self.penalty_number = QSpinBox()
        self.penalty_number.setObjectName("penalty_number")
        self.penalty_cap = QSpinBox()
        self.penalty_cap.setObjectName("penalty_cap")
        self.penalty_cap.setRange(0, 100_000)
        self.penalty_cap.setSpecialValueText(self.tr("不封顶"))
        self.penalty_cap.setPrefix(self.tr("最多 "))
        self.penalty_cap.setSuffix(self.tr(" 元"))
        money = QHBoxLayout()
        for widget in (self.penalty_kind, self.penalty_number, self.penalty_cap):
            money.addWidget(widget)
        money.addStretch(1)
        self.windows = QTableWidget(0, 4)
        self.windows.setObjectName("timer_windows")
        self.windows.setHorizontalHeaderLabels([self.tr("时间窗口"), self.tr("开始（北京时间）"), self.tr("结束"),
                                                self.tr("窗口内的时长")])
        self.windows.verticalHeader().hide()
        # The dates and the duration whole; the window's name takes what is left (cut, its tooltip whole):
        # on a 1366×768 laptop 结束 was cut and 窗口内的时长 lay past the table's edge.
        self.windows.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.windows.setMinimumHeight(120)

        fields = QWidget()
        form = QFormLayout(fields)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("起算事件"), self.starts_from)
        form.addRow(self.tr("时长"), self.duration)
        form.addRow(self.tr("到期后果"), self.on_expiry)
        form.addRow(self.tr("适用售后类型\n（不勾 = 全部）"), self.kinds)
        form.addRow(self.tr("适用原因\n（不勾 = 全部）"), self.reasons)
        form.addRow(self.tr("处罚说明"), self.penalty)
        form.addRow(self.tr("处罚金额"), money)
        form.addRow(self.tr("时间窗口"), self.windows)
        hint = QLabel(self.tr("时间窗口（如春节、双11）期间改用窗口内的时长；窗口的增删和其他设置（完成事件、出处等）"
                              "请在“TOML（高级）”中修改。"))
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.fields = fields

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.inherited)
        right_layout.addWidget(scrolling(fields), 1)
        right_layout.addWidget(self.local_problems)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.timer_list)
        body.addWidget(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unreadable)
        layout.addLayout(body, 1)

        self.name.editingFinished.connect(lambda: self._set_text("name", self.name.text().strip()))
        self.on_expiry.editingFinished.connect(lambda: self._set_text("on_expiry", self.on_expiry.text().strip()))
        self.penalty.editingFinished.connect(lambda: self._set_text("penalty", self.penalty.text().strip()))
        self.starts_from.currentIndexChanged.connect(
            lambda _i: self._set_text("starts_from", str(self.starts_from.currentData())))
        self.duration.changed.connect(self._duration_changed)
        self.kinds.changed.connect(lambda: self._set_names("kinds", self.kinds.codes()))
        self.reasons.changed.connect(lambda: self._set_names("reasons", self.reasons.codes()))
        self.penalty_kind.currentIndexChanged.connect(self._penalty_kind_changed)
        self.penalty_number.valueChanged.connect(lambda _v: self._penalty_changed())
        self.penalty_cap.valueChanged.connect(lambda _v: self._penalty_changed())

    # --- loading ---------------------------------------------------------------------------
    def load(self, text: str, source: str, pack_title: Callable[[str], str]) -> bool:
        """Show the pack `text`; False (and the reason, in Chinese) when it cannot be read as TOML."""
        row = max(self.timer_list.currentRow(), 0)
        try:
            self._doc = RulePackDocument(text, source)
        except RulePackError as error:
            self._doc = None
            self.unreadable.setText(self.tr("表单无法显示：文件有语法错误，请先在“TOML（高级）”中改正。\n")
                                    + "\n".join(labels.message(problem) for problem in error.problems))
            self.unreadable.show()
            self.timer_list.clear()
            self.fields.setEnabled(False)
            return False
        self.unreadable.hide()
        self.fields.setEnabled(True)
        extends = self._doc.extends()
        self.inherited.setVisible(extends is not None)
        if extends is not None:
            self.inherited.setText(self.tr("这里只列出本规则包自己的计时器；其余计时器继承自“%1”，请在那里修改。")
                                   .replace("%1", pack_title(extends)))
        self._timers = self._doc.timers()
        self._loading = True
        self.timer_list.clear()
        for timer in self._timers:
            self.timer_list.addItem(labels.text(timer.name) or timer.id or self.tr("（未命名）"))
        self._loading = False
        if self._timers:
            self.timer_list.setCurrentRow(min(row, len(self._timers) - 1))
            self._show_timer(self.timer_list.currentRow())
        self.fields.setEnabled(bool(self._timers))
        return True

    def select_timer(self, timer_id: str) -> None:
        for row, timer in enumerate(self._timers):
            if timer.id == timer_id:
                self.timer_list.setCurrentRow(row)
                return
        raise KeyError(timer_id)

    @property
    def current(self) -> TimerFields | None:
        row = self.timer_list.currentRow()
        return self._timers[row] if 0 <= row < len(self._timers) else None

    def _say_shown_as(self, field: QLineEdit, text: str) -> None:
        """The field edits the pack's own (Chinese) text; an English window says how it shows it."""
        shown = labels.text(text)
        field.setToolTip(self.tr("规则文件中的原文，按输入保存；窗口中显示为：%1").replace("%1", shown)
                         if shown != text else "")

    def _show_timer(self, row: int) -> None:
        if self._loading or not 0 <= row < len(self._timers) or self._doc is None:
            return
        timer = self._timers[row]
        self._loading = True
        self.name.setText(timer.name)
        self._say_shown_as(self.name, timer.name)
        index = self.starts_from.findData(timer.starts_from)
        if index < 0 and timer.starts_from:  # written by hand: shown as it is, the validator names it
            self.starts_from.addItem(self.tr("未知事件：%1").replace("%1", timer.starts_from), timer.starts_from)
            index = self.starts_from.count() - 1
        self.starts_from.setCurrentIndex(index)
        self.duration.set_value(timer.amount, timer.unit)
        self.on_expiry.setText(timer.on_expiry)
        self._say_shown_as(self.on_expiry, timer.on_expiry)
        self.kinds.set_codes(timer.kinds)
        self.reasons.set_codes(timer.reasons)
        self.penalty.setText(timer.penalty)
        self._say_shown_as(self.penalty, timer.penalty)
        kind = "fixed" if timer.fixed_yuan is not None else "percent" if timer.percent is not None else "none"
        self.penalty_kind.setCurrentIndex(self.penalty_kind.findData(kind))
        self._penalty_ranges(kind)
        self.penalty_number.setValue(timer.fixed_yuan or timer.percent or 1)
        self.penalty_cap.setValue(timer.max_yuan or 0)
        self._windows = self._doc.windows_for(timer.id)
        self._fill_windows()
        self._loading = False
        self._check()

    def _fill_windows(self) -> None:
        self.windows.setRowCount(len(self._windows))
        for row, window in enumerate(self._windows):
            item = QTableWidgetItem(window.name or window.id)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(f"{window.name}（{window.id}）" if window.name else window.id)
            self.windows.setItem(row, 0, item)
            for column, moment in ((1, window.start), (2, window.end)):
                edit = QDateTimeEdit()
                # A window's times are China time: shown and read there, never in the PC's zone, where a
                # time inside a daylight-saving gap (02:30 on a US spring-forward day) moved by an hour.
                edit.setTimeZone(CHINA_ZONE)
                edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
                edit.setCalendarPopup(True)
                if moment is not None:
                    edit.setDateTime(QDateTime(QDate(moment.year, moment.month, moment.day),
                                               QTime(moment.hour, moment.minute, moment.second), CHINA_ZONE))
                edit.dateTimeChanged.connect(lambda _v, r=row: self._window_span_changed(r))
                self.windows.setCellWidget(row, column, edit)
            duration = DurationEdit()
            duration.set_value(window.amount, window.unit)
            duration.changed.connect(lambda r=row: self._window_duration_changed(r))
            self.windows.setCellWidget(row, 3, duration)
        header = self.windows.horizontalHeader()
        for column in (1, 2, 3):  # as wide as their editors (a cell widget is no content to ResizeToContents)
            editors = (self.windows.cellWidget(row, column) for row in range(self.windows.rowCount()))
            header.resizeSection(column, max([header.sectionSizeHint(column)]
                                             + [w.sizeHint().width() for w in editors if w is not None]))
        self.windows.resizeRowsToContents()

    # --- editing ---------------------------------------------------------------------------
    def _changed(self) -> None:
        """Re-read what the document now holds and hand its text to the dialog."""
        if self._doc is None:
            return
        row = self.timer_list.currentRow()
        self._timers = self._doc.timers()
        if 0 <= row < len(self._timers):
            item = self.timer_list.item(row)
            item.setText(labels.text(self._timers[row].name) or self._timers[row].id or self.tr("（未命名）"))
            self._windows = self._doc.windows_for(self._timers[row].id)
        self._check()
        self.edited.emit(self._doc.text())

    def _editable(self) -> TimerFields | None:
        return None if self._loading or self._doc is None else self.current

    def _set_text(self, key: str, value: str) -> None:
        timer = self._editable()
        if timer is None or getattr(timer, key) == value:
            return
        assert self._doc is not None
        self._doc.set_text(timer.index, key, value)
        self._changed()

    def _set_names(self, key: str, codes: list[str]) -> None:
        timer = self._editable()
        if timer is None:
            return
        assert self._doc is not None
        self._doc.set_names(timer.index, key, codes)
        self._changed()

    def _duration_changed(self) -> None:
        timer = self._editable()
        if timer is None:
            return
        assert self._doc is not None
        renamed = self._doc.set_duration(timer.index, self.duration.amount.value(), self.duration.unit_code())
        if renamed is not None:  # the name's own figure follows the duration (the list's name: `_changed`)
            self.name.setText(renamed)
            self._say_shown_as(self.name, renamed)
        self._changed()

    def _penalty_ranges(self, kind: str) -> None:
        self.penalty_number.setEnabled(kind != "none")
        self.penalty_cap.setVisible(kind == "percent")
        if kind == "percent":
            self.penalty_number.setRange(1, 100)
            self.penalty_number.setSuffix(" %")
        else:
            self.penalty_number.setRange(1, 100_000)
            self.penalty_number.setSuffix(self.tr(" 元"))

    def _penalty_kind_changed(self) -> None:
        self._penalty_ranges(str(self.penalty_kind.currentData()))
        self._penalty_changed()

    def _penalty_changed(self) -> None:
        timer = self._editable()
        if timer is None:
            return
        assert self._doc is not None
        kind = self.penalty_kind.currentData()
        number = self.penalty_number.value()
        cap = self.penalty_cap.value() or None
        self._doc.set_penalty_amount(timer.index, number if kind == "fixed" else None,
                                     number if kind == "percent" else None, cap if kind == "percent" else None)
        self._changed()

    def _window_span_changed(self, row: int) -> None:
        if self._editable() is None or self._doc is None:
            return
        start, end = (self._cell_moment(row, column) for column in (1, 2))
        self._doc.set_window_span(self._windows[row].index, start, end)
        self._changed()

    def _cell_moment(self, row: int, column: int) -> datetime:
        edit = self.windows.cellWidget(row, column)
        assert isinstance(edit, QDateTimeEdit)
        return datetime.fromtimestamp(edit.dateTime().toSecsSinceEpoch(), CHINA).replace(tzinfo=None)

    def _window_duration_changed(self, row: int) -> None:
        timer = self._editable()
        if timer is None or self._doc is None:
            return
        edit = self.windows.cellWidget(row, 3)
        assert isinstance(edit, DurationEdit)
        self._doc.set_window_duration(self._windows[row].index, timer.id, edit.amount.value(), edit.unit_code())
        self._changed()

    # --- what is wrong at once -----------------------------------------------------------------
    def problems(self) -> list[str]:
        """What the current timer's fields say wrongly, in Chinese (the validator checks the rest)."""
        timer = self.current
        if timer is None:
            return []
        where = self.tr("计时器“%1”：").replace("%1", timer.name or timer.id)
        found: list[str] = []
        if not timer.name:
            found.append(where + self.tr("名称不能为空"))
        if not timer.on_expiry:
            found.append(where + self.tr("到期后果不能为空（例如：自动退款）"))
        if timer.amount is None:
            found.append(where + self.tr("时长必须是一个正整数，并选择小时、天或工作日"))
        for window in self._windows:
            if window.start is not None and window.end is not None and window.end < window.start:
                found.append(self.tr("时间窗口“%1”：结束时间早于开始时间").replace("%1", window.name or window.id))
        return found

    def _check(self) -> None:
        found = self.problems()
        self.local_problems.setText("\n".join(found))
        self.local_problems.setVisible(bool(found))
