"""The 统计's large reads hand their rows over in one piece on SQLite (issue 17, session 26): each is one step
of SQLite and one row for the driver, so the two reading threads do not hand the GIL to each other at every
row; the rows, their values and their order are those the row-by-row read gave, on both backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import penalty_ledger
import pytest
import report_ledger

import desktop_app.store.penalty_queries as penalty_queries
import desktop_app.store.raw_reads as raw_reads
import desktop_app.store.report_claims as report_claims
import desktop_app.store.report_queries as report_queries
from desktop_app.core.claims import ClaimIncident
from desktop_app.core.clock import now, parse_moment
from desktop_app.services.claims import NewClaim, open_claim
from desktop_app.services.report import parse_period
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, OrderItem
from desktop_app.store.report_queries import ReportScope

NOVEMBER = parse_period("2026-11-01", "2026-11-30")
SCOPE = ReportScope(NOVEMBER.start, NOVEMBER.end)

# Each read, the module it takes `fetch_whole` from, and how it is called.
READS: dict[str, tuple[Any, Callable[[Any], list[Any]]]] = {
    "case groups": (report_queries, lambda s: report_queries.case_group_rows(s, SCOPE, now())),
    "goods": (report_queries, lambda s: report_queries.goods_rows(s, SCOPE)),
    "claims": (report_claims, lambda s: report_claims.claim_rows(s, SCOPE, now())),
    "penalties": (penalty_queries, lambda s: penalty_queries.period_penalty_rows(s, SCOPE, now())),
}


def _build(db: Database, name: str) -> None:
    """A hand-computed ledger with several rows for the read: the report's, with a second product and claim
    (on the damaged 拼多多 case), or the penalties'."""
    if name == "penalties":
        penalty_ledger.build(db)
        return
    ids = report_ledger.build(db)
    with db.transaction() as s:
        order = s.get_one(Order, s.get_one(Case, ids["c4"]).order_id)
        order.items.append(OrderItem(position=0, title="玻璃杯", sku_code="GL-02", quantity=1))
    open_claim(db, NewClaim(incident=ClaimIncident.DAMAGED, case_id=ids["c4"], claimed_fen=500,
                            at=parse_moment("2026-11-13 09:00")), author="测试")


@pytest.mark.parametrize("name", READS)
def test_a_large_read_comes_in_one_piece_with_the_rows_of_a_read_by_rows(
        db: Database, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(db, name)
    module, read = READS[name]
    fetched: list[int] = []  # rows the driver handed over, per statement
    real_fetch = raw_reads.fetch_raw

    def counting(session: Any, statement: Any) -> list[Any]:
        rows = real_fetch(session, statement)
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(raw_reads, "fetch_raw", counting)
    with db.reading() as s:
        whole = read(s)
        with monkeypatch.context() as by_rows:
            by_rows.setattr(module, "fetch_whole", real_fetch)
            rows = read(s)
    assert len(rows) >= 2, "the ledger gives this read several rows"
    assert [list(row) for row in whole] == [list(row) for row in rows]
    if db.engine.dialect.name == "sqlite":
        assert fetched[0] == 1, "SQLite handed the rows over one by one"
