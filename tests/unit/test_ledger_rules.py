"""One ledger, one set of rules (issue 18): a team ledger keeps the shop's rule edits and holiday schedule
itself, every seat computes with them, two seats saving the same file cannot overwrite each other, and a
seat whose app is older does not rewrite what a newer one computed. The same tests on a ledger file (the
edits in the data folder) and, with AFTERSALES_TEST_PG_URL, on PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import tomli_w
from sqlalchemy import func, select

from desktop_app.cli import run
from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.rule_packs import plain_toml_data
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.rule_pack_files import read_pack_data, read_pack_text, shipped_rules_dir
from desktop_app.services import deadline_rules
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.deadline_rules import RuleContext, ledger_rule_warnings
from desktop_app.services.deadlines import older_app_note, recompute_changed_rules
from desktop_app.services.ledger_rules import reset_pack, save_pack_text, save_workdays
from desktop_app.services.shop_rules import shop_rules_of
from desktop_app.store.database import Database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.deadline_rows import set_setting_text
from desktop_app.store.models import RuleFile
from desktop_app.store.rule_files import RuleFileChanged
from tests.unit.schedule_texts import made_up_2027

ANSWER_48H = "duration = { hours = 48 }"  # the first timer of douyin.toml: reship_answer


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def douyin_reship(db: Database, order_no: str = "DY-T1") -> int:
    return open_case(db, NewCase(Platform.DOUYIN, order_no, CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                 requested=Moment(at("2026-05-06 10:00"))), author="测试").case_id


def answer_due(db: Database, case_id: int) -> datetime:
    with db.reading() as session:
        rows = {r.timer_id: r for r in case_deadlines(session, case_id)}
    return rows["reship_answer"].due_at.astimezone(CHINA)


def douyin_with_answer(hours: int) -> str:
    shipped = (shipped_rules_dir() / "douyin.toml").read_text(encoding="utf-8")
    return shipped.replace(ANSWER_48H, f"duration = {{ hours = {hours} }}", 1)


def stored_files(db: Database) -> dict[str, tuple[str, int]]:
    with db.reading() as session:
        return {r.name: (r.changed_by, r.version) for r in session.scalars(select(RuleFile))}


def test_an_edit_is_the_ledgers_rule_and_is_kept_where_the_ledger_keeps_rules(db: Database, data_home: Path) -> None:
    case_id = douyin_reship(db)
    assert answer_due(db, case_id) == at("2026-05-08 10:00")
    saved = save_pack_text(db, "douyin", douyin_with_answer(24), None, author="老板").value
    assert saved.recomputed == 1 and saved.older_app is None  # the open cases it changes, at once
    assert answer_due(db, case_id) == at("2026-05-07 10:00")
    assert recompute_changed_rules(db).value == 0
    assert RuleContext.load(db).packs["douyin"].timer("reship_answer").duration.amount == 24
    local = data_home / "rules" / "douyin.toml"
    if db.is_server:  # the team's: in the ledger with its author, this computer's folder untouched
        assert saved.where == "团队数据库"
        assert stored_files(db) == {"douyin.toml": ("老板", 1)}
        assert not local.exists()
        # ... and not the data folder's: a computer's own file changes nothing on a team ledger.
        local.parent.mkdir(parents=True)
        local.write_text(douyin_with_answer(12), encoding="utf-8")
        assert RuleContext.load(db).packs["douyin"].timer("reship_answer").duration.amount == 24
        assert recompute_changed_rules(db).value == 0
    else:  # a ledger file's edits stay the files of the data folder
        assert saved.where == str(local) and local.read_text(encoding="utf-8") == douyin_with_answer(24)
        assert stored_files(db) == {}
    assert reset_pack(db, "douyin", shop_rules_of(db).version("douyin.toml")).value.recomputed == 1
    assert answer_due(db, case_id) == at("2026-05-08 10:00")


def test_the_second_of_two_seats_saving_the_same_pack_is_refused_with_the_fresh_state(db: Database) -> None:
    if not db.is_server:
        pytest.skip("a ledger file is one computer's: its rule files have no versions")
    shown = shop_rules_of(db).version("douyin.toml")  # both seats opened the shipped defaults
    save_pack_text(db, "douyin", douyin_with_answer(24), shown, author="小李")
    with pytest.raises(RuleFileChanged) as refused:
        save_pack_text(db, "douyin", douyin_with_answer(36), shown, author="小王")
    assert "小李" in refused.value.message and "没有保存" in refused.value.message
    assert refused.value.fresh is not None and refused.value.fresh.text == douyin_with_answer(24)
    assert stored_files(db) == {"douyin.toml": ("小李", 1)}
    # Saved against the fresh version, it goes through; a reset against an old one does not.
    save_pack_text(db, "douyin", douyin_with_answer(36), 1, author="小王")
    assert stored_files(db) == {"douyin.toml": ("小王", 2)}
    with pytest.raises(RuleFileChanged):
        reset_pack(db, "douyin", 1)
    assert RuleContext.load(db).packs["douyin"].timer("reship_answer").duration.amount == 36
    with pytest.raises(RuleFileChanged):
        save_workdays(db, WorkdayOverrides(frozenset({at("2026-10-08").date()})), 3, author="小王")
    assert "workdays.toml" not in stored_files(db)


def test_a_broken_edit_is_refused_before_it_reaches_any_seat(db: Database) -> None:
    with pytest.raises(Exception, match="reship_answer"):
        save_pack_text(db, "douyin", read_pack_text("douyin").replace(ANSWER_48H, 'duration = { hours = "x" }', 1),
                       None)
    assert stored_files(db) == {}
    assert RuleContext.load(db).packs["douyin"].timer("reship_answer").duration.amount == 48


def test_workdays_import_and_status_on_both_backends(capsys: pytest.CaptureFixture[str], db: Database,
                                                     ledger_target: str, data_home: Path, tmp_path: Path) -> None:
    # Before the import 2027 is estimated on its statutory holidays (19 days off with the 补假, no 调休).
    assert run(["workdays", "status", "--db", ledger_target]) == 0
    assert "2027年：还没有官方安排，按法定节假日估算：放假 19 天，调休未知" in capsys.readouterr().out
    pasted = tmp_path / "2027.toml"
    pasted.write_text(made_up_2027(), encoding="utf-8")
    assert run(["workdays", "import", str(pasted), "--db", ledger_target]) == 0
    assert "已导入 2027 年" in capsys.readouterr().out
    assert run(["workdays", "status", "--json", "--db", ledger_target]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["years"][-1]["year"] == 2027 and status["years"][-1]["from_user_file"]
    assert status["estimated_years"][0]["year"] == 2028  # the imported year is no estimate
    assert status["in_ledger"] is db.is_server
    assert 2027 in RuleContext.load(db).calendar.schedule.years
    assert (data_home / "rules" / "china_holidays.toml").is_file() is not db.is_server
    if db.is_server:
        assert set(stored_files(db)) == {"china_holidays.toml"}
        assert run(["workdays", "status", "--db", ledger_target]) == 0
        assert "团队数据库" in capsys.readouterr().out


def test_workdays_remove_takes_an_imported_year_back_on_both_backends(
        capsys: pytest.CaptureFixture[str], db: Database, ledger_target: str, data_home: Path, tmp_path: Path) -> None:
    # A wrong 2027 imported, then taken back: 2027 is the estimate again, the shop's copy gone (the file, or the
    # team ledger's row); removed again, it is refused naming the years the shop entered (none).
    pasted = tmp_path / "2027.toml"
    pasted.write_text(made_up_2027(), encoding="utf-8")
    assert run(["workdays", "import", str(pasted), "--db", ledger_target]) == 0
    capsys.readouterr()
    assert run(["workdays", "remove", "2027", "--db", ledger_target]) == 0
    assert "已删除本店导入的 2027 年节假日安排" in capsys.readouterr().out
    assert 2027 not in RuleContext.load(db).calendar.schedule.years
    assert stored_files(db) == {} and not (data_home / "rules" / "china_holidays.toml").exists()
    assert run(["workdays", "remove", "2027", "--db", ledger_target]) == 2
    assert "没有导入过 2027 年的节假日安排" in capsys.readouterr().err


def test_a_seat_with_an_older_app_does_not_rewrite_the_deadlines(db: Database, ledger_target: str,
                                                                  capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped packs carry revisions: deadlines computed by a seat with newer defaults are left as they
    are by a seat with older ones (it would otherwise rewrite them back at every start), which says so."""
    case_id = douyin_reship(db)
    assert recompute_changed_rules(db).value == 1
    newer = deadline_rules.app_revisions()
    newer["douyin"] += 1
    with db.transaction() as session:  # what a seat with the next release records when it recomputes
        set_setting_text(session, "deadlines.app_revisions", json.dumps(newer))
    data = read_pack_data("douyin")
    data["timers"][0]["duration"] = {"hours": 24}
    saved = save_pack_text(db, "douyin", tomli_w.dumps(plain_toml_data(data)),
                           shop_rules_of(db).version("douyin.toml")).value
    assert saved.recomputed == 0 and saved.older_app is not None and "旧" in saved.older_app
    assert recompute_changed_rules(db).value == 0
    assert answer_due(db, case_id) == at("2026-05-08 10:00")
    note = older_app_note(db)
    assert note is not None and "比团队中另一台电脑上的旧" in note and "抖店默认规则" in note and "升级" in note
    with db.reading() as session:
        warnings = ledger_rule_warnings(session, at("2026-06-01 00:00").date())
    assert warnings[0].older and "旧" in warnings[0].text
    # The command line lists what the newer seat computed, says why, and rewrites nothing either.
    assert run(["deadlines", "--case", str(case_id), "--all", "--json", "--db", ledger_target]) == 0
    out, err = capsys.readouterr()
    listed = {row["timer"]: row["due_at"] for row in json.loads(out)}
    assert listed["reship_answer"] == "2026-05-08T10:00:00+08:00" and "比团队中另一台电脑上的旧" in err
    # Upgraded to that release, the seat recomputes with the edit and records its revisions.
    monkeypatch.setattr(deadline_rules, "app_revisions", lambda: newer)
    assert older_app_note(db) is None
    assert recompute_changed_rules(db).value == 1
    assert answer_due(db, case_id) == at("2026-05-07 10:00")


