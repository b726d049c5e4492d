"""The detail pane's money lines of a case (issues 13 item 9, 17): each platform penalty at stake or fallen
due, the penalty its net loss counts and where it comes from, and the net loss (`services.case_costs`)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from desktop_app.core.case_costs import penalty_fell_due
from desktop_app.core.money import format_yuan
from desktop_app.services.case_costs import CaseMoney
from desktop_app.store.rows import CaseDetail
from desktop_app.ui import labels


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseMoneyRows", text)


def money_rows(d: CaseDetail, money: CaseMoney, moment: datetime) -> list[tuple[str, str]]:
    """(name, value) lines, translated: a penalty at stake says by when; one that fell due (missed, or open
    past due at `moment`) says it is owed; a penalty recorded by hand replaces the timers' in the net loss."""
    rows = []
    for p in d.penalties:
        when = (_tr("已超时（%1）").replace("%1", labels.when(p.due_at)) if penalty_fell_due(p.status, p.due_at, moment)
                else _tr("%1 前未完成").replace("%1", labels.when(p.due_at)))
        if p.penalty_fen is None:  # a share of an order not imported: the name says the cap
            owed = _tr("%1：%2须赔付，金额未知（订单未导入）")
        else:
            owed = _tr("%1：%2须赔付 %3 元").replace("%3", format_yuan(p.penalty_fen))
        rows.append((_tr("赔付"), owed.replace("%1", labels.text(p.name)).replace("%2", when)))
    recorded = money.costs.penalty_fen
    if recorded is not None:
        text = _tr("%1 元（手工登记）").replace("%1", format_yuan(recorded))
        if money.timers_penalty:
            text += _tr("；时限超时按规则为 %1 元，不重复计入").replace("%1", f"{money.timers_penalty:,.2f}")
        rows.append((_tr("平台处罚"), text))
    elif money.timers_penalty:
        rows.append((_tr("平台处罚"), _tr("%1 元（时限超时，按平台规则计入）").replace(
            "%1", f"{money.timers_penalty:,.2f}")))
    rows.append((_tr("净损失"), _tr("%1 元").replace("%1", f"{money.net_loss:,.2f}")))
    return rows
