"""One table of a rule file checked: a timer, a date window, a campaign, each field with a Chinese
message naming where it is wrong (`rule_packs.parse_pack_file` reads the file's head and its tables
with these; the format is described in `rule_packs`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from desktop_app.core import messages as msg
from desktop_app.core import rule_messages as rule_msg
from desktop_app.core.clock import CHINA
from desktop_app.core.rule_pack_model import (
    DEFAULT_KEYED_TO,
    MILESTONES,
    REFUSAL_MILESTONE,
    Campaign,
    DateOnlyStart,
    Duration,
    DurationUnit,
    OverrideWindow,
    PenaltyAmount,
    Rounds,
    TimerRule,
)
from desktop_app.core.vocabulary import CaseKind, CaseReason

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_ID = 60  # deadlines.timer_id is String(64); an earlier round is stored as "<id>@<n>"
_MAX_NAME = 80  # deadlines.name (String(400), 0024_names) holds it with a window's name and the marks
_MAX_ACTION = 64  # deadlines.action is String(64)
# Sanity limits that catch a typo (720 days for 72 hours) without limiting real rules.
_MAX_AMOUNT = {"hours": 24 * 400, "days": 400, "working_days": 250}
# What a form may offer: the longest duration per unit and the longest name and consequence.
MAX_DURATION: dict[str, int] = dict(_MAX_AMOUNT)
MAX_NAME_LENGTH = _MAX_NAME
MAX_ACTION_LENGTH = _MAX_ACTION
_TIMER_KEYS = {
    "id", "name", "starts_from", "duration", "on_expiry", "kinds", "reasons", "except_reasons",
    "met_by", "penalty", "date_only_start", "note", "assumed", "source", "quote", "rounds", "auto_records",
    "penalty_amount", "refusal_records",
}
_OVERRIDE_KEYS = {
    "id", "name", "start", "end", "durations", "note", "keyed_to", "kinds", "source", "quote", "event", "recurs",
}
_CAMPAIGN_KEYS = {"id", "name", "durations", "note", "kinds", "source", "quote"}
_MAX_CAMPAIGN_NAME = 12  # shown after the timer's name, which deadlines.name (String(80)) must hold


class Problems:
    def __init__(self, source: Path | str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.items.append(msg.say(rule_msg.RULE_PROBLEM, str(self.source), where, problem) if where
                          else msg.say(rule_msg.RULE_FILE_PROBLEM, str(self.source), problem))


def unknown_keys(problems: Problems, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            problems.add(where, msg.say(rule_msg.RULE_UNKNOWN_KEY, key, "、".join(sorted(allowed))))


def text_field(problems: Problems, where: str, table: Mapping[str, Any], key: str, *, required: bool,
          limit: int | None = None) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(where, msg.say(rule_msg.RULE_MISSING, key))
        return None
    if not isinstance(value, str) or not value.strip():
        problems.add(where, msg.say(rule_msg.RULE_EMPTY_TEXT, key))
        return None
    if limit is not None and len(value) > limit:
        problems.add(where, msg.say(rule_msg.RULE_TOO_LONG, key, limit))
        return None
    return value.strip()


def _ident(problems: Problems, where: str, table: Mapping[str, Any], key: str = "id") -> str | None:
    value = text_field(problems, where, table, key, required=True, limit=_MAX_ID)
    if value is not None and not _ID.match(value):
        problems.add(where, msg.say(rule_msg.RULE_BAD_ID, key, repr(value)))
        return None
    return value


_Choice = TypeVar("_Choice", Rounds, DateOnlyStart)


def _choice(problems: Problems, where: str, table: Mapping[str, Any], key: str, default: _Choice,
            message: str) -> _Choice:
    """One of an enum's values under `key` (its `default` when absent; `message` when not one of them)."""
    if key not in table:
        return default
    try:
        return type(default)(table[key])
    except ValueError:
        problems.add(where, message)
        return default


def _parse_duration(problems: Problems, where: str, value: Any) -> Duration | None:
    if not isinstance(value, Mapping) or len(value) != 1:
        problems.add(where, msg.say(rule_msg.RULE_ONE_DURATION))
        return None
    ((unit_text, amount),) = value.items()
    try:
        unit = DurationUnit(unit_text)
    except ValueError:
        problems.add(where, msg.say(rule_msg.RULE_BAD_UNIT, unit_text))
        return None
    # bool is an int subclass; `true` is never a duration. Floats are refused so "1.5 天" cannot sneak
    # in with rounding nobody chose.
    if isinstance(amount, bool) or not isinstance(amount, int):
        problems.add(where, msg.say(rule_msg.RULE_DURATION_NOT_INT, unit_text, repr(amount)))
        return None
    if amount <= 0 or amount > _MAX_AMOUNT[unit]:
        problems.add(where, msg.say(rule_msg.RULE_DURATION_RANGE, unit_text, _MAX_AMOUNT[unit], amount))
        return None
    return Duration(amount, unit)


