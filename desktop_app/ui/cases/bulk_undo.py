"""A bulk step and 编辑 → 撤销: said in the 批量操作 dialog before the click (one undo takes back the whole
batch, or why it cannot), and the batch the menu offers afterwards ("撤销：批量关闭 30 单").

What can be undone is the services' choice (`services.bulk`: each case's result names the step an undo
would take back); the dialog's warning is read from the same rules (`core.case_undo.lasting`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from desktop_app.core.case_undo import lasting
from desktop_app.core.lifecycle import CaseAction
from desktop_app.core.vocabulary import CaseKind
from desktop_app.services.bulk import CaseResult
from desktop_app.ui import labels

NOTE, RESPONSIBLE, KIND = "note", "responsible", "kind"  # the dialog's choices that are not case actions


def _tr(text: str) -> str:
    return QCoreApplication.translate("BulkUndo", text)


def cannot_undo(key: object, action: CaseAction | None, kinds: Sequence[CaseKind]) -> tuple[int, str | None]:
    """How many of the cases the choice could not be undone on afterwards, and why (None: all can be)."""
    if key == RESPONSIBLE:
        return len(kinds), _tr("修改责任方不能撤销，需要时请再批量指定")
    if key == KIND:
        return len(kinds), _tr("更改售后类型不能撤销，需要时请再批量更改")
    if action is None:
        return 0, None
    reasons = [why for kind in kinds if (why := lasting(kind, action)) is not None]
    return len(reasons), labels.text(reasons[0]) if reasons else None


def undo_note(key: object, action: CaseAction | None, kinds: Sequence[CaseKind]) -> str:
    """The dialog's line about undo before the click ('' for a choice that writes nothing)."""
    if key is None or (action is None and key not in (NOTE, RESPONSIBLE, KIND)):
        return ""
    count, why = cannot_undo(key, action, kinds)
    if why is None:
        return _tr("执行后可以用 编辑 → 撤销（Ctrl+Z）一次撤销整批")
    if count < len(kinds):
        return _tr("其中 %1 张执行后不能撤销：%2；其余可以用 编辑 → 撤销（Ctrl+Z）一次撤销").replace(
            "%1", str(count)).replace("%2", why)
    return _tr("执行后不能撤销：%1").replace("%1", why)


@dataclass(frozen=True, slots=True)
class Batch:
    """A bulk step just taken in this window: what the undo menu names, and each case's step to take back."""

    title: str  # 批量关闭
    steps: tuple[tuple[int, int], ...]  # (case, the step an undo takes back)
    done: int  # cases the step went through on
    why_not: str | None  # why the others (or all) cannot be undone
    origin: object  # the dialog that wrote it (its write does not end the offer)


def batch_of(choice_text: str, key: object, action: CaseAction | None, kinds: Sequence[CaseKind],
             results: Sequence[CaseResult], origin: object) -> Batch | None:
    """The batch to offer for undo after the dialog ran; None when no case went through."""
    done = [r for r in results if r.ok]
    if not done:
        return None
    steps = tuple((r.case_id, r.undo_event) for r in done if r.undo_event is not None)
    why = cannot_undo(key, action, kinds)[1] if len(steps) < len(done) else None
    if len(steps) < len(done) and why is None:
        why = _tr("这些售后单的最后一步已不是这次批量操作")
    return Batch(_tr("批量%1").replace("%1", choice_text), steps, len(done), why, origin)
