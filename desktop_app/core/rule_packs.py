"""Platform rule packs: the platforms' timers as TOML data, never as code — parsed, validated and merged
here, without touching a file (reading, saving and resetting the files is `io.rule_pack_files`).

Platforms change their timers, so every figure lives in `resources/rules/<pack>.toml` (shipped with
the app) and the shop may edit a copy in its data folder (`<data>/rules/<pack>.toml`). The user's
copy wins over the shipped one and is never touched by an upgrade; deleting it (`reset_user_pack`)
goes back to the defaults. Every save validates first, so a broken file never reaches the engine
through the app; a file broken by hand raises `RulePackError` naming the file and the timer.

The format (one file per pack; `docs` in `resources/rules/generic.toml`):

    [pack]
    id = "tmall"                 # the file's name
    name = "天猫"
    revision = 1                 # raised whenever the shipped defaults change
    extends = "taobao"           # optional: inherit timers and windows; same id replaces

    [[timers]]
    id = "seller_confirm_return"
    name = "确认收到退货"
    starts_from = "return_shipped"          # a milestone, see MILESTONES
    duration = { days = 10 }                # or { hours = 72 } or { working_days = 3 }
    on_expiry = "自动退款"
    kinds = ["return_refund"]               # case kinds; omitted or empty = every kind
    reasons = []                            # case reasons; omitted or empty = every reason
    except_reasons = []                     # reasons it does not apply to
    met_by = ["return_received", "refunded"]
    penalty = "..."                         # optional: the consequence in words
    penalty_amount = { percent = 5, max_yuan = 30 }   # optional: or { fixed_yuan = 3 }; the amount at
                                            # stake is shown on the deadline (paid amount × percent)
    date_only_start = "day_start"           # or "next_day": a date-only start counts from 00:00
                                            # of the next day (the 7-day no-reason rule)
    rounds = "each"                         # or "first": only the first starting event counts
    assumed = false                         # true: the figure is an assumption (shown as such)
    auto_records = "reship_agreed"          # optional: what the platform records itself when it
                                            # runs out unmet; the next clock starts from it
    source = "seeds/002_….txt"              # optional: where the figure comes from
    quote = "…"                             # optional: the sentence that says it

    [[overrides]]                            # a date window (China time, both ends inclusive)
    id = "spring_festival_2022"
    name = "2022年春节"
    start = 2022-01-25T00:00:00
    end = 2022-02-08T23:59:59
    keyed_to = ["requested"]                 # default; "start" = the timer's own starting event
    kinds = ["return_refund", "exchange"]    # optional: only cases of these kinds
    durations = { seller_confirm_return = { days = 20 } }

    [[campaigns]]                            # a platform campaign an order is sold in, at any time
    id = "juhuasuan"                         # what `orders.campaign` holds (set by the shop)
    name = "聚划算"
    durations = { ship_by = { days = 7 } }   # the timers of its orders that run longer
    kinds = ["refund_only"]                  # optional: only cases of these kinds

A timer runs for the window's duration instead when one of the events the window is keyed to (in
the timer's round) falls inside the window: the seeds key the holiday rules to the buyer's request
("期间申请/修改退换货的"), so a return shipped after the window for a request made inside it still
gets the longer time, and one requested before the window does not.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from desktop_app.core.clock import CHINA
from desktop_app.core.errors import UserError
from desktop_app.core.rule_pack_model import (
    ASSUMED_MARK,
    CASE_MILESTONES,
    CLOSING_MILESTONES,
    DEFAULT_KEYED_TO,
    MILESTONES,
    ORDER_MILESTONES,
    Campaign,
    DateOnlyStart,
    Duration,
    DurationUnit,
    OverrideWindow,
    PenaltyAmount,
    Rounds,
    RulePack,
    TimerRule,
    event_name,
)
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.core.working_days import WorkdayOverrides

# The data classes live in `rule_pack_model`; importing them from here keeps working.
__all__ = [
    "ASSUMED_MARK", "CASE_MILESTONES", "CLOSING_MILESTONES", "DEFAULT_KEYED_TO", "GENERIC_PACK", "MAX_ACTION_LENGTH",
    "MAX_DURATION", "MAX_NAME_LENGTH", "MILESTONES", "ORDER_MILESTONES", "PACK_NAMES", "WORKDAYS_FILE",
    "Campaign", "DateOnlyStart", "Duration", "DurationUnit", "OverrideWindow", "PackFile", "PenaltyAmount", "Rounds",
    "RulePack", "RulePackError", "TimerRule", "check_pack_name", "pack_for_platform", "pack_name_for",
    "parse_pack_file", "parse_toml_text", "parse_workday_overrides", "plain_toml_data", "platform_of_pack",
    "resolve_pack", "toml_problem",
]

# Every platform has its own pack, `resources/rules/<platform id>.toml`; `other` uses the generic one.
GENERIC_PACK = "generic"
PACK_NAMES: tuple[str, ...] = (*(p.value for p in Platform if p is not Platform.OTHER), GENERIC_PACK)
WORKDAYS_FILE = "workdays.toml"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_ID = 60  # deadlines.timer_id is String(64); an earlier round is stored as "<id>@<n>"
_MAX_NAME = 80  # deadlines.name is String(80)
_MAX_ACTION = 64  # deadlines.action is String(64)
# Sanity limits that catch a typo (720 days for 72 hours) without limiting real rules.
_MAX_AMOUNT = {"hours": 24 * 400, "days": 400, "working_days": 250}
# What a form may offer: the longest duration per unit and the longest name and consequence.
MAX_DURATION: dict[str, int] = dict(_MAX_AMOUNT)
MAX_NAME_LENGTH = _MAX_NAME
MAX_ACTION_LENGTH = _MAX_ACTION

_PACK_KEYS = {"id", "name", "revision", "extends", "note", "source"}
_TIMER_KEYS = {
    "id", "name", "starts_from", "duration", "on_expiry", "kinds", "reasons", "except_reasons",
    "met_by", "penalty", "date_only_start", "note", "assumed", "source", "quote", "rounds", "auto_records",
    "penalty_amount",
}
_OVERRIDE_KEYS = {
    "id", "name", "start", "end", "durations", "note", "keyed_to", "kinds", "source", "quote", "event", "recurs",
}
# Years a yearly window is carried into when a year has no window of its own for the event.
_RECURRING_YEARS = range(2020, 2036)
_CAMPAIGN_KEYS = {"id", "name", "durations", "note", "kinds", "source", "quote"}
_MAX_CAMPAIGN_NAME = 12  # shown after the timer's name, which deadlines.name (String(80)) must hold
_TOP_KEYS = {"pack", "timers", "overrides", "campaigns"}


class RulePackError(UserError):
    """A rule file that cannot be used; `problems` lists every fault found, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("规则文件有错误：\n" + "\n".join(problems))
        self.problems = problems


