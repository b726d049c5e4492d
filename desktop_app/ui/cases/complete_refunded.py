"""完成已退款的…: every open 已退款 case the Cases tab's filter lists, completed in one batch.

On a 双11 day the cases the platform has refunded already wait only for the shop to complete them, and
selecting them in the table is slow and partial (a paged table's rows not yet loaded are not selected
cases). The batch dialog (ui/cases/bulk_dialog) takes them all from the ledger, with 完成 chosen: it says
what will happen before 执行, runs case by case, lists each result, and 编辑 → 撤销 takes the batch back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from desktop_app.core.lifecycle import CaseAction, CaseStatus
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.bulk import MAX_BULK
from desktop_app.store.case_filters import CaseFilter, OpenState
from desktop_app.store.case_queries import listed_case_states
from desktop_app.ui.cases.bulk_dialog import BulkActionDialog, SelectedCase
from desktop_app.ui.context import AppContext


def _tr(text: str) -> str:
    return QCoreApplication.translate("CasesTab", text)  # the tab's texts (its button says 完成已退款的…)


def refunded_in(f: CaseFilter) -> CaseFilter:
    """The open 已退款 cases among those `f` lists whatever its own status and open state (its platform,
    shop, kind, search … kept)."""
    return replace(f, status=CaseStatus.REFUNDED.value, open_state=OpenState.OPEN)


def refunded_cases(session: Session, f: CaseFilter) -> list[SelectedCase]:
    """Those cases, the oldest MAX_BULK of them (a batch's most)."""
    return [SelectedCase(case_id, CaseKind(kind), CaseStatus(status))
            for case_id, kind, status in listed_case_states(session, refunded_in(f), MAX_BULK)]


class CompleteRefundedDialog(BulkActionDialog):
    """The batch dialog with 完成 chosen (the button that opened it said so); 执行 still runs it."""

    def _preselected(self) -> object:
        return CaseAction.COMPLETE.value


def complete_refunded(context: AppContext, f: CaseFilter, parent: QWidget,
                      open_batch: Callable[[BulkActionDialog], object], say: Callable[[str], None]) -> None:
    """Read the open 已退款 cases `f` lists and open the batch dialog on them (`open_batch` shows it and
    offers Ctrl+Z afterwards, as for a selection); none: `say` so."""
    def show(cases: list[SelectedCase]) -> None:
        if cases:
            open_batch(CompleteRefundedDialog(context, cases, parent))
        else:
            say(_tr("当前列表中没有已退款、待完成的售后单"))

    context.look_up(lambda session: refunded_cases(session, f), show, waiting=True)
