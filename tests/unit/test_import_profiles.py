"""Import profiles are data: every shipped file parses, recognises its own sample and only that."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import python_calamine
from order_files import SAMPLES

from desktop_app.core.vocabulary import Platform, order_key, platform_family
from desktop_app.io.import_profiles import (
    ImportProfile,
    Layout,
    ProfileError,
    best_profile,
    load_profiles,
    normalize_header,
    parse_profile,
    profiles_dir,
    profiles_for,
)
from desktop_app.io.sheet_header import header_index

SAMPLE_PROFILE = {
    "taobao_ExportOrderList.csv": "taobao", "tmall_orders.xlsx": "tmall", "pdd_orders.csv": "pdd",
    "douyin_orders.xlsx": "douyin", "jd_orders.csv": "jd",
}


def _header(name: str) -> set[str]:
    path = SAMPLES / name
    if path.suffix == ".xlsx":
        first = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()[0]
    else:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
        first = next(csv.reader(io.StringIO(text)))
    return set(header_index(first))


def test_shipped_profiles() -> None:
    profiles = load_profiles()
    assert {"taobao", "tmall", "pdd", "douyin", "jd"} <= {p.id for p in profiles}
    # One order export per platform family (Taobao and Tmall shops get the same files).
    assert {p.platform for p in profiles} == {Platform(platform_family(p)) for p in Platform if p is not Platform.OTHER}
    assert {p.id: p.layout for p in profiles}["douyin"] is Layout.ITEM_ROWS
    files = sorted(path.name for path in profiles_dir().glob("*.toml"))
    assert sorted(p.source.name for p in profiles if p.source) == files


@pytest.mark.parametrize(("sample", "profile_id"), sorted(SAMPLE_PROFILE.items()))
def test_each_sample_is_recognised_by_its_profile(sample: str, profile_id: str) -> None:
    profiles = load_profiles()
    headers = _header(sample)
    found = best_profile(headers, profiles)
    assert found is not None and found.id == profile_id
    # The classic list also looks like a 千牛 order sheet; its priority settles it.
    matching = {p.id for p in profiles if p.matches(headers)}
    assert matching == ({"taobao", "tmall"} if profile_id == "taobao" else {profile_id})


def test_platform_choice_narrows_the_profiles() -> None:
    profiles = load_profiles()
    assert {p.id for p in profiles_for("taobao", profiles)} == {"taobao", "tmall"}
    assert {p.id for p in profiles_for("tmall", profiles)} == {"taobao", "tmall"}
    assert [p.id for p in profiles_for("pdd", profiles)] == ["pdd"]
    assert profiles_for("auto", profiles) == tuple(profiles)


def test_headers_match_across_bracket_width_and_spaces() -> None:
    assert normalize_header(" 商品总价（元） ") == normalize_header("商品总价(元)") == "商品总价(元)"
    assert normalize_header("\ufeff商品") == "商品"
    assert normalize_header("SKU编码") == "sku编码"


def test_order_keys_share_the_taobao_family() -> None:
    assert order_key("tmall", "1") == order_key(Platform.TAOBAO, "1") == "taobao:1"
    assert order_key(Platform.PDD, "x") == "pdd:x"


@pytest.mark.parametrize(("data", "message"), [
    ({"id": "x", "platform": "pdd", "label": "x", "identify": ["a"], "layout": "order_rows"}, "order_no"),
    ({"id": "x", "platform": "amazon", "label": "x", "identify": ["a"], "layout": "order_rows",
      "order": {"order_no": ["a"]}}, "platform"),
    ({"id": "x", "platform": "pdd", "label": "x", "identify": ["a"], "layout": "order_rows",
      "order": {"order_no": ["a"], "colour": ["b"]}}, "colour"),
    ({"id": "x", "platform": "pdd", "label": "x", "identify": ["a"], "layout": "item_table",
      "order": {"order_no": ["a"]}}, "item_table"),
    ({"id": "x", "platform": "pdd", "label": "x", "identify": ["a"], "layout": "order_rows",
      "order": {"order_no": ["a"]}, "typo": 1}, "typo"),
])
def test_malformed_profiles_are_reported(data: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profile(data)


def test_a_profile_is_plain_data(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text(
        'id = "sheet"\nplatform = "other"\nlabel = "自制台账"\nidentify = ["单号", "金额"]\nlayout = "order_rows"\n'
        '[order]\norder_no = ["单号"]\npaid = ["金额"]\n', encoding="utf-8")
    [profile] = load_profiles(tmp_path)
    assert isinstance(profile, ImportProfile) and profile.order_fields["paid"] == ("金额",)
    assert profile.matches({"单号", "金额", "备注"}) and not profile.matches({"单号"})
