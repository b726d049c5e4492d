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

# What is wrong inside a damaged workbook, said in the shop's words (io/damage_words) where the reader's own
# English was quoted ("I/O error: File is larger than its declared uncompressed size", "sheetData", "").
DAMAGE_COMPRESSED = T("压缩的数据已损坏或不完整，可能没有下载完整")
DAMAGE_XML = T("里面的 XML 内容不完整或写法不对")
DAMAGE_ENCODING = T("里面的文字不是有效的 UTF-8 编码")
DAMAGE_SHARED_STRINGS = T("单元格引用的文字在文件里找不到")
DAMAGE_FORMAT = T("认不出里面的格式")
DAMAGE_OTHER = T("里面的结构无法解析")

# io/xlsx/extent: a sheet whose cells reach far past its data (a reader would allocate for the whole rectangle),
# the far cell named by its position or its row; and a cell position that is no position at all.
_FAR = ("远在表格之外（可能是格式、空格或误填的内容），使表格从 %3 延伸到 %4：%5 行 × %6 列，"
        "约 %7 个单元格，超过能读取的 %8 个，文件没有导入。请在 Excel 或 WPS 中按 Ctrl+End 找到")
_FAR_END = "，把数据下方和右侧多余的行、列整行整列删除（或只把有数据的部分复制到新表格），另存后再导入"
SHEET_FAR_CELL = T("工作表“%1”的单元格 %2 " + _FAR + "单元格 %2" + _FAR_END)
SHEET_FAR_ROW = T("工作表“%1”的第 %2 行 " + _FAR + "第 %2 行" + _FAR_END)
SHEET_BAD_POSITION = T("工作表“%1”里有无法识别的单元格位置“%2”，文件可能已损坏")
SHEET_POSITION_UNREADABLE = T("工作表“%1”里有一个单元格的位置读不出来（不是 A1 这样的写法），文件已损坏。" + _RESAVE)
