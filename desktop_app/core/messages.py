"""The services' messages that name values, as templates: one catalog the window and the command line share.

A service raises `UserError(say(TEMPLATE, value, …))` (or returns a `Message`): the command line prints
its Chinese (`str()`, the same text as before), the window shows it in its own language
(`ui/labels.message`: the template through the translator, the values that are the ledger's own words —
a status, an action, a field's name — translated, a number, a file, an order number or what the user
typed as it is). A message that reaches the window as text (an import's warning, a pasted line's
outcome) is read back with `event_notes.parse_note(text, TEMPLATES)`. The English of every template is
in installer/translations_en.py; installer/update_translations.py collects them from here.
"""

from __future__ import annotations

import re

from desktop_app.core import rule_messages
from desktop_app.core.event_notes import Message, NoteTemplate, say
from desktop_app.core.file_messages import (  # in the catalog below
    DAMAGE_COMPRESSED,
    DAMAGE_ENCODING,
    DAMAGE_FORMAT,
    DAMAGE_OTHER,
    DAMAGE_SHARED_STRINGS,
    DAMAGE_XML,
    HEADER_ONLY,
    HEADER_ONLY_CASES,
    HTML_CUT_OFF,
    HTML_NO_TABLE,
    HTML_TOO_MANY_CELLS,
    HTML_TOO_WIDE,
    SHEET_BAD_POSITION,
    SHEET_FAR_CELL,
    SHEET_FAR_ROW,
    SHEET_POSITION_UNREADABLE,
)
from desktop_app.core.step_messages import (  # in the catalog below with the rest
    ADDRESS_MISTYPED,
    AMOUNT_ABOVE_ZERO,
    AMOUNT_WITH_PAYING_STEP,
    CELL_OVER_CSV_LIMIT,
    CUT_OFF_CHARACTER,
    CUT_OFF_ROW,
    EVIDENCE_OF_OTHER_CASE,
    LEDGER_FILE_MISSING,
    LEDGER_REPLACED,
    PG_DUMP_TOO_OLD,
    REQUEST_AFTER_STEP,
    RESHIP_ANSWER_WITHIN,
    RESHIP_SHIP_WITHIN,
    RESTORE_IN_USE,
    RESTORE_WRITTEN_MEANWHILE,
    SERVER_NEWER_TABLES,
    SERVER_NO_PASSWORD,
    STEP_AFTER_PLATFORM,
    STEP_AFTER_PLATFORM_UNDO,
    STEP_BEFORE_LAST,
    STEP_BEFORE_LAST_KEPT,
    STEP_BEFORE_LAST_UNDOS,
    STEP_BEFORE_REQUEST,
)

__all__ = ["ADDRESS_MISTYPED", "AMOUNT_ABOVE_ZERO", "AMOUNT_WITH_PAYING_STEP", "CELL_OVER_CSV_LIMIT",
           "CUT_OFF_CHARACTER", "CUT_OFF_ROW", "DAMAGE_COMPRESSED", "DAMAGE_ENCODING", "DAMAGE_FORMAT", "DAMAGE_OTHER",
           "DAMAGE_SHARED_STRINGS", "DAMAGE_XML", "EVIDENCE_OF_OTHER_CASE", "HEADER_ONLY", "HEADER_ONLY_CASES",
           "HTML_CUT_OFF", "HTML_NO_TABLE",
           "HTML_TOO_MANY_CELLS", "HTML_TOO_WIDE", "LEDGER_FILE_MISSING", "LEDGER_REPLACED", "PG_DUMP_TOO_OLD",
           "REQUEST_AFTER_STEP", "RESHIP_ANSWER_WITHIN", "RESHIP_SHIP_WITHIN",
           "RESTORE_IN_USE", "RESTORE_WRITTEN_MEANWHILE", "SERVER_NEWER_TABLES",
           "SERVER_NO_PASSWORD", "SHEET_BAD_POSITION", "SHEET_FAR_CELL", "SHEET_FAR_ROW", "SHEET_POSITION_UNREADABLE",
           "STEP_AFTER_PLATFORM", "STEP_AFTER_PLATFORM_UNDO", "STEP_BEFORE_LAST", "STEP_BEFORE_LAST_KEPT",
           "STEP_BEFORE_LAST_UNDOS", "STEP_BEFORE_REQUEST", "Message", "NoteTemplate",
           "say"]  # and the templates below

T = NoteTemplate
NONE = "无"  # an empty list of possible actions


def listed(parts: list[Message] | list[str], joiner: NoteTemplate | None = None) -> str:
    """Parts joined by "，" (`COMMA`, or `joiner`: nested) as one message; "" for none."""
    if not parts:
        return ""
    joined = parts[0]
    for part in parts[1:]:
        joined = say(joiner or COMMA, joined, part)
    return joined

ITEM_TABLE = "商品明细"  # where an order's bad items are, when the file does not name its table

