"""Rule packs: the shipped figures, validation with clear messages, the user's copy, reset."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from desktop_app.core.clock import CHINA
from desktop_app.core.errors import UserError
from desktop_app.core.lifecycle import TRANSITIONS
from desktop_app.core.rule_packs import (
    MILESTONES,
    PACK_NAMES,
    DateOnlyStart,
    Duration,
    DurationUnit,
    RulePackError,
    pack_for_platform,
    pack_name_for,
)
from desktop_app.core.vocabulary import Platform
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.rule_pack_files import (
    has_user_pack,
    load_pack,
    load_packs,
    load_workday_overrides,
    read_pack_data,
    read_pack_text,
    reset_user_pack,
    save_user_pack,
    save_user_pack_text,
    save_workday_overrides,
    shipped_revision_is_newer,
    shipped_rules_dir,
    user_rules_dir,
    validate_pack,
)

H = DurationUnit.HOURS
D = DurationUnit.DAYS
W = DurationUnit.WORKING_DAYS


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped packs and an empty user folder, so tests may damage either."""
    shipped = tmp_path / "shipped"
    shutil.copytree(shipped_rules_dir(), shipped)
    return shipped, tmp_path / "user-rules"


def minimal(pack_id: str = "generic", **timer: Any) -> dict[str, Any]:
    base = {
        "id": "reship_within", "name": "补发", "starts_from": "reship_agreed",
        "duration": {"working_days": 3}, "on_expiry": "可投诉", "kinds": ["reship"],
        "met_by": ["reship_shipped"],
    }
    base.update(timer)
    return {"pack": {"id": pack_id, "name": "通用", "revision": 1}, "timers": [base]}


def errors_of(exc: pytest.ExceptionInfo[RulePackError]) -> str:
    return "\n".join(exc.value.problems)


# --- the shipped packs -----------------------------------------------------------------------


def test_every_shipped_pack_loads_and_every_platform_has_one() -> None:
    packs = load_packs()
    assert set(packs) == set(PACK_NAMES)
    for platform in Platform:
        assert pack_for_platform(packs, platform).id == pack_name_for(platform)
    assert pack_name_for("other") == "generic"
    assert pack_name_for("no_such_platform") == "generic"  # an unknown platform still gets rules
    assert not any(p.user_edited for p in packs.values())


def test_lifecycle_milestones_are_all_known_to_the_packs() -> None:
    assert {t.milestone for t in TRANSITIONS if t.milestone} <= MILESTONES


def timer_figures(pack_id: str) -> dict[str, tuple[str, Duration, str]]:
    return {t.id: (t.starts_from, t.duration, t.on_expiry) for t in load_pack(pack_id).timers}


def test_taobao_figures_are_exactly_the_documented_ones() -> None:
    figures = timer_figures("taobao")
    assert figures["ship_by"] == ("paid", Duration(72, H), "延迟发货，买家可投诉")
    assert figures["refund_intervention"] == ("requested", Duration(72, H), "可申请平台介入")
    assert figures["seller_answer_return"] == ("requested", Duration(72, H), "自动同意退货")
    assert figures["buyer_ship_return"] == ("return_agreed", Duration(7, D), "自动关闭退款（买家未寄回）")
    assert figures["seller_confirm_return"] == ("return_shipped", Duration(10, D), "自动退款")
    assert figures["no_reason_window"][:2] == ("signed", Duration(168, H))
    assert figures["aftersales_window"][:2] == ("trade_succeeded", Duration(15, D))
    assert figures["reship_within"][:2] == ("reship_agreed", Duration(3, W))
    pack = load_pack("taobao")
    assert pack.timer("no_reason_window").date_only_start is DateOnlyStart.NEXT_DAY
    assert pack.timer("seller_answer_return").reasons == {"no_reason_7d"}
    assert "5%" in (pack.timer("ship_by").penalty or "") and "30元" in (pack.timer("ship_by").penalty or "")


