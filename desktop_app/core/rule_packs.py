"""Platform rule packs: the platforms' timers as TOML data, never as code — parsed, validated and merged
here, without touching a file (reading, saving and resetting the files is `io.rule_pack_files`; each
timer, window and campaign table is checked by `rule_pack_tables`).

Platforms change their timers, so every figure lives in `resources/rules/<pack>.toml` (shipped with
the app) and the shop may edit a copy in its data folder (`<data>/rules/<pack>.toml`; a team ledger
keeps the shop's copies in the ledger, `services.ledger_rules`). The user's
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
    event = "spring_festival"                # optional: the recurring event it belongs to, and
    recurs = "announced"                     # "yearly": a year without its own window gets a copy
                                             # (same dates, 估算); "announced": the platform sets each
                                             # year's dates and figures, so none is guessed and the
                                             # coming one without a window is pointed out

    [[campaigns]]                            # a platform campaign an order is sold in, at any time
    id = "juhuasuan"                         # what `orders.campaign` holds (set by the shop)
    name = "聚划算"
    durations = { ship_by = { days = 7 } }   # the timers of its orders that run longer
    kinds = ["refund_only"]                  # optional: only cases of these kinds

A timer runs for the window's duration instead when one of the events the window is keyed to (in
the timer's round) falls inside the window: the seeds key the holiday rules to the buyer's request
("期间申请/修改退换货的"), so a return shipped after the window for a request made inside it still
gets the longer time, and one requested before the window does not. An event after the round's
start counts only if it comes by the time the round runs out without the window: a round that has
run out stays run out (the platform has acted), whatever happens in the window later.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop_app.core import messages as msg
from desktop_app.core import rule_messages as rule_msg
from desktop_app.core.clock import CHINA
from desktop_app.core.errors import UserError
from desktop_app.core.rule_pack_model import (
    ASSUMED_MARK,
    CASE_MILESTONES,
    CLOSING_MILESTONES,
    DEFAULT_KEYED_TO,
    MILESTONES,
    ORDER_MILESTONES,
    WINDOW_ESTIMATE,
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
from desktop_app.core.rule_pack_tables import (
    MAX_NAME_LENGTH,
    Problems,
    parse_campaign,
    parse_override,
    parse_tables,
    parse_timer,
    text_field,
    unknown_keys,
)
from desktop_app.core.vocabulary import Platform
from desktop_app.core.working_days import WorkdayOverrides

# The data classes live in `rule_pack_model`; importing them from here keeps working.
__all__ = [
    "ASSUMED_MARK", "CASE_MILESTONES", "CLOSING_MILESTONES", "DEFAULT_KEYED_TO", "GENERIC_PACK",
    "MILESTONES", "ORDER_MILESTONES", "PACK_NAMES", "WORKDAYS_FILE",
    "Campaign", "DateOnlyStart", "Duration", "DurationUnit", "OverrideWindow", "PackFile", "PenaltyAmount", "Rounds",
    "RulePack", "RulePackError", "TimerRule", "check_pack_name", "pack_for_platform", "pack_name_for",
    "parse_pack_file", "parse_toml_text", "parse_workday_overrides", "plain_toml_data", "platform_of_pack",
    "resolve_pack", "toml_problem",
]

# Every platform has its own pack, `resources/rules/<platform id>.toml`; `other` uses the generic one.
GENERIC_PACK = "generic"
PACK_NAMES: tuple[str, ...] = (*(p.value for p in Platform if p is not Platform.OTHER), GENERIC_PACK)
WORKDAYS_FILE = "workdays.toml"


_PACK_KEYS = {"id", "name", "revision", "extends", "note", "source"}
# Years a yearly window is carried into when a year has no window of its own for the event.
_RECURRING_YEARS = range(2020, 2036)
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
    # tomllib parses nested arrays and tables by recursion: a file of a few thousand "[" exhausts it
    # (RecursionError, which the readers catch with its syntax errors).
    "maximum recursion depth exceeded": "方括号或花括号一层套一层，套得太多（不像是规则或设置的写法）",
}
# What a TOML reader catches: a syntax error, or nesting deeper than the parser's recursion.
TOML_ERRORS = (tomllib.TOMLDecodeError, RecursionError)
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
    except TOML_ERRORS as exc:
        raise RulePackError([toml_problem(source, str(exc))]) from None


def parse_toml_text(text: str, source: Path | str) -> dict[str, Any]:
    """TOML text as data, or `RulePackError` with the problem in Chinese (line and column)."""
    return _loads(text, source)


def parse_pack_file(name: str, data: Mapping[str, Any], source: Path, is_user: bool) -> PackFile:
    problems = Problems(source)
    unknown_keys(problems, "", data, _TOP_KEYS)
    header = data.get("pack")
    pack_id = pack_name = extends = None
    revision = 0
    if not isinstance(header, Mapping):
        problems.add("", msg.say(rule_msg.RULE_NO_PACK))
    else:
        unknown_keys(problems, "[pack]", header, _PACK_KEYS)
        pack_id = text_field(problems, "[pack]", header, "id", required=True)
        if pack_id is not None and pack_id != name:
            problems.add("[pack]", msg.say(rule_msg.RULE_WRONG_ID, name, pack_id))
        pack_name = text_field(problems, "[pack]", header, "name", required=True, limit=MAX_NAME_LENGTH)
        raw_revision = header.get("revision", 0)
        if isinstance(raw_revision, bool) or not isinstance(raw_revision, int) or raw_revision < 0:
            problems.add("[pack]", msg.say(rule_msg.RULE_REVISION))
        else:
            revision = raw_revision
        extends = text_field(problems, "[pack]", header, "extends", required=False)
        if extends is not None and extends not in PACK_NAMES:
            problems.add("[pack]", msg.say(rule_msg.RULE_UNKNOWN_PARENT, extends, "、".join(PACK_NAMES)))
        if extends == name:
            problems.add("[pack]", msg.say(rule_msg.RULE_SELF_PARENT))
    timers = parse_tables(problems, data, "timers", "计时器", parse_timer)
    overrides = parse_tables(problems, data, "overrides", "时间窗口", parse_override)
    campaigns = parse_tables(problems, data, "campaigns", "活动", parse_campaign)
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
        problems.extend(msg.say(rule_msg.RULE_CAMPAIGN_TIMER, str(owner.source), campaign.id, timer_id)
                        for timer_id in campaign.durations if timer_id not in timers)
    for window in overrides.values():
        owner = next(fp for fp in chain if window.id in {w.id for w in fp.overrides})
        for timer_id in window.durations:
            if timer_id not in timers:
                problems.append(msg.say(rule_msg.RULE_WINDOW_TIMER, str(owner.source), window.id, timer_id,
                                        "、".join(timers) or msg.NONE))
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
                window, id=f"{window.event}_{year}_estimated", name=f"{year}年{event_name(window)}{WINDOW_ESTIMATE}",
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
            raise RulePackError([msg.say(rule_msg.RULE_CYCLE, route)])
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


def _date_list(problems: Problems, data: Mapping[str, Any], key: str) -> frozenset[date]:
    value = data.get(key, [])
    days: set[date] = set()
    if not isinstance(value, list):
        problems.add("", msg.say(rule_msg.RULE_NOT_DATES, key))
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
        problems.add("", msg.say(rule_msg.RULE_NOT_A_DATE, key, str(item)))
    return frozenset(days)


def parse_workday_overrides(data: Mapping[str, Any], source: Path | str) -> WorkdayOverrides:
    problems = Problems(source)
    unknown_keys(problems, "", data, {"extra_holidays", "extra_workdays", "note"})
    holidays_ = _date_list(problems, data, "extra_holidays")
    workdays = _date_list(problems, data, "extra_workdays")
    both = holidays_ & workdays
    if both:
        problems.add("", msg.say(rule_msg.RULE_REST_AND_WORK, "、".join(d.isoformat() for d in sorted(both))))
    if problems.items:
        raise RulePackError(problems.items)
    return WorkdayOverrides(holidays_, workdays)
