"""One list of platforms: the `Platform` vocabulary plus its TOML files in resources/.

Adding a platform is the enum member with its label, `resources/rules/<id>.toml`,
`resources/import_profiles/<id>.toml`, `resources/aftersales/<id>.toml` and an English line in
`installer/translations_en.py` (README, "Adding a platform"). These tests fail when one is missing,
and when a platform list is typed by hand somewhere in the code instead of derived.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from desktop_app.core.rule_packs import GENERIC_PACK, PACK_NAMES, pack_name_for, platform_of_pack
from desktop_app.core.vocabulary import Platform, family_label, family_members, platform_family
from desktop_app.io.case_profiles import PLATFORM_CHOICES as CASE_IMPORT_CHOICES
from desktop_app.io.case_profiles import case_profiles
from desktop_app.io.import_profiles import PLATFORM_CHOICES as ORDER_IMPORT_CHOICES
from desktop_app.io.import_profiles import load_profiles
from desktop_app.io.rule_pack_files import load_packs

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "desktop_app"
# Platforms a shop exports files from; `other` stands for any shop without a platform export.
SELLING = [p for p in Platform if p is not Platform.OTHER]


@pytest.mark.parametrize("platform", list(Platform), ids=str)
def test_every_platform_has_a_rule_pack(platform: Platform) -> None:
    name = pack_name_for(platform.value)
    assert (ROOT / "resources" / "rules" / f"{name}.toml").is_file(), name
    assert name in load_packs()
    assert platform_of_pack(name) is (None if platform is Platform.OTHER else platform)


def test_the_packs_are_the_platforms_and_the_generic_one() -> None:
    assert (*(p.value for p in SELLING), GENERIC_PACK) == PACK_NAMES
    shipped = {path.stem for path in (ROOT / "resources" / "rules").glob("*.toml")}
    assert shipped == set(PACK_NAMES), "a rule file no platform uses, or a platform without one"


@pytest.mark.parametrize("platform", SELLING, ids=str)
def test_every_platform_has_an_order_import_profile(platform: Platform) -> None:
    assert any(platform_family(p.platform) == platform_family(platform) for p in load_profiles())
    assert platform_family(platform) in ORDER_IMPORT_CHOICES


@pytest.mark.parametrize("platform", SELLING, ids=str)
def test_every_platform_has_an_aftersales_profile(platform: Platform) -> None:
    assert any(platform in profile.platforms for profile in case_profiles())
    assert platform.value in CASE_IMPORT_CHOICES


def test_import_choices_follow_the_vocabulary() -> None:
    families = list(dict.fromkeys(platform_family(p) for p in SELLING))
    assert ("auto", *families) == ORDER_IMPORT_CHOICES
    assert ("auto", *(p.value for p in SELLING)) == CASE_IMPORT_CHOICES


def test_families() -> None:
    assert family_members(Platform.TMALL) == family_members("taobao") == ("taobao", "tmall")
    assert family_members(Platform.PDD) == ("pdd",)
    assert family_label("tmall") == "淘宝/天猫"
    for platform in Platform:
        assert platform.value in family_members(platform)


def test_cli_help_names_every_platform(capsys: pytest.CaptureFixture[str]) -> None:
    from desktop_app.cli import run

    for command in (["case", "add"], ["import-orders"], ["import-cases"], ["export-cases"]):
        with pytest.raises(SystemExit):
            run([*command, "--help"])
        text = capsys.readouterr().out
        for platform in SELLING:  # import-orders takes a family: one order export serves taobao and tmall
            wanted = platform_family(platform) if command == ["import-orders"] else platform.value
            assert wanted in text, (command, platform)


# --- nothing typed by hand ------------------------------------------------------------------

def _is_hand_list(node: ast.AST) -> bool:
    """A tuple/list/set/dict naming two platforms or more, or a help text spelling the ids out."""
    values = {p.value for p in Platform}
    if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
        elements = node.keys if isinstance(node, ast.Dict) else node.elts
        named = [e for e in elements if (isinstance(e, ast.Constant) and e.value in values)
                 or (isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id == "Platform")]
        return len(named) >= 2
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "taobao tmall" in node.value


def _hand_lists(text: str) -> list[int]:
    return sorted(getattr(n, "lineno", 0) for n in ast.walk(ast.parse(text)) if _is_hand_list(n))


def test_no_platform_list_is_typed_by_hand() -> None:
    """Only the vocabulary names platforms in a list (migrations are frozen history)."""
    allowed = {PACKAGE / "core" / "vocabulary.py"}
    found = {str(path.relative_to(ROOT)): lines for path in sorted(PACKAGE.rglob("*.py"))
             if path not in allowed and "migrations" not in path.parts
             and (lines := _hand_lists(path.read_text(encoding="utf-8")))}
    assert found == {}


def test_the_hand_list_finder_finds() -> None:
    text = ('A = ("taobao", "pdd")\nB = {Platform.JD: 1, Platform.PDD: 2}\nC = "平台：taobao tmall pdd"\n'
            'D = x in (Platform.TAOBAO, Platform.TMALL)\nE = ("taobao", "other text")\n')
    assert _hand_lists(text) == [1, 2, 3, 4]
