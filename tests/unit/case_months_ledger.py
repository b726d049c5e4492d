"""A year of cases of every kind for the 统计's per-month aggregate (`store/case_months.py`), and the one check every
writer's test makes: the aggregate equals a rebuild from the cases.

`build_year`: report_ledger's hand-computed November (every platform, money, a claim, timers met, missed, open and
overdue) plus, for every case kind, cases spread over 2026 — on every platform, with and without a reason and a
responsible party, in two shops and none, some paid, compensated or closed — so that a year holds whole months
and part-months, and 近 30 天 straddles November and December.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from report_ledger import build
from sqlalchemy import select

from desktop_app.core.clock import parse_moment
from desktop_app.core.lifecycle import CaseAction, CaseStatus, allowed_actions
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.store.case_months import rebuilt_case_months, stored_case_months
from desktop_app.store.database import Database
from desktop_app.store.models import Case, Order, Shop

MOMENT = datetime.fromisoformat("2026-12-02T12:00:00+08:00")
_REASONS = (None, *CaseReason)
_PARTIES = (None, *ResponsibleParty)
# (month, day) of each kind's cases: whole months, the edges of 今年 to the moment and of 近 30 天.
_DAYS = ((1, 1), (2, 14), (3, 31), (6, 1), (6, 30), (7, 15), (11, 2), (11, 3), (11, 30), (12, 1), (12, 2), (12, 20))


def order_no(platform: Platform, n: int) -> str:
    """A valid order number of `platform`, the n-th of this ledger."""
    if platform is Platform.PDD:
        return f"260601-{n:012d}"
    if platform is Platform.JD:
        return f"32{n:010d}"
    if platform is Platform.DOUYIN:
        return f"69{n:017d}"
    return f"42{n:017d}"


def build_year(db: Database) -> dict[str, int]:
    """The ledger; the case ids by name (report_ledger's) and the two shops' ids."""
    ids = build(db)
    platforms = list(Platform)
    n = 0
    opened: list[tuple[int, CaseKind, str]] = []
    for kind in CaseKind:
        for month, day in _DAYS:
            n += 1
            platform = platforms[n % len(platforms)]
            at = f"2026-{month:02d}-{day:02d} {n % 24:02d}:{n % 60:02d}"
            reason, party = _REASONS[n % len(_REASONS)], _PARTIES[(n // 3) % len(_PARTIES)]
            case_id = open_case(db, NewCase(
                platform=platform, order_no=order_no(platform, n), kind=kind, reason=reason,
                refund_fen=100 * n if n % 3 else None, compensation_fen=50 * n if n % 4 == 0 else None,
                responsible=party, requested=parse_moment(at)), author="测试").case_id
            opened.append((case_id, kind, at))
    for i, (case_id, kind, at) in enumerate(opened):
        wanted = (CaseAction.REFUND, CaseAction.COMPENSATE, CaseAction.CLOSE, None)[i % 4]
        if wanted is not None and wanted in allowed_actions(kind, CaseStatus.PENDING):
            act_on_case(db, case_id, wanted, at=parse_moment(at[:11] + "23:59"), author="测试")
    with db.transaction() as s:
        second = Shop(platform="pdd", name="小林家居pdd店")
        s.add(second)
        s.flush()
        ids["shop2"] = second.id
        orders = s.scalars(select(Order).where(Order.id.in_(select(Case.order_id).where(
            Case.id.in_([c for c, _k, _a in opened]))))).all()
        for k, order in enumerate(orders):
            order.shop_id = (ids["shop"], second.id, None)[k % 3]
        # Cases without a request time count by when they were recorded: one at an edge, one in a whole month.
        for k, created in enumerate(("2026-12-01 10:00", "2026-06-10 10:00", "2026-11-03 00:30")):
            s.add(Case(order_id=orders[k].id, platform=orders[k].platform, kind="refund_only", reason="lost",
                       status="pending", is_open=True, refund_fen=1234, requested_at=None,
                       created_at=parse_moment(created).at))
    return ids


def exact(db: Database) -> list[tuple[Any, ...]]:
    """The aggregate's rows, checked equal to the same figures computed again from the cases."""
    with db.reading() as s:
        kept, rebuilt = stored_case_months(s), rebuilt_case_months(s)
    assert kept == rebuilt
    return kept