# --- where packs live -----------------------------------------------------------------------


def pack_name_for(platform: str) -> str:
    """The pack a platform's cases use (Tmall has its own, `other` or an unknown id the generic pack)."""
    return platform if platform in PACK_NAMES and platform != GENERIC_PACK else GENERIC_PACK


def platform_of_pack(name: str) -> Platform | None:
    """The platform whose cases a pack serves; None for the generic pack."""
    return Platform(name) if name != GENERIC_PACK and name in PACK_NAMES else None


def check_pack_name(name: str) -> None:
    if name not in PACK_NAMES:
        raise UserError(f"没有名为“{name}”的规则包，可用：{'、'.join(PACK_NAMES)}")


# --- parsing and validation -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackFile:
    """One file's content, validated on its own (references across files are checked on merge)."""

    id: str
    name: str
    revision: int
    extends: str | None
    timers: tuple[TimerRule, ...]
    overrides: tuple[OverrideWindow, ...]  # timer ids in their durations are checked on merge
    source: Path
    is_user: bool
    campaigns: tuple[Campaign, ...] = ()


class _Problems:
    def __init__(self, source: Path | str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, problem: str) -> None:
        prefix = f"规则文件 {self.source}"
        self.items.append(f"{prefix}{('：' + where) if where else ''}：{problem}")


