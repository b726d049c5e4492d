"""Two seats pasting the same courier sheet (reship paste, 批量录入运单号) on one team ledger: the second one's lines
were checked before the first committed, then refused one by one as 格式错误 with the state's refusal (当前状态为
“已补发”，不能执行“补发已发出”), as if the sheet were malformed. Now read again once its cases are locked: the same
number is 已录入过 (skipped, nothing wrong), another number 已发出（另一运单号）."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind, Platform
from desktop_app.services import reship_paste
from desktop_app.services.cases import NewCase, act_on_case, open_case
from desktop_app.services.reship_paste import LineOutcome, bulk_ship
from desktop_app.store.database import Database, open_database

pytestmark = pytest.mark.skipif(not os.environ.get("AFTERSALES_TEST_PG_URL"),
                                reason="no PostgreSQL for tests (AFTERSALES_TEST_PG_URL)")
ORDERS = ("261203-781", "261203-782")


@pytest.fixture
def two_seats(pg_url: str) -> Iterator[tuple[Database, Database]]:
    first, second = open_database(pg_url, seat="小王"), open_database(pg_url, seat="小李")
    for order in ORDERS:
        case_id = open_case(first, NewCase(Platform.PDD, order, CaseKind.RESHIP), author="店主").case_id
        act_on_case(first, case_id, CaseAction.AGREE_RESHIP, author="店主")
    yield first, second
    first.close()
    second.close()


@pytest.mark.parametrize(("theirs", "expected"), [
    ("YT1000000001", LineOutcome.ALREADY), ("ZT2000000009", LineOutcome.CONFLICT)])
def test_a_paste_whose_reships_another_seat_shipped_meanwhile_says_so_per_line(
        two_seats: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, theirs: str,
        expected: LineOutcome) -> None:
    first, second = two_seats
    real = reship_paste.lock_if_shared

    def after_the_other_seat(*args: Any) -> None:  # 小李's paste commits between 小王's check and his lock
        monkeypatch.setattr(reship_paste, "lock_if_shared", real)
        assert bulk_ship(second, f"{ORDERS[0]},{theirs}", "圆通速递", author="小李").shipped == 1
        real(*args)

    monkeypatch.setattr(reship_paste, "lock_if_shared", after_the_other_seat)
    report = bulk_ship(first, f"{ORDERS[0]},YT1000000001\n{ORDERS[1]},YT1000000002", "圆通速递", author="小王")
    assert [line.outcome for line in report.lines] == [expected, LineOutcome.SHIPPED], report.lines
    assert report.shipped == 1