def test_taobao_windows_for_double11_and_both_spring_festivals() -> None:
    windows = {w.id: w for w in load_pack("taobao").overrides}
    sf2020 = windows["spring_festival_2020"]
    assert sf2020.start == datetime(2020, 1, 17, 0, 0, tzinfo=CHINA)
    assert sf2020.end == datetime(2020, 2, 2, 23, 59, 59, tzinfo=CHINA)
    assert dict(sf2020.durations) == {
        "seller_answer_return": Duration(15, D), "seller_answer_request": Duration(15, D),
        "seller_answer_goods": Duration(15, D), "repair_answer": Duration(15, D),
        "seller_confirm_return": Duration(20, D), "buyer_confirm_reship": Duration(20, D),
        "buyer_confirm_exchange": Duration(30, D), "buyer_confirm_repair": Duration(30, D),
    }
    assert sf2020.keyed_to == ("requested", "rejected")
    assert dict(windows["spring_festival_2020_return_info"].durations) == {"buyer_ship_return": Duration(25, D)}
    assert windows["spring_festival_2020_return_info"].keyed_to == ("return_agreed",)
    assert dict(windows["spring_festival_2020_evidence"].durations) == {
        "evidence_upload": Duration(15, D), "seller_answer_evidence": Duration(3, D)}
    assert windows["spring_festival_2020_evidence"].keyed_to == ("escalated",)
    sf2022 = windows["spring_festival_2022"]
    assert sf2022.start == datetime(2022, 1, 25, 0, 0, tzinfo=CHINA)
    assert sf2022.end == datetime(2022, 2, 8, 23, 59, 59, tzinfo=CHINA)
    assert dict(sf2022.durations) == {
        "seller_answer_return": Duration(15, D), "seller_answer_request": Duration(15, D),
        "seller_answer_goods": Duration(15, D), "buyer_ship_return": Duration(20, D),
        "seller_confirm_return": Duration(20, D),
    }
    assert (sf2022.keyed_to, sf2022.kinds) == (("requested",), {"return_refund", "exchange"})
    assert dict(windows["double11_2025"].durations) == {"ship_by": Duration(7, D)}


def test_tmall_extends_taobao_and_adds_five_day_inaction() -> None:
    tmall = load_pack("tmall")
    taobao = load_pack("taobao")
    assert [t.id for t in taobao.timers] == [t.id for t in tmall.timers][: len(taobao.timers)]
    assert tmall.timer("seller_answer_request").duration == Duration(5, D)
    assert tmall.timer("seller_answer_request").on_expiry == "自动退款"
    assert not tmall.timer("seller_answer_request").assumed and taobao.timer("seller_answer_request").assumed
    # 淘宝's windows, which reach 天猫's exchange timer too: it replaces 淘宝's timer of the same id.
    assert {w.id for w in tmall.overrides} == {w.id for w in taobao.overrides}
    goods = tmall.timer("seller_answer_goods")
    assert goods.applies_to("exchange", "size_colour") and not goods.applies_to("return_refund", "quality")
    assert taobao.timer("seller_answer_goods").applies_to("return_refund", "quality")
    assert not tmall.timer("seller_answer_request").applies_to("exchange", "size_colour")
    assert (taobao.timer("seller_answer_request").kinds, taobao.timer("seller_answer_request").auto_records) == (
        {"refund_only"}, "refunded")
    assert [p.name for p in tmall.sources] == ["tmall.toml", "taobao.toml"]


def test_douyin_reship_figures_and_reason_split() -> None:
    pack = load_pack("douyin")
    answer = pack.timer("reship_answer")
    assert (answer.starts_from, answer.duration, answer.on_expiry) == ("requested", Duration(48, H), "自动同意补寄")
    assert {"reship_agreed", "rejected"} <= set(answer.met_by)
    ship = pack.timer("reship_ship")
    assert (ship.starts_from, ship.duration) == ("reship_agreed", Duration(48, H))
    assert "3元" in ship.on_expiry and "3元" in (ship.penalty or "")
    assert ship.met_by[0] == "reship_shipped"
    not_received = pack.timer("reship_ship_not_received")
    assert not_received.on_expiry == "自动全额退款"
    assert ship.applies_to("reship", "missing_item") and not ship.applies_to("reship", "not_received")
    assert not_received.applies_to("reship", "not_received") and not not_received.applies_to("reship", "other")
    # seed 004: "若商家拒絕會直接進入仲裁流程" for 一直未收到货 only: its own answer timer says the platform steps in.
    assert pack.refusal_escalates("reship", "stalled") == pack.timer("reship_answer_not_received")
    assert pack.refusal_escalates("reship", "missing_item") is None
    assert not answer.applies_to("reship", "lost") and answer.refusal_records is None


