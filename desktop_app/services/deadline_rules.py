"""The rules the deadlines are computed with: the packs and the working-day calendar in force
(`RuleContext`), a fingerprint per pack of everything the engine's results depend on (so start-up
recomputes only the platforms whose rules changed, `deadlines.recompute_changed_rules`), and what the
shop should be told about missing rules (a year without a holiday schedule or a 双11 window)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy.orm import Session

from desktop_app.core.rule_packs import RulePack, pack_for_platform
from desktop_app.core.working_days import WorkdayCalendar, missing_schedule_years, schedule_warning
from desktop_app.io.holiday_schedule_file import load_schedule
from desktop_app.io.rule_pack_files import load_packs, load_workday_overrides
from desktop_app.store.deadline_rows import set_setting_text, setting_text


@dataclass
class RuleContext:
    """The packs and the working-day calendar in force; load once per batch of recomputes."""

    packs: Mapping[str, RulePack]
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)

    @classmethod
    def load(cls) -> RuleContext:
        """From the shipped packs, the official holiday schedule and the user's data folder
        (raises RulePackError / HolidayScheduleError if a file is broken)."""
        return cls(load_packs(), WorkdayCalendar(load_workday_overrides(), load_schedule()))


# Raise when the engine's results change for the same rules and events, so stored deadlines are
# recomputed by `recompute_changed_rules` after an upgrade.
ENGINE_REVISION = 7
_RULES_SETTING = "deadlines.rule_fingerprints"


def rule_fingerprints(context: RuleContext) -> dict[str, str]:
    """A digest per pack of everything the engine's results depend on besides the case itself."""
    shared = {
        "engine": ENGINE_REVISION,
        "holiday_schedule": context.calendar.schedule.digest(),
        "extra_holidays": sorted(d.isoformat() for d in context.calendar.overrides.extra_holidays),
        "extra_workdays": sorted(d.isoformat() for d in context.calendar.overrides.extra_workdays),
    }
    result: dict[str, str] = {}
    for pack_id, pack in sorted(context.packs.items()):
        described = {
            "shared": shared,
            "timers": [
                [t.id, t.name, t.starts_from, t.duration.amount, t.duration.unit.value, t.on_expiry,
                 sorted(t.kinds), sorted(t.reasons), sorted(t.except_reasons), list(t.met_by), t.penalty,
                 t.date_only_start.value, t.assumed, t.rounds.value, t.auto_records,
                 None if t.penalty_amount is None else [t.penalty_amount.fixed_fen, t.penalty_amount.percent,
                                                       t.penalty_amount.max_fen]]
                for t in pack.timers
            ],
            "windows": [
                [w.id, w.start.isoformat(), w.end.isoformat(),
                 sorted([k, d.amount, d.unit.value] for k, d in w.durations.items()),
                 list(w.keyed_to), sorted(w.kinds)]
                for w in pack.overrides
            ],
            "campaigns": [
                [c.id, c.name, sorted([k, d.amount, d.unit.value] for k, d in c.durations.items()), sorted(c.kinds)]
                for c in pack.campaigns
            ],
        }
        text = json.dumps(described, ensure_ascii=False, sort_keys=True)
        result[pack_id] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return result


def remembered_rules(session: Session) -> dict[str, str]:
    text = setting_text(session, _RULES_SETTING)
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_rules(session: Session, context: RuleContext, platforms: set[str] | None) -> None:
    """Record which rules the stored deadlines were computed with (all packs, or those platforms')."""
    current = rule_fingerprints(context)
    if platforms is None:
        remembered = current
    else:
        remembered = remembered_rules(session)
        for platform in platforms:
            pack_id = pack_for_platform(context.packs, platform).id
            remembered[pack_id] = current[pack_id]
    set_setting_text(session, _RULES_SETTING, json.dumps(remembered, sort_keys=True))


class RuleWarning(NamedTuple):
    """Something about the rules in force the shop should be told: a year without an official holiday
    schedule (`event` None), or a recurring event (双11) without this year's window in these packs.
    Data, so the window says it in its own language and points at its own pages; `text` is the
    command line's Chinese."""

    year: int
    event: str | None = None
    packs: tuple[str, ...] = ()  # pack ids
    pack_names: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if self.event is None:
            return schedule_warning(self.year)
        return (f"{'、'.join(self.pack_names)}还没有{self.year}年的“{self.event}”时间窗口：按往年的日期估算，"
                "相关时限标为“估算”。活动公告出来后请在“时效规则”中添加当年的窗口。")


def rule_warnings(context: RuleContext, today: date) -> list[RuleWarning]:
    """What the shop should be told about the rules in force for `today` (calendar, start-up): a
    year without an official holiday schedule, a recurring event (双11) without this year's window."""
    warnings = [RuleWarning(year) for year in missing_schedule_years(context.calendar.schedule, today)]
    missing: dict[str, list[RulePack]] = {}
    for pack in context.packs.values():
        for event in pack.missing_yearly_windows(today.year):
            missing.setdefault(event, []).append(pack)
    for event, packs in sorted(missing.items()):
        warnings.append(RuleWarning(today.year, event, tuple(p.id for p in packs), tuple(p.name for p in packs)))
    return warnings
