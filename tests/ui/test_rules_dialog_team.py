"""时效规则 on a team ledger (PostgreSQL; skipped without AFTERSALES_TEST_PG_URL): a save goes into the
ledger for every seat, not this computer's data folder; two seats saving the same pack: the second is told
who saved first and sees the fresh text; this computer's own older edit is pointed out and can be loaded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.op_changes import Area, OpChanges
from desktop_app.io.rule_pack_files import shipped_rules_dir
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.shop_rules import shop_rules_of
from desktop_app.store.database import open_database
from tests.ui.test_calendar_tab import Ledger, at, douyin_reship, open_ledger
from tests.ui.test_rules_dialog import ANSWER_48H, due_of, make_dialog, wait_saved

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")


@pytest.fixture
def team(pg_url: str) -> Iterator[Ledger]:
    yield from open_ledger(pg_url)  # type: ignore[arg-type]  # open_database takes a URL as well


@pytest.fixture
def other_seat(pg_url: str) -> Iterator[Ledger]:
    yield from open_ledger(pg_url)  # type: ignore[arg-type]


def douyin_text(hours: int) -> str:
    shipped = (shipped_rules_dir() / "douyin.toml").read_text(encoding="utf-8")
    return shipped.replace(ANSWER_48H, f"duration = {{ hours = {hours} }}", 1)


def test_a_save_goes_into_the_team_ledger_and_a_second_seat_is_told(qtbot: QtBot, team: Ledger, other_seat: Ledger,
                                                                     data_home: Path) -> None:
    case_id = douyin_reship(team.db, "DY2001", at("2026-05-06 20:00"))
    mine = make_dialog(qtbot, team)
    theirs = make_dialog(qtbot, other_seat)  # another computer, the same pack open at the same time
    for dialog in (mine, theirs):
        dialog.select_pack("douyin")
        assert "团队数据库" in dialog.state_label.text()

    mine.editor.setPlainText(douyin_text(24))
    with qtbot.waitSignal(mine.rules_saved, timeout=10000):
        mine.save_button.click()
    wait_saved(qtbot, team, mine)
    assert "团队数据库" in mine.status.text() and "1 张" in mine.status.text()
    assert due_of(team, case_id, "reship_answer") == at("2026-05-07 20:00")
    assert not (data_home / "rules" / "douyin.toml").exists()  # not this computer's: the team's
    assert shop_rules_of(team.db).text("douyin.toml") == douyin_text(24)
    assert mine.pack_list.currentItem().text() == "抖店（已修改）"

    # The other seat saves its own edit of the version it showed: refused, told, shown the fresh text.
    theirs.editor.setPlainText(douyin_text(36))
    theirs.save_button.click()
    wait_saved(qtbot, other_seat, theirs)
    qtbot.waitUntil(lambda: theirs.editor.toPlainText() == douyin_text(24), timeout=10000)
    assert "已被修改" in theirs.status.text() and "没有保存" in theirs.status.text()
    assert not theirs.pack_list.currentItem().text().endswith(" *")
    assert RuleContext.load(team.db).packs["douyin"].timer("reship_answer").duration.amount == 24
    # Saved again on the fresh text, it goes through.
    theirs.editor.setPlainText(douyin_text(36))
    theirs.save_button.click()
    wait_saved(qtbot, other_seat, theirs)
    assert "已保存" in theirs.status.text()
    assert due_of(team, case_id, "reship_answer") == at("2026-05-08 08:00")
    # The first seat's window hears of it (LISTEN/NOTIFY, announced as another seat's change) and shows it.
    assert mine.editor.toPlainText() == douyin_text(24)
    team.runner.announce(OpChanges(frozenset({Area.DEADLINES})))
    qtbot.waitUntil(lambda: mine.editor.toPlainText() == douyin_text(36), timeout=10000)


def test_this_computers_own_edit_is_pointed_out_and_can_be_loaded(qtbot: QtBot, team: Ledger,
                                                                  data_home: Path) -> None:
    (data_home / "rules").mkdir(parents=True)
    (data_home / "rules" / "douyin.toml").write_text(douyin_text(12), encoding="utf-8")
    dialog = make_dialog(qtbot, team)
    dialog.select_pack("douyin")
    assert not dialog.local_edit.isHidden() and "团队数据库不使用它" in dialog.local_edit.note.text()
    assert dialog.editor.toPlainText() == douyin_text(48)  # the ledger's rules are shown, not the local ones
    dialog.select_pack("taobao")
    assert dialog.local_edit.isHidden()
    dialog.select_pack("douyin")
    dialog.local_edit.button.click()
    assert dialog.editor.toPlainText() == douyin_text(12)
    dialog.save_current()
    wait_saved(qtbot, team, dialog)
    assert dialog.local_edit.isHidden()  # now the team's rule too
    other = open_database(team.db.location)
    try:
        assert RuleContext.load(other).packs["douyin"].timer("reship_answer").duration.amount == 12
    finally:
        other.close()
