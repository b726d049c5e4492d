"""One ledger, one set of rules, on a real PostgreSQL (skipped without AFTERSALES_TEST_PG_URL): seats in
processes of their own, each with its own data folder, compute the team ledger's deadlines with the rules
the team ledger keeps; `migrate-to` carries the shop's rule edits and holiday schedule to the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app.core.clock import CHINA, Moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.io.rule_pack_files import shipped_rules_dir
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_changed_rules
from desktop_app.services.ledger_move import move_ledger
from desktop_app.services.shop_rules import unused_local_edits
from desktop_app.store.database import open_database
from desktop_app.store.deadline_lists import case_deadlines
from desktop_app.store.locations import parse_location

PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")
pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")

ROOT = Path(__file__).resolve().parents[2]
ANSWER_48H = "duration = { hours = 48 }"  # the first timer of douyin.toml: reship_answer


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def douyin_with_answer(hours: int) -> str:
    shipped = (shipped_rules_dir() / "douyin.toml").read_text(encoding="utf-8")
    return shipped.replace(ANSWER_48H, f"duration = {{ hours = {hours} }}", 1)


# A seat's process: its own data folder (AFTERSALES_LEDGER_HOME), the ledger's address in argv[1].
SEAT_EDITS_THE_PACK = """
import sys
from desktop_app.services.ledger_rules import save_pack_text
from desktop_app.services.shop_rules import shop_rules_of
from desktop_app.store.database import open_database
db = open_database(sys.argv[1], seat="店主")
text = open(sys.argv[2], encoding="utf-8").read()
print(save_pack_text(db, "douyin", text, shop_rules_of(db).version("douyin.toml")).value.recomputed)
db.close()
"""

SEAT_RECOMPUTES = """
import json, sys
from desktop_app.services.deadlines import recompute_changed_rules
from desktop_app.store.database import open_database
from desktop_app.store.deadline_lists import case_deadlines
db = open_database(sys.argv[1], seat="客服")
count = recompute_changed_rules(db).value
with db.reading() as session:
    rows = {r.timer_id: r.due_at.isoformat() for r in case_deadlines(session, int(sys.argv[2]))}
print(json.dumps({"recomputed": count, "answer_due": rows["reship_answer"]}))
db.close()
"""


def seat(script: str, home: Path, *argv: str) -> str:
    env = {**os.environ, "AFTERSALES_LEDGER_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_seat_b_computes_with_the_rule_seat_a_edited_and_nothing_is_rewritten_back(pg_url: str,
                                                                                 tmp_path: Path) -> None:
    db = open_database(pg_url)
    try:
        case_id = open_case(db, NewCase(Platform.DOUYIN, "DY-S1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                        requested=Moment(at("2026-05-06 10:00"))), author="测试").case_id
        recompute_changed_rules(db)
    finally:
        db.close()
    owner, staff = tmp_path / "owner laptop", tmp_path / "staff pc"
    # The staff PC still has an edit of its own from when it kept a ledger file: 12 hours.
    (staff / "rules").mkdir(parents=True)
    (staff / "rules" / "douyin.toml").write_text(douyin_with_answer(12), encoding="utf-8")
    edited = tmp_path / "douyin-24h.toml"
    edited.write_text(douyin_with_answer(24), encoding="utf-8")

    assert seat(SEAT_EDITS_THE_PACK, owner, pg_url, str(edited)) == "1"
    after_b = json.loads(seat(SEAT_RECOMPUTES, staff, pg_url, str(case_id)))
    # Seat A recomputed once; seat B finds nothing to do, and reads A's deadline (not its own 12 h).
    assert after_b == {"recomputed": 0, "answer_due": "2026-05-07T02:00:00+00:00"}
    # Back on seat A: still nothing to recompute (old code rewrote it at every start of either seat).
    assert json.loads(seat(SEAT_RECOMPUTES, owner, pg_url, str(case_id)))["recomputed"] == 0
    assert json.loads(seat(SEAT_RECOMPUTES, staff, pg_url, str(case_id)))["recomputed"] == 0


def test_migrate_to_carries_the_shops_rules_and_schedule(tmp_path: Path, db_path: Path, data_home: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         empty_server_db: str) -> None:
    rules = data_home / "rules"
    rules.mkdir(parents=True)
    (rules / "douyin.toml").write_text(douyin_with_answer(24), encoding="utf-8")
    (rules / "workdays.toml").write_text("extra_holidays = [2026-10-08]\n", encoding="utf-8")
    (rules / "china_holidays.toml").write_text("[[years]]\nyear = 2027\nworkdays = [2027-01-09]\n", encoding="utf-8")
    local = open_database(db_path)
    try:
        case_id = open_case(local, NewCase(Platform.DOUYIN, "DY-M1", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                           requested=Moment(at("2026-05-06 10:00"))), author="店主").case_id
        recompute_changed_rules(local)
    finally:
        local.close()
    result = move_ledger(db_path, parse_location(empty_server_db), seat="店主")
    assert result.rule_files == ("douyin.toml", "workdays.toml", "china_holidays.toml")

    # Another computer, whose data folder has none of them: the server's rules are the shop's.
    monkeypatch.setenv("AFTERSALES_LEDGER_HOME", str(tmp_path / "another computer"))
    server = open_database(empty_server_db)
    try:
        context = RuleContext.load(server)
        assert context.packs["douyin"].timer("reship_answer").duration.amount == 24
        assert 2027 in context.calendar.schedule.years
        assert context.calendar.overrides.extra_holidays == frozenset({at("2026-10-08").date()})
        assert recompute_changed_rules(server).value == 0  # computed with these rules already
        with server.reading() as session:
            due = {r.timer_id: r.due_at for r in case_deadlines(session, case_id)}["reship_answer"]
            assert due == at("2026-05-07 10:00")
            assert unused_local_edits(session) == ()
    finally:
        server.close()