# --- a case's or a claim's state refuses the action -------------------------------------------------
ACTION_REFUSED = T("%1售后单当前状态为“%2”，不能执行“%3”。当前可执行：%4", frozenset({1, 2, 3}), frozenset({4}))
CLAIM_ACTION_REFUSED = T("理赔当前状态为“%1”，不能执行“%2”。当前可执行：%3", frozenset({1, 2}), frozenset({3}))
ALREADY_KIND = T("售后单已经是“%1”", frozenset({1}))
KIND_OF_CLOSED = T("售后单已%1，请先重新打开再修改售后类型", frozenset({1}))
NOT_A_RESHIP = T("售后单 #%1 是“%2”，不是补发售后单", frozenset({2}))
NO_SHORTAGE_REFUND = T("售后单 #%1 当前状态为“%2”，不能改为缺货退款", frozenset({2}))
RESHIP_ENDED = T("售后单 #%1 的补发已结束（%2），不能再修改商品", frozenset({2}))
SHIPPED_BEFORE_AGREED = T("发货时间 %1 早于同意补发的时间 %2")
UNDO_IRREVERSIBLE = T("“%1”无法撤销：%2", frozenset({1, 2}))
UNDO_MOVED_RESHIP = T("“%1”同时改了补发记录，无法撤销；请用下一步操作更正", frozenset({1}))
CLAIM_NOTHING_TO_UNDO = T("理赔 #%1 没有可以撤销的操作（新建的理赔不能撤销；不需要时请“关闭理赔”）")
CLAIM_MOVED_ON = T("理赔 #%1 的状态在“%2”之后又变了，无法撤销", frozenset({2}))
CLAIM_ENDED = T("理赔 #%1 已结束，不需要跟进")
# The timeline note of the intervention the platform starts by itself on a refusal (抖店 一直未收到货 reship).
REFUSAL_ESCALATED = T("%1：商家拒绝后平台直接介入（仲裁），按“%2”的规则记录；请在举证期内上传凭证")

# --- not found ----------------------------------------------------------------------------------------
NO_CASE = T("找不到售后单 #%1")
NO_CASE_NUMBERED = T("没有编号为 %1 的售后单")
NO_CLAIM = T("找不到理赔 #%1")
NO_ORDER = T("找不到订单 #%1")
NO_RESHIP = T("找不到补发 #%1")
NO_EVIDENCE = T("找不到证据 #%1")
NO_PARCEL = T("找不到无主件 #%1")
PARCEL_MATCHED = T("无主件 #%1 已关联到售后单 #%2")
NO_PLAYBOOK = T("找不到处理步骤“%1”")
NO_SHOP = T("找不到店铺 %1")

# --- another seat or window changed it first -----------------------------------------------------------
CASE_NO = T("售后单 #%1")
CLAIM_NO = T("理赔 #%1")
CHANGED_BY = T("%1 刚被 %2 修改了（现在是“%3”），本次操作未保存。请看过最新内容后再操作。", frozenset({3}))
# A step the state no longer allows because another seat moved the record first (two commands at once, the
# second acting on the state as it found it): who moved it, when (China time) and with what step.
REFUSED_AFTER_SEAT = T("%1 刚被 %2 修改了（%3 %4）：%5", frozenset({4}))
# `case undo` / `claim undo` that found another seat's step on top (REFUSED_AFTER_SEAT's %5): the command's seat
# meant its own; `--other-seat` takes it back once seen.
# A command's save of fields another seat changed within minutes (`claim ticket`): who, when and what they wrote,
# which of them this save would write over.
OVERWRITE_AFTER_SEAT = T("%1 刚被 %2 修改了（%3 %4），本次未保存：要改的%5是别的席位刚改的；看过之后确要改，请加 "
                         "--other-seat 再执行")
# `claim act … pay_partially|pay` right after another seat's payout on the claim (REFUSED_AFTER_SEAT's %5): two seats
# recording the one bank transfer both saw; `--other-seat` records it once seen as another payment.
PAYOUT_NOT_OWN = ("别的席位刚记了一笔到账，本次未记录：两个席位可能把同一笔钱各记了一次；看过之后确是另一笔到账，"
                  "请加 --other-seat 再执行")
UNDO_NOT_OWN_STEP = "最后一步是别的席位刚做的，不是本席位的，本次未撤销；看过之后确要撤销它，请加 --other-seat 再执行"
CHANGED = T("%1 刚被他人修改了（现在是“%2”），本次操作未保存。请看过最新内容后再操作。", frozenset({2}))
# The shop's own data saved over another seat's save of it (a shop's profile): what, and who saved first.
SAVED_MEANWHILE_BY = T("%1刚被 %2 修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。")
SAVED_MEANWHILE = T("%1刚被他人修改了，本次保存未生效。已显示最新内容，请在它的基础上重新修改。")
PROFILE_OF_EVERY_SHOP = T("店铺信息（全部店铺）")
PROFILE_OF_SHOP = T("店铺信息（%1）")
LEDGER_BUSY = T("数据库正被另一个程序写入（另一个窗口、命令行或导入），等了 %1 秒仍未完成。"
                "数据未被修改；请等它结束后再试。")
SERVER_BUSY = T("另一个席位正在修改同一批记录（例如一次大的导入），等了 %1 秒仍未完成。"
                "数据未被修改；请等它结束后再试。")
SERVER_WRITING = T("另一个席位正在写入团队数据库（例如一次大的导入），等了 %1 秒仍未完成。"
                   "数据未被修改；请等它结束后再试。")
RULES_SAVED_BY = T("%1 在 %2 保存了新的版本")
RULES_SAVED_ELSEWHERE = T("另一台电脑 在 %1 保存了新的版本")
RULES_RESET = T("另一台电脑刚把它恢复成了默认规则")
RULES_CHANGED = T("%1 在你打开之后已被修改（%2）。你的修改没有保存；已显示最新的内容，请在它的基础上重新修改。",
                  frozenset({1}))

