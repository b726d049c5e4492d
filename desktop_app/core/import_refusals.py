"""Why a whole file was not imported, as templates (the import summary shows it in the window's language).

The io modules fill these in Chinese (the command line prints them as they are); the window reads a
reason back with `event_notes.parse_note(reason, TEMPLATES)` and translates the sentence and the names
of the export formats in it, while the column names the file lacks stay as the platform writes them.
"""

from __future__ import annotations

from desktop_app.core.event_notes import NoteTemplate

MAPPING_HINT = "。供应商的表格或自己整理的台账，可以在程序里用“导入其他表格”指定各列的含义后导入"
_NEAREST = "（最接近“%2”，但缺少列：%3）"

EMPTY = NoteTemplate("表格是空的，没有任何内容")
ORDERS_UNKNOWN = NoteTemplate("无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1" + MAPPING_HINT,
                              word_lists=frozenset({1}))
ORDERS_UNKNOWN_NEAREST = NoteTemplate("无法识别的表格：前 10 行里找不到订单导出的表头。支持：%1" + _NEAREST
                                      + MAPPING_HINT, frozenset({2}), frozenset({1}))
ORDERS_NOT_OF_PLATFORM = NoteTemplate("表头与所选平台的订单导出不符。可选平台的格式：%1" + MAPPING_HINT,
                                      word_lists=frozenset({1}))
ORDERS_NOT_OF_PLATFORM_NEAREST = NoteTemplate("表头与所选平台的订单导出不符。可选平台的格式：%1" + _NEAREST
                                              + MAPPING_HINT, frozenset({2}), frozenset({1}))
# An order export of another platform than the one chosen (--platform): which it is, and how to import it.
ORDERS_OF_OTHER_PLATFORM = NoteTemplate("这是%1，不是所选平台的订单导出，文件没有导入：请改按这个平台导入"
                                        "（命令行 --platform %2），或不指定平台由程序识别", frozenset({1}))
ORDERS_ARE_CASES = NoteTemplate("这是%1（售后/退款列表），不是订单导出：请用“导入”按钮或 import-cases 命令导入",
                                frozenset({1}))
CASES_UNKNOWN = NoteTemplate("无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1", word_lists=frozenset({1}))
CASES_UNKNOWN_NEAREST = NoteTemplate("无法识别的表格：前 10 行里找不到售后导出的表头。支持：%1" + _NEAREST,
                                     frozenset({2}), frozenset({1}))
CASES_ARE_ORDERS = NoteTemplate("这是%1（订单导出），不是售后导出：请用“导入”按钮或 import-orders 命令导入",
                                frozenset({1}))
# An after-sales file imported as one platform (--platform) whose order numbers all look like another's
# and none like its own (io/case_platform_check.py): the chosen platform, the file's, an example
# (each value once and in order: the window reads the values back from the text).
_OTHER_EXAMPLE = "但文件里的订单号都是%2订单号的样子（如第 %3 行“%4”列的 %5）"
CASES_OTHER_PLATFORM = NoteTemplate("所选平台是%1，" + _OTHER_EXAMPLE + "，没有一个像所选平台的，文件没有导入："
                                    "请改按这个平台导入（命令行 --platform %6）", frozenset({1, 2}))
CASES_OTHER_PLATFORM_COLUMNS = NoteTemplate("所选平台是%1，" + _OTHER_EXAMPLE + "，表头里还有它的导出才有的列（%6），"
                                            "没有一个订单号像所选平台的，文件没有导入："
                                            "请改按这个平台导入（命令行 --platform %7）", frozenset({1, 2}))
# Excel's or WPS's ~$name (LibreOffice's .~lock.name#) beside a workbook it has open (io/spreadsheet_files.py).
LOCK_FILE = NoteTemplate("这是表格软件（Excel、WPS 等）打开“%1”时在它旁边生成的临时锁定文件，不是导出文件：请导入“%1”"
                         "本身（还在表格软件里打开着的，先保存并关闭）")

# the more specific first: a reason naming the nearest format also reads as one that does not
TEMPLATES = (CASES_OTHER_PLATFORM_COLUMNS, CASES_OTHER_PLATFORM, ORDERS_OF_OTHER_PLATFORM, ORDERS_UNKNOWN_NEAREST,
             ORDERS_UNKNOWN, ORDERS_NOT_OF_PLATFORM_NEAREST, ORDERS_NOT_OF_PLATFORM, ORDERS_ARE_CASES,
             CASES_UNKNOWN_NEAREST, CASES_UNKNOWN, CASES_ARE_ORDERS, EMPTY, LOCK_FILE)
