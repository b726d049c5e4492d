"""What an import says about a file as a whole: why a web page saved as .xls (an HTML <table> export: Taobao/Tmall's
older back office, some ERPs) is refused, said with where (io/html_tables), and a file holding its header alone.
`core.messages` gathers them into its catalog."""

from __future__ import annotations

from desktop_app.core.event_notes import NoteTemplate as T

_RESAVE = "请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入"

# The page holds no <table> at all (a login page, an error page the back office gave instead of the export).
HTML_NO_TABLE = T("这是网页文件，里面没有表格（可能是平台的登录页或出错页，而不是导出的订单）。" + _RESAVE)
# The file ends inside the table: a download that did not finish.
HTML_CUT_OFF = T("这是网页格式的表格，读到第 %1 行时文件就结束了（表格和网页都没有结尾）：可能没有下载完整。"
                 "文件没有导入，" + _RESAVE)
# A row spanning more columns than any spreadsheet has (colspan in the thousands).
HTML_TOO_WIDE = T("网页表格第 %1 行有 %2 列，超过表格最多的 16384 列，不像是订单表格")
# Rowspans repeating wide cells down thousands of rows (a few hundred kilobytes making a billion cells).
HTML_TOO_MANY_CELLS = T("网页表格读到第 %1 行已超过 %2 个单元格（合并单元格向下重复了太多），不像是订单表格")
# A file with its header and nothing under it (an export of a day without orders, a template): said, not silent.
HEADER_ONLY = T("只有表头（第 %1 行），下面没有订单：没有导入任何订单")
HEADER_ONLY_CASES = T("只有表头（第 %1 行），下面没有售后单：没有导入任何售后单")
