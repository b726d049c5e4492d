"""A rule pack's TOML text as an editable document: the 时效规则 form changes values in place and
gets the same text back with every comment, key order and untouched line kept (tomlkit).

This module only reads and writes values; whether the result is a valid pack is decided by the one
validator, `io.rule_pack_files.validate_pack_text`, on the text this document produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, InlineTable, Table
from tomlkit.toml_document import TOMLDocument

from desktop_app.core.rule_packs import Duration, DurationUnit, RulePackError, parse_toml_text, toml_problem

DURATION_UNITS: tuple[str, ...] = tuple(unit.value for unit in DurationUnit)


@dataclass(frozen=True, slots=True)
class TimerFields:
    """What the form shows of one [[timers]] table (values as written; missing ones empty)."""

    index: int  # position among the file's [[timers]]
    id: str
    name: str
    starts_from: str
    amount: int | None  # None: missing or not a whole number (the TOML view shows what is there)
    unit: str
    on_expiry: str
    kinds: tuple[str, ...]
    reasons: tuple[str, ...]
    penalty: str
    fixed_yuan: int | None
    percent: int | None
    max_yuan: int | None


@dataclass(frozen=True, slots=True)
class WindowFields:
    """A [[overrides]] window as it concerns one timer: its span and the timer's duration in it."""

    index: int  # position among the file's [[overrides]]
    id: str
    name: str
    start: datetime | None  # China time, naive (as TOML local date-times are written)
    end: datetime | None
    amount: int | None
    unit: str


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str:
    return str(value) if isinstance(value, str) else ""


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return None


def _duration(value: Any) -> tuple[int | None, str]:
    if isinstance(value, dict) and len(value) == 1:
        ((unit, amount),) = value.items()
        if unit in DURATION_UNITS:
            return _int(amount), str(unit)
    return None, DurationUnit.DAYS.value


def _inline(values: dict[str, int]) -> InlineTable:
    """`{ days = 5 }`, spaced as the shipped files write it."""
    body = ", ".join(f"{key} = {number}" for key, number in values.items())
    item = tomlkit.parse(f"x = {{ {body} }}")["x"]
    assert isinstance(item, InlineTable)
    return item


