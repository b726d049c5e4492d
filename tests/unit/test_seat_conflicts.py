"""Two seats on one ledger change the same claim, shop profile or case: the one that saves second against
what it showed is refused with who changed it, never a lost update (issue 18). Both backends: a second
`Database` on the same file or server is the other seat."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.cli import costs as costs_command
from desktop_app.cli import run
from desktop_app.core.case_costs import CaseCosts
from desktop_app.core.claims import ClaimAction, ClaimIncident
from desktop_app.core.clock import now
from desktop_app.core.errors import ActionNotAllowed, StaleData
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.reship_states import ReshipItemRow
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services.case_costs import case_money, set_case_costs
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.claim_details import ClaimTicket, set_claim_ticket
from desktop_app.services.claim_upkeep import claim_event, load_claim
from desktop_app.services.claims import NewClaim, act_on_claim, link_claim, open_claim, set_follow_up
from desktop_app.services.order_campaign import set_order_campaign
from desktop_app.services.reships import update_items
from desktop_app.services.shop_profile import profile_state, save_shop_profile
from desktop_app.store.case_queries import case_detail
from desktop_app.store.claim_rows import claim_detail
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import AuditEvent, CarrierClaim, Order
from tests.unit.test_claims import add_order
from tests.unit.test_team_races import Seat, wait_until_a_seat_waits_for_a_lock

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("profile_seat_child.py")
PG_URL = os.environ.get("AFTERSALES_TEST_PG_URL", "")


@pytest.fixture
def other(ledger_target: str, db: Database) -> Iterator[Database]:
    """The second seat, on the same ledger as `db`."""
    second = open_database(ledger_target)
    yield second
    second.close()


def _claim(db: Database) -> tuple[int, int, int]:
    """A claim on an order with two cases: (claim, case one, case two)."""
    order_id = add_order(db)
    one = open_case(db, NewCase(Platform.PDD, "261101-555", CaseKind.RESHIP), author="店主").case_id
    act_on_case(db, one, CaseAction.AGREE_RESHIP, author="店主")  # its reship row
    two = open_case(db, NewCase(Platform.PDD, "261101-555", CaseKind.REFUND_ONLY), author="店主").case_id
    claim_id = open_claim(db, NewClaim(ClaimIncident.LOST, order_id=order_id), author="店主").claim_id
    return claim_id, one, two


def _version(db: Database, claim_id: int) -> int:
    with db.reading() as s:
        return claim_detail(s, claim_id).version


def test_a_follow_up_date_saved_over_another_seats_is_refused_naming_that_seat(
        db: Database, other: Database) -> None:
    claim_id, _one, _two = _claim(db)
    shown = _version(db, claim_id)
    theirs = now() + timedelta(days=2)
    set_follow_up(other, claim_id, theirs, author="小李", expected_version=shown)
    with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小李 修改了"):
        set_follow_up(db, claim_id, now() + timedelta(days=9), author="小王", expected_version=shown)
    with db.reading() as s:
        stored = s.scalars(select(CarrierClaim.follow_up_at).where(CarrierClaim.id == claim_id)).one()
    assert stored is not None and abs((stored - theirs).total_seconds()) < 1  # the first seat's date stands


def test_a_step_after_another_seats_reship_items_edit_names_that_seat(db: Database, other: Database) -> None:
    """店主 agreed the reship; 小李 corrected what to send (编辑补发商品); 小王's step against the case as shown before
    was refused naming 店主, whose step was older, and 小王 asked the wrong colleague."""
    _claim_id, case_id, _two = _claim(db)
    with db.reading() as s:
        shown = case_detail(s, case_id).version
    update_items(other, case_id, [ReshipItemRow("袜子", "白色", 1)], author="小李", expected_version=shown)
    with pytest.raises(StaleData, match=f"售后单 #{case_id} 刚被 小李 修改了"):
        act_on_case(db, case_id, CaseAction.CLOSE, author="小王", expected_version=shown)


def test_a_step_the_new_records_state_never_allowed_names_no_seat(db: Database, other: Database) -> None:
    """店主 has just opened the case and the claim; 小王's step their first state does not allow is refused as any
    such step, not as 刚被 店主 修改了（新建…）: nobody changed anything under him."""
    claim_id, _one, case_id = _claim(db)
    with pytest.raises(ActionNotAllowed) as refused_case:
        act_on_case(other, case_id, CaseAction.COMPLETE, author="小王")
    with pytest.raises(ActionNotAllowed) as refused_claim:
        act_on_claim(other, claim_id, ClaimAction.PAY_PARTIALLY, amount_fen=1000, author="小王")
    for refused in (refused_case.value, refused_claim.value):
        assert "刚被" not in refused.message and "不能执行" in refused.message, refused.message


def test_links_saved_over_another_seats_are_refused_and_both_links_are_one_save(
        db: Database, other: Database) -> None:
    claim_id, one, two = _claim(db)
    shown = _version(db, claim_id)
    link_claim(other, claim_id, one, one, author="小李", expected_version=shown)
    with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小李 修改了"):
        link_claim(db, claim_id, two, None, author="小王", expected_version=shown)
    with db.reading() as s:
        claim = s.get_one(CarrierClaim, claim_id)
        assert (claim.case_id, claim.reship_id is not None) == (one, True)
    # Against the fresh version it goes through, both links at once.
    link_claim(db, claim_id, two, None, author="小王", expected_version=_version(db, claim_id))
    with db.reading() as s:
        claim = s.get_one(CarrierClaim, claim_id)
        assert (claim.case_id, claim.reship_id) == (two, None)


def test_a_shop_profile_saved_over_another_seats_is_refused_naming_that_seat(
        db: Database, other: Database) -> None:
    """It had no version: the later of two seats editing the 店铺信息 saved over the earlier one's."""
    with db.reading() as s:
        shown = profile_state(s).version  # none saved yet: 0
    save_shop_profile(other, ShopProfile(name="小林家居", phone="0571-1234567"), expected_version=shown, author="小李")
    with pytest.raises(StaleData, match="店铺信息（全部店铺）刚被 小李 修改了"):
        save_shop_profile(db, ShopProfile(name="林记家纺"), expected_version=shown, author="小王")
    with db.reading() as s:
        fresh = profile_state(s)
    assert fresh.profile.name == "小林家居" and fresh.changed is not None and fresh.changed.author == "小李"
    # Saved again on the fresh one, it goes through; a save of one shop's own profile is checked on its own.
    save_shop_profile(db, ShopProfile(name="林记家纺"), expected_version=fresh.version, author="小王")
    with db.reading() as s:
        assert profile_state(s).profile.name == "林记家纺"


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_two_processes_saving_one_shop_profile_at_once_one_wins_the_other_is_told(pg_url: str, tmp_path: Path) -> None:
    """Two seats (processes of their own) read the profile, then save it at the same moment: one is stored,
    the other is refused naming the seat that saved first — never both, never a traceback."""
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    racers = {seat: subprocess.Popen([sys.executable, str(CHILD), pg_url, seat, str(go)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for seat in ("小王", "小李")}
    for racer in racers.values():  # each has read the version it will save against
        assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
    go.touch()
    outputs = {seat: p.communicate(timeout=120) for seat, p in racers.items()}  # closes the pipes too
    results = {seat: (racers[seat].returncode, out, err) for seat, (out, err) in outputs.items()}
    winners = [seat for seat, (code, _out, _err) in results.items() if code == 0]
    assert len(winners) == 1, results
    loser = next(seat for seat in results if seat not in winners)
    code, out, err = results[loser]
    assert code == 2 and f"店铺信息（全部店铺）刚被 {winners[0]} 修改了" in out and "Traceback" not in err, results
    check = open_database(pg_url)
    try:
        with check.reading() as s:
            assert profile_state(s).profile.name == f"{winners[0]}的店"
            saves = s.execute(select(AuditEvent.author).where(AuditEvent.action == "shop_profile")).scalars().all()
        assert saves == [winners[0]]
    finally:
        check.close()


def test_the_costs_command_keeps_another_seats_change_made_while_it_ran(
        db: Database, other: Database, ledger_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`costs N --postage-out 8` read the case, then saved every cost field against the version it read: a
    note or a cost another seat saved in between refused it (售后单 #N 刚被 小李 修改了), where a command acts on
    the fresh state as `case act` does; and had it gone through, it would have written back the old value of
    the other seat's field."""
    case_id = open_case(db, NewCase(Platform.PDD, "261204-31", CaseKind.RETURN_REFUND), author="店主").case_id
    parse = costs_command._fen
    written: list[bool] = []

    def parse_while_another_seat_writes(*args: object) -> object:
        if not written:  # another seat records a cost of its own while the command is under way
            set_case_costs(other, case_id, CaseCosts(penalty_fen=300), author="小李")
            written.append(True)
        return parse(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(costs_command, "_fen", parse_while_another_seat_writes)
    assert run(["costs", str(case_id), "--postage-out", "8", "--db", ledger_target]) == 0
    with db.reading() as s:
        money = case_money(s, case_id)
    assert (money.costs.postage_out_fen, money.costs.penalty_fen) == (800, 300)  # both seats' fields kept


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_two_seats_marking_one_order_as_juhuasuan_at_once_mark_it_once(pg_url: str) -> None:
    """Read without a lock, the second seat's mark met the first's at its UPDATE and failed with SQLAlchemy's
    StaleDataError (这条记录刚被另一个窗口或程序修改了, naming nobody); locked as it is read, it waits and finds
    the order marked already."""
    first, second = open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李")
    try:
        with first.transaction() as session:
            order = Order(order_key="taobao:261204-77", platform="taobao", order_no="261204-77")
            session.add(order)
            session.flush()
            order_id = order.id
        with first.transaction() as session:  # 小王's mark, not yet committed
            row = session.get(Order, order_id)
            assert row is not None
            row.campaign = "juhuasuan"
            session.flush()
            other = Seat(lambda: set_order_campaign(second, order_id, "juhuasuan", author="小李"))
            wait_until_a_seat_waits_for_a_lock(pg_url)
        assert other.outcome().before == "juhuasuan"  # found marked: nothing to change
    finally:
        first.close()
        second.close()


@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
def test_a_ticket_saved_while_another_seat_saves_one_waits_and_is_told_who(pg_url: str) -> None:
    """Both seats showed the claim at one version. Read without a lock, the second's save met the first's at
    its UPDATE and failed with StaleDataError (这条记录刚被另一个窗口或程序修改了): neither the claim nor the seat."""
    first, second = open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李")
    try:
        claim_id, _one, _two = _claim(first)
        shown = _version(first, claim_id)
        with first.transaction() as session:  # 小王's save of the ticket, not yet committed
            claim = load_claim(session, claim_id, shown)
            claim.ticket_no = "ZT-LP-1"
            claim_event(session, claim, kind="edit", author="小王", note="理赔单号：（空） → ZT-LP-1")
            session.flush()
            other = Seat(lambda: set_claim_ticket(second, claim_id, ClaimTicket("ZT-LP-2", None, None, None),
                                                  author="小李", expected_version=shown))
            wait_until_a_seat_waits_for_a_lock(pg_url)
        with pytest.raises(StaleData, match=f"理赔 #{claim_id} 刚被 小王 修改了"):
            other.outcome()
        assert _ticket(first, claim_id) == "ZT-LP-1"
    finally:
        first.close()
        second.close()


def _ticket(db: Database, claim_id: int) -> str | None:
    with db.reading() as s:
        return s.get_one(CarrierClaim, claim_id).ticket_no