# --- values typed in a dialog ---------------------------------------------------------------------------
NOT_AN_AMOUNT = T("%1“%2”不是有效的金额（例如 12.50）", frozenset({1}))
NEGATIVE = T("%1不能为负数：%2", frozenset({1}))
AMOUNT_OVER = T("%1“%2”太大（最多 %3 元）", frozenset({1}))
PAST_CENTS = T("%1“%2”最多只能有两位小数（精确到分）", frozenset({1}))
FIELD_NEGATIVE = T("%1不能为负数", frozenset({1}))
NOT_A_MOMENT = T("%1“%2”格式不对，应为 YYYY-MM-DD HH:MM[:SS] 或 YYYY-MM-DD（北京时间）", frozenset({1}))
UNLIKELY_YEAR = T("%1“%2”不是合理的日期（年份应在 %3–%4 之间）", frozenset({1}))
ORDER_NO_SCIENTIFIC = T("订单号“%1”是科学计数法（被 Excel 转成了数字，已丢失位数），"
                        "请从平台重新导出或手工输入完整订单号")
ORDER_NO_TOO_LONG = T("订单号“%1…”太长（最多 64 个字符）")
ORDER_NO_BAD = T("订单号“%1”含有无效字符，只能包含数字、字母和“-”")
TRACKING_SCIENTIFIC = T("运单号“%1”被 Excel 转成了数字（已丢失位数），请把该列设为文本后重新复制")
TRACKING_BAD = T("运单号“%1”含有无效字符，只能包含数字、字母和“-”")
TRACKING_LENGTH = T("运单号“%1”长度不对（应为 %2–%3 位）")
CARRIER_TOO_LONG = T("快递公司名称太长（最多 %1 个字）")
# A NUL or an escape code in a pasted carrier column: never a name (PostgreSQL refused the NUL: an internal error).
CARRIER_CONTROL = T("快递公司“%1”里有控制字符（%2），不是快递公司的名称：请删去它")
ITEM_WITHOUT_NAME = T("第 %1 件商品没有名称")
ITEM_QUANTITY = T("“%1”的数量应为 1–%2")
SEAT_TOO_LONG = T("席位名太长（最多 %1 个字）")
SEAT_CLASH = T("席位名“%1”也在另一台电脑（%2，%3 起）上使用：两台电脑的修改都记在“%1”名下，分不清是谁做的。"
               "请给这台电脑换一个席位名（文件 → 连接团队数据库…，或命令 seat 新名字），例如“%1（前台）”；"
               "那台电脑已不再使用时，在这台电脑上再设一次这个名字即可")
SHOP_DETAIL_TOO_LONG = T("店铺信息中有一项超过 %1 个字，请精简")
PLATFORM_CASE_NO_TAKEN = T("平台售后单号“%1”已记录在售后单 #%2，请打开那一单")

# --- carrier claims ------------------------------------------------------------------------------------------
CASE_OF_OTHER_ORDER = T("售后单 #%1 属于订单 %2，与所选订单不一致")
CLAIMS_OVER_PAID = T("订单 %1 的理赔合计申请 %2 元，超过买家为整单商品实付的 %3 元（另有理赔 %4）：请核对是否重复登记，"
                     "多出的部分需有保价或运费等依据")
CLAIM_AMOUNT = T("#%1 %2 元")
PARCEL_CLAIMED = T("运单 %1 已有进行中的理赔 #%2（%3，申请 %4 元），请在那张理赔上继续跟进", frozenset({3}))
PARCEL_CLAIMED_NO_AMOUNT = T("运单 %1 已有进行中的理赔 #%2（%3），请在那张理赔上继续跟进", frozenset({3}))
ORDER_CLAIMED = T("这个订单的包裹已有进行中的理赔 #%1（%2，申请 %3 元），请在那张理赔上继续跟进", frozenset({2}))
ORDER_CLAIMED_NO_AMOUNT = T("这个订单的包裹已有进行中的理赔 #%1（%2），请在那张理赔上继续跟进", frozenset({2}))
PAID_BELOW_CLAIM = T("赔付 %1 元后累计 %2 元，少于申请的 %3 元：请用“部分赔付”，或接受这个金额并“关闭理赔”")
PARTIAL_REACHES_CLAIM = T("到账 %1 元后累计已达申请金额 %2 元，请用“已赔付”")
PAID_OVER_CLAIM = T("到账 %1 元后累计 %2 元，超过申请金额 %3 元（最多还能到账 %4 元）：请核对金额；快递确实多赔"
                    "（如连运费一起赔）时，先把申请金额改为实际赔付的金额"
                    "（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）")
PAID_OVER_CLAIM_SO_FAR = T("到账 %1 元后累计 %2 元，超过申请金额 %3 元（已到账 %4 元，最多还能到账 %5 元）："
                           "请核对金额；快递确实多赔（如连运费一起赔）时，先把申请金额改为实际赔付的金额"
                           "（窗口：快递理赔 → 编辑；命令行：claim edit N --amount）")
CLAIM_BELOW_RECEIVED = T("申请金额 %1 元少于已到账的 %2 元：请核对；到账记错了请先“撤销上一步”")
NO_SUCH_LINE = T("订单 %1 没有第 %2 件商品（共 %3 行）")
NO_ORDER_NUMBERED_ON = T("找不到%1上订单号为 %2 的订单；请先导入该平台的订单", frozenset({1}))
NO_ORDER_NUMBERED = T("找不到订单号为 %1 的订单；请先导入该平台的订单")
ORDER_ON_PLATFORMS = T("订单号 %1 在多个平台都有（%2），请用 --platform 指定平台", word_lists=frozenset({2}))
ORDER_WITHOUT_LINES = T("订单 %1 没有商品明细，不能按商品选择；可直接填写申请金额")
LINE_TOO_FEW = T("第 %1 行“%2”只有 %3 件，不能理赔 %4 件")
CASE_WITHOUT_RESHIP = T("售后单 #%1 还没有补发记录，请先登记补发")
CASE_OF_OTHER_CLAIM = T("售后单 #%1 与理赔 #%2 不是同一个订单")