def test_this_computers_own_edits_are_named_on_a_team_ledger_not_dropped(db: Database, data_home: Path) -> None:
    (data_home / "rules").mkdir(parents=True)
    (data_home / "rules" / "douyin.toml").write_text(douyin_with_answer(24), encoding="utf-8")
    (data_home / "rules" / "workdays.toml").write_text('extra_holidays = [2026-10-08]\n', encoding="utf-8")
    with db.reading() as session:
        warnings = [w for w in ledger_rule_warnings(session, at("2026-06-01 00:00").date()) if w.unused_local]
    if not db.is_server:
        assert warnings == []  # a ledger file computes with them
        assert RuleContext.load(db).packs["douyin"].timer("reship_answer").duration.amount == 24
        return
    (warning,) = warnings
    assert warning.unused_local == ("douyin.toml", "workdays.toml")
    assert "抖店规则、工作日调整" in warning.text and "载入本机的修改" in warning.text
    # Saved for the team, the pack is no longer this computer's alone.
    save_pack_text(db, "douyin", douyin_with_answer(24), None)
    with db.reading() as session:
        (warning,) = [w for w in ledger_rule_warnings(session, at("2026-06-01 00:00").date()) if w.unused_local]
        assert warning.unused_local == ("workdays.toml",)
        assert session.scalar(select(func.count()).select_from(RuleFile)) == 1