def _id_list(problems: Problems, where: str, table: Mapping[str, Any], key: str,
             allowed: Iterable[str], what: str) -> tuple[str, ...] | None:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(where, msg.say(rule_msg.RULE_NOT_TEXT_LIST, key))
        return None
    allowed_set = frozenset(allowed)
    bad = [v for v in value if v not in allowed_set]
    if bad:
        problems.add(where, msg.say(rule_msg.RULE_UNKNOWN_IDS, key, what, "、".join(bad),
                                    "、".join(sorted(allowed_set))))
        return None
    return tuple(dict.fromkeys(value))


def parse_timer(problems: Problems, index: int, raw: Any) -> TimerRule | None:
    if not isinstance(raw, Mapping):
        problems.add(msg.say(rule_msg.RULE_NTH, index, "计时器"), msg.say(rule_msg.RULE_NOT_A_TABLE, "timers"))
        return None
    named = raw.get("id")
    label = named if isinstance(named, str) else msg.say(rule_msg.RULE_NTH_SHORT, index)
    where = msg.say(rule_msg.RULE_NAMED, "计时器", label)
    before = len(problems.items)
    unknown_keys(problems, where, raw, _TIMER_KEYS)
    timer_id = _ident(problems, where, raw)
    name = text_field(problems, where, raw, "name", required=True, limit=_MAX_NAME)
    starts_from = text_field(problems, where, raw, "starts_from", required=True)
    if starts_from is not None and starts_from not in MILESTONES:
        problems.add(where, msg.say(rule_msg.RULE_UNKNOWN_START, starts_from, "、".join(sorted(MILESTONES))))
    duration = None
    if "duration" not in raw:
        problems.add(where, msg.say(rule_msg.RULE_NO_DURATION))
    else:
        duration = _parse_duration(problems, where, raw["duration"])
    on_expiry = text_field(problems, where, raw, "on_expiry", required=True, limit=_MAX_ACTION)
    kinds = _id_list(problems, where, raw, "kinds", (k.value for k in CaseKind), "售后类型")
    reasons = _id_list(problems, where, raw, "reasons", (r.value for r in CaseReason), "原因")
    except_reasons = _id_list(problems, where, raw, "except_reasons", (r.value for r in CaseReason), "原因")
    met_by = _id_list(problems, where, raw, "met_by", MILESTONES, "完成事件")
    penalty = text_field(problems, where, raw, "penalty", required=False)
    note = text_field(problems, where, raw, "note", required=False)
    source = text_field(problems, where, raw, "source", required=False)
    quote = text_field(problems, where, raw, "quote", required=False)
    assumed = raw.get("assumed", False)
    if not isinstance(assumed, bool):
        problems.add(where, msg.say(rule_msg.RULE_ASSUMED))
        assumed = False
    auto_records = text_field(problems, where, raw, "auto_records", required=False)
    if auto_records is not None and auto_records not in MILESTONES:
        problems.add(where, msg.say(rule_msg.RULE_AUTO_RECORDS, auto_records, "、".join(sorted(MILESTONES))))
    penalty_amount = _parse_penalty_amount(problems, where, raw.get("penalty_amount"))
    refusal_records = text_field(problems, where, raw, "refusal_records", required=False)
    if refusal_records is not None and refusal_records != REFUSAL_MILESTONE:
        problems.add(where, msg.say(rule_msg.RULE_REFUSAL_RECORDS, refusal_records))
    rounds = _choice(problems, where, raw, "rounds", Rounds.EACH,
                     msg.say(rule_msg.RULE_ROUNDS))
    date_only_start = _choice(problems, where, raw, "date_only_start", DateOnlyStart.DAY_START,
                              msg.say(rule_msg.RULE_DATE_ONLY))
    if reasons and except_reasons and set(reasons) & set(except_reasons):
        problems.add(where, msg.say(rule_msg.RULE_REASON_BOTH))
    if len(problems.items) > before:
        return None
    assert timer_id and name and starts_from and duration and on_expiry is not None
    assert kinds is not None and reasons is not None and except_reasons is not None and met_by is not None
    return TimerRule(
        id=timer_id, name=name, starts_from=starts_from, duration=duration, on_expiry=on_expiry,
        kinds=frozenset(kinds), reasons=frozenset(reasons), except_reasons=frozenset(except_reasons),
        met_by=tuple(met_by), penalty=penalty, date_only_start=date_only_start, note=note,
        assumed=assumed, source=source, quote=quote, rounds=rounds, auto_records=auto_records,
        penalty_amount=penalty_amount, refusal_records=refusal_records,
    )


_PENALTY_KEYS = {"fixed_yuan", "percent", "max_yuan"}


