"""Migrations: from an empty file to head, backup before upgrading, refusal of a newer database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from desktop_app.core.errors import DatabaseTooNew, UserError
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.cases import NewCase, open_case
from desktop_app.store.database import KNOWN_REVISIONS, alembic_config, head_revision, open_database
from desktop_app.store.models import Base

pytestmark = pytest.mark.real_migrations  # these test the migrations: no template copies


def test_empty_database_is_migrated_to_head_and_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = open_database(path)
    db.close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert set(Base.metadata.tables) <= tables
    assert conn.execute("select version_num from alembic_version").fetchone()[0] == head_revision()
    for table in Base.metadata.tables.values():
        columns = {r[1] for r in conn.execute(f"pragma table_info({table.name})")}
        assert columns == {c.name for c in table.columns}, table.name
        # Named indexes as the models declare them (SQLite's own autoindexes aside).
        indexes = {r[1] for r in conn.execute(f"pragma index_list({table.name})") if not r[1].startswith("sqlite_")}
        assert indexes == {i.name for i in table.indexes}, table.name


def test_migrations_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    path = tmp_path / "round.sqlite3"
    open_database(path).close()
    db = open_database(path, migrate=False)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    db.close()
    reopened = open_database(path)
    assert reopened.backup_path is not None and reopened.backup_path.exists()
    reopened.close()
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master")}
    assert "cases" in tables and "order_search" in tables


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute("update alembic_version set version_num='9999_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseTooNew, match="更新版本"):
        open_database(path)


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is a shopping list")
    with pytest.raises(UserError, match="不是 SQLite"):
        open_database(path)
    assert path.read_bytes() == b"this is a shopping list"


def test_up_to_date_database_is_not_backed_up_again(tmp_path: Path) -> None:
    path = tmp_path / "same.sqlite3"
    open_database(path).close()
    db = open_database(path)
    assert db.backup_path is None
    db.close()
    assert [p.name for p in tmp_path.iterdir() if ".bak-" in p.name] == []


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    chain = [rev.revision for rev in scripts.walk_revisions()][::-1]
    assert chain == list(KNOWN_REVISIONS)
    assert scripts.get_current_head() == head_revision()


def test_orders_of_a_first_version_ledger_stay_searchable_after_the_upgrade(tmp_path: Path) -> None:
    from desktop_app.services.search_index import catch_up
    from desktop_app.store.search import matching_order_ids, pending_count

    path = tmp_path / "v1.sqlite3"
    db = open_database(path, migrate=False)
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001_initial")
        conn.exec_driver_sql(
            "INSERT INTO orders (order_key, platform, order_no, receiver, search_text, created_at, updated_at, version)"
            " VALUES ('pdd:261118-1', 'pdd', '261118-1', '廖华雨', '261118-1 廖华雨 儿童保温杯',"
            " '2026-11-01', '2026-11-01', 1)")
    db.close()
    db = open_database(path)
    try:
        for queued in (1, 0):  # found while queued for the index, and once indexed
            with db.engine.connect() as conn:
                assert pending_count(conn) == queued
                assert conn.execute(matching_order_ids("保温杯", "sqlite")).scalars().all() == [1]
                assert conn.execute(matching_order_ids("廖华", "sqlite")).scalars().all() == [1]
            catch_up(db)
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001_initial")
            hits = conn.exec_driver_sql("SELECT rowid FROM order_search WHERE order_search MATCH '\"保温杯\"'").all()
            assert hits == [(1,)]
    finally:
        db.close()


def test_statistics_of_an_analysed_ledger_cover_the_indexes_added_since(tmp_path: Path) -> None:
    """A ledger analysed once (by a tool, or the benchmark's seed) has no statistics for indexes added
    later, and SQLite then takes such an index for very selective (0006_freeze's is_open/next-due index
    sorted every open case for the first page). 0007_search analyses those tables again; a ledger
    without statistics stays without (the app's queries are written for the planner without them)."""
    plain, analysed = tmp_path / "plain.sqlite3", tmp_path / "analysed.sqlite3"
    for path in (plain, analysed):
        db = open_database(path)
        open_case(db, NewCase(Platform.PDD, "261118-1", CaseKind.RESHIP))  # ANALYZE skips empty tables
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0006_freeze")
            if path == analysed:
                conn.exec_driver_sql("ANALYZE")
                conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE idx = 'ix_cases_is_open_next_due_at'")
        db.close()
        open_database(path).close()
    with sqlite3.connect(analysed) as conn:
        analysed_indexes = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases'")}
    assert "ix_cases_is_open_next_due_at" in analysed_indexes
    with sqlite3.connect(plain) as conn:
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchall()


def test_kinds_changed_before_the_upgrade_are_read_back_from_the_steps_notes(tmp_path: Path) -> None:
    # Migration 0022_kinds: a ledger whose cases changed kind before `cases.former_kinds` existed gets it from the
    # notes of those steps (services/case_kind.py "售后类型：补发 → 部分退款/补偿", services/reships.py "缺货，补发改为
    # 仅退款"), so the late reship's 3 元 of seed 004 4.3 comes back on the case (core.deadlines._before_changes).
    from tests.unit.shop_cli import ShopCli

    shop = ShopCli(tmp_path / "shop")
    changed = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 09:00")
    shop.act(changed, "agree_reship", "2026-12-01 10:00")
    shop.cli("case", "act", str(changed), "change_kind", "--kind", "partial_refund", "--at", "2026-12-04 10:00")
    short = shop.add("douyin", "reship", "missing_item", requested="2026-12-01 09:00")
    shop.act(short, "agree_reship", "2026-12-01 10:00")
    shop.cli("reship", "out-of-stock", str(short), "--at", "2026-12-04 09:00")
    shop.cli("case", "act", str(short), "change_kind", "--kind", "return_refund", "--at", "2026-12-05 09:00")
    db = open_database(Path(shop.db), migrate=False)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0021_transit")
        # What the engine of that version had stored (nothing kept), under rules it had not computed with yet.
        conn.exec_driver_sql("DELETE FROM deadlines")
        conn.exec_driver_sql("UPDATE cases SET deadline_digest = NULL")
        conn.exec_driver_sql("DELETE FROM settings WHERE key = 'deadlines.rule_fingerprints'")
        command.upgrade(alembic_config(conn), "head")
        kinds = dict(conn.exec_driver_sql("SELECT id, former_kinds FROM cases").all())
    db.close()
    assert kinds == {changed: "reship", short: "reship,refund_only"}
    for case in (changed, short):
        row = shop.timers(case)["reship_ship~reship"]
        assert (row["status"], row["penalty_yuan"]) == ("missed", "3.00")
