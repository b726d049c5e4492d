"""What the Cases table lists: its filter and sort, as plain values (no SQL, no SQLAlchemy).

Apart from case_queries, which turns them into queries, so that the table and its first page
(store/first_page.py) can be set up before SQLAlchemy is imported (issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from desktop_app.core.invisible_marks import without_invisible


class OpenState(StrEnum):
    ALL = "all"
    OPEN = "open"
    # Open and not settled (core.lifecycle.IN_PROGRESS_STATUSES): an open case already refunded, reshipped …
    # waits only to be completed, and on a 双11 day such cases bury the ones that need a step.
    NEEDS_ACTION = "needs_action"
    CLOSED = "closed"


class CaseSort(StrEnum):
    PLATFORM = "platform"
    SHOP = "shop"
    ORDER_NO = "order_no"
    RECEIVER = "receiver"
    KIND = "kind"
    REASON = "reason"
    STATUS = "status"
    AMOUNT = "amount"
    RESPONSIBLE = "responsible"
    NEXT_DUE = "next_due"
    UPDATED = "updated"
    ID = "id"


@dataclass(frozen=True, slots=True)
class CaseFilter:
    search: str = ""
    platforms: frozenset[str] = field(default_factory=frozenset)
    shop_id: int | None = None
    kind: str | None = None
    status: str | None = None
    reason: str | None = None
    open_state: OpenState = OpenState.ALL
    order_id: int | None = None
    # Exactly these cases (an import summary's "新建 12" clicked), on top of the other conditions.
    case_ids: frozenset[int] | None = None
    # From a click on the 统计 tab: the responsible party and the period (requested in [from, before)); a
    # courier's line: its cases ("" those of orders without one); a product's: the cases of orders holding
    # it (its 商家编码, else its title: the products figure's key).
    responsible: str | None = None
    requested_from: datetime | None = None
    requested_before: datetime | None = None
    carrier: str | None = None
    product: str | None = None

    def __post_init__(self) -> None:
        # A name or number pasted with a zero-width space finds what it shows (core/invisible_marks.py).
        object.__setattr__(self, "search", without_invisible(self.search))


@dataclass(frozen=True, slots=True)
class CaseOrder:
    column: CaseSort = CaseSort.UPDATED
    descending: bool = True
