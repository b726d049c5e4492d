"""The rule packs in force are parsed once per text: every step on a case computes its deadlines with them, and
parsing the 8 files twice per step was half of a step's CPU (bench/README "Session 29 (s29-look)"). An edited
file is another text, read anew at once."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from desktop_app.io import rule_pack_files
from desktop_app.io.rule_pack_files import load_packs, shipped_rules_dir


def test_the_packs_are_parsed_once_and_an_edit_is_in_force_at_once(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = tomllib.loads

    def counted(text: str, **kwargs: Any) -> dict[str, Any]:
        parsed.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(tomllib, "loads", counted)
    user = tmp_path / "rules"
    user.mkdir()
    rule_pack_files._pack_file.cache_clear()  # what other tests in this process read is kept too
    first = load_packs(user_dir=user)
    assert parsed  # the first read parses
    parsed.clear()
    assert load_packs(user_dir=user) == first and not parsed  # the same texts: nothing parsed again

    shutil.copy(shipped_rules_dir() / "douyin.toml", user / "douyin.toml")
    text = (user / "douyin.toml").read_text(encoding="utf-8")
    assert 'name = "抖店"' in text
    (user / "douyin.toml").write_text(text.replace('name = "抖店"', 'name = "抖店（本店）"', 1), encoding="utf-8")
    edited = load_packs(user_dir=user)
    assert edited["douyin"].name == "抖店（本店）" and len(parsed) == 1  # the edited file alone, in force at once
    (user / "douyin.toml").unlink()
    assert load_packs(user_dir=user)["douyin"].name == first["douyin"].name  # back to the shipped one


def test_a_packs_data_for_the_editor_is_its_own(tmp_path: Path) -> None:
    """The form editor changes the data it is given: never the parsed text the packs are kept by."""
    data = rule_pack_files.read_pack_data("douyin", user_dir=tmp_path)
    data["pack"]["name"] = "改过"
    assert rule_pack_files.read_pack_data("douyin", user_dir=tmp_path)["pack"]["name"] != "改过"
    assert load_packs(user_dir=tmp_path)["douyin"].name != "改过"
