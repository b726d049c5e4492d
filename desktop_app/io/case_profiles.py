"""After-sales export profiles: how each platform's refund / after-sales list is laid out and what its
words mean, loaded from `resources/aftersales/*.toml` (one file per platform family) and
`resources/aftersales/reasons.toml` (the reason keyword table shared by all).

Columns are found by header name with aliases, never by position; types, statuses and reasons are
mapped through tables the user can edit. A broken shipped file is a bug in shipped data and is
reported with its file name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from desktop_app.core.case_intake import DONE, ReasonRule, StatusTarget
from desktop_app.core.lifecycle import MILESTONE_LABELS, CaseStatus
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.import_profiles import normalize_header
from desktop_app.io.toml_files import read_toml_file
from desktop_app.paths import data_dir, resource

# The fields an after-sales profile maps to header aliases.
CASE_FIELDS: tuple[str, ...] = (
    "case_no", "order_no", "kind", "refund_scope", "status", "reason", "description", "amount",
    "requested_at", "finished_at", "platform_due_at", "return_logistics", "return_carrier",
    "return_tracking_no", "intervention", "title", "spec", "quantity", "sku_code", "buyer_nick",
    "sub_order_no",
)
REQUIRED_FIELDS: tuple[str, ...] = ("case_no", "order_no", "kind", "status")
# Files in resources/aftersales that are shared tables, not profiles.
_TABLES = frozenset({"reasons.toml", "words.toml"})


class CaseProfileError(Exception):
    """A shipped after-sales profile is malformed."""


@dataclass(frozen=True, slots=True)
class CaseProfile:
    id: str
    platforms: tuple[Platform, ...]  # the first is assumed when the file does not say which
    label: str
    identify: tuple[tuple[str, ...], ...]  # normalised header alternatives, every group must be present
    columns: Mapping[str, tuple[str, ...]]  # field → normalised header aliases
    kinds: tuple[tuple[str, CaseKind], ...]
    statuses: Mapping[str, StatusTarget]
    escalated: frozenset[str]
    source: Path
    user: bool = False  # the shop's own (aftersales_profiles/), never preferred over a shipped one
    # How the platform's order numbers look (`order_no_shape`): a file read as another platform whose
    # order numbers all look so, and none as that platform's, is this platform's (io/case_platform_check.py).
    order_no_shape: re.Pattern[str] | None = None

    @property
    def platform(self) -> Platform:
        return self.platforms[0]

    def matches(self, headers: set[str]) -> bool:
        return all(any(h in headers for h in group) for group in self.identify)

    def missing_identity(self, headers: set[str]) -> list[str]:
        return [group[0] for group in self.identify if not any(h in headers for h in group)]

    def kind_of(self, text: str) -> CaseKind | None:
        """The kind for the type cell(s), joined by '/': an exact key, or a key followed by '/'."""
        for key, kind in self.kinds:
            if text == key or text.startswith(key + "/"):
                return kind
        return None

    def target_of(self, status_text: str) -> StatusTarget | None:
        return self.statuses.get(status_key(status_text))


def status_key(text: str) -> str:
    """Status words compared without blanks and with one kind of comma."""
    return "".join(text.split()).replace(",", "，")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise CaseProfileError(f"{where}：应为文字或文字列表")


def _target(value: object, where: str) -> StatusTarget:
    spec: dict[str, Any] = {"status": value} if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(spec, dict) or not isinstance(spec.get("status"), str):
        raise CaseProfileError(f"{where}：应写成 {{ status = \"…\" }}")
    status = spec["status"]
    if status != DONE and status not in CaseStatus.__members__.values():
        raise CaseProfileError(f"{where}：未知的状态“{status}”")
    milestones = _strings(spec["milestones"], where) if spec.get("milestones") else ()
    due_from = spec.get("due_from")
    for name in (*milestones, *([due_from] if due_from else [])):
        if name not in MILESTONE_LABELS:
            raise CaseProfileError(f"{where}：未知的事件“{name}”")
    return StatusTarget(status, milestones, due_from)


Words = tuple[tuple[tuple[str, CaseKind], ...], Mapping[str, StatusTarget]]


def parse_profile(data: Mapping[str, Any], source: Path, words: Words | None = None) -> CaseProfile:
    """A profile from its TOML table; `words` stands in for [kinds] / [statuses] a file leaves out
    (a profile the shop writes for its ERP or old 台账 may rely on the known words)."""
    name = source.name
    try:
        platforms = tuple(Platform(p) for p in _strings(data["platforms"], f"{name} platforms"))
        columns_raw = data["columns"]
        unknown = set(columns_raw) - set(CASE_FIELDS)
        if unknown:
            raise CaseProfileError(f"{name}：未知的字段 {', '.join(sorted(unknown))}")
        missing = [f for f in REQUIRED_FIELDS if f not in columns_raw]
        if missing:
            raise CaseProfileError(f"{name}：缺少字段 {', '.join(missing)}")
        columns = {field: tuple(normalize_header(a) for a in _strings(aliases, f"{name} {field}"))
                   for field, aliases in columns_raw.items()}
        if words is not None and "kinds" not in data:
            kinds = words[0]
        else:
            kinds = tuple((status_key(k), CaseKind(v)) for k, v in data["kinds"].items())
        if words is not None and "statuses" not in data:
            statuses = dict(words[1])
        else:
            statuses = {status_key(k): _target(v, f"{name} statuses.{k}") for k, v in data["statuses"].items()}
        escalated = frozenset(status_key(v) for v in data.get("intervention", {}).get("escalated", []))
        identify = tuple(tuple(normalize_header(a) for a in group.split("|"))
                         for group in _strings(data["identify"], f"{name} identify"))
        shape = re.compile(str(data["order_no_shape"])) if "order_no_shape" in data else None
        return CaseProfile(str(data["id"]), platforms, str(data["label"]), identify, columns, kinds, statuses,
                           escalated, source, order_no_shape=shape)
    except (KeyError, ValueError, TypeError, AttributeError, re.error) as exc:
        raise CaseProfileError(f"售后导出格式文件 {name} 有误：{exc}") from None


def _read(path: Path) -> dict[str, Any]:
    return read_toml_file(path, "售后导出格式文件", lambda problems: CaseProfileError("；".join(problems)))


@cache
def case_profiles() -> tuple[CaseProfile, ...]:
    """The shipped after-sales profiles, one per platform family."""
    folder = resource("aftersales")
    return tuple(parse_profile(_read(path), path) for path in sorted(folder.glob("*.toml"))
                 if path.name not in _TABLES)


@cache
def known_words() -> Words:
    """Every type and status word the shipped profiles know, and the ledger's own labels (待处理,
    已退款, 补发 …): what a shop's own profile uses unless it says otherwise."""
    kinds: dict[str, CaseKind] = {status_key(k.label): k for k in CaseKind}
    statuses: dict[str, StatusTarget] = {status_key(s.label): StatusTarget(s.value) for s in CaseStatus}
    path = resource("aftersales", "words.toml")
    common = _read(path)
    try:
        kinds.update({status_key(k): CaseKind(v) for k, v in common["kinds"].items()})
        statuses.update({status_key(k): _target(v, f"{path.name} statuses.{k}") for k, v in common["statuses"].items()})
    except (KeyError, ValueError, AttributeError) as exc:
        raise CaseProfileError(f"{path.name} 有误：{exc}") from None
    for profile in case_profiles():
        for word, kind in profile.kinds:
            kinds.setdefault(word, kind)
        for word, target in profile.statuses.items():
            statuses.setdefault(word, target)
    return tuple(kinds.items()), statuses