# The TOML parser's messages (English) in the shop's words; anything else is shown as it is.
_TOML_MESSAGES = {
    "Expected '=' after a key in a key/value pair": "设置项名称后面应是“=”和值（名称中不能有空格）",
    "Expected ']' at the end of a table declaration": "方括号没有闭合，应写成 [名称]",
    "Expected ']]' at the end of an array declaration": "双方括号没有闭合，应写成 [[名称]]",
    "Invalid value": "值的写法无效（文字要加英文双引号，数字不加，日期写成 2026-01-31T00:00:00）",
    "Invalid initial character for a key part": "设置项名称的写法无效（只能用英文字母、数字、下划线）",
    "Cannot overwrite a value": "同一个设置项写了两次",
    "Cannot declare": "同一个表写了两次",
    "Unterminated string": "文字缺少结尾的英文双引号",
    "Unclosed array": "列表缺少结尾的“]”",
    "Unclosed inline table": "花括号缺少结尾的“}”",
    "Expected newline or end of document after a statement": "一行只能写一个设置项（多余的内容要换行或删除）",
    "Illegal character": "含有不允许的字符（可能是中文标点，请改用英文的引号、逗号、等号）",
    "Invalid date or datetime": "日期时间无效，应写成 2026-01-31T00:00:00",
    "Invalid statement": "这一行不是“名称 = 值”的写法",
}
_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")


def toml_problem(source: Path | str, message: str, what: str = "规则文件") -> str:
    """A TOML syntax error as a Chinese line: the file, where (line and column) and what is wrong."""
    found = _TOML_WHERE.search(message)
    english = message[:found.start()] if found else message
    if found is None:
        where = ""
    elif found.group(1):
        where = f"第 {found.group(1)} 行第 {found.group(2)} 列："
    else:
        where = "文件末尾："
    said = next((chinese for prefix, chinese in _TOML_MESSAGES.items() if english.startswith(prefix)), None)
    fault = f"{said}（{english}）" if said else english
    return f"{what} {source} 不是有效的 TOML：{where}{fault}"


