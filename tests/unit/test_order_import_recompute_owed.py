"""An order import whose recompute of the open cases failed after its orders had committed (the team server's
connection cut by pg_terminate_backend, a server restarted, a NAS asleep): the seat was told nothing was saved and to
do it again, but the orders were stored, the case whose order had just been signed for kept the deadlines of before
(its 售后期 not counted), and the import done again — on that seat or another — found every order unchanged and
recomputed nothing. The recompute is now owed with the orders and done by the next import even when its file changes
nothing. On SQLite and on PostgreSQL (there the seat's own backend is terminated in the middle)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from desktop_app.core.clock import Moment, now
from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform
from desktop_app.services import order_import
from desktop_app.services.cases import NewCase, open_case
from desktop_app.services.deadlines import recompute_all
from desktop_app.services.order_import import import_files
from desktop_app.store.database import Database, open_database
from desktop_app.store.models import Deadline

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "pdd_orders.csv"
ORDER = "261101-103283030276851"


def _signed_export(folder: Path) -> Path:
    """The sample's first 拼多多 order, now signed for (确认收货时间)."""
    with SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        header, row, *_ = csv.reader(handle)
    row = [*row]
    row[header.index("订单号")], row[header.index("订单状态")] = ORDER, "已签收"
    row[header.index("确认收货时间")] = "2026-11-05 10:00:00"
    path = folder / "拼多多订单-已签收.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, row])
    return path


def _deadlines(db: Database, case_id: int) -> list[tuple[str, str, object]]:
    with db.reading() as s:
        rows = s.scalars(select(Deadline).where(Deadline.case_id == case_id))
        return sorted((d.name, d.status, d.due_at) for d in rows)


def test_an_import_whose_recompute_was_cut_is_recomputed_by_the_next_import(
        ledger_target: str, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine, other = open_database(ledger_target, seat="小王"), open_database(ledger_target, seat="小李")
    try:
        case_id = open_case(mine, NewCase(platform=Platform.PDD, order_no=ORDER, kind=CaseKind.REFUND_ONLY,
                                          reason=CaseReason.SIGNED_NOT_RECEIVED, requested=Moment(now()))).case_id
        export = _signed_export(tmp_path)
        real = order_import.recompute_open_cases

        def cut(session: Session) -> int:
            if backend == "sqlite":
                raise RuntimeError("the recompute failed")
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            admin = create_engine(ledger_target, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.dispose()
            return real(session)

        monkeypatch.setattr(order_import, "recompute_open_cases", cut)
        with pytest.raises(Exception):  # noqa: B017  (what the seat is told: test_team_server)
            import_files(mine, [export])
        monkeypatch.setattr(order_import, "recompute_open_cases", real)
        again = import_files(other, [export])  # the same file again, at another seat
        assert (again.inserted, again.updated) == (0, 0)  # the orders were stored the first time
        after = _deadlines(mine, case_id)
        assert any(name.startswith("售后期") for name, _status, _due in after), after  # signed: its 售后期 counted
        recompute_all(mine)
        assert _deadlines(mine, case_id) == after  # nothing left for a full recompute to change
    finally:
        other.close()
        mine.close()
