"""The rule pack files: where they live (shipped in `resources/rules`, the shop's copies in
`<data folder>/rules` for a ledger file, or kept by a team ledger itself: `ShopRules`), reading the pack in
force, validating and saving an edit, going back to the defaults, and the shop's own working days
(`workdays.toml`). Parsing and merging is `core.rule_packs`; which ledger keeps which copies, and saving
into a team ledger, is `services.ledger_rules`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import tomli_w

from desktop_app.core.rule_packs import (
    PACK_NAMES,
    WORKDAYS_FILE,
    PackFile,
    RulePack,
    RulePackError,
    check_pack_name,
    parse_pack_file,
    parse_workday_overrides,
    plain_toml_data,
    resolve_pack,
)
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.toml_files import TOML_ENCODING, parse_toml, read_toml_file, read_toml_text, write_atomically
from desktop_app.paths import data_dir, resource

_WHAT = "规则文件"


def _read(path: Path) -> dict[str, Any]:
    return read_toml_file(path, _WHAT, RulePackError)


LEDGER_SOURCE = Path("团队数据库")  # how messages name a file the team ledger keeps


@dataclass(frozen=True, slots=True)
class ShopRules:
    """The shop's own rule files (edited packs, `workdays.toml`, the holiday schedule), by file name:
    the files of a folder (a ledger file: `<data folder>/rules`), or the texts a team ledger keeps
    (`stored`, with each one's version for saving against). Everything that reads rules reads them
    through this, so both kinds of ledger share one code path."""

    folder: Path | None = None
    stored: Mapping[str, str] | None = None
    versions: Mapping[str, int] = field(default_factory=dict)

    @staticmethod
    def of_folder(folder: Path | None = None) -> ShopRules:
        return ShopRules(folder=folder or user_rules_dir())

    @property
    def in_ledger(self) -> bool:
        return self.stored is not None

    def source(self, file_name: str) -> Path:
        """Where file `file_name` is, as messages name it."""
        return LEDGER_SOURCE / file_name if self.stored is not None else self._folder / file_name

    @property
    def _folder(self) -> Path:
        return self.folder or user_rules_dir()

    def has(self, file_name: str) -> bool:
        if self.stored is not None:
            return file_name in self.stored
        return (self._folder / file_name).is_file()

    def text(self, file_name: str) -> str | None:
        """The file's text, None when the shop has no such file (the shipped one is in force)."""
        if self.stored is not None:
            return self.stored.get(file_name)
        path = self._folder / file_name
        return path.read_text(encoding=TOML_ENCODING).removeprefix("\ufeff") if path.is_file() else None

    def data(self, file_name: str, what: str, error: Callable[[list[str]], Exception]) -> dict[str, Any] | None:
        """The file parsed, None when there is none; `error` with the problem in Chinese when broken."""
        if self.stored is not None:
            text = self.stored.get(file_name)
            return None if text is None else parse_toml(text, self.source(file_name), what, error)
        path = self._folder / file_name
        return read_toml_file(path, what, error) if path.is_file() else None

    def toml_text(self, file_name: str, what: str, error: Callable[[list[str]], Exception]) -> str | None:
        """The file's text as `data` reads it (not parsed), None when there is none."""
        if self.stored is not None:
            return self.stored.get(file_name)
        path = self._folder / file_name
        return read_toml_text(path, what, error) if path.is_file() else None

    def version(self, file_name: str) -> int | None:
        """The stored version a save is made against (None: none stored; always None in a folder)."""
        return self.versions.get(file_name) if self.stored is not None else None


def _resolve(name: str, dirs: _Dirs, candidate: tuple[str, PackFile] | None = None) -> RulePack:
    def file_of(current: str) -> PackFile:
        text, path, is_user = dirs.text_of(current)
        return _pack_file(current, text, path, is_user)

    return resolve_pack(name, file_of, candidate)


@lru_cache(maxsize=64)
def _pack_file(name: str, text: str, source: Path, is_user: bool) -> PackFile:
    """A pack file's text parsed and checked, kept by its exact text: every step recorded on a case computes
    its deadlines with the packs in force, and parsing their 8 files twice per step was half the step's CPU
    (a promised reship: 77 of 144 ms; 1.2 of 2.2 s in a busy window). A file edited reads as another text."""
    return parse_pack_file(name, parse_toml(text, source, _WHAT, RulePackError), source, is_user)


def shipped_rules_dir() -> Path:
    return resource("rules")


def user_rules_dir() -> Path:
    return data_dir() / "rules"


@dataclass(frozen=True, slots=True)
class _Dirs:
    shipped: Path
    shop: ShopRules

    @staticmethod
    def of(shipped_dir: Path | None, user_dir: Path | None, shop: ShopRules | None = None) -> _Dirs:
        return _Dirs(shipped_dir or shipped_rules_dir(), shop or ShopRules.of_folder(user_dir))

    def text_of(self, name: str) -> tuple[str, Path, bool]:
        file_name = f"{name}.toml"
        text = self.shop.toml_text(file_name, _WHAT, RulePackError)
        if text is not None:
            return text, self.shop.source(file_name), True
        path = self.shipped / file_name
        return read_toml_text(path, _WHAT, RulePackError), path, False

    def user_target(self, name: str) -> Path:
        return self.shop.source(f"{name}.toml")


def load_pack(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None,
              shop: ShopRules | None = None) -> RulePack:
    """The pack in force: the shop's copy if there is one, else the shipped defaults."""
    check_pack_name(name)
    return _resolve(name, _Dirs.of(shipped_dir, user_dir, shop))


def load_packs(*, shipped_dir: Path | None = None, user_dir: Path | None = None,
               shop: ShopRules | None = None) -> dict[str, RulePack]:
    """Every pack by name; one broken file reports all its problems at once."""
    dirs = _Dirs.of(shipped_dir, user_dir, shop)
    packs: dict[str, RulePack] = {}
    problems: list[str] = []
    for name in PACK_NAMES:
        try:
            packs[name] = _resolve(name, dirs)
        except RulePackError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise RulePackError(problems)
    return packs


def validate_pack(name: str, data: Mapping[str, Any], *, shipped_dir: Path | None = None,
                  user_dir: Path | None = None, source: Path | None = None,
                  shop: ShopRules | None = None) -> RulePack:
    """Validate `data` as the shop's version of pack `name`, together with the packs extending it."""
    check_pack_name(name)
    dirs = _Dirs.of(shipped_dir, user_dir, shop)
    target = source or dirs.user_target(name)
    candidate = (name, parse_pack_file(name, data, target, True))
    pack = _resolve(name, dirs, candidate)
    # A parent's edit must not break a child (Tmall's windows may refer to Taobao's timers).
    for other in PACK_NAMES:
        if other != name:
            _resolve(other, dirs, candidate)
    return pack


def validate_pack_text(name: str, text: str, *, shipped_dir: Path | None = None,
                       user_dir: Path | None = None, shop: ShopRules | None = None) -> RulePack:
    dirs = _Dirs.of(shipped_dir, user_dir, shop)
    target = dirs.user_target(name)
    data = parse_toml(text, target, _WHAT, RulePackError)
    return validate_pack(name, data, shipped_dir=dirs.shipped, source=target, shop=dirs.shop)


def save_user_pack(name: str, data: Mapping[str, Any], *, shipped_dir: Path | None = None,
                   user_dir: Path | None = None) -> Path:
    """Validate, then write `data` as the user's copy of pack `name` in the folder (TOML via tomli_w)."""
    dirs = _Dirs.of(shipped_dir, user_dir)
    validate_pack(name, data, shipped_dir=dirs.shipped, shop=dirs.shop)
    target = dirs.user_target(name)
    write_atomically(target, tomli_w.dumps(plain_toml_data(data)))
    return target


def save_user_pack_text(name: str, text: str, *, shipped_dir: Path | None = None,
                        user_dir: Path | None = None) -> Path:
    """Validate, then write TOML text as typed in an editor (its comments are kept) into the folder."""
    dirs = _Dirs.of(shipped_dir, user_dir)
    validate_pack_text(name, text, shipped_dir=dirs.shipped, shop=dirs.shop)
    target = dirs.user_target(name)
    write_atomically(target, text)
    return target


def reset_user_pack(name: str, *, user_dir: Path | None = None) -> bool:
    """Back to the shipped defaults: delete the user's copy in the folder. True if there was one."""
    check_pack_name(name)
    path = (user_dir or user_rules_dir()) / f"{name}.toml"
    if path.is_file():
        path.unlink()
        return True
    return False


def has_user_pack(name: str, *, user_dir: Path | None = None, shop: ShopRules | None = None) -> bool:
    check_pack_name(name)
    return (shop or ShopRules.of_folder(user_dir)).has(f"{name}.toml")


def read_pack_text(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None,
                   shop: ShopRules | None = None) -> str:
    """The text a settings editor should show: the shop's copy if any, else the shipped file."""
    check_pack_name(name)
    dirs = _Dirs.of(shipped_dir, user_dir, shop)
    text = dirs.shop.text(f"{name}.toml")
    return text if text is not None else (dirs.shipped / f"{name}.toml").read_text(encoding="utf-8")


def read_pack_data(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None,
                   shop: ShopRules | None = None) -> dict[str, Any]:
    """The in-force file of pack `name` as plain data (for a form-style editor; save it back)."""
    check_pack_name(name)
    text, source, _ = _Dirs.of(shipped_dir, user_dir, shop).text_of(name)
    return parse_toml(text, source, _WHAT, RulePackError)  # a fresh dict: the editor changes it


def shipped_revision(name: str, *, shipped_dir: Path | None = None) -> int:
    """The revision of the defaults this app ships for pack `name` (0 if it has none)."""
    revision = _read((shipped_dir or shipped_rules_dir()) / f"{name}.toml").get("pack", {}).get("revision", 0)
    return revision if isinstance(revision, int) and not isinstance(revision, bool) else 0


def shipped_revision_is_newer(name: str, *, shipped_dir: Path | None = None,
                              user_dir: Path | None = None, shop: ShopRules | None = None) -> bool:
    """True when the shop's copy is based on older defaults than the ones now shipped."""
    rules = shop or ShopRules.of_folder(user_dir)
    user = rules.data(f"{name}.toml", _WHAT, RulePackError)
    if user is None:
        return False
    user_rev = user.get("pack", {}).get("revision", 0)
    return isinstance(user_rev, int) and shipped_revision(name, shipped_dir=shipped_dir) > user_rev


def load_workday_overrides(*, user_dir: Path | None = None, shop: ShopRules | None = None) -> WorkdayOverrides:
    """The shop's extra days off / extra working days (`workdays.toml`), if any."""
    rules = shop or ShopRules.of_folder(user_dir)
    data = rules.data(WORKDAYS_FILE, _WHAT, RulePackError)
    if data is None:
        return WorkdayOverrides()
    return parse_workday_overrides(data, rules.source(WORKDAYS_FILE))


def workday_overrides_text(overrides: WorkdayOverrides) -> str:
    return tomli_w.dumps({
        "extra_holidays": sorted(overrides.extra_holidays),
        "extra_workdays": sorted(overrides.extra_workdays),
    })


def save_workday_overrides(overrides: WorkdayOverrides, *, user_dir: Path | None = None) -> Path:
    path = (user_dir or user_rules_dir()) / WORKDAYS_FILE
    write_atomically(path, workday_overrides_text(overrides))
    return path