def _parse_penalty_amount(problems: Problems, where: str, value: Any) -> PenaltyAmount | None:
    """{ fixed_yuan = 3 } or { percent = 5, max_yuan = 30 } (whole yuan and whole percent)."""
    if value is None:
        return None
    if not isinstance(value, Mapping) or not value or set(value) - _PENALTY_KEYS:
        problems.add(where, msg.say(rule_msg.RULE_PENALTY_SHAPE))
        return None
    numbers: dict[str, int] = {}
    for key, number in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or number <= 0 or number > 100_000:
            problems.add(where, msg.say(rule_msg.RULE_PENALTY_NUMBER, key, repr(number)))
            return None
        numbers[key] = number
    if ("fixed_yuan" in numbers) == ("percent" in numbers):
        problems.add(where, msg.say(rule_msg.RULE_PENALTY_EITHER))
        return None
    if "percent" in numbers and numbers["percent"] > 100:
        problems.add(where, msg.say(rule_msg.RULE_PENALTY_PERCENT))
        return None
    if "fixed_yuan" in numbers:
        return PenaltyAmount(fixed_fen=numbers["fixed_yuan"] * 100)
    cap = numbers.get("max_yuan")
    return PenaltyAmount(percent=numbers["percent"], max_fen=cap * 100 if cap is not None else None)


def _window_moment(problems: Problems, where: str, value: Any, key: str) -> datetime | None:
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
    problems.add(where, msg.say(rule_msg.RULE_BAD_MOMENT, key, repr(value)))
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


def _head(problems: Problems, index: int, raw: Any, what: str, table: str, keys: set[str],
          name_limit: int) -> _Head | None:
    if not isinstance(raw, Mapping):
        problems.add(msg.say(rule_msg.RULE_NTH, index, what), msg.say(rule_msg.RULE_NOT_A_TABLE, table))
        return None
    named = raw.get("id")
    label = named if isinstance(named, str) else msg.say(rule_msg.RULE_NTH_SHORT, index)
    where = msg.say(rule_msg.RULE_NAMED, what, label)
    before = len(problems.items)
    unknown_keys(problems, where, raw, keys)
    return _Head(where, before, _ident(problems, where, raw),
                 text_field(problems, where, raw, "name", required=True, limit=name_limit),
                 text_field(problems, where, raw, "note", required=False),
                 text_field(problems, where, raw, "source", required=False),
                 text_field(problems, where, raw, "quote", required=False))


def parse_override(problems: Problems, index: int, raw: Any) -> OverrideWindow | None:
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
            problems.add(where, msg.say(rule_msg.RULE_KEYED_TO, "、".join(sorted(allowed)), repr(raw_keyed)))
        else:
            keyed_to = tuple(dict.fromkeys(listed))
    kinds = _id_list(problems, where, raw, "kinds", (k.value for k in CaseKind), "售后类型")
    event = _ident(problems, where, raw, "event") if "event" in raw else None
    recurs = raw.get("recurs")
    if recurs is not None and recurs not in ("yearly", "announced"):
        problems.add(where, msg.say(rule_msg.RULE_RECURS))
    if recurs is not None and "event" not in raw:
        problems.add(where, msg.say(rule_msg.RULE_RECURS_EVENT))
    start = end = None
    for key in ("start", "end"):
        if key not in raw:
            problems.add(where, msg.say(rule_msg.RULE_MISSING, key))
    if "start" in raw:
        start = _window_moment(problems, where, raw["start"], "start")
    if "end" in raw:
        end = _window_moment(problems, where, raw["end"], "end")
    if start is not None and end is not None and end < start:
        problems.add(where, msg.say(rule_msg.RULE_END_BEFORE_START))
    durations = _parse_durations(problems, where, raw)
    if len(problems.items) > head.before:
        return None
    assert head.id and head.name and start and end and kinds is not None
    return OverrideWindow(head.id, head.name, start, end, durations, head.note, keyed_to, frozenset(kinds),
                          head.source, head.quote, event, recurs == "yearly", announced=recurs == "announced")


def _parse_durations(problems: Problems, where: str, raw: Mapping[str, Any]) -> dict[str, Duration]:
    """A window's or a campaign's `durations`: timer id → its new duration."""
    durations: dict[str, Duration] = {}
    raw_durations = raw.get("durations")
    if not isinstance(raw_durations, Mapping) or not raw_durations:
        problems.add(where, msg.say(rule_msg.RULE_NO_DURATIONS))
    else:
        for timer_id, value in raw_durations.items():
            duration = _parse_duration(problems, msg.say(rule_msg.RULE_TIMER_IN, where, timer_id), value)
            if duration is not None:
                durations[timer_id] = duration
    return durations


def parse_campaign(problems: Problems, index: int, raw: Any) -> Campaign | None:
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


def parse_tables(problems: Problems, data: Mapping[str, Any], key: str, label: str,
                  parse: Callable[[Problems, int, Any], _Parsed | None]) -> list[_Parsed]:
    """Every `[[key]]` table of the file parsed by `parse`; a repeated id is a problem."""
    raw_tables = data.get(key, [])
    if not isinstance(raw_tables, list):
        problems.add("", msg.say(rule_msg.RULE_NOT_ARRAY, key))
        return []
    found: dict[str, _Parsed] = {}
    for index, raw in enumerate(raw_tables, start=1):
        item = parse(problems, index, raw)
        if item is None:
            continue
        if item.id in found:
            problems.add(msg.say(rule_msg.RULE_NAMED, label, item.id), msg.say(rule_msg.RULE_REPEATED_ID))
            continue
        found[item.id] = item
    return list(found.values())