def test_generic_pdd_and_jd() -> None:
    assert timer_figures("generic")["reship_within"] == (
        "reship_agreed", Duration(3, W), "超时未补发，买家可投诉违背承诺",
    )
    assert timer_figures("pdd")["reship_promise"][:2] == ("reship_agreed", Duration(3, W))
    assert load_pack("pdd").timer("reship_promise").met_by[0] == "reship_shipped"
    # 京东 has the generic timers plus its own assumed answer and return timers (as 拼多多's).
    jd = [t.id for t in load_pack("jd").timers]
    assert jd[:len(load_pack("generic").timers)] == [t.id for t in load_pack("generic").timers]
    assert set(jd) - {t.id for t in load_pack("generic").timers} == {
        "seller_answer_request", "seller_answer_return", "buyer_ship_return", "seller_confirm_return"}
    assert all(load_pack("jd").timer(t).assumed for t in jd if t.startswith(("seller_", "buyer_")))


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"duration": {"weeks": 1}}, "时长单位“weeks”无效"),
        ({"duration": {"hours": 1.5}}, "必须是正整数"),
        ({"duration": {"hours": 0}}, "必须在 1 到"),
        ({"duration": {"hours": 72, "days": 3}}, "恰好写一项"),
        ({"starts_from": "reship_promised"}, "起算事件“reship_promised”未知"),
        ({"met_by": ["reship_sent"]}, "未知的完成事件：reship_sent"),
        ({"kinds": ["补发"]}, "未知的售后类型：补发"),
        ({"reasons": ["lost_parcel"]}, "未知的原因：lost_parcel"),
        ({"name": ""}, "“name”必须是非空文字"),
        ({"on_expiry": "x" * 65}, "“on_expiry”最长 64 个字符"),
        ({"met_bye": ["reship_shipped"]}, "不认识的设置项“met_bye”"),
        ({"id": "Reship Within"}, "只能用小写英文字母"),
        ({"date_only_start": "tomorrow"}, "date_only_start"),
        ({"reasons": ["lost"], "except_reasons": ["lost"]}, "不能同时出现"),
    ],
)
def test_timer_errors_name_the_file_and_the_timer(dirs: tuple[Path, Path], change: dict[str, Any],
                                                  expected: str) -> None:
    shipped, user = dirs
    with pytest.raises(RulePackError) as exc:
        validate_pack("generic", minimal(**change), shipped_dir=shipped, user_dir=user)
    text = errors_of(exc)
    assert expected in text
    assert str(user / "generic.toml") in text
    assert "计时器“" in text


