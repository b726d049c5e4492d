"""The shop's own TOML files (rule packs, playbooks, after-sales profiles) as Windows Notepad saves them:
UTF-8 with a byte order mark is read like plain UTF-8, and a GBK file is skipped or refused with a
Chinese message, never an internal error; so is one of brackets nested thousands deep."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.rule_packs import RulePackError
from desktop_app.io.case_profiles import user_case_profiles, user_profiles_dir
from desktop_app.io.rule_pack_files import load_pack
from desktop_app.io.user_profiles import load_saved_profiles
from desktop_app.services.playbooks import load_playbooks

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
BOM = "\ufeff".encode()


def test_a_rule_pack_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    user = tmp_path / "rules"
    user.mkdir()
    text = (RESOURCES / "rules" / "pdd.toml").read_text(encoding="utf-8")
    (user / "pdd.toml").write_bytes(BOM + text.replace("duration = { hours = 48 }", "duration = { hours = 24 }", 1)
                                    .encode())
    pack = load_pack("pdd", user_dir=user)
    assert any(t.id == "seller_answer_request" and t.duration.delta.total_seconds() == 24 * 3600 for t in pack.timers)
    (user / "pdd.toml").write_bytes(text.encode("gbk"))
    with pytest.raises(RulePackError) as refused:
        load_pack("pdd", user_dir=user)
    assert "不是 UTF-8 编码的文本" in str(refused.value.problems)


def test_the_shops_playbooks_with_a_byte_order_mark_or_in_gbk(tmp_path: Path) -> None:
    text = (RESOURCES / "playbooks" / "damaged.toml").read_text(encoding="utf-8").replace(
        'id = "damaged"', 'id = "mine"', 1)
    (tmp_path / "mine.toml").write_bytes(BOM + text.encode())
    library = load_playbooks(user=tmp_path)
    assert "mine" in library.own and not library.problems
    (tmp_path / "mine.toml").write_bytes(text.encode("gbk"))
    library = load_playbooks(user=tmp_path)  # was an internal error (UnicodeDecodeError)
    assert "mine" not in library.own
    [problem] = library.problems
    assert "mine.toml" in problem and "不是 UTF-8 编码的文本" in problem


def test_the_shops_after_sales_profiles_with_a_byte_order_mark_or_in_gbk(data_home: Path) -> None:
    text = (RESOURCES / "aftersales" / "pdd.toml").read_text(encoding="utf-8").replace(
        'id = "pdd_aftersales"', 'id = "mine"', 1)
    folder = user_profiles_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_bytes(BOM + text.encode())
    profiles, problems = user_case_profiles()
    assert [p.id for p in profiles] == ["mine"] and problems == ()
    (folder / "mine.toml").write_bytes(text.encode("gbk"))
    profiles, problems = user_case_profiles()  # was an internal error (UnicodeDecodeError)
    assert profiles == ()
    [problem] = problems
    assert "mine.toml" in problem and "不是 UTF-8 编码的文本" in problem


NESTED = "a = " + "[" * 5000 + "]" * 5000 + "\n"  # the TOML parser recursed past Python's limit: 内部错误


def test_brackets_nested_thousands_deep_are_refused_in_chinese(tmp_path: Path, data_home: Path) -> None:
    user = tmp_path / "rules"
    user.mkdir()
    (user / "pdd.toml").write_text(NESTED, encoding="utf-8")
    with pytest.raises(RulePackError) as refused:
        load_pack("pdd", user_dir=user)
    assert "pdd.toml 不是有效的 TOML：方括号或花括号一层套一层，套得太多" in str(refused.value.problems)
    playbooks = tmp_path / "playbooks"
    playbooks.mkdir()
    (playbooks / "mine.toml").write_text(NESTED, encoding="utf-8")
    [problem] = load_playbooks(user=playbooks).problems
    assert "mine.toml" in problem and "套得太多" in problem
    folder = user_profiles_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(NESTED, encoding="utf-8")
    [problem] = user_case_profiles()[1]
    assert "mine.toml" in problem and "套得太多" in problem
    saved = data_home / "import_profiles"
    saved.mkdir(parents=True)
    (saved / "mine.toml").write_text(NESTED, encoding="utf-8")
    [skipped] = load_saved_profiles().problems
    assert skipped.path.name == "mine.toml" and "TOML" in skipped.message