# --- a pasted list of reships (the outcome of each line) --------------------------------------------------
PASTE_READY = CASE_NO
PASTE_AMBIGUOUS = T("订单 %1 有多张待补发售后单（%2），请逐个录入")
PASTE_ALREADY = T("售后单 #%1 已用此运单号发出")
PASTE_CONFLICT = T("售后单 #%1 已发出，运单号为 %2")
PASTE_CONFLICT_NO_NUMBER = T("售后单 #%1 已发出，运单号为 （无）")
PASTE_NOT_AGREED = T("售后单 #%1 尚未同意补发，请先同意")
PASTE_ENDED = T("售后单 #%1 的补发已结束（%2）", frozenset({2}))
PASTE_ROUNDED = T("没有订单号为 %1 的补发售后单：末尾 %2 位都是 0，可能是被 Excel 改过的订单号（Excel 只保留 15 位有效"
                  "数字），请把表格里这一列设为“文本”、填回完整的订单号后再复制")
PASTE_NOT_FOUND = T("没有订单号为 %1 的补发售后单")
PASTE_LINE_TOO_LONG = T("这一行有 %1 个字符，不是订单号和运单号（每行最多 %2 个字符）")
PASTE_REPEATED = T("订单 %1 在第 %2 行已出现")
PASTE_HEADER_SKIPPED = T("第一行没有订单号，按表头跳过")
PASTE_TOO_MANY_LINES = T("粘贴的内容超过 %1 行（第 %2 行起），一次最多录入 %1 行，什么也没有录入：请分成几批粘贴")
PASTE_TWO_COLUMNS = T("每行需要两列：订单号、运单号（第三列可写快递公司）")

# --- files: backups, evidence, exports, the seal -----------------------------------------------------------
BACKUP_FOLDER_UNUSABLE = T("无法使用备份文件夹 %1：%2", frozenset({2}))
BACKUP_FOLDER_UNMADE = T("无法创建备份文件夹 %1：%2", frozenset({2}))
NOTHING_TO_BACK_UP = T("没有可备份的数据库：%1")
BACKUP_UNWRITTEN = T("备份失败，无法写入 %1：%2", frozenset({2}))
NO_BACKUP_FILE = T("找不到备份文件 %1")
NOT_A_FILE = T("%1 不是一个文件")
BACKUP_DAMAGED = T("备份 %1 已损坏，不能用来恢复")
NOT_A_BACKUP = T("%1 不是售后台账的备份")
BACKUP_TOO_NEW = T("备份 %1 由更新版本的售后台账创建（版本 %2），本程序无法使用它：请先升级程序再恢复。数据库未被修改")
NO_GOOD_BACKUP = T("没有找到可用的备份（备份文件夹：%1）。请不要删除这个文件，"
                   "把它复制一份后联系技术支持尝试修复。")
NEWEST_GOOD_BACKUP = T("最新的完好备份是 %1（%2，%3）。在窗口中用“恢复备份”恢复它，"
                       "或运行：python -m desktop_app restore \"%4\"", frozenset({3}))
EVIDENCE_TOO_BIG = T("文件太大（%1 MB）：%2。团队数据库中每个证据文件最大 %3 MB，请压缩后再添加")
EVIDENCE_OVER_CAP = T("文件太大（%1 MB）：%2。每个证据文件最大 %3 MB，请压缩或剪短后再添加。证据没有添加")
EVIDENCE_FOLDER_GIVEN = T("%1 是一个文件夹，不是文件：请选择文件夹里的照片或视频。证据没有添加")
EVIDENCE_NOT_REGULAR = T("%1 不是普通文件（设备、管道或套接字），不能作为证据。证据没有添加")
EVIDENCE_EMPTY = T("%1 是空文件（0 字节），可能没有下载或保存完整。证据没有添加")
EVIDENCE_UNCOPIED = T("无法复制证据文件 %1：%2。证据没有添加", frozenset({2}))
READ_WRITE_FAILED = T("读写出错（%1）", frozenset({1}))
EXPORT_NOT_XLSX = T("导出文件名应以 .xlsx 结尾：%1")
EXPORT_IS_FOLDER = T("导出路径是一个文件夹：%1")
EXPORT_UNWRITTEN = T("无法写入 %1（文件可能正在被 Excel 打开）")
REPORT_NOT_XLSX = T("导出文件“%1”应以 .xlsx 结尾")
UNWRITTEN = T("无法写入 %1：%2", frozenset({2}))
SEAL_NOT_IMAGE = T("印章图片只能是 PNG 或 JPG 文件：%1")
SEAL_TOO_BIG = T("印章图片太大（%1 KB），请使用 5 MB 以内的图片")
SEAL_UNREADABLE = T("无法读取印章图片 %1：%2", frozenset({2}))
SEAL_BROKEN = T("%1 不是有效的 %2 图片")
SEAL_NOT_A_FILE = T("%1 不是普通的图片文件（是文件夹、设备或管道），不能作为印章")
ORDER_NOT_IMPORTED = T("订单尚未导入，没有商品和金额可写；导入订单或登记理赔后再生成")
STATEMENTS_AT_ONCE = T("一次最多生成 %1 份货值说明")
NO_ORDER_ON = T("找不到%1的订单 %2；请先导入该订单", frozenset({1}))
NO_ORDER_ANYWHERE = T("找不到订单 %1；请先导入该订单")

