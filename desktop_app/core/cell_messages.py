"""Why a cell of an imported file was not used, as templates (the import summary shows them in the
window's language; the value quoted stays as the file has it).

`io/cell_values.py` fills these in Chinese after the column's name ("实付金额“abc”不是有效的金额…"); the
window reads the part after the column's name back with `event_notes.parse_note(text, TEMPLATES)`.
"""

from __future__ import annotations

from desktop_app.core.event_notes import NoteTemplate

NOT_AN_ID = NoteTemplate("“%1”不是有效的编号")
ORDER_NO_TOO_LONG = NoteTemplate("“%1…”不是有效的订单号（最长 64 个字符）")
NOT_AN_ORDER_NO = NoteTemplate("“%1”不是有效的订单号（只能包含数字、字母和“-”）")
LONG_NOT_AN_AMOUNT = NoteTemplate("“%1…”不是有效的金额（应为数字，例如 12.50）")
NOT_AN_AMOUNT = NoteTemplate("“%1”不是有效的金额（应为数字，例如 12.50）")
NEGATIVE_AMOUNT = NoteTemplate("金额不能为负数：%1")
AMOUNT_OVER = NoteTemplate("金额“%1”过大（最多 %2 元）")
AMOUNT_TOO_LARGE = NoteTemplate("金额“%1”过大")
AMOUNT_PAST_CENTS = NoteTemplate("金额“%1”最多只能有两位小数（精确到分）")
LONG_NOT_A_QUANTITY = NoteTemplate("“%1…”不是有效的数量（应为整数）")
NOT_A_QUANTITY = NoteTemplate("“%1”不是有效的数量（应为整数）")
NEGATIVE_QUANTITY = NoteTemplate("数量不能为负数：%1")
QUANTITY_OVER = NoteTemplate("数量“%1”过大（最多 %2）")
NOT_A_MOMENT = NoteTemplate("“%1”不是有效的日期时间")
UNLIKELY_YEAR = NoteTemplate("“%1”不是合理的日期（年份应在 1990–2100 之间）")
UNREADABLE_MOMENT = NoteTemplate("“%1”不是可识别的日期时间（应为 2026-11-06 20:56:31 这样的格式）")
NO_SUCH_MOMENT = NoteTemplate("“%1”是不存在的日期或时间（例如 2 月 30 日、25 点）")

# a shortened value ("…") before the whole one: "“%1”" would read the "…" as part of the value
TEMPLATES = (NOT_AN_ID, ORDER_NO_TOO_LONG, NOT_AN_ORDER_NO, LONG_NOT_AN_AMOUNT, NOT_AN_AMOUNT, NEGATIVE_AMOUNT,
             AMOUNT_OVER, AMOUNT_PAST_CENTS, AMOUNT_TOO_LARGE, LONG_NOT_A_QUANTITY, NOT_A_QUANTITY,
             NEGATIVE_QUANTITY, QUANTITY_OVER, NOT_A_MOMENT, UNLIKELY_YEAR, UNREADABLE_MOMENT, NO_SUCH_MOMENT)

# A row imported with a warning (the import summary's 提醒).
UNKNOWN_STATUS = NoteTemplate("第 %1 行“%2”列：未知的售后状态“%3”，新建的售后单按“待处理”记录，已有的保持不变"
                              "（可在 %4 的 [statuses] 中添加）")  # row, the platform's column and word, file
# rows ("3、4" or "3、4、5 等 12"), the request time's column, its value (such a request is dated at the import)
NO_REQUEST_TIME = NoteTemplate("第 %1 行“%2”列是“%3”（表示没有日期）：新建的售后单以导入的时间为买家申请时间，"
                               "时限从那时算起，已有的保持不变。请核对后更正（编辑 → 买家申请时间，"
                               "或命令行 case edit N --requested-at）")
# column, its first row with one: a zero-width space, soft hyphen … (core/invisible_marks.py), said once a file
INVISIBLE_MARKS = NoteTemplate("“%1”列（第 %2 行起）有看不见的字符（零宽空格、软连字符等），已去掉后导入："
                               "姓名、电话、订单号和运单号按去掉后的文字查找和对应")
# rows as NO_REQUEST_TIME's, an order's time column, its value
NO_ORDER_TIME = NoteTemplate("第 %1 行“%2”列是“%3”（表示没有日期）：按空白导入，和空白的单元格一样，"
                             "已有订单的这一时间也被清空。请核对原表")
# rows, a time column, its first such value, now: a request or payment in 2099 (a year mistyped) is kept as written,
# as `--at` is (cli/common.event_moment), and said
FUTURE_TIME = NoteTemplate("第 %1 行“%2”列是“%3”，在将来（现在是 %4）：已按所填时间导入。若是输错了年份或日期，"
                           "请改正原表后重新导入")
# row, the amount's column, the amount, the order, what the buyer paid for it (the ledger's order)
REFUND_OVER_PAID = NoteTemplate("第 %1 行“%2”列：%3 元大于订单 %4 的实付金额 %5 元，已按所填金额导入。"
                                "请核对金额是否填错、是否对错了订单")
# orders (the first ones, "A、B" or "A、B 等 12"), the shop they were stored under, the file's shop
SHOP_MOVED = NoteTemplate("订单 %1 原来属于店铺“%2”，这个文件写的是“%3”：已改为“%3”，它们的售后单随之计入这家店铺。"
                          "如果选错了店铺的导出文件，请再导入原店铺的导出改回")
ROW_WARNINGS = (UNKNOWN_STATUS, NO_REQUEST_TIME, INVISIBLE_MARKS, NO_ORDER_TIME, FUTURE_TIME, REFUND_OVER_PAID,
                SHOP_MOVED)
