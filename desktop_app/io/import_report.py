"""The import report: the rows an import rejected, as an xlsx the shop owner can open and fix from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from desktop_app.io.case_import_results import CaseFileResult, CaseImportResult
from desktop_app.io.import_results import FileImportResult, ImportResult
from desktop_app.io.workbook_files import save_whole
from desktop_app.io.xlsx_cells import header_cells, set_widths, text_cell

REPORT_COLUMNS = ["文件", "表格/明细", "行号", "列", "问题"]
SUMMARY_COLUMNS = ["文件", "平台", "新增", "更新", "未变", "失败行数", "结果"]


AnyFile = FileImportResult | CaseFileResult
AnyResult = ImportResult | CaseImportResult | FileImportResult | CaseFileResult


def _count(value: int | tuple[int, ...]) -> int:
    """Order files count rows; after-sales files list the case ids."""
    return len(value) if isinstance(value, tuple) else value


def _outcome(result: AnyFile) -> str:
    if result.cancelled:
        return "已取消，未保存"
    if result.refused is not None:
        return f"整个文件未导入：{result.refused}"
    if result.rejected:
        return "部分行未导入"
    return "全部导入"


def write_import_report(result: AnyResult | Sequence[AnyResult], path: Path) -> Path:
    """Two sheets: 导入结果 (one line per file) and 失败的行 (one line per problem); order and
    after-sales imports alike."""
    results = result if isinstance(result, Sequence) else (result,)
    files: list[AnyFile] = [f for r in results
                            for f in (r.files if isinstance(r, ImportResult | CaseImportResult) else (r,))]
    path = Path(path)
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("导入结果")
    set_widths(summary, [40, 10, 8, 8, 8, 10, 60])
    summary.freeze_panes = "A2"
    summary.append(header_cells(summary, SUMMARY_COLUMNS))
    for file in files:
        summary.append([text_cell(summary, Path(file.file).name), file.platform or "", _count(file.inserted),
                        _count(file.updated), _count(file.unchanged), file.rejected,
                        text_cell(summary, _outcome(file))])
    rows = workbook.create_sheet("失败的行")
    set_widths(rows, [40, 18, 8, 20, 90])
    rows.freeze_panes = "A2"
    rows.append(header_cells(rows, REPORT_COLUMNS))
    count = 0
    for file in files:
        name = text_cell(rows, Path(file.file).name)
        if file.refused is not None:
            rows.append([name, "", None, "", text_cell(rows, file.refused)])
            count += 1
        for error in file.errors:
            rows.append([name, text_cell(rows, error.table or ""), error.row, text_cell(rows, error.column or ""),
                         text_cell(rows, error.message)])
            count += 1
    rows.auto_filter.ref = f"A1:E{count + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_whole(workbook, path)
    return path
