"""More of the services' messages that name values (`core.messages` gathers them into its catalog): a step
recorded out of order or a request corrected after one, the amount a paying step paid, a team seat that cannot
log in or runs an older version, a mistyped server address, a pg_dump older than the team's server, a restore under
an open window, another case's evidence, a file cut off mid-row."""

from __future__ import annotations

from desktop_app.core.event_notes import NoteTemplate as T

# A step dated before the case's last one (services/case_writes.check_in_order); %3 and %5 are the same step.
STEP_BEFORE_LAST = T("%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，"
                     "先撤销那一步（编辑 → 撤销，或 case undo %6）再按正确的时间记录", frozenset({1, 3, 5}))
# … when `case undo` takes back other steps first (a date-only step recorded after it that day, a note): %7 times.
STEP_BEFORE_LAST_UNDOS = T("%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；若%5的时间记错了，"
                           "先从最后一步撤销到那一步（编辑 → 撤销，或 case undo %6，共 %7 次）再按正确的时间记录",
                           frozenset({1, 3, 5}))
# … when undoing cannot reach it (a parcel sent, a reship's agreement): %6 says why; record the step at %7 or later.
STEP_BEFORE_LAST_KEPT = T("%1的时间 %2 早于%3的时间 %4：售后单的步骤按发生的先后记录。请检查时间；撤销改不到%5"
                          "（%6），这一步请记录为 %7 或之后", frozenset({1, 3, 5, 6}))
# A step dated before the buyer's request (services/case_writes.check_in_order): the request's time is the one
# typed when the case was recorded, by default that moment.
STEP_BEFORE_REQUEST = T("%1的时间 %2 早于买家申请的时间 %3：售后单的步骤不能早于申请。请检查时间；若买家申请得更早"
                        "（新建时没填申请时间的，按录入的时刻记录），新建售后单时填写买家申请时间"
                        "（case add --requested-at，或新建售后单的“买家申请时间”）或改正它"
                        "（case edit %4 --requested-at，或售后单的“编辑”），不需要的售后单请关闭",
                        frozenset({1}))
# The buyer's request corrected to a time after the case's first step (services/case_request.move_request).
REQUEST_AFTER_STEP = T("买家申请的时间改为 %1 不行：它晚于%2的时间 %3，售后单的步骤不能早于申请。请检查时间；"
                       "若%4的时间记错了，先撤销那一步（编辑 → 撤销，或 case undo %5）", frozenset({2, 4}))
# A step that met an automatic timer after its due (services/late_steps): the platform had acted by then.
STEP_AFTER_PLATFORM = T("提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）", frozenset({1, 3}))
STEP_AFTER_PLATFORM_UNDO = T("提醒：“%1”已于 %2 到期，平台当时已自动处理（%3）。若这一步其实在那之前就发生了，"
                             "请撤销它（编辑 → 撤销，或 case undo %4）后按实际时间记录", frozenset({1, 3}))
# `case act N refund --amount`, the window's 退款 / 补偿 dialog (services/case_writes.record_paid_amount).
AMOUNT_WITH_PAYING_STEP = T("金额只能随退款、退货途中退款或补偿一起记录，“%1”不付款", frozenset({1}))
AMOUNT_ABOVE_ZERO = T("金额必须大于 0")
# store/locations: a server's address whose `://` was mistyped (it would have been taken as a file's path).
ADDRESS_MISTYPED = T("数据库地址“%1”写法不对：应写成 postgresql+psycopg://用户名:密码@主机:端口/数据库名（协议名后面是“://”）")
# store/ledger_errors: a seat without the server's password; a seat older than the ledger's tables.
SERVER_NO_PASSWORD = T("无法登录团队数据库%1：服务器要求密码，但没有提供（这台电脑的系统钥匙串里没有保存这个"
                       "服务器的密码）。请在 设置 → 连接团队数据库 中填写密码并保存，或在地址里写上密码。")
SERVER_NEWER_TABLES = T("团队数据库%1的表结构与本程序不一致（%2）：可能已有席位用更新版本的售后台账升级了它。"
                        "数据未被修改；请把这台电脑的售后台账升级到最新版本后重新打开。")
# services/server_backups: this seat's pg_dump is older than the server (it refuses to dump a newer server).
PG_DUMP_TOO_OLD = T("这台电脑的 pg_dump（%1）比团队数据库的服务器（PostgreSQL %2）旧，不能备份它。"
                    "请安装 PostgreSQL %3 或更新版本的客户端工具（或设置环境变量 %4 指向它），"
                    "或在数据库服务器上运行：pg_dump -Fc -f 备份文件.dump %5")
# services/backups.restore: replaced under it, a window kept writing into the old file.
RESTORE_IN_USE = T("数据库 %1 正被另一个窗口或命令打开着：恢复后，它再做的修改都会丢失。"
                   "请先关闭它（窗口：文件 → 退出），再恢复。数据库未被修改。")
# … and when a program (a command, a script's import) wrote to it while the restore was copying: not restored.
RESTORE_WRITTEN_MEANWHILE = T("恢复期间另一个程序（命令行、导入或窗口）写入了数据库 %1：恢复会丢掉它刚保存的修改，"
                              "所以没有恢复，数据库未被修改（恢复前的副本：%2）。请等它结束、关闭其他程序后再恢复。")
# store/database: a command that opened the ledger file while a restore replaced it (it waited for the restore).
LEDGER_REPLACED = T("数据库 %1 刚被恢复为一个备份（文件已被替换），本次操作没有保存。请重新运行命令"
                    "（窗口：重新打开数据库）后再操作。")
# services/case_evidence: `evidence 12 --remove 5` where #5 is another case's.
EVIDENCE_OF_OTHER_CASE = T("证据 #%1 不是售后单 #%2 的（它属于售后单 #%3），没有删除")
# io/spreadsheet_readers: a csv whose last line ends short of the lines above it and of a line end, or in
# the middle of a character (a download cut off): the rows after it are missing too.
CUT_OFF_ROW = T("文件在第 %1 行中途结束（这一行只有 %2 列，上面的行有 %3 列）：可能没有下载完整，后面的行也缺了。"
                "文件没有导入，请重新下载后再导入")
CUT_OFF_CHARACTER = T("文件在第 %1 行的一个字中间结束：可能没有下载完整，后面的行也缺了。"
                      "文件没有导入，请重新下载后再导入")
# A csv cell past the csv module's field limit (128 KB): no platform writes one; an unpaired quote can.
CELL_OVER_CSV_LIMIT = T("第 %1 行有一个单元格超过 %2 个字，不像是平台导出的内容（可能有一个引号没有配对，"
                        "把后面的内容都并进了这个单元格）。文件没有导入，请检查这一行后重新导出")
# `--db` or AFTERSALES_LEDGER_DB (%2) naming a file that is not there: refused by the window and every command
# but those that bring data in (a mistyped path made an empty ledger and its folders).
LEDGER_FILE_MISSING = T("数据库文件不存在：%1（没有新建它）。请检查 --db 或环境变量 %2 所写的路径；"
                        "导入订单或售后单、case add 会在这个路径新建台账。")
# What agreeing a reship means under the platform's pack (services/reship_rules.consequences, the agree dialog):
# the ship timer's name, its duration's amount and unit, the pack's words for lateness; the answer timer's name and
# what the platform does when it runs out.
RESHIP_SHIP_WITHIN = T("%1：同意后%2%3内发出并填写运单号；逾期：%4", frozenset({1, 3, 4}))
RESHIP_ANSWER_WITHIN = T("%1：未及时处理则%2", frozenset({1, 2}))