# --- a database the window cannot use (its file named, or not known: %1 is "") ------------------------------
DISK_FULL = T("磁盘已满，无法写入数据库%1。数据未被修改；请腾出空间后再试。")
READ_ONLY = T("数据库文件%1是只读的（或所在文件夹不可写），无法保存修改。")
CANNOT_OPEN = T("无法打开数据库文件%1：文件夹不存在或没有权限。")
READ_ONLY_FOLDER = T("无法打开数据库文件%1：它所在的文件夹不能写入（只读的 U 盘、光盘或网络盘，或没有写入权限），"
                     "而台账打开时要在它旁边写入工作文件。请把它复制到可以写入的文件夹（例如桌面）后再打开。")
DISK_FAILED = T("读写数据库文件%1时出错（磁盘、U 盘或网络盘故障？）。数据未被修改。")

# --- a ledger that cannot be opened, a team database, moving a ledger to one -------------------------------
LEDGER_DAMAGED = T("数据库文件 %1 已损坏，为免损失扩大，程序不会再写入它。")
DB_TOO_NEW = T("数据库 %1 由更新版本的售后台账创建（版本 %2），本程序无法打开。请升级程序后再试。")
DB_IS_FOLDER = T("数据库路径是一个文件夹：%1")
NOT_A_LEDGER = T("文件 %1 不是售后台账数据库（不是 SQLite 文件）")
OTHER_PROGRAMS_DATA = T("文件 %1 不是售后台账数据库（里面是其他程序的数据：%2），没有改动它。"
                        "请选择售后台账的数据库文件，或写一个新的文件名")
OTHER_PROGRAMS_MORE_DATA = T("文件 %1 不是售后台账数据库（里面是其他程序的数据：%2等），没有改动它。"
                             "请选择售后台账的数据库文件，或写一个新的文件名")
ADDRESS_UNSUPPORTED = T("不支持的数据库地址“%1”：请写 SQLite 文件路径，或 postgresql+psycopg://用户名:密码@主机:端口/数据库名")
ADDRESS_MALFORMED = T("数据库地址“%1”写法不对：%2")
ADDRESS_WITHOUT_DATABASE = T("数据库地址“%1”缺少数据库名（…@主机:端口/数据库名）")
TEXT_TOO_LONG_FOR_SERVER = T("有一项文字太长，团队数据库存不下（%1）。数据未被修改。")
SERVER_NO_PERMISSION = T("团队数据库%1的账号没有权限做这件事（%2）。请让管理员授权。")
SERVER_DISK_FULL = T("团队数据库%1的磁盘已满，无法写入。数据未被修改。")
SERVER_LOGIN_FAILED = T("无法登录团队数据库%1：用户名或密码不对。请在 设置 → 连接团队数据库 中重新填写。")
SERVER_NO_DATABASE = T("团队数据库%1不存在：请先在服务器上建好这个数据库（CREATE DATABASE），或检查库名。")
SERVER_LOST = T("与团队数据库%1的连接在操作中途断开了：%2。这次没有做完的修改没有保存；请等服务器恢复后再做一次。",
                frozenset({2}))
SERVER_FULL = T("团队数据库%1的连接已满（%2）：服务器允许的连接都被各个席位的窗口和命令占着。"
                "请关掉不用的售后台账窗口后再试一次；"
                "经常这样时，请管理员调大服务器的 max_connections 或这个账号的连接数上限。", frozenset({2}))
# A seat's computer clock minutes off the team server's (services/seats.clock_warning).
CLOCK_BEHIND = T("这台电脑的时钟比团队数据库服务器慢 %1 分钟："
                 "在这里记录的步骤（没写时间的）和从它们算起的时限都会早 %1 分钟。"
                 "请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。")
CLOCK_AHEAD = T("这台电脑的时钟比团队数据库服务器快 %1 分钟："
                "在这里记录的步骤（没写时间的）和从它们算起的时限都会晚 %1 分钟。"
                "请校准这台电脑的时间（Windows：设置 → 时间和语言 → 立即同步）。")
SERVER_UNREACHABLE = T("无法连接团队数据库%1：%2。请检查网络、服务器地址和端口，以及服务器是否已启动。", frozenset({2}))
NO_LEDGER_TO_MOVE = T("找不到要迁移的数据库文件：%1")
MOVE_TARGET_NOT_EMPTY = T("目标数据库 %1 已经有数据（%2），不能迁入：请用一个新建的空数据库。")
MOVE_COUNTS_DIFFER = T("迁移后核对条数不一致（%1），已全部撤销，目标数据库未改动。")
# A window or a command saved to the file while it was being copied: that change is not in the copy.
MOVE_SOURCE_WRITTEN = T("迁移期间数据库文件 %1 又有修改（窗口、命令行或导入刚保存了内容），这些修改不在复制里："
                        "已全部撤销，目标数据库未改动。请等它们结束（关闭其他窗口和命令）后再迁移。")
# size in MB, the file, the cap in MB, how many files are over it: checked before anything is written
MOVE_FILE_TOO_BIG = T("证据文件太大（%1 MB）：%2。团队数据库中每个证据文件或印章最大 %3 MB（超过的共 %4 个），"
                      "迁移没有开始，目标数据库未改动。请把它换成压缩或剪短的文件（删除这条证据后重新添加）再迁移。")
TABLE_COUNT = T("%1 %2 条", frozenset({1}))
TABLE_ROWS = T("%1 %2 行")
TABLE_SHORT = T("%1：应有 %2，实有 %3")
CAUSE = T("%1（%2）", frozenset({1}))  # a cause in words, the driver's own line after it
COMMA = T("%1，%2")  # two parts of a list a message names (a list of lists: nested)