def _loads(text: str, source: Path | str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError([toml_problem(source, str(exc))]) from None


def parse_toml_text(text: str, source: Path | str) -> dict[str, Any]:
    """TOML text as data, or `RulePackError` with the problem in Chinese (line and column)."""
    return _loads(text, source)


def _unknown_keys(problems: _Problems, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            problems.add(where, f"不认识的设置项“{key}”（可用：{'、'.join(sorted(allowed))}）")


def _text(problems: _Problems, where: str, table: Mapping[str, Any], key: str, *, required: bool,
          limit: int | None = None) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(where, f"缺少“{key}”")
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(where, f"“{key}”必须是非空文字")
        return None
    if limit is not None and len(value) > limit:
        problems.add(where, f"“{key}”最长 {limit} 个字符")
        return None
    return value.strip()


def _ident(problems: _Problems, where: str, table: Mapping[str, Any], key: str = "id") -> str | None:
    value = _text(problems, where, table, key, required=True, limit=_MAX_ID)
    if value is not None and not _ID.match(value):
        problems.add(where, f"“{key}”只能用小写英文字母、数字和下划线，并以字母开头：{value!r}")
        return None
    return value


def _parse_duration(problems: _Problems, where: str, value: Any) -> Duration | None:
    if not isinstance(value, Mapping) or len(value) != 1:
        problems.add(where, "时长必须恰好写一项：{ hours = 72 }、{ days = 7 } 或 { working_days = 3 }")
        return None
    ((unit_text, amount),) = value.items()
    try:
        unit = DurationUnit(unit_text)
    except ValueError:
        problems.add(where, f"时长单位“{unit_text}”无效，可用：hours（小时）、days（天）、working_days（工作日）")
        return None
    # bool is an int subclass; `true` is never a duration. Floats are refused so "1.5 天" cannot sneak
    # in with rounding nobody chose.
    if isinstance(amount, bool) or not isinstance(amount, int):
        problems.add(where, f"时长“{unit_text}”必须是正整数，而不是 {amount!r}")
        return None
    if amount <= 0 or amount > _MAX_AMOUNT[unit]:
        problems.add(where, f"时长“{unit_text}”必须在 1 到 {_MAX_AMOUNT[unit]} 之间，而不是 {amount}")
        return None
    return Duration(amount, unit)


def _id_list(problems: _Problems, where: str, table: Mapping[str, Any], key: str,
             allowed: Iterable[str], what: str) -> tuple[str, ...] | None:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, f"“{key}”必须是文字列表，例如 [\"a\", \"b\"]")
        return None
    allowed_set = frozenset(allowed)
    bad = [v for v in value if v not in allowed_set]
    if bad:
        problems.add(where, f"“{key}”中有未知的{what}：{'、'.join(bad)}（可用：{'、'.join(sorted(allowed_set))}）")
        return None
    return tuple(dict.fromkeys(value))


def _parse_timer(problems: _Problems, index: int, raw: Any) -> TimerRule | None:
    if not isinstance(raw, Mapping):
        problems.add(f"第 {index} 个计时器", "必须是一个表（[[timers]]）")
        return None
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"第 {index} 个"
    where = f"计时器“{label}”"
    before = len(problems.items)
    _unknown_keys(problems, where, raw, _TIMER_KEYS)
    timer_id = _ident(problems, where, raw)
    name = _text(problems, where, raw, "name", required=True, limit=_MAX_NAME)
    starts_from = _text(problems, where, raw, "starts_from", required=True)
    if starts_from is not None and starts_from not in MILESTONES:
        problems.add(where, f"起算事件“{starts_from}”未知（可用：{'、'.join(sorted(MILESTONES))}）")
    duration = None
    if "duration" not in raw:
        problems.add(where, "缺少“duration”（时长）")
    else:
        duration = _parse_duration(problems, where, raw["duration"])
    on_expiry = _text(problems, where, raw, "on_expiry", required=True, limit=_MAX_ACTION)
    kinds = _id_list(problems, where, raw, "kinds", (k.value for k in CaseKind), "售后类型")
    reasons = _id_list(problems, where, raw, "reasons", (r.value for r in CaseReason), "原因")
    except_reasons = _id_list(problems, where, raw, "except_reasons", (r.value for r in CaseReason), "原因")
    met_by = _id_list(problems, where, raw, "met_by", MILESTONES, "完成事件")
    penalty = _text(problems, where, raw, "penalty", required=False)
    note = _text(problems, where, raw, "note", required=False)
    source = _text(problems, where, raw, "source", required=False)
    quote = _text(problems, where, raw, "quote", required=False)
    assumed = raw.get("assumed", False)
    if not isinstance(assumed, bool):
        problems.add(where, "“assumed”只能是 true（时长为估计）或 false")
        assumed = False
    auto_records = _text(problems, where, raw, "auto_records", required=False)
    if auto_records is not None and auto_records not in MILESTONES:
        problems.add(where, f"“auto_records”事件“{auto_records}”未知（可用：{'、'.join(sorted(MILESTONES))}）")
    penalty_amount = _parse_penalty_amount(problems, where, raw.get("penalty_amount"))
    rounds = Rounds.EACH
    if "rounds" in raw:
        try:
            rounds = Rounds(raw["rounds"])
        except ValueError:
            problems.add(where, "“rounds”只能是 \"each\"（每次起算事件重新计时）或 \"first\"（只按第一次）")
    date_only_start = DateOnlyStart.DAY_START
    if "date_only_start" in raw:
        try:
            date_only_start = DateOnlyStart(raw["date_only_start"])
        except ValueError:
            problems.add(where, "“date_only_start”只能是 \"day_start\"（当天0点起算）或 \"next_day\"（次日0点起算）")
    if reasons and except_reasons and set(reasons) & set(except_reasons):
        problems.add(where, "同一个原因不能同时出现在 reasons 和 except_reasons 中")
    if len(problems.items) > before:
        return None
    assert timer_id and name and starts_from and duration and on_expiry is not None
    assert kinds is not None and reasons is not None and except_reasons is not None and met_by is not None
    return TimerRule(
        id=timer_id, name=name, starts_from=starts_from, duration=duration, on_expiry=on_expiry,
        kinds=frozenset(kinds), reasons=frozenset(reasons), except_reasons=frozenset(except_reasons),
        met_by=tuple(met_by), penalty=penalty, date_only_start=date_only_start, note=note,
        assumed=assumed, source=source, quote=quote, rounds=rounds, auto_records=auto_records,
        penalty_amount=penalty_amount,
    )


_PENALTY_KEYS = {"fixed_yuan", "percent", "max_yuan"}


def _parse_penalty_amount(problems: _Problems, where: str, value: Any) -> PenaltyAmount | None:
    """{ fixed_yuan = 3 } or { percent = 5, max_yuan = 30 } (whole yuan and whole percent)."""
    if value is None:
        return None
    example = "写成 { fixed_yuan = 3 }（每次3元）或 { percent = 5, max_yuan = 30 }（成交金额的5%，最多30元）"
    if not isinstance(value, Mapping) or not value or set(value) - _PENALTY_KEYS:
        problems.add(where, f"“penalty_amount”{example}")
        return None
    numbers: dict[str, int] = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0 or number > 100_000:
            problems.add(where, f"“penalty_amount”中的“{key}”必须是正整数，而不是 {number!r}")
            return None
        numbers[key] = number
    if ("fixed_yuan" in numbers) == ("percent" in numbers):
        problems.add(where, f"“penalty_amount”要么是固定金额，要么是百分比：{example}")
        return None
    if "percent" in numbers and numbers["percent"] > 100:
        problems.add(where, "“penalty_amount”的百分比不能超过100")
        return None
    if "fixed_yuan" in numbers:
        return PenaltyAmount(fixed_fen=numbers["fixed_yuan"] * 100)
    cap = numbers.get("max_yuan")
    return PenaltyAmount(percent=numbers["percent"], max_fen=cap * 100 if cap is not None else None)


def _window_moment(problems: _Problems, where: str, value: Any, key: str) -> datetime | None:
    """TOML datetimes (local = China time), dates (whole day) or 'YYYY-MM-DD HH:MM:SS' text."""
    is_end = key == "end"
    if isinstance(value, datetime):
        return value.replace(tzinfo=CHINA) if value.tzinfo is None else value.astimezone(CHINA)
    if isinstance(value, date):
        day = value + timedelta(days=1) if is_end else value
        moment = datetime.combine(day, time(0, 0), tzinfo=CHINA)
        # An end date covers the whole day: the last instant before the next midnight.
        return moment - timedelta(microseconds=1) if is_end else moment
    if isinstance(value, str):
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(value.strip(), fmt).replace(tzinfo=CHINA)
            except ValueError:
                continue
        try:
            return _window_moment(problems, where, date.fromisoformat(value.strip()), key)
        except ValueError:
            pass
    problems.add(where, f"“{key}”必须是日期时间，例如 2022-01-25T00:00:00（北京时间），而不是 {value!r}")
    return None


@dataclass(frozen=True, slots=True)
class _Head:
    """What a window's and a campaign's table start with."""

    where: str
    before: int  # problems found before this table: more afterwards means it is refused
    id: str | None
    name: str | None
    note: str | None
    source: str | None
    quote: str | None


def _head(problems: _Problems, index: int, raw: Any, what: str, table: str, keys: set[str],
          name_limit: int) -> _Head | None:
    if not isinstance(raw, Mapping):
        problems.add(f"第 {index} 个{what}", f"必须是一个表（[[{table}]]）")
        return None
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"第 {index} 个"
    where = f"{what}“{label}”"
    before = len(problems.items)
    _unknown_keys(problems, where, raw, keys)
    return _Head(where, before, _ident(problems, where, raw),
                 _text(problems, where, raw, "name", required=True, limit=name_limit),
                 _text(problems, where, raw, "note", required=False),
                 _text(problems, where, raw, "source", required=False),
                 _text(problems, where, raw, "quote", required=False))


def _parse_override(problems: _Problems, index: int, raw: Any) -> OverrideWindow | None:
    head = _head(problems, index, raw, "时间窗口", "overrides", _OVERRIDE_KEYS, _MAX_NAME)
    if head is None:
        return None
    where = head.where
    keyed_to = DEFAULT_KEYED_TO
    if "keyed_to" in raw:
        raw_keyed = raw["keyed_to"]
        listed = [raw_keyed] if isinstance(raw_keyed, str) else raw_keyed
        allowed = MILESTONES | {"start"}
        if (not isinstance(listed, list) or not listed
                or not all(isinstance(v, str) and v in allowed for v in listed)):
            problems.add(where, f"“keyed_to”必须是一个或几个事件名（{'、'.join(sorted(allowed))}），"
                                f"而不是 {raw_keyed!r}")
        else:
            keyed_to = tuple(dict.fromkeys(listed))
    kinds = _id_list(problems, where, raw, "kinds", (k.value for k in CaseKind), "售后类型")
    event = _ident(problems, where, raw, "event") if "event" in raw else None
    recurs = raw.get("recurs")
    if recurs is not None and recurs != "yearly":
        problems.add(where, "“recurs”只能是 \"yearly\"（每年重复，当年没有自己的窗口时按同样的月日估算）")
    if recurs is not None and "event" not in raw:
        problems.add(where, "每年重复的窗口需要“event”（活动编号，如 double11），用来判断某一年是否已有自己的窗口")
    start = end = None
    for key in ("start", "end"):
        if key not in raw:
            problems.add(where, f"缺少“{key}”")
    if "start" in raw:
        start = _window_moment(problems, where, raw["start"], "start")
    if "end" in raw:
        end = _window_moment(problems, where, raw["end"], "end")
    if start is not None and end is not None and end < start:
        problems.add(where, "结束时间早于开始时间")
    durations = _parse_durations(problems, where, raw)
    if len(problems.items) > head.before:
        return None
    assert head.id and head.name and start and end and kinds is not None
    return OverrideWindow(head.id, head.name, start, end, durations, head.note, keyed_to, frozenset(kinds),
                          head.source, head.quote, event, recurs == "yearly")


def _parse_durations(problems: _Problems, where: str, raw: Mapping[str, Any]) -> dict[str, Duration]:
    """A window's or a campaign's `durations`: timer id → its new duration."""
    durations: dict[str, Duration] = {}
    raw_durations = raw.get("durations")
    if not isinstance(raw_durations, Mapping) or not raw_durations:
        problems.add(where, "“durations”必须列出至少一个计时器的新时长，例如 { seller_confirm_return = { days = 20 } }")
    else:
        for timer_id, value in raw_durations.items():
            duration = _parse_duration(problems, f"{where}中计时器“{timer_id}”", value)
            if duration is not None:
                durations[timer_id] = duration
    return durations


def _parse_campaign(problems: _Problems, index: int, raw: Any) -> Campaign | None:
    head = _head(problems, index, raw, "活动", "campaigns", _CAMPAIGN_KEYS, _MAX_CAMPAIGN_NAME)
    if head is None:
        return None
    kinds = _id_list(problems, head.where, raw, "kinds", (k.value for k in CaseKind), "售后类型")
    durations = _parse_durations(problems, head.where, raw)
    if len(problems.items) > head.before:
        return None
    assert head.id and head.name and kinds is not None
    return Campaign(head.id, head.name, durations, head.note, frozenset(kinds), head.source, head.quote)


_Parsed = TypeVar("_Parsed", TimerRule, OverrideWindow, Campaign)


def _parse_tables(problems: _Problems, data: Mapping[str, Any], key: str, label: str,
                  parse: Callable[[_Problems, int, Any], _Parsed | None]) -> list[_Parsed]:
    """Every `[[key]]` table of the file parsed by `parse`; a repeated id is a problem."""
    raw_tables = data.get(key, [])
    if not isinstance(raw_tables, list):
        problems.add("", f"{key} 必须写成 [[{key}]] 表数组")
        return []
    found: dict[str, _Parsed] = {}
    for index, raw in enumerate(raw_tables, start=1):
        item = parse(problems, index, raw)
        if item is None:
            continue
        if item.id in found:
            problems.add(f"{label}“{item.id}”", "id 重复")
            continue
        found[item.id] = item
    return list(found.values())


def parse_pack_file(name: str, data: Mapping[str, Any], source: Path, is_user: bool) -> PackFile:
    problems = _Problems(source)
    _unknown_keys(problems, "", data, _TOP_KEYS)
    header = data.get("pack")
    pack_id = pack_name = extends = None
    revision = 0
    if not isinstance(header, Mapping):
        problems.add("", "缺少 [pack] 部分（id、name）")
    else:
        _unknown_keys(problems, "[pack]", header, _PACK_KEYS)
        pack_id = _text(problems, "[pack]", header, "id", required=True)
        if pack_id is not None and pack_id != name:
            problems.add("[pack]", f"id 应为“{name}”（与文件名一致），而不是“{pack_id}”")
        pack_name = _text(problems, "[pack]", header, "name", required=True, limit=_MAX_NAME)
        raw_revision = header.get("revision", 0)
        if isinstance(raw_revision, bool) or not isinstance(raw_revision, int) or raw_revision < 0:
            problems.add("[pack]", "“revision”必须是非负整数")
        else:
            revision = raw_revision
        extends = _text(problems, "[pack]", header, "extends", required=False)
        if extends is not None and extends not in PACK_NAMES:
            problems.add("[pack]", f"extends 指向未知的规则包“{extends}”（可用：{'、'.join(PACK_NAMES)}）")
        if extends == name:
            problems.add("[pack]", "规则包不能 extends 自己")
    timers = _parse_tables(problems, data, "timers", "计时器", _parse_timer)
    overrides = _parse_tables(problems, data, "overrides", "时间窗口", _parse_override)
    campaigns = _parse_tables(problems, data, "campaigns", "活动", _parse_campaign)
    if problems.items:
        raise RulePackError(problems.items)
    assert pack_name is not None
    return PackFile(name, pack_name, revision, extends, tuple(timers), tuple(overrides), source, is_user,
                     tuple(campaigns))


def _merge(chain: list[PackFile]) -> RulePack:
    """chain[0] is the requested pack, then its parent ...; a child's timer/window replaces by id."""
    timers: dict[str, TimerRule] = {}
    overrides: dict[str, OverrideWindow] = {}
    campaigns: dict[str, Campaign] = {}
    for file_pack in reversed(chain):
        for timer in file_pack.timers:
            timers[timer.id] = timer
        for window in file_pack.overrides:
            overrides[window.id] = window
        for campaign in file_pack.campaigns:
            campaigns[campaign.id] = campaign
    problems: list[str] = []
    for campaign in campaigns.values():
        owner = next(fp for fp in chain if campaign.id in {c.id for c in fp.campaigns})
        problems.extend(f"规则文件 {owner.source}：活动“{campaign.id}”：引用了不存在的计时器“{timer_id}”"
                        for timer_id in campaign.durations if timer_id not in timers)
    for window in overrides.values():
        owner = next(fp for fp in chain if window.id in {w.id for w in fp.overrides})
        for timer_id in window.durations:
            if timer_id not in timers:
                problems.append(
                    f"规则文件 {owner.source}：时间窗口“{window.id}”：引用了不存在的计时器“{timer_id}”"
                    f"（本规则包的计时器：{'、'.join(timers) or '无'}）"
                )
    if problems:
        raise RulePackError(problems)
    head = chain[0]
    return RulePack(
        id=head.id, name=head.name, revision=head.revision, timers=tuple(timers.values()),
        overrides=(*overrides.values(), *_carried_windows(tuple(overrides.values()))),
        sources=tuple(fp.source for fp in chain),
        user_edited=any(fp.is_user for fp in chain),
        campaigns=tuple(campaigns.values()),
    )


def _carried_windows(windows: tuple[OverrideWindow, ...]) -> list[OverrideWindow]:
    """Copies of each yearly window for the years that have no window of that event: same month,
    day and time, marked estimated (the platform announces the real dates each year)."""
    covered: dict[str, set[int]] = {}
    for window in windows:
        if window.event is not None:
            covered.setdefault(window.event, set()).add(window.start.year)
    carried: list[OverrideWindow] = []
    for window in windows:
        if not window.recurs_yearly or window.event is None:
            continue
        for year in _RECURRING_YEARS:
            if year in covered[window.event]:
                continue
            shift = year - window.start.year
            try:
                start = window.start.replace(year=window.start.year + shift)
                end = window.end.replace(year=window.end.year + shift)
            except ValueError:  # 29 February in a year without one
                continue
            covered[window.event].add(year)
            carried.append(replace(
                window, id=f"{window.event}_{year}_estimated", name=f"{year}年{event_name(window)}（估算）",
                start=start, end=end, recurs_yearly=False, estimated=True,
            ))
    return carried


def plain_toml_data(value: Any) -> Any:
    """Data for tomli_w: tuples/frozensets become lists, aware China datetimes become local ones."""
    if isinstance(value, Mapping):
        return {str(k): plain_toml_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_toml_data(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(plain_toml_data(v) for v in value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(CHINA).replace(tzinfo=None)
    return value


def resolve_pack(name: str, file_of: Callable[[str], PackFile],
                 candidate: tuple[str, PackFile] | None = None) -> RulePack:
    """Pack `name` with the packs it extends, each read by `file_of(name)` (the user's copy or the
    shipped file, `io.rule_pack_files`); `candidate` stands in for one of them (an edit being checked)."""
    chain: list[PackFile] = []
    current: str | None = name
    while current is not None:
        if any(fp.id == current for fp in chain):
            route = " → ".join([*(fp.id for fp in chain), current])
            raise RulePackError([f"规则包继承形成循环：{route}"])
        if candidate is not None and candidate[0] == current:
            file_pack = candidate[1]
        else:
            file_pack = file_of(current)
        chain.append(file_pack)
        current = file_pack.extends
    return _merge(chain)


def pack_for_platform(packs: Mapping[str, RulePack], platform: str) -> RulePack:
    return packs[pack_name_for(platform)]


# --- the shop's working-day calendar ---------------------------------------------------------


def _date_list(problems: _Problems, data: Mapping[str, Any], key: str) -> frozenset[date]:
    value = data.get(key, [])
    days: set[date] = set()
    if not isinstance(value, list):
        problems.add("", f"“{key}”必须是日期列表，例如 [2026-10-08]")
        return frozenset()
    for item in value:
        if isinstance(item, date) and not isinstance(item, datetime):
            days.add(item)
            continue
        if isinstance(item, str):
            try:
                days.add(date.fromisoformat(item.strip()))
                continue
            except ValueError:
                pass
        problems.add("", f"“{key}”中的“{item}”不是日期（YYYY-MM-DD）")
    return frozenset(days)


def parse_workday_overrides(data: Mapping[str, Any], source: Path | str) -> WorkdayOverrides:
    problems = _Problems(source)
    _unknown_keys(problems, "", data, {"extra_holidays", "extra_workdays", "note"})
    holidays_ = _date_list(problems, data, "extra_holidays")
    workdays = _date_list(problems, data, "extra_workdays")
    both = holidays_ & workdays
    if both:
        problems.add("", f"同一天不能既是休息日又是工作日：{'、'.join(d.isoformat() for d in sorted(both))}")
    if problems.items:
        raise RulePackError(problems.items)
    return WorkdayOverrides(holidays_, workdays)
