"""Changes to the shop's own data carry the seat that made them (issue 18: each change records its author):
switching a shop policy, importing the cost-price table, saving a shop's profile. They are the 设置's, not
the cases': the window that made them, the other seats on a server and a window on the file all say 设置,
and nobody's Cases tab reloads for them (session 22's audit entries said 售后单、设置 and were backed out)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.op_changes import Area, OpChanges
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.playbooks import load_policies, set_policy
from desktop_app.services.product_costs import import_product_costs
from desktop_app.services.shop_profile import profile_state, save_shop_profile
from desktop_app.services.team import ENV_SEAT
from desktop_app.store.change_notices import ChangeListener
from desktop_app.store.database import Database, open_database
from desktop_app.store.file_changes import AuditMark
from desktop_app.store.locations import parse_location
from desktop_app.store.models import AuditEvent
from desktop_app.ui.team.team_changes import changes_of, describe, describe_marks

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")


def _shop_entries(db: Database) -> list[tuple[str | None, str, str | None]]:
    with db.reading() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.author, AuditEvent.note)
                               .where(AuditEvent.subject == "shop").order_by(AuditEvent.id))
        return [(action, author, note) for action, author, note in rows]


def test_policies_the_cost_table_and_the_shop_profile_say_who_changed_them_as_settings(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_SEAT, "小李")
    policies = load_policies()
    assert set_policy(db, policies, policies[0].id, True).changes == OpChanges.of(Area.SETTINGS)
    # Already on: nothing to record, and nothing for the other seats to reload.
    assert set_policy(db, policies, policies[0].id, True).changes == OpChanges()
    assert set_policy(db, policies, policies[1].id, False).changes == OpChanges()  # already off
    sheet = tmp_path / "成本价.csv"
    sheet.write_text("商家编码,成本价\nSKU-1,12.50\n", encoding="utf-8")
    assert import_product_costs(db, sheet).changes == OpChanges.of(Area.SETTINGS)
    assert import_product_costs(db, sheet).changes == OpChanges()  # nothing changed: nothing to record
    monkeypatch.setenv(ENV_SEAT, "小王")
    assert save_shop_profile(db, ShopProfile(name="小林家居", phone="0571-1234567")).changes == OpChanges.of(
        Area.SETTINGS)
    entries = _shop_entries(db)
    assert [(action, author) for action, author, _note in entries] == [
        ("policy", "小李"), ("product_costs", "小李"), ("shop_profile", "小王")]
    assert entries[0][2] == f"启用店铺策略“{policies[0].title}”"
    assert entries[1][2] == "导入成本价表 成本价.csv：新增 1，更新 0"
    assert entries[2][2] == "修改店铺信息（全部店铺）"
    with db.reading() as session:  # what the 店铺信息 dialog shows
        changed = profile_state(session).changed
    assert changed is not None and changed.author == "小王"


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_other_seats_hear_a_settings_change_as_settings_alone(pg_url: str) -> None:
    """On a team ledger every insert into the audit trail was announced as 售后单: a settings change made
    every other seat reload its Cases tab and say 小李 修改了 售后单、设置."""
    writer = open_database(pg_url, seat="小李")
    listener = ChangeListener(parse_location(pg_url))
    try:
        policies = load_policies()
        set_policy(writer, policies, policies[0].id, True, author="小李")
        save_shop_profile(writer, ShopProfile(name="小林家居"), author="小李")
        notices = listener.wait(5)
        assert {n.table for n in notices} == {"settings"} and {n.seat for n in notices} == {"小李"}
        assert changes_of(notices) == OpChanges.of(Area.SETTINGS)
        assert describe(notices) == "小李 修改了 设置"
        # A case's entries are still announced as the case's.
        case_id = open_case(writer, NewCase(Platform.PDD, "261204-9", CaseKind.RESHIP), author="小李").case_id
        act_on_case(writer, case_id, CaseAction.AGREE_RESHIP, author="小李")
        assert "audit_events" in {n.table for n in listener.wait(5)}
    finally:
        listener.close()
        writer.close()


@pytest.mark.sqlite_only
def test_a_window_on_the_file_says_another_programs_settings_change_as_settings(
        db_path: Path, tmp_path: Path) -> None:
    db = open_database(db_path)
    try:
        assert db.commits is not None
        db.commits.start()
        sheet = tmp_path / "成本价.csv"
        sheet.write_text("商家编码,成本价\nSKU-1,12.50\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "desktop_app", "product-costs", "import", str(sheet),
                               "--db", str(db_path)], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT), ENV_SEAT: "小李"})
        assert done.returncode == 0, done.stderr
        seen = db.commits.look()
        assert seen is not None and [(m.author, m.case_id, m.settings) for m in seen] == [("小李", None, True)]
        assert describe_marks(seen) == "小李 在另一个程序中修改了 设置"  # it said 台账
    finally:
        db.close()
    both = [AuditMark(1, "小李", None, settings=True), AuditMark(2, "小李", 12)]
    assert describe_marks(both) == "小李 在另一个程序中修改了 设置、售后单 #12"