# --- a goods value statement that cannot be written, a playbook the editor cannot save -------------------
_TYPED_PRICE_HINT = "命令 statement … --unit-price 59.00（几种商品各自给：--unit-price \"商品名=59.00\"）"
STATEMENT_NO_ITEMS = T("订单 %1 没有商品明细和金额（尚未导入？），无法写货值说明；请先导入该订单")
ORDER_UNPRICED = T("订单 %1 的商品没有单价和金额：%2。请先导入这张订单的订单导出，")
CLAIM_UNPRICED = T("理赔 #%1 的商品没有单价和金额：%2。请在理赔中补全，")
OR_TYPE_PRICES = T("%1或生成时给出单价：" + _TYPED_PRICE_HINT)  # the command line's way; the window has its own
EMPTY_STEP = T("第 %1 个步骤是空的：请填写内容或删除它")
UNTITLED_SCRIPT = T("第 %1 条话术没有标题")
EMPTY_SCRIPT = T("话术“%1”的内容是空的")

# --- the column mapping dialog's problems (a supplier's sheet, an ERP's after-sales list) ---------------------
COLUMN_NOT_IN_SHEET = T("“%1”选择的列不在表格里", frozenset({1}))
COLUMN_WITHOUT_HEADER = T("%1 列没有表头，无法按列名识别（“%2”）：请在表格里给这一列加上列名，或选择其他列",
                          frozenset({2}))
COLUMN_SAME_HEADER = T("%1 列的表头“%2”与 %3 列相同，导入时只会读到 %3 列（“%4”）：请在表格里给其中一列改名",
                       frozenset({4}))
COLUMN_HEADER_PIPE = T("%1 列的表头“%2”含有“|”，无法用来识别表格：请在表格里改名")
COLUMN_TWO_FIELDS = T("%1 列同时对应了“%2”：一列只能对应一个字段", frozenset({2}))
AND_QUOTED = T("%1”和“%2", frozenset({1, 2}))  # two fields' names inside quotes
MAPPING_NAME_NEEDED = T("请填写方案名称（例如“%1”）", frozenset({1}))
MAPPING_NAME_TOO_LONG = T("方案名称太长：最多 %1 个字")
MAPPING_PLATFORM_UNKNOWN = T("无法识别的平台“%1”")
MAPPING_LAYOUT_NEEDED = T("请选择每行是一个订单还是一个商品")
MAPPING_UNKNOWN_FIELDS = T("未知的字段：%1")
MAPPING_ORDER_NO_NEEDED = T("请选择“订单号”在哪一列：订单按订单号导入和合并")
MAPPING_TITLE_NEEDED = T("“一行一个商品”的表格需要选择“商品名称”在哪一列")
MAPPING_COLUMN_NEEDED = T("请选择“%1”在哪一列：%2", frozenset({1, 2}))
MAPPING_EXAMPLES = ("某某供应商发货表", "ERP售后单")

# --- a table of one row per item with a row that names no order; a product cost sheet ---------------------
ITEM_ROW_UNDER_ORDER = T("%1第 %2 行%3：%4，但这一行有商品，像是上面那张订单的又一件商品。"
                         "导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。请在每一行都填上订单号，并在“导入其他表格”里把“每行是”选为“一行一个商品”后再导入",
                         frozenset({4}))
ITEM_ROW_WITHOUT_ORDER = T("%1第 %2 行%3：%4。这张表每行是一件商品，读不出订单号的行不知道属于哪张订单，"
                           "导入其余的行会让那张订单少记这件商品，所以整个文件都没有导入。请改正这一行（或从平台重新导出）后再导入",
                           frozenset({4}))
QUOTED_TABLE = T("“%1”")  # the sheet or companion file a row is in
COLUMN_OF = T("“%1”列")
COST_ROW = T("第 %1 行：%2", frozenset({2}))  # a row's problem (a message, or a cell's reason after its column)
COST_WITHOUT_PRICE = T("第 %1 行：商家编码 %2 没有成本价")
COST_REPEATED = T("第 %1 行：商家编码 %2 与第 %3 行重复，以本行为准")
# A gift or a free sample costs nothing: imported, said once a sheet with its rows ("2、5" or "2、5、7 等 12").
COST_ZERO = T("第 %1 行：成本价为 0，已按不计成本的商品（赠品、试用装）导入，货损按 0 元计；"
              "如果是漏填，请改正后重新导入")
# A cost no shop's goods have (a price typed with digits too many): refused, the row named.
COST_ABSURD = T("第 %1 行：成本价 %2 元超过 %3 元，不像一件商品的成本（是否多写了几位？），这一行没有导入")

# --- a team database's backup, the system keyring, the playbooks' files ---------------------------------------
NO_PG_DUMP = T("这台电脑没有 PostgreSQL 的备份工具 pg_dump，无法备份团队数据库。请安装 PostgreSQL 客户端工具"
               "（或设置环境变量 %1 指向 pg_dump），或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %2")
PG_DUMP_NOT_RUN = T("运行 pg_dump 失败：%1")
PG_DUMP_FAILED = T("pg_dump 备份团队数据库失败：%1", frozenset({1}))
UNKNOWN_REASON = "未知原因"
NO_KEYRING = T("这台电脑没有可用的系统钥匙串，无法保存密码（%1）。可以每次在地址里写上密码，或设置环境变量 %2。")
PLAYBOOK_SKIPPED = T("已跳过自定义处理步骤 %1", frozenset({1}))
PLAYBOOK_UNSAVED = T("无法保存处理步骤到 %1：%2", frozenset({2}))
NO_OWN_PLAYBOOK = T("处理步骤“%1”没有本店自己的版本")
NOT_DELETED = T("无法删除 %1：%2", frozenset({2}))