class RulePackDocument:
    """One pack file's text, parsed for editing. `RulePackError` (in Chinese) if it is not TOML."""

    def __init__(self, text: str, source: str = "") -> None:
        parse_toml_text(text, source)  # the syntax errors in Chinese, as the validator words them
        try:
            self._doc: TOMLDocument = tomlkit.parse(text)
        except ParseError as error:  # tomlkit is stricter in a few corners: its own words then
            raise RulePackError([toml_problem(source, str(error))]) from None

    def text(self) -> str:
        return tomlkit.dumps(self._doc)

    def extends(self) -> str | None:
        """The pack this file inherits timers from ([pack] extends), if any."""
        header = self._doc.get("pack")
        value = header.get("extends") if isinstance(header, dict) else None
        return str(value) if isinstance(value, str) else None

    # --- timers ----------------------------------------------------------------------------
    def _tables(self, key: str) -> list[Table | dict[str, Any]]:
        found = self._doc.get(key)
        if not isinstance(found, AoT | list):
            return []
        return [t for t in found if isinstance(t, Table | dict)]

    def timers(self) -> list[TimerFields]:
        rows: list[TimerFields] = []
        for index, table in enumerate(self._tables("timers")):
            amount, unit = _duration(table.get("duration"))
            penalty_amount = table.get("penalty_amount")
            money = penalty_amount if isinstance(penalty_amount, dict) else {}
            rows.append(TimerFields(
                index=index, id=_text(table.get("id")), name=_text(table.get("name")),
                starts_from=_text(table.get("starts_from")), amount=amount, unit=unit,
                on_expiry=_text(table.get("on_expiry")), kinds=_names(table.get("kinds")),
                reasons=_names(table.get("reasons")), penalty=_text(table.get("penalty")),
                fixed_yuan=_int(money.get("fixed_yuan")), percent=_int(money.get("percent")),
                max_yuan=_int(money.get("max_yuan")),
            ))
        return rows

    def _timer(self, index: int) -> Table | dict[str, Any]:
        return self._tables("timers")[index]

    def set_text(self, index: int, key: str, value: str) -> None:
        """A text field of timer `index`; an empty optional one (penalty) is removed."""
        table = self._timer(index)
        if value or key in ("name", "on_expiry", "starts_from"):
            _put(table, key, value)
        elif key in table:
            del table[key]

    def set_duration(self, index: int, amount: int, unit: str) -> str | None:
        """The duration of timer `index`. A name that states the old figure once ("处理补寄申请（48小时）") states
        the new one (12 hours showed as "处理补寄申请（48小时）" in every list, due 12 hours after the request):
        the name it now has, or None when it was left as it was."""
        table = self._timer(index)
        renamed = _restated(table.get("name"), table.get("duration"), amount, unit)
        if renamed is not None:
            table["name"] = renamed
        table["duration"] = _inline({unit: amount})
        return renamed

    def set_names(self, index: int, key: str, names: list[str]) -> None:
        """kinds / reasons: an empty list is written as no key (= every kind, every reason)."""
        table = self._timer(index)
        if names:
            array = tomlkit.array()
            array.extend(names)
            _put(table, key, array)
        elif key in table:
            del table[key]

    def set_penalty_amount(self, index: int, fixed_yuan: int | None, percent: int | None,
                           max_yuan: int | None) -> None:
        table = self._timer(index)
        values: dict[str, int] = {}
        if fixed_yuan is not None:
            values["fixed_yuan"] = fixed_yuan
        elif percent is not None:
            values["percent"] = percent
            if max_yuan is not None:
                values["max_yuan"] = max_yuan
        if values:
            _put(table, "penalty_amount", _inline(values))
        elif "penalty_amount" in table:
            del table["penalty_amount"]

    # --- windows ---------------------------------------------------------------------------
    def windows_for(self, timer_id: str) -> list[WindowFields]:
        """The windows of this file that give `timer_id` another duration."""
        rows: list[WindowFields] = []
        for index, table in enumerate(self._tables("overrides")):
            durations = table.get("durations")
            if not isinstance(durations, dict) or timer_id not in durations:
                continue
            amount, unit = _duration(durations[timer_id])
            rows.append(WindowFields(index, _text(table.get("id")), _text(table.get("name")),
                                     _moment(table.get("start")), _moment(table.get("end")), amount, unit))
        return rows

    def set_window_duration(self, index: int, timer_id: str, amount: int, unit: str) -> None:
        durations = self._tables("overrides")[index]["durations"]
        assert isinstance(durations, dict)
        durations[timer_id] = _inline({unit: amount})

    def set_window_span(self, index: int, start: datetime, end: datetime) -> None:
        table = self._tables("overrides")[index]
        table["start"] = start.replace(tzinfo=None, microsecond=0)
        table["end"] = end.replace(tzinfo=None, microsecond=0)


def _put(table: Table | dict[str, Any], key: str, value: Any) -> None:
    """Set `key` of a timer's table. A key the table does not have yet goes after its last value, before the blank
    line and comments that introduce the next table: tomlkit appends it after them, where it reads as a setting of
    the next table's comment, and runs a second new key into the next table's `[[timers]]` line (invalid TOML)."""
    if key in table or not isinstance(table, Table):
        table[key] = value
        return
    body = table.value.body
    last = max((i for i, (name, _) in enumerate(body) if name is not None), default=-1)
    trailing = body[last + 1:]
    del body[last + 1:]  # no key among them: the container's index of its keys stays right
    table[key] = value
    body.extend(trailing)


def _restated(name: object, old: object, amount: int, unit: str) -> str | None:
    """`name` with the figure of duration `old` ({unit: amount}) replaced by the new one, when it states it exactly
    once (not as part of a longer number); None otherwise."""
    if not isinstance(name, str) or not isinstance(old, dict) or len(old) != 1:
        return None
    ((old_unit, old_amount),) = old.items()
    try:
        before = Duration(int(old_amount), DurationUnit(old_unit)).label
        after = Duration(amount, DurationUnit(unit)).label
    except (TypeError, ValueError):
        return None
    pattern = re.compile(rf"(?<![0-9]){re.escape(before)}")
    if before == after or len(pattern.findall(name)) != 1:
        return None
    return pattern.sub(after, name)
