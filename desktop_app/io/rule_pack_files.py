"""The rule pack files: where they live (shipped in `resources/rules`, the shop's copies in
`<data folder>/rules`), reading the pack in force, validating and saving an edit, going back to the
defaults, and the shop's own working days (`workdays.toml`). Parsing and merging is `core.rule_packs`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
from desktop_app.io.toml_files import parse_toml, read_toml_file, write_atomically
from desktop_app.paths import data_dir, resource

_WHAT = "规则文件"


def _read(path: Path) -> dict[str, Any]:
    return read_toml_file(path, _WHAT, RulePackError)


def _resolve(name: str, dirs: _Dirs, candidate: tuple[str, PackFile] | None = None) -> RulePack:
    def file_of(current: str) -> PackFile:
        path, is_user = dirs.path_of(current)
        return parse_pack_file(current, _read(path), path, is_user)

    return resolve_pack(name, file_of, candidate)


def shipped_rules_dir() -> Path:
    return resource("rules")


def user_rules_dir() -> Path:
    return data_dir() / "rules"


@dataclass(frozen=True, slots=True)
class _Dirs:
    shipped: Path
    user: Path

    @staticmethod
    def of(shipped_dir: Path | None, user_dir: Path | None) -> _Dirs:
        return _Dirs(shipped_dir or shipped_rules_dir(), user_dir or user_rules_dir())

    def path_of(self, name: str) -> tuple[Path, bool]:
        user = self.user / f"{name}.toml"
        if user.is_file():
            return user, True
        return self.shipped / f"{name}.toml", False


def load_pack(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None) -> RulePack:
    """The pack in force: the user's copy if there is one, else the shipped defaults."""
    check_pack_name(name)
    return _resolve(name, _Dirs.of(shipped_dir, user_dir))


def load_packs(*, shipped_dir: Path | None = None, user_dir: Path | None = None) -> dict[str, RulePack]:
    """Every pack by name; one broken file reports all its problems at once."""
    dirs = _Dirs.of(shipped_dir, user_dir)
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
                  user_dir: Path | None = None, source: Path | None = None) -> RulePack:
    """Validate `data` as the user's version of pack `name`, together with the packs extending it."""
    check_pack_name(name)
    dirs = _Dirs.of(shipped_dir, user_dir)
    target = source or dirs.user / f"{name}.toml"
    candidate = (name, parse_pack_file(name, data, target, True))
    pack = _resolve(name, dirs, candidate)
    # A parent's edit must not break a child (Tmall's windows may refer to Taobao's timers).
    for other in PACK_NAMES:
        if other != name:
            _resolve(other, dirs, candidate)
    return pack


def validate_pack_text(name: str, text: str, *, shipped_dir: Path | None = None,
                       user_dir: Path | None = None) -> RulePack:
    dirs = _Dirs.of(shipped_dir, user_dir)
    target = dirs.user / f"{name}.toml"
    data = parse_toml(text, target, _WHAT, RulePackError)
    return validate_pack(name, data, shipped_dir=dirs.shipped, user_dir=dirs.user, source=target)


def save_user_pack(name: str, data: Mapping[str, Any], *, shipped_dir: Path | None = None,
                   user_dir: Path | None = None) -> Path:
    """Validate, then write `data` as the user's copy of pack `name` (TOML via tomli_w)."""
    dirs = _Dirs.of(shipped_dir, user_dir)
    validate_pack(name, data, shipped_dir=dirs.shipped, user_dir=dirs.user)
    target = dirs.user / f"{name}.toml"
    write_atomically(target, tomli_w.dumps(plain_toml_data(data)))
    return target


def save_user_pack_text(name: str, text: str, *, shipped_dir: Path | None = None,
                        user_dir: Path | None = None) -> Path:
    """Validate, then write TOML text as typed in an editor (its comments are kept)."""
    dirs = _Dirs.of(shipped_dir, user_dir)
    validate_pack_text(name, text, shipped_dir=dirs.shipped, user_dir=dirs.user)
    target = dirs.user / f"{name}.toml"
    write_atomically(target, text)
    return target


def reset_user_pack(name: str, *, user_dir: Path | None = None) -> bool:
    """Back to the shipped defaults: delete the user's copy. True if there was one."""
    check_pack_name(name)
    path = (user_dir or user_rules_dir()) / f"{name}.toml"
    if path.is_file():
        path.unlink()
        return True
    return False


def has_user_pack(name: str, *, user_dir: Path | None = None) -> bool:
    check_pack_name(name)
    return ((user_dir or user_rules_dir()) / f"{name}.toml").is_file()


def read_pack_text(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None) -> str:
    """The text a settings editor should show: the user's copy if any, else the shipped file."""
    check_pack_name(name)
    path, _ = _Dirs.of(shipped_dir, user_dir).path_of(name)
    return path.read_text(encoding="utf-8")


def read_pack_data(name: str, *, shipped_dir: Path | None = None, user_dir: Path | None = None) -> dict[str, Any]:
    """The in-force file of pack `name` as plain data (for a form-style editor; save it back)."""
    check_pack_name(name)
    path, _ = _Dirs.of(shipped_dir, user_dir).path_of(name)
    return _read(path)


def shipped_revision_is_newer(name: str, *, shipped_dir: Path | None = None,
                              user_dir: Path | None = None) -> bool:
    """True when the user's copy is based on older defaults than the ones now shipped."""
    dirs = _Dirs.of(shipped_dir, user_dir)
    user = dirs.user / f"{name}.toml"
    if not user.is_file():
        return False
    user_rev = _read(user).get("pack", {}).get("revision", 0)
    shipped_rev = _read(dirs.shipped / f"{name}.toml").get("pack", {}).get("revision", 0)
    return isinstance(user_rev, int) and isinstance(shipped_rev, int) and shipped_rev > user_rev


def load_workday_overrides(*, user_dir: Path | None = None) -> WorkdayOverrides:
    """The shop's extra days off / extra working days (`<data>/rules/workdays.toml`), if any."""
    path = (user_dir or user_rules_dir()) / WORKDAYS_FILE
    if not path.is_file():
        return WorkdayOverrides()
    return parse_workday_overrides(_read(path), path)


def save_workday_overrides(overrides: WorkdayOverrides, *, user_dir: Path | None = None) -> Path:
    path = (user_dir or user_rules_dir()) / WORKDAYS_FILE
    data = {
        "extra_holidays": sorted(overrides.extra_holidays),
        "extra_workdays": sorted(overrides.extra_workdays),
    }
    write_atomically(path, tomli_w.dumps(data))
    return path