# --- reading an imported file: why a file is refused, a row rejected, a row warned about --------------
_RESAVE = "请在平台后台重新导出，或在 Excel 中另存为 .xlsx 后再导入"
_EXCEL_WHY = "Excel 只保留 15 位有效数字，超过的位数变成了 0"
_EXCEL_FIX = "请从平台后台重新导出原始文件；如需在 Excel 中编辑，先把这一列设为“文本”再粘贴或填写"
PASSWORD = T("文件设置了密码保护。请在 Excel 中打开并取消密码（文件 → 信息 → 保护工作簿），另存为 .xlsx 后再导入")
ZIP_BROKEN = T("文件不完整或已损坏（不是有效的 Excel 文件）。" + _RESAVE)
UNREADABLE = T("文件无法读取（%1）", frozenset({1}))
ZIP_TOO_MANY = T("文件内部结构异常（条目过多），不像是订单表格")
ZIP_BOMB = T("文件解压后异常巨大（疑似“压缩炸弹”），为安全起见拒绝读取")
ZIP_HUGE = T("文件解压后超过 1 GB（疑似“压缩炸弹”或并非订单表格），为安全起见拒绝读取")
SHARED_STRINGS_HUGE = T("文件里的文字表（共享字符串）解压后有 %1 MB，超过 %2 MB：订单或售后导出远没有这么多文字，"
                        "读取它要占用大量内存，文件没有导入（文件可能已损坏或被改过）。请从平台后台重新导出后再导入")
ZIP_NOT_EXCEL = T("这是一个压缩包，但不是 Excel 表格")
WORKBOOK_BROKEN = T("文件已损坏或不完整，无法作为 Excel 表格读取（%1）。" + _RESAVE, frozenset({1}))
WORKBOOK_DAMAGED = T("文件已损坏，无法作为 Excel 表格读取。" + _RESAVE)
NO_SHEETS = T("工作簿里没有工作表")
NO_SUCH_FILE = T("找不到文件")
NOT_A_FILE_AT_ALL = T("这不是一个文件")
NO_READ_PERMISSION = T("没有读取权限（文件可能正在被 Excel 打开）")
EMPTY_FILE = T("文件是空的")
OTHER_FORMAT = T("这是%1，不是表格文件", frozenset({1}))
WEB_PAGE = T("这是网页或 XML 格式的表格，无法直接导入。" + _RESAVE)
BINARY = T("不是表格文件（无法识别的二进制格式）")
SHEET_DAMAGED = T("工作表“%1”内容已损坏（%2）", frozenset({2}))
SHEET_UNREADABLE = T("工作表“%1”无法读取，文件可能已损坏或不完整（%2）", frozenset({2}))
SHEET_BROKEN = T("工作表“%1”无法读取，文件已损坏")
ENCODING_CHANGED = T("第 %1 行附近的文字编码与文件开头不一致，文件可能已损坏")
LINE_OVER_LIMIT = T("第 %1 行超过 %2 还没有换行，不像是平台导出的内容（文件可能已损坏，或不是表格）。"
                    "文件没有导入，请检查这一行后重新导出")
NOT_CSV = T("第 %1 行不是有效的 CSV 内容（%2）")
CHANGED_WHILE_READ = T("文件在读取过程中被改动了（大小或修改时间变了）：可能还在下载，或正被别的程序保存。"
                       "文件没有导入，请等它下载或保存完后再导入")
READ_FAILED_AT_ROW = T("读到第 %1 行时文件读不下去了（%2）：可能是网盘或 U 盘断开了，或者文件正被别的程序改写或锁定。"
                       "文件没有导入，请等它保存完（或复制到本机）后再导入", frozenset({2}))
UNPAIRED_QUOTE = T("第 %1 行有一个没有配对的引号（\"），其后 %2 行被并进了同一个单元格（从“%3”开始）。"
                   "请在该行补上或删去引号后再导入")
NUL_IN_CELL = T("第 %1 行第 %2 列（“%3”）里有一个空字符（NUL），文件已损坏或不是文本格式。" + _RESAVE)
DETAIL_ALONE = T("这是%1的商品明细文件，不能单独导入。请把它和对应的订单列表文件（%2…）一起选择导入", frozenset({1}))
NOT_A_DETAIL = T("这不是%1的商品明细文件（找不到 %2 等列）", frozenset({1}))  # %2: the platform's columns
NOT_OF_MAPPING = T("表头与列对应方案“%1”不符：前 10 行里找不到这些列：%2")
TWO_LAYOUTS = T("表头既像“%1”又像“%2”，看不出是哪个平台的导出："
                "请指明平台（命令行 --platform，窗口里用“导入其他表格…”）",
                frozenset({1, 2}))
LIST_NOT_IMPORTED = T("对应的订单列表文件“%1”未能导入，明细也未导入")
NO_DETAIL_FILES = T("“%1”的格式没有单独的商品明细文件，这个文件没有被使用")
ORDER_REPEATED = T("%1“%2”在第 %3 行已经出现过，但这一行的内容与第 %3 行不同；这一行未导入（保留第 %3 行）。"
                   "请核对后删去多余的一行")
ORDER_ITEMS_BAD = T("本订单在%1第 %2 行的商品有错误，整单未导入", frozenset({1}))
ORDER_OTHER_ROWS_BAD = T("同一订单（%1）的其他行有错误，本订单整单未导入")
MISSING = T("缺少%1")
TOO_LONG = T("%1太长（%2 个字符，最多 %3 个）")
CELL_TOO_LONG = T("内容太长（最多 %1 个字符）")
NOT_A_CASE_NO = T("“%1”不是有效的售后单号（只能包含数字、字母和“-”）")
UNKNOWN_KIND = T("无法识别的售后类型“%1”（可在售后导出格式文件 %2 的 [kinds] 中添加）")
CASE_NO_REPEATED = T("售后单号“%1”与第 %2 行重复且内容不同，本行未导入")
FORMULA = T("是公式%1（单元格 %2），但文件里没有保存它的计算结果，不能当作空白导入。"
            "请在 Excel 中打开文件、确认数值显示正确后保存，再导入")
