"""统计's 退款 counts what reached the buyer (issue 17): the platform's own refunds recorded by an
after-sales import, refunds kept through undo and reopening, the migration that marks the cases already
paid, and the dashboard's pass still reading its covering index alone."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aftersales_files import TB_HEADER, tb_row, write_csv
from alembic import command
from report_ledger import build
from sqlalchemy import func, select

import desktop_app.store.report_queries as report_queries
from desktop_app.core.clock import now, parse_moment
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services.case_costs import case_money
from desktop_app.services.case_import import import_cases
from desktop_app.services.cases import NewCase, act_on_case, open_case, undo_last_step
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.store.case_queries import case_events
from desktop_app.store.database import Database, alembic_config, open_database
from desktop_app.store.models import AuditEvent, Case
from desktop_app.store.raw_reads import driver_statement
from desktop_app.store.report_queries import ReportScope, case_groups
from tests.conftest import BACKENDS

NOVEMBER = parse_period("2026-11-01", "2026-11-30")


def _tmall(db: Database) -> tuple[Decimal, Decimal, Decimal]:
    money = build_report(db, NOVEMBER, Platform.TMALL).money
    return money.refunded, money.pending_refund, money.net_loss


def test_the_platforms_refunds_recorded_by_an_import_count_once_paid(db: Database, tmp_path: Path) -> None:
    """A 天猫 refund list: 退款成功 (paid by the shop or by the platform's automatic refund), a request still
    waiting, one the shop refused. Only the first left the shop; the waiting one counts once a later
    export says 退款成功."""
    build(db)
    assert _tmall(db) == (Decimal("100.00"), Decimal("0.00"), Decimal("50.00"))  # #3 of the report ledger
    rows = [TB_HEADER,
            tb_row("R-1", "T-9001", requested="2026-11-20 10:00:00"),
            tb_row("R-2", "T-9002", status="退款成功", requested="2026-11-21 10:00:00",
                   finished="2026-11-21 12:00:00"),
            tb_row("R-3", "T-9003", status="卖家拒绝退款", requested="2026-11-22 10:00:00",
                   finished="2026-11-22 12:00:00")]
    import_cases(db, [write_csv(tmp_path / "refunds.csv", rows)], platform="tmall")
    assert _tmall(db) == (Decimal("159.00"), Decimal("59.00"), Decimal("109.00"))
    later = [TB_HEADER, tb_row("R-1", "T-9001", status="退款成功", requested="2026-11-20 10:00:00",
                               finished="2026-11-23 10:00:00")]
    import_cases(db, [write_csv(tmp_path / "refunds_later.csv", later)], platform="tmall")
    assert _tmall(db) == (Decimal("218.00"), Decimal("0.00"), Decimal("168.00"))


def test_a_refund_the_platform_paid_on_a_refused_request_counts(db: Database, tmp_path: Path) -> None:
    """The shop refused (卖家拒绝退款), the buyer asked the platform, 客服介入 ruled for the buyer and the
    next export says 退款成功: the money left the shop though the ledger's case stays refused."""
    refused = [TB_HEADER, tb_row("R-7", "T-9007", status="卖家拒绝退款", requested="2026-11-22 10:00:00",
                                 finished="2026-11-22 12:00:00")]
    import_cases(db, [write_csv(tmp_path / "refused.csv", refused)], platform="tmall")
    assert _tmall(db) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    ruled = [TB_HEADER, tb_row("R-7", "T-9007", status="退款成功", requested="2026-11-22 10:00:00",
                               finished="2026-11-26 09:00:00", intervention="客服介入处理完毕")]
    first = import_cases(db, [write_csv(tmp_path / "ruled.csv", ruled)], platform="tmall").files[0]
    assert len(first.updated) == 1 and not first.conflicts
    assert _tmall(db) == (Decimal("59.00"), Decimal("0.00"), Decimal("59.00"))
    with db.reading() as s:
        case = s.execute(select(Case.id, Case.status)).one()
        paid = [e for e in case_events(s, case.id) if e.milestone == "refunded"]
    assert case.status == "rejected" and len(paid) == 1 and paid[0].note == "平台导出：退款成功"
    assert paid[0].at == parse_moment("2026-11-26 09:00").at  # when the platform finished it
    again = import_cases(db, [write_csv(tmp_path / "ruled.csv", ruled)], platform="tmall").files[0]
    assert len(again.unchanged) == 1  # recorded once
    assert _tmall(db) == (Decimal("59.00"), Decimal("0.00"), Decimal("59.00"))


def test_a_paid_refund_stays_counted_through_undo_and_reopening(db: Database) -> None:
    day = parse_moment("2026-11-03 10:00")
    case_id = open_case(db, NewCase(Platform.PDD, "261103-000000000001", CaseKind.REFUND_ONLY, CaseReason.LOST,
                                    refund_fen=4500, requested=day), author="测").case_id
    with db.reading() as s:
        assert case_money(s, case_id).net_loss == Decimal("0.00")  # asked for, not paid
    money = build_report(db, NOVEMBER).money
    assert (money.refunded, money.pending_refund, money.net_loss) == (Decimal("0.00"), Decimal("45.00"),
                                                                       Decimal("0.00"))
    act_on_case(db, case_id, CaseAction.REFUND, author="测")
    act_on_case(db, case_id, CaseAction.COMPLETE, author="测")
    undo_last_step(db, case_id, author="测")  # the completion is taken back, not the refund
    act_on_case(db, case_id, CaseAction.CLOSE, author="测")
    act_on_case(db, case_id, CaseAction.REOPEN, author="测")
    money = build_report(db, NOVEMBER).money
    assert (money.refunded, money.pending_refund, money.net_loss) == (Decimal("45.00"), Decimal("0.00"),
                                                                       Decimal("45.00"))
    with db.reading() as s:
        assert case_money(s, case_id).net_loss == Decimal("45.00")


def test_the_dashboard_pass_reads_its_covering_index_alone(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's figures are the same (the tests above)")
    build(db)
    seen: list[Any] = []
    real = report_queries.fetch_raw

    def recording(session: Any, statement: Any) -> list[Any]:
        seen.append(statement)
        return real(session, statement)

    monkeypatch.setattr(report_queries, "fetch_raw", recording)
    with db.reading() as s:
        case_groups(s, ReportScope(NOVEMBER.start, NOVEMBER.end), now())
        report_queries.top_products(s, ReportScope(NOVEMBER.start, NOVEMBER.end))
        connection = s.connection()
        plans = []
        for statement in seen:
            sql, params = driver_statement(connection.dialect, statement)
            plans.append(" ".join(str(row[-1]) for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql, params).all()))
    assert "COVERING INDEX ix_cases_report" in plans[0] and "TEMP B-TREE" not in plans[0], plans[0]
    assert "COVERING INDEX ix_cases_goods" in plans[1] and "TEMP B-TREE" not in plans[1], plans[1]


@pytest.mark.real_migrations
@pytest.mark.parametrize("server", BACKENDS)
def test_the_upgrade_marks_the_cases_whose_buyer_was_paid(server: str, tmp_path: Path,
                                                          request: pytest.FixtureRequest) -> None:
    target = str(tmp_path / "ledger.sqlite3") if server == "sqlite" else request.getfixturevalue("empty_server_db")
    db = open_database(target)
    ids = {}
    for name, kind, actions in (
            ("refunded", CaseKind.REFUND_ONLY, (CaseAction.REFUND, CaseAction.COMPLETE)),
            ("compensated", CaseKind.PARTIAL_REFUND, (CaseAction.COMPENSATE, CaseAction.CLOSE)),
            ("reopened", CaseKind.REFUND_ONLY, (CaseAction.REFUND, CaseAction.CLOSE, CaseAction.REOPEN)),
            ("waiting", CaseKind.REFUND_ONLY, ()),
            ("refused", CaseKind.REFUND_ONLY, (CaseAction.REJECT,)),
            ("closed", CaseKind.PARTIAL_REFUND, (CaseAction.CLOSE,))):
        ids[name] = open_case(db, NewCase(Platform.DOUYIN, f"69000000000000{len(ids):05d}", kind, CaseReason.DAMAGED,
                                          refund_fen=1000), author="测").case_id
        for action in actions:
            act_on_case(db, ids[name], action, author="测")
    with db.engine.begin() as conn:
        if server == "sqlite":
            conn.exec_driver_sql("ANALYZE")
        command.downgrade(alembic_config(conn), "0016_rules")
    db.close()
    db = open_database(target)
    with db.reading() as s:
        paid = dict(s.execute(select(Case.id, Case.paid_out)).all())
        events = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    db.close()
    assert {name for name, case_id in ids.items() if paid[case_id]} == {"refunded", "compensated", "reopened"}
    assert events >= 6 + 7  # the timelines survive the downgrade (a batch copy of cases would have cascaded)
    if server == "sqlite":
        with sqlite3.connect(target) as conn:
            analysed = {row[0] for row in conn.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases'")}
        assert {"ix_cases_report", "ix_cases_goods"} <= analysed


def test_a_reship_or_exchange_with_an_amount_is_not_a_refund_pending(db: Database) -> None:
    """待退款 is money open requests ask for: a reship sent (its amount typed with --amount) and an exchange
    waiting for the buyer's parcel ask for goods, and were counted in it (待退款 80.00 beside a 仅退款 of 10)."""
    day = parse_moment("2026-11-03 10:00")
    agreed = ((CaseAction.AGREE_RESHIP, day),)
    reship = open_case(db, NewCase(Platform.PDD, "261103-000000000011", CaseKind.RESHIP, refund_fen=5000,
                                   requested=day, actions=agreed), author="店主").case_id
    act_on_case(db, reship, CaseAction.SHIP_RESHIP, at=day, author="店主")
    open_case(db, NewCase(Platform.PDD, "261103-000000000012", CaseKind.EXCHANGE, refund_fen=3000, requested=day),
              author="店主")
    open_case(db, NewCase(Platform.PDD, "261103-000000000013", CaseKind.REFUND_ONLY, refund_fen=1000, requested=day),
              author="店主")
    money = build_report(db, NOVEMBER, Platform.PDD).money
    assert (money.pending_refund, money.refunded, money.net_loss) == (Decimal("10.00"), Decimal("0.00"),
                                                                     Decimal("0.00"))
