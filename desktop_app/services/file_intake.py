"""One import for whatever the shop drops on the window: order exports and after-sales exports mixed.

Each file is recognised by its header; order exports go first (so the requests of the same drop
find their orders imported), then the after-sales exports. Both keep their own result.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.io.case_import_results import CaseImportResult
from desktop_app.io.case_rows import recognise
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.import_results import ImportProgress, ImportResult
from desktop_app.services.case_import import import_case_steps
from desktop_app.services.order_import import import_steps
from desktop_app.store.database import Database


@dataclass(frozen=True, slots=True)
class IntakeResult:
    orders: ImportResult | None = None
    cases: CaseImportResult | None = None

    @property
    def results(self) -> tuple[ImportResult | CaseImportResult, ...]:
        return tuple(r for r in (self.orders, self.cases) if r is not None)

    @property
    def cancelled(self) -> bool:
        return any(r.cancelled for r in self.results)


IntakeRun = Generator[ImportProgress, None, IntakeResult]


def split_by_kind(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """(order exports and anything unrecognised, after-sales exports). A file no reader can open goes
    with the orders, whose import reports why it was refused."""
    orders: list[Path] = []
    cases: list[Path] = []
    for path in paths:
        try:
            is_case = recognise(path) is not None
        except OrderFileRefused:
            is_case = False
        (cases if is_case else orders).append(path)
    return orders, cases


def intake_steps(db: Database, paths: Sequence[Path], cancel: Callable[[], bool] | None = None,
                 profile_id: str | None = None, case_platform: str = "auto") -> IntakeRun:
    """Import every file; a saved column mapping (`profile_id`) reads them all as order sheets. The
    after-sales files are read as `case_platform`'s (import-cases --platform; "auto": by their header)."""
    orders, cases = (list(paths), []) if profile_id is not None else split_by_kind(paths)
    order_result = (yield from import_steps(db, orders, cancel=cancel, profile_id=profile_id)) if orders else None
    if order_result is not None and order_result.cancelled:
        return IntakeResult(order_result)
    case_result = (yield from import_case_steps(db, cases, platform=case_platform, cancel=cancel)) if cases else None
    return IntakeResult(order_result, case_result)
