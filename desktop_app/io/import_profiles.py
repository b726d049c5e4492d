"""Import profiles: how one platform's order export is laid out, loaded from `resources/import_profiles`.

A profile is data (DESIGN: "a layout change is an edit to a TOML file, not a release"): header aliases
per field, the headers that identify the export, how items are laid out and a few cleaning rules.
Columns are always found by header name, never by position.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from desktop_app.core.vocabulary import Platform, platform_family
from desktop_app.paths import resource


class ProfileError(Exception):
    """A profile file is malformed: a bug in shipped data, reported with the file name."""


class Layout(StrEnum):
    ORDER_ROWS = "order_rows"  # one row per order, its single item in the same row
    ITEM_ROWS = "item_rows"  # one row per item; rows sharing the order number form one order
    ITEM_TABLE = "item_table"  # one row per order; items in another sheet or a companion file


# The importer's fields; each profile maps them to header aliases.
ORDER_FIELDS: tuple[str, ...] = (
    "order_no", "shop_name", "status", "buyer_nick", "receiver", "phone", "address",
    "goods", "postage", "paid", "item_count", "paid_at", "shipped_at", "signed_at", "succeeded_at",
    "carrier", "tracking_no", "buyer_note", "seller_note", "product_titles",
)
ITEM_FIELDS: tuple[str, ...] = ("sub_order_no", "title", "spec", "sku_code", "quantity", "unit_price", "paid")


# A header pasted from a web page or a chat may carry marks that show as nothing (core/invisible_marks): 订单\u200b号
# is the 订单号 the shop sees.
_BRACKETS = str.maketrans({"（": "(", "）": ")", "：": ":", "\u3000": " ", "\ufeff": "", "\u200b": "", "\u200c": "",
                           "\u200d": "", "\u200e": "", "\u200f": "", "\u2060": "", "\u00ad": ""})
_SPACES = re.compile(r"\s+")


def normalize_header(text: object) -> str:
    """The comparable form of a header cell: no BOM, invisible marks or blanks, half-width brackets, lower-case
    ASCII."""
    if text is None:
        return ""
    value = str(text).translate(_BRACKETS)
    return _SPACES.sub("", value).lower()


@dataclass(frozen=True, slots=True)
class SplitColumn:
    """One cell holding several fields, like 快递信息 "顺丰速运,SF123"."""

    headers: tuple[str, ...]
    separator: str
    fields: tuple[str, ...]
    parcels: str | None = None  # separator between several parcels; the first one is used


@dataclass(frozen=True, slots=True)
class Cleaning:
    """Per-export value decorations to remove (the common ones — ="…", a leading ', tabs — always go)."""

    tracking_prefixes: tuple[str, ...] = ()
    empty_markers: tuple[str, ...] = ("-", "--", "—", "null", "NULL", "None", "0000-00-00 00:00:00", "0000-00-00")


@dataclass(frozen=True, slots=True)
class ItemTable:
    """Where the items are when they are not in the order rows."""

    identify: tuple[tuple[str, ...], ...]
    link: tuple[str, ...]
    fields: Mapping[str, tuple[str, ...]]
    sheets: tuple[str, ...] = ()
    file_name_from: str | None = None
    file_name_to: str | None = None

    def companion_name(self, file_name: str) -> str | None:
        """The companion file's name for an order list named `file_name`, if the profile names one."""
        if not self.file_name_from or not self.file_name_to or self.file_name_from not in file_name:
            return None
        return file_name.replace(self.file_name_from, self.file_name_to, 1)

    def matches(self, headers: set[str]) -> bool:
        return all(any(h in headers for h in group) for group in self.identify)


@dataclass(frozen=True, slots=True)
class ImportProfile:
    id: str
    platform: Platform
    label: str
    identify: tuple[tuple[str, ...], ...]  # every group must be present; a group lists alternatives
    layout: Layout
    order_fields: Mapping[str, tuple[str, ...]]
    item_fields: Mapping[str, tuple[str, ...]]
    order_parts: Mapping[str, tuple[tuple[str, ...], ...]]
    splits: tuple[SplitColumn, ...]
    item_table: ItemTable | None
    cleaning: Cleaning
    priority: int = 0
    sheets: tuple[str, ...] = ()
    source: Path | None = None
    user: bool = False  # saved by the shop owner (user_profiles), not shipped: shipped ones win

    def matches(self, headers: set[str]) -> bool:
        """True when a header row (normalised) holds every identifying header."""
        return all(any(h in headers for h in group) for group in self.identify)

    def missing_identity(self, headers: set[str]) -> list[str]:
        return [" / ".join(group) for group in self.identify if not any(h in headers for h in group)]


def _aliases(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(f"{where}：应写一个或几个表头名称（文字）")
    return tuple(normalize_header(v) for v in value)


def _identify(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not value:
        raise ProfileError(f"{where}：identify 应是表头名称的列表")
    return tuple(_aliases(entry.split("|"), where) for entry in value if isinstance(entry, str))


def _fields(table: Any, allowed: Iterable[str], where: str) -> dict[str, tuple[str, ...]]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ProfileError(f"{where}：应是一个表（[名称] 下面的若干项）")
    allowed_set = set(allowed)
    unknown = sorted(set(table) - allowed_set)
    if unknown:
        raise ProfileError(f"{where}：不认识的字段 {'、'.join(unknown)}")
    return {name: _aliases(aliases, f"{where}.{name}") for name, aliases in table.items()}


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ProfileError(f"{where}：不认识的设置项 {'、'.join(unknown)}")


_Choice = TypeVar("_Choice", bound=StrEnum)


def _choice(kind: type[_Choice], value: object, where: str) -> _Choice:
    try:
        return kind(str(value))
    except ValueError:
        raise ProfileError(f"{where}“{value}”无效（可用：{'、'.join(str(c.value) for c in kind)}）") from None


def parse_profile(data: Mapping[str, Any], source: Path | None = None) -> ImportProfile:
    where = source.name if source else "profile"
    _check_keys(data, {"id", "platform", "label", "label_en", "identify", "layout", "priority", "sheets", "order",
                       "item", "order_parts", "order_split", "item_table", "clean"}, where)
    missing = [key for key in ("id", "platform", "layout", "label") if key not in data]
    if missing:
        raise ProfileError(f"{where}：缺少 {'、'.join(missing)}")
    platform = _choice(Platform, data["platform"], f"{where}：platform")
    layout = _choice(Layout, data["layout"], f"{where}：layout")
    profile_id = str(data["id"])
    label = str(data["label"])
    order_fields = _fields(data.get("order"), ORDER_FIELDS, f"{where} [order]")
    if "order_no" not in order_fields:
        raise ProfileError(f"{where}：[order] 必须有订单号 order_no 的表头")
    item_fields = _fields(data.get("item"), ITEM_FIELDS, f"{where} [item]")
    parts: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name, groups in (data.get("order_parts") or {}).items():
        if name not in ORDER_FIELDS or not isinstance(groups, list) or not groups:
            raise ProfileError(f"{where} [order_parts].{name}：应是表头名称列表的列表")
        parts[name] = tuple(_aliases(g, f"{where} [order_parts].{name}") for g in groups)
    splits = []
    for name, spec in (data.get("order_split") or {}).items():
        if not isinstance(spec, dict):
            raise ProfileError(f"{where} [order_split].{name}：应是一个表")
        _check_keys(spec, {"headers", "separator", "fields", "parcels"}, f"{where} [order_split].{name}")
        fields = tuple(spec.get("fields") or ())
        if not fields or any(f not in ORDER_FIELDS for f in fields) or not spec.get("separator"):
            raise ProfileError(f"{where} [order_split].{name}：需要 separator 和已知的 fields")
        splits.append(SplitColumn(_aliases(spec.get("headers"), f"{where} [order_split].{name}"),
                                  str(spec["separator"]), fields, spec.get("parcels")))
    item_table = None
    table = data.get("item_table")
    if table is not None:
        _check_keys(table, {"identify", "link", "item", "sheets", "file_name_from", "file_name_to"},
                    f"{where} [item_table]")
        item_table = ItemTable(
            identify=_identify(table.get("identify"), f"{where} [item_table].identify"),
            link=_aliases(table.get("link"), f"{where} [item_table].link"),
            fields=_fields(table.get("item"), ITEM_FIELDS, f"{where} [item_table.item]"),
            sheets=tuple(table.get("sheets") or ()),
            file_name_from=table.get("file_name_from"),
            file_name_to=table.get("file_name_to"),
        )
    if layout is Layout.ITEM_TABLE and item_table is None:
        raise ProfileError(f"{where}：layout 为 item_table 时需要 [item_table] 一节")
    clean = data.get("clean") or {}
    _check_keys(clean, {"tracking_prefixes", "empty_markers"}, f"{where} [clean]")
    cleaning = Cleaning(
        tracking_prefixes=tuple(clean.get("tracking_prefixes") or ()),
        **({"empty_markers": tuple(clean["empty_markers"])} if "empty_markers" in clean else {}),
    )
    return ImportProfile(
        id=profile_id, platform=platform, label=label,
        identify=_identify(data.get("identify"), f"{where} identify"), layout=layout,
        order_fields=order_fields, item_fields=item_fields, order_parts=parts, splits=tuple(splits),
        item_table=item_table, cleaning=cleaning, priority=int(data.get("priority", 0)),
        sheets=tuple(data.get("sheets") or ()), source=source,
    )


def profiles_dir() -> Path:
    return resource("import_profiles")


@cache
def _load(directory: Path) -> tuple[ImportProfile, ...]:
    profiles = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise ProfileError(f"{path.name}: {exc}") from None
        profiles.append(parse_profile(data, path))
    if not profiles:
        raise ProfileError(f"no import profiles in {directory}")
    ids = [p.id for p in profiles]
    if len(set(ids)) != len(ids):
        raise ProfileError(f"duplicate profile ids in {directory}: {ids}")
    return tuple(profiles)


def load_profiles(directory: Path | None = None) -> tuple[ImportProfile, ...]:
    """Every shipped profile (parsed once per process)."""
    return _load((directory or profiles_dir()).resolve())


def platform_choices(profiles: Sequence[ImportProfile]) -> tuple[str, ...]:
    """--platform values: "auto" and each platform family a profile reads, in vocabulary order ("taobao"
    covers the classic and the 千牛 export of Taobao and Tmall shops)."""
    families = {platform_family(p.platform) for p in profiles}
    return ("auto", *(p.value for p in Platform if p.value in families))


PLATFORM_CHOICES: tuple[str, ...] = platform_choices(load_profiles())


def profiles_for(platform: str, profiles: Sequence[ImportProfile]) -> tuple[ImportProfile, ...]:
    """The profiles allowed for a --platform value ('auto' allows all)."""
    if platform == "auto":
        return tuple(profiles)
    return tuple(p for p in profiles if platform_family(p.platform) == platform_family(platform))


def best_profile(headers: set[str], candidates: Sequence[ImportProfile]) -> ImportProfile | None:
    """The profile recognising this header row: a shipped one before any the user saved (a saved
    mapping of a few common headers must not take over a platform's export); on a tie the higher
    priority, then more fields found, then the more specific identification."""
    matching = [p for p in candidates if p.matches(headers)]
    if not matching:
        return None

    def coverage(p: ImportProfile) -> int:
        return sum(1 for aliases in p.order_fields.values() if any(a in headers for a in aliases))

    return max(matching, key=lambda p: (not p.user, p.priority, coverage(p), len(p.identify)))
