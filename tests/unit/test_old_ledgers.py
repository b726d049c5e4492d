"""A ledger written by each released schema revision (tests/fixtures/ledgers, made by the app of that
time: make_ledgers.py) upgrades to head with its orders, cases, reships, claims and history intact,
and the upgraded file works: searched, shown, acted on."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.store.case_facts import FACT_COLUMNS, recompute_case_facts, stored_case_facts
from desktop_app.store.database import KNOWN_REVISIONS, head_revision, open_database
from desktop_app.store.models import Order
from desktop_app.store.order_sales import PARCELS, PIECES, recompute_sales, stored_sales
from tests.fixtures.ledgers.make_ledgers import RELEASES

pytestmark = pytest.mark.real_migrations  # the point is to run them

LEDGERS = Path(__file__).resolve().parent.parent / "fixtures" / "ledgers"
PDD_ORDER = "261101-103283030276851"


def test_there_is_a_ledger_of_every_released_revision() -> None:
    """Each revision that was head at the end of a wave (make_ledgers.RELEASES) has its ledger, and the
    newest release is no older than the wave before this one (a release forgotten would fail here)."""
    assert sorted(p.name for p in LEDGERS.glob("ledger_*.sqlite3")) == [
        f"ledger_{r.split('_', 1)[0]}.sqlite3" for r in RELEASES]
    assert all(r in KNOWN_REVISIONS for r in RELEASES)
    assert KNOWN_REVISIONS.index(list(RELEASES)[-1]) >= KNOWN_REVISIONS.index("0006_freeze")


def snapshot(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        return {
            "revision": conn.execute("select version_num from alembic_version").fetchone()[0],
            "orders": conn.execute("select order_key, receiver, phone, paid_fen, tracking_no from orders"
                                   " order by order_key").fetchall(),
            "items": conn.execute("select o.order_key, i.position, i.title, i.quantity, i.paid_fen from order_items i"
                                  " join orders o on o.id = i.order_id order by 1, 2").fetchall(),
            "cases": conn.execute("select id, order_id, kind, reason, status, is_open, amount_fen, signed_at"
                                  " from cases").fetchall(),
            "reships": conn.execute("select case_id, status, carrier, tracking_no, shipped_at from reships").fetchall(),
            "claims": conn.execute("select order_id, incident, status, claimed_fen from carrier_claims").fetchall(),
            "events": conn.execute("select case_id, kind, action, from_state, to_state, note, at from audit_events"
                                   " order by id").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize("ledger", sorted(LEDGERS.glob("ledger_*.sqlite3")), ids=lambda p: p.stem)
def test_an_old_ledger_upgrades_with_its_data(ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ledger.sqlite3"
    shutil.copy(ledger, path)
    before = snapshot(path)
    assert before["orders"] and before["cases"] and before["reships"] and before["claims"]
    db = open_database(path)
    upgraded_from = before["revision"]
    assert (db.backup_path is not None) == (upgraded_from != head_revision())
    db.close()
    after = snapshot(path)
    assert after.pop("revision") == head_revision()
    before.pop("revision")
    assert after == before

    # What 0007_dash and 0008_dash filled in for the dashboard equals a recompute of those columns from
    # scratch (the goods of orders too), and the products figure reads the cases' goods.
    db = open_database(path)
    with db.transaction() as session:
        filled = stored_case_facts(session)
        orders_goods = {i: g for i, g in session.execute(select(Order.id, Order.goods))}
        recompute_case_facts(session)
        assert stored_case_facts(session) == filled and any(f[0] for f in filled.values())  # timers met
        assert {i: g for i, g in session.execute(select(Order.id, Order.goods))} == orders_goods
        assert any(f[FACT_COLUMNS.index("goods")] for f in filled.values())  # cases of orders with lines
        # What 0010_dash filled in per month equals `recompute_sales`, and holds pieces and parcels.
        sales = stored_sales(session)
        recompute_sales(session)
        assert stored_sales(session) == sales
        assert {row[3] for row in sales} == {PIECES, PARCELS}
    db.close()

    # The upgraded file is used as usual: found by the receiver's name, shown, acted on.
    assert run(["case", "list", "--search", "梁军桐", "--json", "--db", str(path)]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [1]
    assert run(["case", "show", "1", "--json", "--db", str(path)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["order"] == PDD_ORDER and shown["status"] == "reshipped"
    assert shown["order_detail"]["phone"] == "18252435900" and shown["amount"] == "12.50"
    assert any(event.get("note") == "已联系买家" for event in shown["events"])
    assert run(["case", "act", "1", "complete", "--db", str(path)]) == 0
    assert run(["claim", "list", "--json", "--db", str(path)]) == 0
    capsys.readouterr()


def test_an_upgrade_that_fails_half_way_leaves_the_ledger_as_it_was(tmp_path: Path) -> None:
    """Every step of an upgrade is one transaction: here 0007_timers fails (its column is already
    there) after 0007_files and 0007_search ran; the file is left exactly at 0006 and still opens
    once the obstacle is gone."""
    path = tmp_path / "ledger.sqlite3"
    shutil.copy(LEDGERS / "ledger_0006.sqlite3", path)
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE orders ADD COLUMN campaign VARCHAR(32)")
    before = snapshot(path)
    with pytest.raises(Exception, match="campaign"):
        open_database(path)
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "shared_files" not in tables  # 0007_files rolled back with the rest
    assert snapshot(path) == before
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE orders DROP COLUMN campaign")
    open_database(path).close()
    assert snapshot(path)["revision"] == head_revision()
