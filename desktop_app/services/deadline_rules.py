"""The rules the deadlines are computed with: the packs and the working-day calendar in force
(`RuleContext`), a fingerprint per pack of everything the engine's results depend on and one per plan
(the timers a platform's pack applies to a kind and reason), so start-up and a pack edit recompute only
the cases whose rules changed (`deadlines.recompute_changed_rules`), and what the
shop should be told about missing rules (a year without a holiday schedule or a 双11 window)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop_app.core.rule_packs import RulePack, TimerRule, pack_for_platform
from desktop_app.core.working_days import WorkdayCalendar, missing_schedule_years, schedule_warning
from desktop_app.io.holiday_schedule_file import load_schedule
from desktop_app.io.rule_pack_files import load_packs, load_workday_overrides
from desktop_app.store.deadline_rows import Plan, open_plans, set_setting_text, setting_text


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
ENGINE_REVISION = 8
_RULES_SETTING = "deadlines.rule_fingerprints"
_PLANS_SETTING = "deadlines.plan_fingerprints"


def rule_fingerprints(context: RuleContext) -> dict[str, str]:
    """A digest per pack of everything the engine's results depend on besides the case itself."""
    shared = _shared(context)
    return {pack_id: _digest({"shared": shared, "timers": [_timer(t) for t in pack.timers], **_pack_rest(pack)})
            for pack_id, pack in sorted(context.packs.items())}


def plan_fingerprints(context: RuleContext, plans: Iterable[Plan]) -> dict[str, str]:
    """A digest per plan (platform, kind, reason: `plan_key`) of what the engine reads for such a case:
    what every pack's digest holds, but of the pack's timers only those that apply to the kind and
    reason (in pack order; the automatic ones chain only among them). The pack's windows and campaigns
    count whole. A pack edit then recomputes only the cases whose plan it changed."""
    shared = _shared(context)
    rest: dict[str, str] = {}
    result: dict[str, str] = {}
    for plan in plans:
        platform, kind, reason = plan
        pack = pack_for_platform(context.packs, platform)
        if pack.id not in rest:
            rest[pack.id] = _digest({"shared": shared, **_pack_rest(pack)})
        timers = pack.applicable(kind, reason or None)
        result[plan_key(plan)] = _digest([pack.id, rest[pack.id], [_timer(t) for t in timers]])
    return result


def plan_key(plan: Plan) -> str:
    return "|".join(plan)


def _shared(context: RuleContext) -> dict[str, Any]:
    return {
        "engine": ENGINE_REVISION,
        "holiday_schedule": context.calendar.schedule.digest(),
        "extra_holidays": sorted(d.isoformat() for d in context.calendar.overrides.extra_holidays),
        "extra_workdays": sorted(d.isoformat() for d in context.calendar.overrides.extra_workdays),
    }


def _timer(t: TimerRule) -> list[Any]:
    return [t.id, t.name, t.starts_from, t.duration.amount, t.duration.unit.value, t.on_expiry,
            sorted(t.kinds), sorted(t.reasons), sorted(t.except_reasons), list(t.met_by), t.penalty,
            t.date_only_start.value, t.assumed, t.rounds.value, t.auto_records,
            None if t.penalty_amount is None else [t.penalty_amount.fixed_fen, t.penalty_amount.percent,
                                                  t.penalty_amount.max_fen]]


def _pack_rest(pack: RulePack) -> dict[str, Any]:
    return {
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


def _digest(described: Any) -> str:
    text = json.dumps(described, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remembered_rules(session: Session) -> dict[str, str]:
    """The pack digests the stored deadlines were computed with (`rule_fingerprints`)."""
    return _remembered(session, _RULES_SETTING)


def remembered_plans(session: Session) -> dict[str, str]:
    """The plan digests the open cases' stored deadlines were computed with (`plan_fingerprints`);
    trusted only for a pack whose digest is remembered too."""
    return _remembered(session, _PLANS_SETTING)


def _remembered(session: Session, key: str) -> dict[str, str]:
    text = setting_text(session, key)
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def remember_rules(session: Session, context: RuleContext, platforms: set[str] | None) -> None:
    """Record which rules the stored deadlines were computed with (all packs, or those platforms'),
    and the digest of each plan of those platforms' open cases."""
    current = rule_fingerprints(context)
    remembered_plan = remembered_plans(session)
    if platforms is None:
        remembered = current
        remembered_plan = {}
    else:
        remembered = remembered_rules(session)
        for platform in platforms:
            pack_id = pack_for_platform(context.packs, platform).id
            remembered[pack_id] = current[pack_id]
        remembered_plan = {key: digest for key, digest in remembered_plan.items()
                           if key.split("|", 1)[0] not in platforms}
    plans = open_plans(session, platforms)
    remembered_plan.update(plan_fingerprints(context, plans))
    set_setting_text(session, _RULES_SETTING, json.dumps(remembered, sort_keys=True))
    set_setting_text(session, _PLANS_SETTING, json.dumps(remembered_plan, sort_keys=True))


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
