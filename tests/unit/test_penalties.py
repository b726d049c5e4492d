"""A missed timer's platform penalty counts by itself (issues 13 item 9, 17; session 22): in the case's cost and net
loss, the reship queue, the 统计 money and `report --json`, the xlsx export — by the period its deadline fell due,
once per case (a penalty recorded by hand replaces the timers'), and gone when a corrected time meets the deadline.
Figures from the hand-computed ledger of penalty_ledger.py."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from penalty_ledger import NOVEMBER_MONEY, NOVEMBER_MONEY_CORRECTED, build, correct_f
from sqlalchemy import select

from desktop_app.cli import run
from desktop_app.core.case_costs import CaseCosts, net_loss_fen, penalty_fell_due
from desktop_app.core.clock import Moment, now, parse_moment
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import reships
from desktop_app.services.case_costs import case_money
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.services.reship_queue import reship_row
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.penalty_queries import period_penalty_rows, period_penalty_statement, period_unknown_statement
from desktop_app.store.raw_reads import driver_statement
from desktop_app.store.report_queries import ReportScope

NOVEMBER = parse_period("2026-11-01", "2026-11-30")
DECEMBER = parse_period("2026-12-01", "2026-12-31")


@pytest.fixture
def ledger(db: Database) -> dict[str, int]:
    return build(db)


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert run([*args, "--json"]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_the_fell_due_rule() -> None:
    moment = parse_moment("2026-11-20 12:00").at
    due = parse_moment("2026-11-20 10:00").at
    assert penalty_fell_due("missed", due, moment) and penalty_fell_due("open", due, moment)
    assert not penalty_fell_due("open", moment + timedelta(minutes=1), moment)  # still running: at stake only
    assert not penalty_fell_due("met", due, moment)
    # A recorded penalty (0 included: "the platform took nothing") replaces the timers'.
    assert net_loss_fen(CaseKind.RESHIP, None, None, CaseCosts(), paid_out=False, timers_penalty_fen=300) == 300
    assert net_loss_fen(CaseKind.RESHIP, None, None, CaseCosts(penalty_fen=500), paid_out=False,
                        timers_penalty_fen=300) == 500
    assert net_loss_fen(CaseKind.RESHIP, None, None, CaseCosts(penalty_fen=0), paid_out=False,
                        timers_penalty_fen=300) == 0


def test_the_statistics_count_the_timers_penalties_by_when_they_fell_due(db: Database,
                                                                          ledger: dict[str, int]) -> None:
    report = build_report(db, NOVEMBER)
    money = report.money.as_strings()
    assert {k: money[k] for k in NOVEMBER_MONEY} == NOVEMBER_MONEY
    # 3.00 (A) + 9.95 (B) + 30.00 (C, capped) + 15.00 (F) by the rules; E's recorded 5.00 instead of its 3.00.
    assert (report.money.penalties_recorded, report.money.penalties_timers) == (Decimal("5.00"), Decimal("57.95"))
    assert (report.timer_penalised_cases, report.penalised_cases) == (4, 5)
    assert any("57.95 元（4 张售后单，按时限到期日计入期间" in note for note in report.notes)
    # D's request is November's, its penalty December's: counted there, where it has no case.
    december = build_report(db, DECEMBER)
    assert (december.cases, december.money.penalties, december.money.net_loss) == (0, 25, 25)


def test_a_deadline_met_by_a_corrected_time_drops_its_penalty(db: Database, ledger: dict[str, int]) -> None:
    with db.reading() as s:
        assert case_money(s, ledger["F"]).timers_penalty == 15
    correct_f(db, ledger["F"])
    money = build_report(db, NOVEMBER).money.as_strings()
    assert {k: money[k] for k in NOVEMBER_MONEY_CORRECTED} == NOVEMBER_MONEY_CORRECTED
    with db.reading() as s:
        f = case_money(s, ledger["F"])
    assert (f.timers_penalty, f.penalty_counted, f.net_loss) == (0, 0, 0)


@pytest.mark.parametrize(("platform", "penalties", "recorded", "timers"), [
    ("douyin", "8.00", "5.00", "3.00"), ("taobao", "54.95", "0.00", "54.95"), ("tmall", "0.00", "0.00", "0.00"),
])
def test_per_platform_in_the_cli_contract(db: Database, ledger: dict[str, int], ledger_target: str,
                                          capsys: pytest.CaptureFixture[str], platform: str, penalties: str,
                                          recorded: str, timers: str) -> None:
    data = cli_json(capsys, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--platform", platform,
                    "--db", ledger_target)
    money = data["money"]
    assert isinstance(money, dict)
    assert list(money) == ["refunded", "compensated", "postage", "written_off", "penalties", "claimed", "received",
                           "outstanding", "net_loss", "pending_refund"]  # the keys as they were
    assert money["penalties"] == penalties
    assert data["penalties"] == {"recorded": recorded, "timers": timers,
                                 "timer_cases": {"douyin": 1, "taobao": 3, "tmall": 0}[platform], "unknown_cases": 0}


def test_the_case_cost_counts_its_timers_penalty_once(db: Database, ledger: dict[str, int], ledger_target: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    c = cli_json(capsys, "costs", str(ledger["C"]), "--db", ledger_target)
    assert (c["penalty"], c["penalty_timers"], c["penalty_counted"], c["net_loss"]) == (None, "30.00", "30.00",
                                                                                       "30.00")
    e = cli_json(capsys, "costs", str(ledger["E"]), "--db", ledger_target)
    assert (e["penalty"], e["penalty_timers"], e["penalty_counted"], e["net_loss"]) == ("5.00", "3.00", "5.00",
                                                                                       "5.00")
    order = e["order"]
    assert isinstance(order, dict) and order["net_loss"] == "5.00"
    b = cli_json(capsys, "costs", str(ledger["B"]), "--db", ledger_target)
    assert (b["penalty_timers"], b["net_loss"]) == ("9.95", "208.95")  # the refund paid + 9.95
    assert run(["case", "show", str(ledger["A"]), "--db", ledger_target]) == 0
    out = capsys.readouterr().out
    assert "已超时（2026-11-12 12:00）须赔付 3.00 元" in out
    assert "平台处罚 3.00（时限超时，按平台规则计入）" in out and "净损失 3.00" in out
    assert run(["case", "show", str(ledger["E"]), "--db", ledger_target]) == 0
    assert "平台处罚 5.00（手工登记；时限超时按规则为 3.00，不重复计入）" in capsys.readouterr().out
    shown = cli_json(capsys, "case", "show", str(ledger["C"]), "--db", ledger_target)
    [penalty] = shown["penalties"]  # type: ignore[misc]
    assert (penalty["penalty_yuan"], penalty["status"], penalty["fell_due"]) == ("30.00", "open", True)


def test_a_penalty_still_running_is_at_stake_not_counted(db: Database, ledger_target: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    at = now()
    case_id = open_case(db, NewCase(Platform.DOUYIN, "6900000000000019999", CaseKind.RESHIP, CaseReason.MISSING_ITEM,
                                    requested=Moment(at - timedelta(hours=2))), author="测试").case_id
    reships.agree(db, case_id, at=Moment(at - timedelta(hours=1)), author="测试")  # 47 h left
    with db.reading() as s:
        money = case_money(s, case_id)
        row = reship_row(s, case_id)
    assert (money.timers_penalty, money.net_loss) == (0, 0)
    assert row.penalty_fen == 300 and not row.penalty_fell_due(at)
    assert row.penalty_fell_due(at + timedelta(hours=48))  # once its 48 h ran out unshipped
    assert run(["case", "show", str(case_id), "--db", ledger_target]) == 0
    assert "前未完成须赔付 3.00 元" in capsys.readouterr().out


def test_the_reship_queue_says_which_penalties_are_owed(db: Database, ledger: dict[str, int], ledger_target: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["reship", "list", "--all", "--json", "--db", ledger_target]) == 0
    rows = {r["case"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows[ledger["A"]]["penalty_yuan"], rows[ledger["A"]]["penalty_owed"]) == ("3.00", True)
    assert rows[ledger["E"]]["penalty_owed"] is True


def test_the_xlsx_export_carries_the_figure_and_the_note(db: Database, ledger: dict[str, int], ledger_target: str,
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "统计.xlsx"
    assert run(["report", "--from", "2026-11-01", "--to", "2026-11-30", "--xlsx", str(target),
                "--db", ledger_target]) == 0
    capsys.readouterr()
    sheet = load_workbook(target)["概览"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert float(str(values["平台处罚"])) == 62.95 and float(str(values["净损失"])) == 261.95
    notes = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "注"]
    assert any("按时限到期日计入期间" in str(note) for note in notes)


def test_the_period_read_uses_the_penalties_index_alone(db: Database, ledger: dict[str, int]) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    scope = ReportScope(NOVEMBER.start, NOVEMBER.end)
    with db.reading() as s:
        assert sum(r[2] for r in period_penalty_rows(s, scope, now())) == 5795
        sql, params = driver_statement(s.connection().dialect, period_penalty_statement(scope, now()))
        cursor = s.connection().connection.cursor()
        plan = " ".join(str(r) for r in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "USING COVERING INDEX ix_deadlines_penalties" in plan, plan  # no statistics: as most ledgers are


def test_the_count_of_unknown_amounts_reads_its_own_index(db: Database, ledger: dict[str, int]) -> None:
    """A year's count of penalties of unknown amount walked every missed and open deadline of the year for its name
    (≈ 110 ms at 100,000 cases, on the 统计's critical path); its partial index answers it."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    scope = ReportScope(NOVEMBER.start, NOVEMBER.end)
    with db.reading() as s:
        sql, params = driver_statement(s.connection().dialect, period_unknown_statement(scope, now()))
        cursor = s.connection().connection.cursor()
        plan = " ".join(str(r) for r in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "USING INDEX ix_deadlines_unknown_penalties" in plan, plan


def test_a_products_net_loss_holds_its_cases_penalties(db: Database, ledger: dict[str, int]) -> None:
    with db.transaction() as s:  # C's order holds one product (an import's order line)
        order = s.scalars(select(Order).join(Case, Case.order_id == Order.id).where(Case.id == ledger["C"])).one()
        order.items.append(OrderItem(position=0, title="陶瓷马克杯", sku_code="CUP-01", quantity=1))
    [product] = build_report(db, NOVEMBER).products
    assert (product.key, product.cases, product.net_loss) == ("CUP-01", 1, Decimal("30.00"))  # C's cost: its 30.00