def user_profiles_dir() -> Path:
    """Where the shop keeps profiles of its own (an ERP's 售后单 export, its old 台账), same format."""
    return data_dir() / "aftersales_profiles"


def user_case_profiles() -> tuple[tuple[CaseProfile, ...], tuple[str, ...]]:
    """The shop's own profiles, and a Chinese warning for each file that cannot be used (skipped)."""
    folder = user_profiles_dir()
    if not folder.is_dir():
        return (), ()
    profiles: list[CaseProfile] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            profiles.append(replace(parse_profile(_read(path), path, known_words()), user=True))
        except CaseProfileError as exc:
            problems.append(f"自定义售后格式 {path.name} 无法使用，已跳过：{exc}")
    return tuple(profiles), tuple(problems)


@cache
def reason_rules() -> tuple[ReasonRule, ...]:
    path = resource("aftersales", "reasons.toml")
    try:
        return tuple(ReasonRule(tuple(entry["keywords"]), CaseReason(entry["reason"]))
                     for entry in _read(path)["reason"])
    except (KeyError, ValueError, TypeError) as exc:
        raise CaseProfileError(f"售后原因对照表 {path.name} 有误：{exc}") from None


def profiles_for(platform: str, extra: Sequence[CaseProfile] = ()) -> tuple[CaseProfile, ...]:
    """Profiles an import may use, the shipped ones first: all for 'auto', else the chosen platform's."""
    every = (*case_profiles(), *extra)
    if platform == "auto":
        return every
    chosen = Platform.parse(platform)
    return tuple(p for p in every if chosen in p.platforms)


def best_profile(headers: set[str], candidates: Sequence[CaseProfile]) -> CaseProfile | None:
    """The profile recognising this header row: a shipped one before any the shop saved, then the one
    that finds more of its columns, then more under its own first name, then the one missing fewer
    (a 拼多多 export that writes 售后单号 as 抖店 does has no 商品单号, 买家昵称 …). None when none matches."""
    ranked = _ranked(headers, candidates)
    return ranked[0][1] if ranked else None


def rival_profile(headers: set[str], candidates: Sequence[CaseProfile]) -> CaseProfile | None:
    """Another platform's profile that reads this header row exactly as well as the best one: the
    headers cannot tell the two platforms apart (the import then asks which platform it is)."""
    ranked = _ranked(headers, candidates)
    if len(ranked) < 2 or ranked[0][0] != ranked[1][0]:
        return None
    best = ranked[0][1]
    return next((p for score, p in ranked[1:] if score == ranked[0][0] and p.platforms != best.platforms), None)


def _ranked(headers: set[str], candidates: Sequence[CaseProfile]) -> list[tuple[tuple[int, ...], CaseProfile]]:
    def score(profile: CaseProfile) -> tuple[int, ...]:
        found = sum(1 for aliases in profile.columns.values() if any(a in headers for a in aliases))
        first_names = sum(1 for aliases in profile.columns.values() if aliases[0] in headers)
        return (not profile.user, found, first_names, found - len(profile.columns))

    ranked = [(score(p), p) for p in candidates if p.matches(headers)]
    ranked.sort(key=lambda pair: pair[0], reverse=True)  # stable: equal scores keep the candidates' order
    return ranked


# --platform values: "auto" and every platform a shipped profile reads, in vocabulary order.
PLATFORM_CHOICES: tuple[str, ...] = ("auto", *(
    p.value for p in Platform if any(p in profile.platforms for profile in case_profiles())))