def test_missing_keys_and_duplicates_are_all_reported_at_once(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    data = minimal()
    data["timers"].append(dict(data["timers"][0]))  # duplicate id
    data["timers"].append({"id": "half_done"})
    with pytest.raises(RulePackError) as exc:
        validate_pack("generic", data, shipped_dir=shipped, user_dir=user)
    text = errors_of(exc)
    assert "计时器“reship_within”：id 重复" in text
    for key in ("name", "starts_from", "duration", "on_expiry"):
        assert f"计时器“half_done”：缺少“{key}”" in text


def test_header_and_window_errors(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    data = minimal("generic")
    data["pack"]["id"] = "taobao"
    with pytest.raises(RulePackError, match="id 应为“generic”"):
        validate_pack("generic", data, shipped_dir=shipped, user_dir=user)
    data = minimal()
    data["overrides"] = [{"id": "cny", "name": "春节", "start": datetime(2026, 2, 20), "end": datetime(2026, 2, 1),
                          "durations": {"reship_within": {"days": 10}, "nope": {"days": 2}}}]
    with pytest.raises(RulePackError) as exc:
        validate_pack("generic", data, shipped_dir=shipped, user_dir=user)
    assert "时间窗口“cny”：结束时间早于开始时间" in errors_of(exc)
    data["overrides"][0]["end"] = datetime(2026, 3, 1)
    with pytest.raises(RulePackError) as exc:
        validate_pack("generic", data, shipped_dir=shipped, user_dir=user)
    assert "时间窗口“cny”：引用了不存在的计时器“nope”" in errors_of(exc)


def test_window_dates_text_and_whole_end_day(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    data = minimal()
    data["overrides"] = [{"id": "cny", "name": "春节", "start": "2026-02-10 00:00:00", "end": date(2026, 2, 24),
                          "durations": {"reship_within": {"days": 10}}}]
    window = validate_pack("generic", data, shipped_dir=shipped, user_dir=user).overrides[0]
    assert window.start == datetime(2026, 2, 10, tzinfo=CHINA)
    assert window.contains(datetime(2026, 2, 24, 23, 59, 59, 999999, tzinfo=CHINA))
    assert not window.contains(datetime(2026, 2, 25, tzinfo=CHINA))


def test_invalid_toml_and_extends_cycle(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    with pytest.raises(RulePackError, match="不是有效的 TOML"):
        save_user_pack_text("jd", "[pack\nid = 'jd'", shipped_dir=shipped, user_dir=user)
    (shipped / "generic.toml").write_text(
        '[pack]\nid = "generic"\nname = "通用"\nextends = "jd"\n', encoding="utf-8"
    )
    with pytest.raises(RulePackError, match="循环：jd → generic → jd"):
        load_pack("jd", shipped_dir=shipped, user_dir=user)


def test_a_broken_shipped_or_user_file_names_itself(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    text = (shipped / "douyin.toml").read_text(encoding="utf-8").replace("hours = 48", "hours = -48", 1)
    (shipped / "douyin.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RulePackError) as exc:
        load_packs(shipped_dir=shipped, user_dir=user)
    assert f"规则文件 {shipped / 'douyin.toml'}：计时器“reship_answer”" in errors_of(exc)


# --- the user's copy -------------------------------------------------------------------------


def test_user_copy_wins_survives_and_resets(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    data = read_pack_data("douyin", shipped_dir=shipped, user_dir=user)
    data["timers"][0]["duration"] = {"hours": 24}
    path = save_user_pack("douyin", data, shipped_dir=shipped, user_dir=user)
    assert path == user / "douyin.toml"
    pack = load_pack("douyin", shipped_dir=shipped, user_dir=user)
    assert pack.timer("reship_answer").duration == Duration(24, H)
    assert pack.user_edited and pack.sources == (path,)
    # An upgrade replaces the shipped files; the user's edit stays in force.
    text = (shipped / "douyin.toml").read_text(encoding="utf-8")
    revision = int(re.search(r"^revision = (\d+)$", text, re.M).group(1))  # type: ignore[union-attr]
    (shipped / "douyin.toml").write_text(
        text.replace(f"revision = {revision}", f"revision = {revision + 1}"), encoding="utf-8"
    )
    assert load_pack("douyin", shipped_dir=shipped, user_dir=user).timer("reship_answer").duration == Duration(24, H)
    assert shipped_revision_is_newer("douyin", shipped_dir=shipped, user_dir=user)
    assert has_user_pack("douyin", user_dir=user)
    assert reset_user_pack("douyin", user_dir=user)
    assert not has_user_pack("douyin", user_dir=user)
    assert not reset_user_pack("douyin", user_dir=user)
    assert load_pack("douyin", shipped_dir=shipped, user_dir=user).timer("reship_answer").duration == Duration(48, H)


def test_save_validates_before_writing(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    good = save_user_pack("generic", minimal(), shipped_dir=shipped, user_dir=user)
    before = good.read_text(encoding="utf-8")
    with pytest.raises(RulePackError):
        save_user_pack("generic", minimal(duration={"hours": -1}), shipped_dir=shipped, user_dir=user)
    assert good.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in user.iterdir()) == ["generic.toml"]  # no temp file left behind


def test_saving_text_keeps_comments(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    text = read_pack_text("jd", shipped_dir=shipped, user_dir=user) + (
        '\n# 京东：补发2个工作日\n[[timers]]\nid = "reship_within"\nname = "补发（2个工作日）"\n'
        'starts_from = "reship_agreed"\nduration = { working_days = 2 }\non_expiry = "可投诉"\n'
        'kinds = ["reship"]\nmet_by = ["reship_shipped"]\n'
    )
    save_user_pack_text("jd", text, shipped_dir=shipped, user_dir=user)
    assert "# 京东：补发2个工作日" in read_pack_text("jd", shipped_dir=shipped, user_dir=user)
    jd = load_pack("jd", shipped_dir=shipped, user_dir=user)
    assert jd.timer("reship_within").duration == Duration(2, W)  # replaces the generic one by id
    assert [t.id for t in jd.timers].count("reship_within") == 1


def test_a_parent_edit_that_breaks_a_child_is_refused(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    tmall = read_pack_data("tmall", shipped_dir=shipped, user_dir=user)
    tmall["overrides"] = [{"id": "tmall_cny", "name": "天猫春节", "start": datetime(2027, 1, 30),
                           "end": datetime(2027, 2, 20), "durations": {"buyer_ship_return": {"days": 20}}}]
    save_user_pack("tmall", tmall, shipped_dir=shipped, user_dir=user)
    taobao = read_pack_data("taobao", shipped_dir=shipped, user_dir=user)
    taobao["timers"] = [t for t in taobao["timers"] if t["id"] != "buyer_ship_return"]
    taobao["overrides"] = [w for w in taobao["overrides"] if "buyer_ship_return" not in w["durations"]]
    with pytest.raises(RulePackError) as exc:
        save_user_pack("taobao", taobao, shipped_dir=shipped, user_dir=user)
    assert str(user / "tmall.toml") in errors_of(exc)
    assert not (user / "taobao.toml").exists()


def test_saved_file_is_plain_toml_with_china_local_times(dirs: tuple[Path, Path]) -> None:
    shipped, user = dirs
    data = minimal()
    data["overrides"] = [{"id": "cny", "name": "春节", "start": datetime(2026, 2, 10, tzinfo=CHINA),
                          "end": datetime(2026, 2, 24, 23, 59, 59, tzinfo=CHINA),
                          "durations": {"reship_within": {"days": 10}}}]
    path = save_user_pack("generic", data, shipped_dir=shipped, user_dir=user)
    assert "start = 2026-02-10 00:00:00\n" in path.read_text(encoding="utf-8")  # local = China time
    window = load_pack("generic", shipped_dir=shipped, user_dir=user).overrides[0]
    assert window.start == datetime(2026, 2, 10, tzinfo=CHINA)


def test_default_folders_follow_the_data_home(data_home: Path) -> None:
    assert user_rules_dir() == data_home / "rules"
    data = read_pack_data("pdd")
    data["timers"][0]["duration"] = {"working_days": 2}
    save_user_pack("pdd", data)
    assert (data_home / "rules" / "pdd.toml").is_file()
    assert load_pack("pdd").timer("reship_promise").duration == Duration(2, W)
    assert load_pack("pdd").user_edited
    reset_user_pack("pdd")
    assert load_pack("pdd").timer("reship_promise").duration == Duration(3, W)


def test_unknown_pack_name() -> None:
    with pytest.raises(UserError, match="没有名为“no_such_pack”的规则包"):
        load_pack("no_such_pack")


# --- the shop's working-day overrides --------------------------------------------------------


def test_workday_overrides_round_trip(tmp_path: Path) -> None:
    user = tmp_path / "rules"
    assert load_workday_overrides(user_dir=user) == WorkdayOverrides()
    overrides = WorkdayOverrides(frozenset({date(2026, 10, 8)}), frozenset({date(2026, 10, 11)}))
    save_workday_overrides(overrides, user_dir=user)
    assert load_workday_overrides(user_dir=user) == overrides


def test_workday_override_errors(tmp_path: Path) -> None:
    user = tmp_path / "rules"
    user.mkdir()
    (user / "workdays.toml").write_text(
        tomli_w.dumps({"extra_holidays": ["2026-10-08", "十月八日"], "extra_workdays": [date(2026, 10, 8)]}),
        encoding="utf-8",
    )
    with pytest.raises(RulePackError) as exc:
        load_workday_overrides(user_dir=user)
    assert "“十月八日”不是日期" in errors_of(exc)
    assert "同一天不能既是休息日又是工作日：2026-10-08" in errors_of(exc)


def test_window_contains_uses_the_whole_end_second() -> None:
    window = {w.id: w for w in load_pack("taobao").overrides}["spring_festival_2022"]
    assert window.contains(datetime(2022, 2, 8, 23, 59, 59, tzinfo=CHINA))
    assert not window.contains(datetime(2022, 2, 8, 23, 59, 59, tzinfo=CHINA) + timedelta(seconds=1))


# --- issue 13: new timer and window settings ---------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ({"fixed_yuan": 3}, (300, None, None)),
    ({"percent": 5, "max_yuan": 30}, (None, 5, 3000)),
    ({"percent": 5}, (None, 5, None)),
])
def test_penalty_amounts_parse(dirs: tuple[Path, Path], value: dict[str, int], expected: tuple[Any, ...]) -> None:
    shipped, user = dirs
    pack = validate_pack("generic", minimal(penalty_amount=value), shipped_dir=shipped, user_dir=user)
    amount = pack.timer("reship_within").penalty_amount
    assert amount is not None and (amount.fixed_fen, amount.percent, amount.max_fen) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ({"fixed_yuan": 3, "percent": 5}, "要么是固定金额，要么是百分比"),
    ({"percent": 0}, "必须是正整数"),
    ({"percent": 150}, "不能超过100"),
    ({"fixed_yuan": 2.5}, "必须是正整数"),
    ({"yuan": 3}, "penalty_amount"),
    ("3元", "penalty_amount"),
])
def test_bad_penalty_amounts_are_refused(dirs: tuple[Path, Path], value: Any, expected: str) -> None:
    shipped, user = dirs
    with pytest.raises(RulePackError) as caught:
        validate_pack("generic", minimal(penalty_amount=value), shipped_dir=shipped, user_dir=user)
    assert expected in errors_of(caught)


def test_penalty_amount_of_an_order() -> None:
    from desktop_app.core.rule_packs import PenaltyAmount

    rate = PenaltyAmount(percent=5, max_fen=3000)
    assert [rate.of(f) for f in (None, 0, 10, 12_345, 60_000, 60_020)] == [None, 0, 1, 617, 3000, 3000]
    assert PenaltyAmount(fixed_fen=300).of(None) == 300


@pytest.mark.parametrize(("timer", "expected"), [
    ({"rounds": "sometimes"}, "“rounds”只能是"),
    ({"assumed": "yes"}, "“assumed”只能是"),
    ({"auto_records": "agreed"}, "“auto_records”事件“agreed”未知"),
    ({"refusal_records": "refunded"}, "“refusal_records”只能是 escalated"),
])
def test_bad_new_timer_settings_are_refused(dirs: tuple[Path, Path], timer: dict[str, Any], expected: str) -> None:
    shipped, user = dirs
    with pytest.raises(RulePackError) as caught:
        validate_pack("generic", minimal(**timer), shipped_dir=shipped, user_dir=user)
    assert expected in errors_of(caught)


@pytest.mark.parametrize(("window", "expected"), [
    ({"keyed_to": "asked"}, "“keyed_to”必须是一个或几个事件名"),
    ({"keyed_to": []}, "“keyed_to”必须是一个或几个事件名"),
    ({"recurs": "yearly"}, "需要“event”"),
    ({"recurs": "monthly", "event": "double11"}, "“recurs”只能是"),
    ({"kinds": ["returns"]}, "未知的售后类型"),
])
def test_bad_window_settings_are_refused(dirs: tuple[Path, Path], window: dict[str, Any], expected: str) -> None:
    shipped, user = dirs
    data = minimal()
    data["overrides"] = [{"id": "w", "name": "窗口", "start": "2026-01-01", "end": "2026-01-02",
                          "durations": {"reship_within": {"days": 5}}, **window}]
    with pytest.raises(RulePackError) as caught:
        validate_pack("generic", data, shipped_dir=shipped, user_dir=user)
    assert expected in errors_of(caught)
