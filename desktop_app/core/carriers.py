"""The carrier vocabulary (resources/carriers.toml): one name per carrier, its other spellings, and
the carrier a tracking number shows (YT… 圆通速递, SF… 顺丰速运, 14 digits from 7 中通快递 …).

Names typed by hand or exported by a platform differ (顺丰 / 顺丰速运, 邮政EMS / 邮政快递包裹) and split
the claims' per-carrier totals; `canonical` maps every known spelling to the one name. An unknown
carrier keeps its own name (trimmed): the vocabulary helps, it never refuses.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop_app.paths import resource


@dataclass(frozen=True, slots=True)
class Carrier:
    name: str
    aliases: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class CarrierVocabulary:
    carriers: tuple[Carrier, ...]

    def __post_init__(self) -> None:
        by_key: dict[str, str] = {}
        for carrier in self.carriers:
            for spelling in (carrier.name, *carrier.aliases):
                by_key.setdefault(_key(spelling), carrier.name)
        object.__setattr__(self, "_by_key", by_key)
        # Longer prefixes first: "STO…" is 申通, not a carrier whose prefix is "S".
        prefixes = sorted(((p.upper(), c.name) for c in self.carriers for p in c.prefixes),
                          key=lambda pair: -len(pair[0]))
        object.__setattr__(self, "_prefixes", tuple(prefixes))

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.carriers]

    def canonical(self, name: str | None) -> str | None:
        """The vocabulary's name for a spelling; an unknown name as given (trimmed); None for blank."""
        text = (name or "").strip()
        if not text:
            return None
        return self._by_key.get(_key(text), text)  # type: ignore[attr-defined]

    def spellings(self, name: str) -> list[str]:
        """Every spelling of the carrier `name` stands for (to find rows stored before the vocabulary)."""
        canonical = self.canonical(name)
        for carrier in self.carriers:
            if carrier.name == canonical:
                return [carrier.name, *carrier.aliases]
        return [name]

    def guess(self, tracking_no: str | None) -> str | None:
        """The carrier a tracking number shows, or None when it does not say (or could be several)."""
        number = _number(tracking_no)
        if not number:
            return None
        if number.isdigit():
            found = {c.name for c in self.carriers if any(p.match(number) for p in c.patterns)}
            return found.pop() if len(found) == 1 else None
        return self.named_by_prefix(number) or self._by_pattern(number)

    def named_by_prefix(self, tracking_no: str | None) -> str | None:
        """The carrier whose letters the number starts with (SF… 顺丰, YT… 圆通): a sure guess, unlike the
        patterns over digits, so it wins over a carrier chosen for a whole list."""
        number = _number(tracking_no)
        for prefix, name in self._prefixes:  # type: ignore[attr-defined]
            if number.startswith(prefix) and _PREFIXED_REST.match(number[len(prefix):]):
                return name
        return None

    def _by_pattern(self, number: str) -> str | None:
        found = {c.name for c in self.carriers if any(p.match(number) for p in c.patterns)}
        return found.pop() if len(found) == 1 else None


# After the carrier's letters: digits, optionally led by a few letters (JDVA0123…, JDX0001…).
_PREFIXED_REST = re.compile(r"^[A-Z]{0,3}[0-9]{6,}$")


def _number(tracking_no: str | None) -> str:
    return unicodedata.normalize("NFKC", tracking_no or "").strip().upper().replace(" ", "")


def _key(spelling: str) -> str:
    return unicodedata.normalize("NFKC", spelling).replace(" ", "").replace("\u3000", "").casefold()


def parse_carriers(text: str, source: str = "carriers.toml") -> CarrierVocabulary:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source} 不是有效的 TOML：{error}") from error
    carriers = []
    for number, entry in enumerate(data.get("carrier", []), start=1):
        name = str(entry.get("name", "")).strip()
        if not name:
            raise ValueError(f"{source} 第 {number} 个 [[carrier]] 没有 name")
        try:
            patterns = tuple(re.compile(p) for p in entry.get("patterns", []))
        except re.error as error:
            raise ValueError(f"{source} 中“{name}”的 patterns 有错：{error}") from error
        carriers.append(Carrier(name, tuple(str(a) for a in entry.get("aliases", [])),
                                tuple(str(p) for p in entry.get("prefixes", [])), patterns))
    return CarrierVocabulary(tuple(carriers))


@cache
def vocabulary(path: Path | None = None) -> CarrierVocabulary:
    """The shipped vocabulary (read once per process)."""
    source = path or resource("carriers.toml")
    return parse_carriers(source.read_text(encoding="utf-8"), source.name)


def canonical_carrier(name: str | None) -> str | None:
    return vocabulary().canonical(name)


def guess_carrier(tracking_no: str | None) -> str | None:
    return vocabulary().guess(tracking_no)


def carrier_named_by_prefix(tracking_no: str | None) -> str | None:
    return vocabulary().named_by_prefix(tracking_no)


def carrier_names() -> list[str]:
    return vocabulary().names