EXCEL_ERROR = T("是 Excel 的错误值 %1（单元格 %2%3），不是数据，不能当作空白导入。"
                "请在 Excel 中改正这个单元格（或从平台后台重新导出）后再导入")
EXCEL_ERROR_FORMULA = T("，公式“=%1”")
EXCEL_ERROR_TEXT = T("是 Excel 的错误值 %1，不是数据。请在 Excel 中改正这个单元格（或从平台后台重新导出）后再导入")
SHEET_EXCEL_ERRORS = T("工作表“%1”的单元格 %2 是 Excel 的错误值 %3，不是数据，不能当作空白导入。"
                       "请在 Excel 中改正这个单元格和其他显示错误值的单元格（或从平台后台重新导出）后再导入")
_DAMAGED_CELL_FIX = "请从平台后台重新导出，或在 Excel 中打开、检查这个单元格后另存，再导入"
NUMBER_CELL_UNREADABLE = T("工作表“%1”第 %2 行 %3 列的单元格标为数字，写的却是“%4”，不是数字，读不出来，文件没有导入。"
                           "请在 Excel 或 WPS 中把这个单元格改成数字（或把这一列设为“文本”）后另存，再导入")
SHARED_TEXT_MISSING = T("工作表“%1”第 %2 行 %3 列的单元格引用文件里的第 %4 号文字，文件却只有 %5 条：文件已损坏，"
                        "这个单元格读不出来，文件没有导入。" + _DAMAGED_CELL_FIX)
CELL_TYPE_UNKNOWN = T("工作表“%1”第 %2 行 %3 列的单元格读不出来（文件里标的类型是“%4”，内容是“%5”）：文件已损坏，"
                      "文件没有导入。" + _DAMAGED_CELL_FIX)
SHARED_INDEX_ODD = T("工作表“%1”第 %2 行 %3 列的单元格引用文件里的文字，编号却是“%4”：文件已损坏，"
                     "这个单元格会读成别的文字（如表头），文件没有导入。" + _DAMAGED_CELL_FIX)
ROUNDED_COLUMN = T("“%1”末尾 %2 位都是 0，这一列的长数字都是这样：是被 Excel 当作数字保存过的编号（" + _EXCEL_WHY
                   + "），不能使用。" + _EXCEL_FIX)
ROUNDED_KEPT = T("第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（" + _EXCEL_WHY + "），已照原样导入。"
                 "请到平台后台核对这个编号；如果它在 Excel 里填写或保存过，"
                 "先把这一列设为“文本”，再填写完整的编号后重新导入")
ROUNDED_KEPT_UNKNOWN = T("第 %1 行“%2”列：“%3”末尾 %4 位都是 0，可能是被 Excel 改过的编号（" + _EXCEL_WHY
                         + "），台账里也没有这个%5，已照原样导入。"
                         "请到平台后台核对这个编号；如果它在 Excel 里填写或保存过，"
                         "先把这一列设为“文本”，再填写完整的编号后重新导入", frozenset({5}))
ROUNDED_LIKE = T("“%1”末尾 %2 位都是 0，台账里没有这个编号，却有前 15 位相同的 %3：是被 Excel 改过的编号（" + _EXCEL_WHY
                 + "），不能使用。" + _EXCEL_FIX)
TYPED_TWIN = T("第 %1 行：平台售后单 %2（新建为 #%3）与手工登记的售后单 #%4 是同一订单 %5、同一类型（%6），"
               "可能是同一个售后："
               "请核对，关闭多余的一张", frozenset({6}))

FILE_SAYS = T("%1：%2", frozenset({2}))  # a file's name and what its import said
REPEATED_COLUMN_DIFFERS = T("表头“%1”有 %2 列（第 %3 列），第 %4 行它们的内容不同（“%5”和“%6”）：导入的是第 %7 列。"
                            "请确认它是对的，否则删去或改名多余的列后重新导入")

# Only ever inside another message: a text is not read back as one of them ("售后单 #%1" reads most).
PARTS = (AND_QUOTED, QUOTED_TABLE, COLUMN_OF, CASE_NO, CLAIM_NO, CLAIM_AMOUNT, FILE_SAYS, CAUSE, TABLE_COUNT,
         TABLE_ROWS, TABLE_SHORT, COMMA, rule_messages.RULE_NTH, rule_messages.RULE_NTH_SHORT,
         rule_messages.RULE_NAMED, rule_messages.RULE_TIMER_IN, PROFILE_OF_EVERY_SHOP,
         PROFILE_OF_SHOP, DAMAGE_COMPRESSED, DAMAGE_ENCODING, DAMAGE_FORMAT, DAMAGE_OTHER, DAMAGE_SHARED_STRINGS,
         DAMAGE_XML)
# Every template; the more specific first (more fixed text): a template that reads another's text too
# must not win when a message that came as text is read back.
ALL = tuple(sorted(dict.fromkeys(value for value in [*globals().values(), *vars(rule_messages).values()]
                                 if isinstance(value, NoteTemplate)),
                   key=lambda t: -len(re.sub(r"%[1-9]", "", t.template))))
TEMPLATES = tuple(t for t in ALL if t not in PARTS)
