"""Two seats' commands on one ledger at the same moment, as testers run them: two processes of their own
(`seat_command_child.py`), started together on a go file, on the ledger file and on a team server. On
PostgreSQL the test holds the row both will change until both wait for it (pg_stat_activity), so that the two
really meet; on SQLite they meet at the file's write lock. Whatever the order: no update lost, no traceback,
the loser told in Chinese which seat changed the record, exit codes as README's "Command line" says."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from desktop_app.cli import run
from desktop_app.services import cases as case_service
from desktop_app.store.database import open_database
from desktop_app.store.models import AuditEvent, CarrierClaim, Case, Reship
from tests.unit.test_team_lock_order import lock_waits

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("seat_command_child.py")
FIXTURES = ROOT / "tests" / "fixtures"
ORDERS = FIXTURES / "samples" / "pdd_orders.csv"
ORDER = "261101-103283030276851"  # the sample's first order, shipped by 中国邮政 9817105713810
SEATS = ("小王", "小李")


@dataclass(frozen=True)
class Said:
    seat: str
    code: int
    out: str
    err: str


@contextmanager
def _holding(url: str, table: str, row_id: int, waiters: int) -> Iterator[None]:
    """The row locked by a third connection until `waiters` seats wait for it, then let go."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
            yield
            deadline = time.monotonic() + 90
            while lock_waits(url) < waiters:
                assert time.monotonic() < deadline, "the seats never both waited for the row"
                time.sleep(0.05)
    finally:
        engine.dispose()


