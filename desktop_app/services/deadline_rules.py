"""The rules the deadlines are computed with: the packs and the working-day calendar in force
(`RuleContext`), a fingerprint per pack of everything the engine's results depend on and one per plan
(the timers a platform's pack applies to a kind and reason), so start-up and a pack edit recompute only
the cases whose rules changed (`deadlines.recompute_changed_rules`), and what the
shop should be told about missing rules (a year without a holiday schedule or a 双11 window)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from desktop_app.core.rule_packs import (
    PACK_NAMES,
    RulePack,
    TimerRule,
    pack_for_platform,
)
from desktop_app.core.working_days import WorkdayCalendar, missing_schedule_years, schedule_warning
from desktop_app.io.holiday_schedule_file import load_schedule
from desktop_app.io.rule_pack_files import ShopRules, load_packs, load_workday_overrides, shipped_revision
from desktop_app.services.shop_rules import (
    pack_title,
    rule_file_title,
    shop_rules,
    shop_rules_of,
    unused_local_edits,
)
from desktop_app.store.database import Database
from desktop_app.store.deadline_rows import Plan, open_plans, set_setting_text, setting_text
from desktop_app.store.rule_files import RuleStamp, ledger_keeps_rules, rule_file_stamp


@dataclass
class RuleContext:
    """The packs and the working-day calendar in force; load once per batch of recomputes.

    `stamp`: loaded from a team ledger, the versions of its rule files it was read from (`in_force`
    checks them again in each transaction that computes with it: another seat may have saved a rule
    since); None for rules read from the data folder or given by the caller, used as they are."""

    packs: Mapping[str, RulePack]
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    stamp: RuleStamp | None = None

    @classmethod
    def load(cls, where: Session | Database | None = None) -> RuleContext:
        """The rules in force for the ledger `where` (a session of it, or it): the shipped packs and
        holiday schedule with the shop's edits, a team ledger's own or the data folder's (None: the
        data folder's, a ledger file). Raises RulePackError / HolidayScheduleError if a file is broken."""
        if where is None:
            return cls.of(ShopRules.of_folder())
        if isinstance(where, Database):
            if not where.is_server:
                return cls.of(shop_rules_of(where))
            with where.reading() as session:
                return cls.load(session)
        if not ledger_keeps_rules(where):
            return cls.of(shop_rules(where))
        stamp = rule_file_stamp(where)  # first: a save between the two reads makes the stamp stale, not the rules
        return replace(cls.of(shop_rules(where)), stamp=stamp)

    @classmethod
    def of(cls, shop: ShopRules) -> RuleContext:
        return cls(load_packs(shop=shop), WorkdayCalendar(load_workday_overrides(shop=shop), load_schedule(shop=shop)))

    @classmethod
    def in_force(cls, session: Session, context: RuleContext | None = None) -> RuleContext:
        """The rules to compute with in this transaction: `context` unless it was read from the team
        ledger's rule files and another seat has saved one since (a batch loads its rules once, before
        its transactions: the cases after the save were computed with the rules it replaced), then the
        ledger's rules read again; with no `context`, the ledger's rules."""
        if context is None:
            return cls.load(session)
        if context.stamp is None or context.stamp == rule_file_stamp(session):
            return context
        return cls.load(session)


# Raise when the engine's results change for the same rules and events, so stored deadlines are
# recomputed by `recompute_changed_rules` after an upgrade.
ENGINE_REVISION = 18  # 18: an agreement whose return parcel was sent answers the request of a change of kind
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
    recorded = _recorded_revisions(session)
    newest = {key: max(value, recorded.get(key, 0)) for key, value in app_revisions().items()}
    set_setting_text(session, _REVISIONS_SETTING, json.dumps(recorded | newest, sort_keys=True))


# --- seats on different versions of the app ---------------------------------------------------
# Seats of a team ledger may run different versions for a while (one upgraded, one not). The engine's
# revision and each shipped pack's revision that the stored deadlines were computed with are recorded
# beside their fingerprints; a seat whose app is older in any of them does not recompute the ledger's
# deadlines with its older rules (they would be rewritten back and forth by every start of each seat),
# and says so.
_REVISIONS_SETTING = "deadlines.app_revisions"
ENGINE_KEY = "engine"


def app_revisions() -> dict[str, int]:
    """This app's engine revision and the revision of each pack it ships."""
    return {ENGINE_KEY: ENGINE_REVISION, **{name: shipped_revision(name) for name in PACK_NAMES}}


def _recorded_revisions(session: Session) -> dict[str, int]:
    return {key: int(value) for key, value in _remembered(session, _REVISIONS_SETTING).items()
            if value.isdigit()}


