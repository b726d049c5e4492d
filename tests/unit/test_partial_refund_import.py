"""A 淘宝 部分退款 the platform reports 退款成功: the partial refund was paid, so the case ends 已补偿 and its
money counts in 统计's 补偿买家 and the net loss (the lifecycle settles a partial refund by 已补偿, never 退款)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from aftersales_files import TB_HEADER, tb_row, write_csv
from sqlalchemy import select

from desktop_app.core.case_intake import StatusTarget, plan_progress
from desktop_app.core.lifecycle import CaseAction as A
from desktop_app.core.lifecycle import CaseStatus as S
from desktop_app.core.vocabulary import CaseKind as K
from desktop_app.core.vocabulary import Platform
from desktop_app.services.case_import import import_cases
from desktop_app.services.report import build_report
from desktop_app.services.report_figures import parse_period
from desktop_app.store.database import Database
from desktop_app.store.models import Case


def test_a_partial_refunds_success_is_its_compensation() -> None:
    succeeded = StatusTarget("refunded")
    assert succeeded.resolve(K.PARTIAL_REFUND) is S.COMPENSATED
    assert plan_progress(K.PARTIAL_REFUND, S.PENDING, frozenset(), succeeded).actions == (A.COMPENSATE,)
    assert succeeded.resolve(K.REFUND_ONLY) is S.REFUNDED and succeeded.resolve(K.DISPUTE) is S.REFUNDED


def test_an_imported_partial_refund_paid_counts_as_paid(db: Database, tmp_path: Path) -> None:
    """Before: the request stayed 待处理 whatever the exports said; new, 12.00 counted as 待退款 and not in the
    net loss; advanced by a later export, the case was paid yet still 待处理 (its 15.00 in 补偿买家 beside an
    open case the shop had nothing left to do on)."""
    def export(name: str, *rows: list[str]) -> None:
        import_cases(db, [write_csv(tmp_path / f"{name}.csv", [TB_HEADER, *rows])], platform="taobao")

    export("first", tb_row("R-1", "T-1", scope="部分退款", status="退款成功", amount="12.00",
                           finished="2026-11-21 10:00:00"),
           tb_row("R-2", "T-2", scope="部分退款", amount="15.00"))
    export("later", tb_row("R-2", "T-2", scope="部分退款", status="退款成功", amount="15.00",
                           finished="2026-11-22 10:00:00"))
    with db.reading() as s:
        cases = s.execute(select(Case.kind, Case.status, Case.paid_out).order_by(Case.id)).all()
    assert [tuple(c) for c in cases] == [("partial_refund", "compensated", True)] * 2
    money = build_report(db, parse_period("2026-11-01", "2026-11-30"), Platform.TAOBAO).money
    assert (money.compensated, money.pending_refund, money.net_loss) == (Decimal("27.00"), Decimal("0.00"),
                                                                        Decimal("27.00"))
