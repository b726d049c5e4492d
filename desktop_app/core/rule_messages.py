"""The rule files' problems, as the 时效规则 editor and the command line say them (a rule pack that cannot be
used: where in which file, and what is wrong), and the keys they name in words. `core.messages` gathers the
templates into its catalog."""

from __future__ import annotations

from desktop_app.core.event_notes import NoteTemplate as T

RULE_PROBLEM = T("规则文件 %1：%2：%3", frozenset({2, 3}))  # the file, where in it, the problem
RULE_FILE_PROBLEM = T("规则文件 %1：%2", frozenset({2}))
RULE_NTH = T("第 %1 个%2", frozenset({2}))  # the 2nd 计时器 (a table without an id)
RULE_NTH_SHORT = T("第 %1 个")
RULE_NAMED = T("%1“%2”", frozenset({1}))  # 计时器“seller_confirm_return”
RULE_TIMER_IN = T("%1中计时器“%2”")  # a window's duration for one timer
RULE_UNKNOWN_KEY = T("不认识的设置项“%1”（可用：%2）")
RULE_MISSING = T("缺少“%1”")
RULE_EMPTY_TEXT = T("“%1”必须是非空文字")
RULE_TOO_LONG = T("“%1”最长 %2 个字符")
RULE_BAD_ID = T("“%1”只能用小写英文字母、数字和下划线，并以字母开头：%2")
RULE_ONE_DURATION = T("时长必须恰好写一项：{ hours = 72 }、{ days = 7 } 或 { working_days = 3 }")
RULE_BAD_UNIT = T("时长单位“%1”无效，可用：hours（小时）、days（天）、working_days（工作日）")
RULE_DURATION_NOT_INT = T("时长“%1”必须是正整数，而不是 %2")
RULE_DURATION_RANGE = T("时长“%1”必须在 1 到 %2 之间，而不是 %3")
RULE_NOT_TEXT_LIST = T("“%1”必须是文字列表，例如 [\"a\", \"b\"]")
RULE_UNKNOWN_IDS = T("“%1”中有未知的%2：%3（可用：%4）", frozenset({2}))
RULE_NOT_A_TABLE = T("必须是一个表（[[%1]]）")
RULE_UNKNOWN_START = T("起算事件“%1”未知（可用：%2）")
RULE_NO_DURATION = T("缺少“duration”（时长）")
RULE_ASSUMED = T("“assumed”只能是 true（时长为估计）或 false")
RULE_AUTO_RECORDS = T("“auto_records”事件“%1”未知（可用：%2）")
RULE_REFUSAL_RECORDS = T("“refusal_records”只能是 escalated（商家拒绝后平台直接介入），不能是“%1”")
RULE_ROUNDS = T("“rounds”只能是 \"each\"（每次起算事件重新计时）或 \"first\"（只按第一次）")
RULE_DATE_ONLY = T("“date_only_start”只能是 \"day_start\"（当天0点起算）或 \"next_day\"（次日0点起算）")
RULE_REASON_BOTH = T("同一个原因不能同时出现在 reasons 和 except_reasons 中")
_PENALTY_EXAMPLE = "写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, max_yuan = 30 }（成交金额的5%，最多30元）"
RULE_PENALTY_SHAPE = T("“penalty_amount”" + _PENALTY_EXAMPLE)
RULE_PENALTY_NUMBER = T("“penalty_amount”中的“%1”必须是正整数，而不是 %2")
RULE_PENALTY_EITHER = T("“penalty_amount”要么是固定金额，要么是百分比：" + _PENALTY_EXAMPLE)
RULE_PENALTY_PERCENT = T("“penalty_amount”的百分比不能超过100")
RULE_BAD_MOMENT = T("“%1”必须是日期时间，例如 2022-01-25T00:00:00（北京时间），而不是 %2")
RULE_KEYED_TO = T("“keyed_to”必须是一个或几个事件名（%1），而不是 %2")
RULE_RECURS = T("“recurs”只能是 \"yearly\"（每年重复，当年没有自己的窗口时按同样的月日估算）"
                "或 \"announced\"（每年由平台公布，不估算，快到时提醒添加当年的窗口）")
RULE_RECURS_EVENT = T("每年重复的窗口需要“event”（活动编号，如 double11），用来判断某一年是否已有自己的窗口")
RULE_END_BEFORE_START = T("结束时间早于开始时间")
RULE_NO_DURATIONS = T("“durations”必须列出至少一个计时器的新时长，例如 { seller_confirm_return = { days = 20 } }")
RULE_NOT_ARRAY = T("%1 必须写成 [[%1]] 表数组")
RULE_REPEATED_ID = T("id 重复")
RULE_NO_PACK = T("缺少 [pack] 部分（id、name）")
RULE_WRONG_ID = T("id 应为“%1”（与文件名一致），而不是“%2”")
RULE_REVISION = T("“revision”必须是非负整数")
RULE_UNKNOWN_PARENT = T("extends 指向未知的规则包“%1”（可用：%2）")
RULE_SELF_PARENT = T("规则包不能 extends 自己")
RULE_CAMPAIGN_TIMER = T("规则文件 %1：活动“%2”：引用了不存在的计时器“%3”")
RULE_WINDOW_TIMER = T("规则文件 %1：时间窗口“%2”：引用了不存在的计时器“%3”（本规则包的计时器：%4）",
                      word_lists=frozenset({4}))
RULE_CYCLE = T("规则包继承形成循环：%1")
RULE_NOT_DATES = T("“%1”必须是日期列表，例如 [2026-10-08]")
RULE_NOT_A_DATE = T("“%1”中的“%2”不是日期（YYYY-MM-DD）")
RULE_REST_AND_WORK = T("同一天不能既是休息日又是工作日：%1")
RULE_WORDS = ("计时器", "时间窗口", "活动", "售后类型", "原因", "完成事件")  # where and what, in those messages
# The keys a problem names, in words (the editor shows “时长（duration）”)
RULE_KEY_WORDS = {
    "name": "名称", "starts_from": "起算事件", "duration": "时长", "on_expiry": "到期后果", "kinds": "适用售后类型",
    "reasons": "适用原因", "except_reasons": "不适用的原因", "met_by": "完成事件", "penalty": "处罚说明",
    "penalty_amount": "处罚金额", "fixed_yuan": "固定金额", "percent": "百分比", "max_yuan": "最高金额",
    "hours": "小时", "days": "天", "working_days": "工作日", "start": "开始时间", "end": "结束时间",
    "durations": "窗口内的时长", "keyed_to": "判断事件", "rounds": "计时轮次", "date_only_start": "只有日期时的起算",
}