class OlderPart(NamedTuple):
    """Something this computer's app has in an older revision than a seat that computed the deadlines."""

    key: str  # ENGINE_KEY or a pack's name
    here: int
    ledger: int


def older_than_ledger(session: Session) -> tuple[OlderPart, ...]:
    """What of this app is older than the app that last computed the ledger's deadlines (empty: none)."""
    ours = app_revisions()
    return tuple(OlderPart(key, ours.get(key, 0), value)
                 for key, value in sorted(_recorded_revisions(session).items()) if value > ours.get(key, 0))


def older_app_message(parts: tuple[OlderPart, ...]) -> str:
    named = "、".join(("计算引擎" if p.key == ENGINE_KEY else f"{pack_title(p.key)}默认规则")
                     + f"第 {p.here} 版（另一台电脑为第 {p.ledger} 版）" for p in parts)
    return (f"这台电脑上的软件比团队中另一台电脑上的旧（{named}）：已存的时限由较新的软件计算，"
            "本机不会按旧规则重新计算它们。请把这台电脑上的软件升级到最新版本。")


class RuleWarning(NamedTuple):
    """Something about the rules in force the shop should be told: a year without an official holiday
    schedule (`event` None), or a recurring event (双11) without this year's window in these packs.
    Data, so the window says it in its own language and points at its own pages; `text` is the
    command line's Chinese."""

    year: int
    event: str | None = None
    packs: tuple[str, ...] = ()  # pack ids
    pack_names: tuple[str, ...] = ()
    older: tuple[OlderPart, ...] = ()  # a team ledger computed by a newer app than this one
    unused_local: tuple[str, ...] = ()  # this computer's own rule files a team ledger does not use
    announced: bool = False  # `event` is announced each year (春节): nothing is estimated for it

    @property
    def text(self) -> str:
        if self.older:
            return older_app_message(self.older)
        if self.unused_local:
            return unused_local_message(self.unused_local)
        if self.event is None:
            return schedule_warning(self.year)
        if self.announced:
            return (f"{'、'.join(self.pack_names)}还没有{self.year}年的“{self.event}”时间窗口："
                    "平台每年公告当年的日期和时长，本软件不按往年估算，这段时间申请的售后按平时的时效计算。"
                    "公告出来后请在“时效规则”中添加当年的窗口。")
        return (f"{'、'.join(self.pack_names)}还没有{self.year}年的“{self.event}”时间窗口：按往年的日期估算，"
                "相关时限标为“估算”。活动公告出来后请在“时效规则”中添加当年的窗口。")


def unused_local_message(file_names: tuple[str, ...]) -> str:
    return (f"这台电脑的数据文件夹里有以前修改过的时效规则（{'、'.join(rule_file_title(n) for n in file_names)}），"
            "团队数据库不使用它们：每台电脑都按团队数据库中的规则计算时限。要沿用平台规则的修改，请在“时效规则”中"
            "打开该平台，点“载入本机的修改”后保存；工作日调整请在“工作日调整”页重新填写；"
            "节假日安排用 workdays import 导入。")


def ledger_rule_warnings(session: Session, today: date) -> list[RuleWarning]:
    """`rule_warnings` of the ledger's rules, and on a team ledger what else this seat should know: its
    app is older than the one that computed the deadlines, its own rule files are not used."""
    warnings = rule_warnings(RuleContext.load(session), today)
    older = older_than_ledger(session)
    if older:
        warnings.insert(0, RuleWarning(today.year, older=older))
    unused = unused_local_edits(session)
    if unused:
        warnings.append(RuleWarning(today.year, unused_local=unused))
    return warnings


def rule_warnings(context: RuleContext, today: date) -> list[RuleWarning]:
    """What the shop should be told about the rules in force for `today` (calendar, start-up): a
    year without an official holiday schedule, a recurring event (双11) without this year's window, an
    announced one (春节) coming soon without its window."""
    warnings = [RuleWarning(year) for year in missing_schedule_years(context.calendar.schedule, today)]
    missing: dict[str, list[RulePack]] = {}
    for pack in context.packs.values():
        for event in pack.missing_yearly_windows(today.year):
            missing.setdefault(event, []).append(pack)
    for event, packs in sorted(missing.items()):
        warnings.append(RuleWarning(today.year, event, tuple(p.id for p in packs), tuple(p.name for p in packs)))
    announced: dict[tuple[int, str], list[RulePack]] = {}
    for pack in context.packs.values():
        for year, event in pack.missing_announced_windows(today):
            announced.setdefault((year, event), []).append(pack)
    for (year, event), packs in sorted(announced.items()):
        warnings.append(RuleWarning(year, event, tuple(p.id for p in packs), tuple(p.name for p in packs),
                                    announced=True))
    return warnings
