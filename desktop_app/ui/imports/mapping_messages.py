"""What 导入其他表格 (column_mapping_dialog.py) says about the choices made: the introduction for the target,
the mapping's problems, the preview rows that would not import, and what is known of the sheet already
(a platform's export recognised by its headers, a saved mapping of the same name)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from desktop_app.io.case_mapping import PreviewCheck, shipped_case_profile_for
from desktop_app.io.column_suggestions import shipped_profile_for
from desktop_app.io.user_profiles import ColumnMapping, SavedProfiles
from desktop_app.ui import labels
from desktop_app.ui.imports.import_texts import WARNING_TEMPLATES, row_error_text

MAX_PROBLEMS_SHOWN = 4
MAX_ROW_ERRORS_SHOWN = 5
ORDERS, CASES = "orders", "cases"  # the targets


def _tr(text: str) -> str:
    return QCoreApplication.translate("ColumnMappingDialog", text)  # the dialog's texts, as they always were


def intro_text(target: str) -> str:
    if target == CASES:
        return _tr("说明每一列是什么：售后单按“平台 + 售后单号”导入，再次导入时向前推进，订单按订单号关联；"
                   "只导入选择了的列。保存后，表头相同的表格以后会自动识别（界面和 import-cases 命令都会）。")
    return _tr("说明每一列是什么：订单按“订单号”导入和合并，只导入选择了的列。保存后，"
               "表头相同的表格以后会自动识别。")


def problems_text(problems: Sequence[str]) -> str:
    """The first few problems, one a line, and how many more there are."""
    shown = problems[:MAX_PROBLEMS_SHOWN]
    more = len(problems) - len(shown)
    text = "\n".join(f"• {labels.message(p)}" for p in shown)
    if more > 0:
        text += "\n" + _tr("……另有 %1 个问题").replace("%1", str(more))
    return text


def row_errors_text(check: PreviewCheck) -> str:
    """How many preview rows would import, and the first rows that would not (row, column, why)."""
    lines = [_tr("预览的数据行中 %1 行可以导入，%2 行有问题：").replace("%1", str(check.good))
             .replace("%2", str(len(check.errors)))]
    for error in check.errors[:MAX_ROW_ERRORS_SHOWN]:
        column = _tr("“%1”列：").replace("%1", error.column) if error.column else ""
        why = row_error_text(error.column, error.message)
        lines.append(_tr("第 %1 行").replace("%1", str(error.row)) + column + why)
    lines += [labels.message(w, WARNING_TEMPLATES) for w in check.warnings[:MAX_ROW_ERRORS_SHOWN]]
    return "\n".join(lines) if check.errors or check.warnings else lines[0].split("，")[0]


def notice_lines(headers: list[str], mapping: ColumnMapping | None, saved: SavedProfiles) -> list[str]:
    """A sheet a shipped profile recognises already; an order mapping replacing a saved one of its name.
    `mapping`: the order mapping chosen, None for an after-sales sheet."""
    notes: list[str] = []
    if mapping is None:
        known = shipped_case_profile_for(headers)
        if known is not None:
            notes.append(_tr("这个表格的表头已能被“%1”自动识别，直接用“导入”即可。").replace("%1", known.label))
        return notes
    shipped = shipped_profile_for(headers)
    if shipped is not None:
        notes.append(_tr("这个表格的表头已能被“%1”自动识别，直接用“导入订单”即可；保存的方案只在这次导入时使用。")
                     .replace("%1", shipped.label))
    same = next((p for p in saved.profiles if p.id == mapping.profile_id), None)
    if same is not None and mapping.label.strip():
        notes.append(_tr("已有名为“%1”的方案，保存会替换它。").replace("%1", same.label))
    return notes
