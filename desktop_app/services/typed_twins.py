"""A platform's request that may be a case the shop already typed in by hand.

Before a shop imports its platforms' after-sales lists it records requests by hand, without the
platform's after-sales number; the export then brings the same request as a new case, and the typed
one stays open with its own (often later) timers, counted twice in 统计. Which of the two holds the
truth is the shop's call (its notes and reships are on the typed one, the platform's times on the
new one), so the import merges nothing: it names the pairs of one order and one kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.case_intake import CaseRecord
from desktop_app.core.vocabulary import order_key
from desktop_app.store.intake_queries import typed_open_cases


@dataclass(frozen=True, slots=True)
class TypedTwin:
    case_id: int  # the new case from the platform's list
    typed_case_id: int  # the open case the shop typed in for the same order and kind
    message: str


def typed_twins(session: Session, records: Mapping[str, CaseRecord], inserted: Mapping[str, int],
                orders: Mapping[str, int]) -> list[TypedTwin]:
    """The new cases (key → id) that share order and kind with an open case typed without a platform
    number; each typed case is named once, beside the first such new case."""
    order_of = {key: orders[order_key(records[key].platform, records[key].order_no)] for key in inserted}
    typed = typed_open_cases(session, order_of.values())
    if not typed:
        return []
    named: set[int] = set()
    twins: list[TypedTwin] = []
    for key, case_id in sorted(inserted.items(), key=lambda item: item[1]):
        record = records[key]
        match = next((typed_id for typed_id, kind in typed.get(order_of[key], ())
                      if kind == record.kind.value and typed_id not in named), None)
        if match is None:
            continue
        named.add(match)
        twins.append(TypedTwin(case_id, match, msg.say(
            msg.TYPED_TWIN, record.row, record.platform_case_no, case_id, match, record.order_no, record.kind.label)))
    return twins