def race(target: str, tmp_path: Path, *commands: tuple[str, list[str]],
         row: tuple[str, int] | None = None) -> list[Said]:
    """Each (seat, command) in a process of its own, let go at once; on PostgreSQL `row` (table, id) is held
    until every one of them waits for it."""
    go = tmp_path / f"go-{time.monotonic_ns()}"
    children = []
    for seat, args in commands:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "AFTERSALES_LEDGER_SEAT": seat}
        children.append((seat, subprocess.Popen([sys.executable, str(CHILD), str(go), *args, "--db", target],
                                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    for _seat, child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    held = (_holding(target, row[0], row[1], len(children)) if row is not None and target.startswith("postgresql")
            else nullcontext())
    with held:
        go.touch()
    said = []
    for seat, child in children:
        out, err = child.communicate(timeout=180)
        said.append(Said(seat, child.returncode, out, err))
    for one in said:
        assert "Traceback" not in one.err and "Traceback" not in one.out, one
    return said


def winner_and_loser(said: list[Said]) -> tuple[Said, Said]:
    codes = sorted(s.code for s in said)
    assert codes == [0, 2], said
    return next(s for s in said if s.code == 0), next(s for s in said if s.code == 2)


def cli(target: str, *args: str) -> None:
    assert run([*args, "--db", target]) == 0, args


def _new_case(target: str, kind: str = "reship") -> int:
    db = open_database(target)
    try:
        with db.reading() as s:
            before = s.scalar(select(func.max(Case.id))) or 0
    finally:
        db.close()
    cli(target, "case", "add", "--platform", "pdd", "--order", ORDER, "--kind", kind, "--reason", "missing_item")
    return before + 1


def _count(target: str, *where: object) -> int:
    db = open_database(target)
    try:
        with db.reading() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0)
    finally:
        db.close()


def test_one_step_from_two_seats_at_once_is_taken_once_and_the_loser_is_told_who(
        ledger_target: str, tmp_path: Path) -> None:
    """`case act N agree_reship` from 小王 and 小李 together: the second found 待补发 and said only 当前状态为
    “待补发”，不能执行“同意补发” — nothing named the seat that had just done it."""
    case_id = _new_case(ledger_target)
    said = race(ledger_target, tmp_path, *[(seat, ["case", "act", str(case_id), "agree_reship"]) for seat in SEATS],
                row=("cases", case_id))
    winner, loser = winner_and_loser(said)
    assert winner.out.strip() == f"#{case_id} 同意补发 → 待补发"
    assert loser.err.startswith(f"错误：售后单 #{case_id} 刚被 {winner.seat} 修改了（"), loser
    assert "同意补发）：补发售后单当前状态为“待补发”，不能执行“同意补发”" in loser.err, loser
    assert _count(ledger_target, AuditEvent.case_id == case_id, AuditEvent.action == "agree_reship") == 1


def test_one_reship_shipped_from_two_seats_at_once_keeps_the_first_parcel(ledger_target: str, tmp_path: Path) -> None:
    case_id = _new_case(ledger_target)
    cli(ledger_target, "case", "act", str(case_id), "agree_reship")
    parcels = {"小王": ("中通快递", "78123456789012"), "小李": ("圆通速递", "YT1234567890123")}
    said = race(ledger_target, tmp_path, *[
        (seat, ["reship", "ship", str(case_id), "--carrier", carrier, "--tracking", tracking])
        for seat, (carrier, tracking) in parcels.items()], row=("cases", case_id))
    winner, loser = winner_and_loser(said)
    assert f"售后单 #{case_id} 刚被 {winner.seat} 修改了（" in loser.err and "不能执行“补发已发出”" in loser.err, loser
    db = open_database(ledger_target)
    try:
        with db.reading() as s:
            reship = s.scalars(select(Reship).where(Reship.case_id == case_id)).one()
        assert reship.tracking_no == parcels[winner.seat][1]  # the loser's parcel did not replace it
    finally:
        db.close()


def test_one_claim_step_from_two_seats_at_once_is_taken_once_and_the_loser_is_told_who(
        ledger_target: str, tmp_path: Path) -> None:
    cli(ledger_target, "import-orders", str(ORDERS))
    cli(ledger_target, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    said = race(ledger_target, tmp_path, *[(seat, ["claim", "act", "1", "submit_statement"]) for seat in SEATS],
                row=("carrier_claims", 1))
    winner, loser = winner_and_loser(said)
    assert loser.err.startswith(f"错误：理赔 #1 刚被 {winner.seat} 修改了（"), loser
    assert "不能执行“提交货值说明”" in loser.err
    assert _count(ledger_target, AuditEvent.subject == "claim", AuditEvent.action == "submit_statement") == 1


def test_a_batch_from_two_seats_at_once_closes_each_case_once(ledger_target: str, tmp_path: Path) -> None:
    """`case act 1,2 close` and `case act 2,1 close`: each case closed once; a case the other seat closed first
    is one failed line naming that seat (exit 1: some cases of a batch failed)."""
    first, second = _new_case(ledger_target), _new_case(ledger_target)
    said = race(ledger_target, tmp_path, ("小王", ["case", "act", f"{first},{second}", "close"]),
                ("小李", ["case", "act", f"{second},{first}", "close"]))
    for one in said:
        assert one.code in (0, 1), said
        for line in one.err.splitlines():
            if "未执行“关闭”：" in line:
                assert "刚被 小王 修改了" in line or "刚被 小李 修改了" in line, said
    assert _count(ledger_target, AuditEvent.case_id.in_((first, second)), AuditEvent.action == "close") == 2


def test_notes_from_two_seats_at_once_are_both_kept(ledger_target: str, tmp_path: Path) -> None:
    case_id = _new_case(ledger_target)
    said = race(ledger_target, tmp_path, *[(seat, ["case", "note", str(case_id), f"{seat}的备注"]) for seat in SEATS],
                row=("cases", case_id))
    assert [s.code for s in said] == [0, 0], said
    assert _count(ledger_target, AuditEvent.case_id == case_id, AuditEvent.kind == "note") == 2


def test_one_after_sales_file_imported_from_two_seats_at_once_makes_each_case_once(
        ledger_target: str, tmp_path: Path) -> None:
    sample = FIXTURES / "aftersales" / "pdd_aftersales.csv"
    said = race(ledger_target, tmp_path, *[(seat, ["import-cases", str(sample)]) for seat in SEATS])
    assert [s.code for s in said] == [0, 0], said
    lines = sorted(s.out.strip() for s in said)
    assert "新建售后单 20，推进 0，未变 0" in lines[1] and "新建售后单 0，推进 0，未变 20" in lines[0], lines
    db = open_database(ledger_target)
    try:
        with db.reading() as s:
            assert s.scalar(select(func.count()).select_from(Case)) == 20
    finally:
        db.close()


@pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"), reason="no PostgreSQL for tests")
def test_two_seats_undoing_one_claim_at_once_take_back_one_step(pg_url: str, tmp_path: Path) -> None:
    """`claim undo 1` from two seats: each meant the last step (部分赔付); the second took back the one before it
    too (提交货值说明, another seat's step nobody asked to undo). Now the second is refused naming the first."""
    cli(pg_url, "import-orders", str(ORDERS))
    cli(pg_url, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    cli(pg_url, "claim", "act", "1", "submit_statement")
    cli(pg_url, "claim", "act", "1", "pay_partially", "--amount", "10", "--channel", "bank")
    # Neither seat took that step: each names it seen (--other-seat), as a seat undoing a colleague's step must.
    said = race(pg_url, tmp_path, *[(seat, ["claim", "undo", "1", "--other-seat"]) for seat in SEATS],
                row=("carrier_claims", 1))
    winner, loser = winner_and_loser(said)
    assert winner.out.strip().startswith("#1 已撤销“部分赔付”")
    assert loser.err.startswith(f"错误：理赔 #1 刚被 {winner.seat} 修改了（现在是“已提交货值说明”）"), loser
    assert _count(pg_url, AuditEvent.subject == "claim", AuditEvent.kind == "undo") == 1


def test_case_undo_takes_back_the_step_it_found_not_the_one_before(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Another seat's `case undo` lands between this one's start and its write (two seats at once): it took
    back the step before too — here the case's start, a step of nobody's asking."""
    case_id = _new_case(ledger_target, kind="refund_only")
    cli(ledger_target, "case", "act", str(case_id), "start")
    cli(ledger_target, "case", "note", str(case_id), "已联系买家")
    cli(ledger_target, "case", "act", str(case_id), "escalate")
    capsys.readouterr()
    real = case_service.undo_last_step

    def after_another_seats_undo(db: object, *args: object, **kwargs: object) -> object:
        other = open_database(ledger_target)
        try:
            real(other, case_id, author="小王")  # 小王's undo of 平台介入 commits first
        finally:
            other.close()
        return real(db, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(case_service, "undo_last_step", after_another_seats_undo)
    code = run(["case", "undo", str(case_id), "--db", ledger_target])
    err = capsys.readouterr().err
    assert code == 2 and f"售后单 #{case_id} 刚被 小王 修改了（现在是“处理中”）" in err, err
    assert _count(ledger_target, AuditEvent.case_id == case_id, AuditEvent.kind == "undo") == 1


def test_a_refusal_names_no_seat_whose_change_left_the_state_as_it_was(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """小王 corrected the reason a moment ago; 小李's 退款 of a return not yet agreed is refused for the state alone:
    naming 小王 (刚被 小王 修改了（… 修改）) blamed a change that did not cause it."""
    case_id = _new_case(ledger_target, kind="return_refund")
    monkeypatch.setenv("AFTERSALES_LEDGER_SEAT", "小王")
    cli(ledger_target, "case", "edit", str(case_id), "--reason", "damaged")
    monkeypatch.setenv("AFTERSALES_LEDGER_SEAT", "小李")
    capsys.readouterr()
    assert run(["case", "act", str(case_id), "refund", "--amount", "20", "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：退货退款售后单当前状态为“待处理”，不能执行“退款”") and "小王" not in err, err


def _as_seat(monkeypatch: pytest.MonkeyPatch, seat: str) -> None:
    monkeypatch.setenv("AFTERSALES_LEDGER_SEAT", seat)


def test_an_undo_that_finds_another_seats_step_on_top_is_refused_naming_it(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """小李 started the case and runs `case undo` to take that back; 小王's 平台介入 committed just before the undo read
    the case (two seats at once: the undo's read a moment after the other commit): it took back 小王's step, one
    nobody at 小王's seat asked to undo, and said 已撤销“平台介入” as if that were what 小李 meant."""
    case_id = _new_case(ledger_target, kind="refund_only")
    _as_seat(monkeypatch, "小李")
    cli(ledger_target, "case", "act", str(case_id), "start")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "case", "act", str(case_id), "escalate")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["case", "undo", str(case_id), "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：售后单 #{case_id} 刚被 小王 修改了（"), err
    assert "平台介入）：最后一步是别的席位刚做的" in err, err
    assert "--other-seat" in err
    assert _count(ledger_target, AuditEvent.case_id == case_id, AuditEvent.kind == "undo") == 0
    # Seen and meant: named on the command, it is taken back.
    assert run(["case", "undo", str(case_id), "--other-seat", "--db", ledger_target]) == 0
    assert capsys.readouterr().out.strip() == f"#{case_id} 已撤销“平台介入” → 处理中"
    # 小李's own step on top: taken back without asking.
    _as_seat(monkeypatch, "小李")
    assert run(["case", "undo", str(case_id), "--db", ledger_target]) == 0
    assert capsys.readouterr().out.strip() == f"#{case_id} 已撤销“开始处理” → 待处理"


def test_an_undo_of_another_seats_step_from_long_ago_is_no_race(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A step a colleague took an hour ago is no race with this command: taken back as before."""
    case_id = _new_case(ledger_target, kind="refund_only")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "case", "act", str(case_id), "start")
    engine = create_engine(ledger_target if "://" in ledger_target else f"sqlite:///{ledger_target}",
                           poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_events SET recorded_at = recorded_at - INTERVAL '1 hour' "
                              "WHERE case_id = :id") if engine.dialect.name == "postgresql" else
                         text("UPDATE audit_events SET recorded_at = datetime(recorded_at, '-1 hour') "
                              "WHERE case_id = :id"), {"id": case_id})
    finally:
        engine.dispose()
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["case", "undo", str(case_id), "--db", ledger_target]) == 0, capsys.readouterr().err


def test_a_claim_undo_that_finds_another_seats_step_on_top_is_refused_naming_it(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli(ledger_target, "import-orders", str(ORDERS))
    cli(ledger_target, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    _as_seat(monkeypatch, "小李")
    cli(ledger_target, "claim", "act", "1", "submit_statement")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "claim", "act", "1", "pay_partially", "--amount", "10", "--channel", "bank")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["claim", "undo", "1", "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：理赔 #1 刚被 小王 修改了（") and "部分赔付）：最后一步是别的席位刚做的" in err, err
    assert _count(ledger_target, AuditEvent.subject == "claim", AuditEvent.kind == "undo") == 0


@pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"), reason="no PostgreSQL for tests")
def test_an_undo_beside_another_seats_step_never_takes_that_step_back(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`case undo` by 小李 and `case act … escalate` by 小王 at once, as testers run them: whichever goes first, 小王's
    平台介入 is never the step taken back; an undo that comes second is refused naming 小王 (exit 2)."""
    case_id = _new_case(pg_url, kind="refund_only")
    _as_seat(monkeypatch, "小李")
    cli(pg_url, "case", "act", str(case_id), "start")
    for _round in range(3):
        said = race(pg_url, tmp_path, ("小王", ["case", "act", str(case_id), "escalate"]),
                    ("小李", ["case", "undo", str(case_id)]))
        undo = said[1]
        assert undo.code in (0, 2), said
        if undo.code == 2:
            assert f"售后单 #{case_id} 刚被 小王 修改了（" in undo.err, said
        assert _count(pg_url, AuditEvent.case_id == case_id, AuditEvent.kind == "undo", AuditEvent.author == "小李",
                      AuditEvent.note.contains("平台介入")) == 0, said
        _as_seat(monkeypatch, "小王")
        if said[0].code == 0:
            cli(pg_url, "case", "undo", str(case_id))  # 小王 takes his own back for the next round
        _as_seat(monkeypatch, "小李")
        if undo.code == 0:
            cli(pg_url, "case", "act", str(case_id), "start")


def _ticket_number(target: str) -> str | None:
    db = open_database(target)
    try:
        with db.reading() as s:
            return s.scalar(select(CarrierClaim.ticket_no).where(CarrierClaim.id == 1))
    finally:
        db.close()


def test_a_ticket_number_another_seat_has_just_saved_is_not_written_over(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`claim ticket 1 --number …` from 小王 then 小李 seconds apart (小李's command read the claim after 小王's save
    had committed): 小李's number replaced 小王's without a word."""
    cli(ledger_target, "import-orders", str(ORDERS))
    cli(ledger_target, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "claim", "ticket", "1", "--number", "ZT-0001")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["claim", "ticket", "1", "--number", "ZT-0002", "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：理赔 #1 刚被 小王 修改了（") and "理赔单号：（空） → ZT-0001），本次未保存" in err, err
    assert "要改的理赔单号是别的席位刚改的" in err and "--other-seat" in err, err
    assert _ticket_number(ledger_target) == "ZT-0001"
    # A field 小王 did not touch is 小李's to fill; the same number again changes nothing and is no conflict.
    assert run(["claim", "ticket", "1", "--contact", "网点 王经理", "--number", "ZT-0001", "--db", ledger_target]) == 0
    # Seen and meant: named on the command, it is saved.
    assert run(["claim", "ticket", "1", "--number", "ZT-0002", "--other-seat", "--db", ledger_target]) == 0
    assert _ticket_number(ledger_target) == "ZT-0002"


@pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"), reason="no PostgreSQL for tests")
def test_ticket_details_from_two_seats_at_once_keep_the_first_and_name_it(pg_url: str, tmp_path: Path) -> None:
    """Two processes on PostgreSQL, as testers run them: whichever reads first, the second seat is refused naming
    the first (exit 2) and the first seat's value stays; main let both succeed in about half the rounds."""
    cli(pg_url, "import-orders", str(ORDERS))
    cli(pg_url, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    for field, values in (("--number", ("ZT-W", "ZT-L")), ("--contact", ("网点 王", "网点 李")),
                          ("--reported-at", ("2026-11-30 10:00", "2026-11-30 11:00"))):
        said = race(pg_url, tmp_path, *[(seat, ["claim", "ticket", "1", field, value])
                                        for seat, value in zip(SEATS, values, strict=True)])
        winner, loser = winner_and_loser(said)
        assert loser.err.startswith(f"错误：理赔 #1 刚被 {winner.seat} 修改了（"), said
        kept = values[SEATS.index(winner.seat)]
        assert kept.split()[-1] in winner.out, said


def _case_reason(target: str, case_id: int) -> str | None:
    db = open_database(target)
    try:
        with db.reading() as s:
            return s.scalar(select(Case.reason).where(Case.id == case_id))
    finally:
        db.close()


def test_a_case_reason_another_seat_has_just_saved_is_not_written_over(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`case edit N --reason …` from 小王 then 小李 seconds apart: 小李's command read the case after 小王's save had
    committed (its version check passed) and wrote its reason over 小王's without a word, as `claim ticket` did."""
    case_id = _new_case(ledger_target, "return_refund")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "case", "edit", str(case_id), "--reason", "wrong_item")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["case", "edit", str(case_id), "--reason", "damaged", "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：售后单 #{case_id} 刚被 小王 修改了（"), err
    assert "本次未保存：要改的原因是别的席位刚改的" in err and "--other-seat" in err, err
    assert _case_reason(ledger_target, case_id) == "wrong_item"
    # The request time 小王 left alone is 小李's to correct.
    assert run(["case", "edit", str(case_id), "--requested-at", "2026-11-01 10:00", "--db", ledger_target]) == 0
    # Seen and meant: named on the command, it is saved.
    assert run(["case", "edit", str(case_id), "--reason", "damaged", "--other-seat", "--db", ledger_target]) == 0
    assert _case_reason(ledger_target, case_id) == "damaged"


def test_a_claim_amount_another_seat_has_just_saved_is_not_written_over(
        ledger_target: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`claim edit 1 --amount …` from 小王 then 小李 seconds apart: 小李's amount replaced 小王's without a word."""
    cli(ledger_target, "import-orders", str(ORDERS))
    cli(ledger_target, "claim", "add", "--order", ORDER, "--incident", "lost", "--amount", "30")
    _as_seat(monkeypatch, "小王")
    cli(ledger_target, "claim", "edit", "1", "--amount", "45")
    _as_seat(monkeypatch, "小李")
    capsys.readouterr()
    assert run(["claim", "edit", "1", "--amount", "50", "--db", ledger_target]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：理赔 #1 刚被 小王 修改了（"), err
    assert "本次未保存：要改的申请金额是别的席位刚改的" in err and "--other-seat" in err, err
    # The declared value 小王 left alone is 小李's to set; named on the command, the amount is saved.
    assert run(["claim", "edit", "1", "--declared", "60", "--db", ledger_target]) == 0
    assert run(["claim", "edit", "1", "--amount", "50", "--other-seat", "--db", ledger_target]) == 0
    db = open_database(ledger_target)
    try:
        with db.reading() as s:
            assert s.scalar(select(CarrierClaim.claimed_fen).where(CarrierClaim.id == 1)) == 5000
    finally:
        db.close()
