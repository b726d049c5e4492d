"""What the claim detail pane's text area shows: the next step on the escalation path (what to do,
by or from when, whom to contact, the documents it needs and which the ledger already holds), then
the order, amounts, payouts and ticket of the claim."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QCoreApplication

from desktop_app.core.claim_escalation import DeadlineKind, NextStep
from desktop_app.core.claims import ClaimContactLevel, PayoutChannel
from desktop_app.core.money import format_yuan
from desktop_app.store.claim_rows import ClaimDetail
from desktop_app.store.rows import OrderRow
from desktop_app.ui import labels
from desktop_app.ui.widgets.status_colours import shade, urgency


def _tr(text: str) -> str:
    return QCoreApplication.translate("ClaimDetailPane", text)


def step_deadline(step: NextStep) -> str:
    """'截止 …' or '… 起可办理' (the core's `deadline_text`, in the window's language)."""
    text = _tr("截止 %1") if step.step.kind is DeadlineKind.BY else _tr("%1 起可办理")
    return text.replace("%1", labels.when(step.due_at))


def next_step_html(d: ClaimDetail, moment: datetime) -> str:
    """The next step with its deadline coloured like every deadline in the app (red: passed), and its
    checklist: ✓ held, ✗ missing (the ledger can tell), □ for the shop to tick off itself."""
    step = d.escalation
    if step is None:
        return ""
    colour = urgency(step.due_at, moment).name()
    deadline = step_deadline(step)
    if step.is_due(moment):
        deadline += _tr("（已到期）") if step.step.kind is DeadlineKind.BY else _tr("（现在可以办理）")
    parts = [
        "<div style='margin-bottom:6px'>",
        f"<b>{escape(_tr('下一步：%1').replace('%1', labels.text(step.title)))}</b><br>",
        f"<span style='color:{colour}'><b>{escape(deadline)}</b></span>",
        f"　{escape(_tr('找：%1').replace('%1', labels.text(step.step.contact_label)))}",
    ]
    if step.step.explain:
        parts.append(f"<br><span style='color:{shade('secondary')}'>{escape(labels.text(step.step.explain))}</span>")
    checklist = step.checklist(d.holding)
    if checklist:
        parts.append(f"<br>{escape(_tr('需要的材料：'))}")
        for line in checklist:
            if not line.checkable:
                mark, tone = "□", "secondary"
            elif line.present:
                mark, tone = "✓", "done"
            else:
                mark, tone = "✗", "overdue"
            parts.append(f"<br><span style='color:{shade(tone)}'>{mark} {escape(labels.text(line.name))}</span>")
    parts.append("</div>")
    return "".join(parts)


def summary_html(d: ClaimDetail) -> str:
    """The order, amounts, payouts, ticket and links of one claim, as a two-column table."""
    o: OrderRow = d.order

    def row(name: str, value: str | None, html: bool = False) -> str:
        shown = (value or "—") if html else escape(value or "—")
        return f"<tr><td style='color:{shade('secondary')};padding-right:8px'>{escape(name)}</td><td>{shown}</td></tr>"

    def case_link(case_id: int | None) -> str | None:
        return f"<a href='case:{case_id}'>#{case_id}</a>" if case_id is not None else None

    outstanding = max((d.claimed_fen or 0) - (d.received_fen or 0), 0) if d.is_open else 0
    parts = ["<table>"]
    parts.append(row(_tr("订单"), f"{labels.platform(o.platform)} {o.order_no}"))
    parts.append(row(_tr("收货人"), f"{o.receiver or ''} {o.phone or ''}".strip()))
    parts.append(row(_tr("收货地址"), o.address))
    if o.paid_fen is not None:
        parts.append(row(_tr("订单实付"), _tr("￥%1").replace("%1", format_yuan(o.paid_fen))))
    parts.append(row(_tr("快递"), f"{d.carrier or ''} {d.tracking_no or ''}".strip()))
    parts.append(row(_tr("发货时间"), labels.when(d.shipped_at)))
    parts.append(row(_tr("申请金额"), format_yuan(d.claimed_fen)))
    if d.declared_fen is not None:
        parts.append(row(_tr("保价金额"), format_yuan(d.declared_fen)))
    parts.append(row(_tr("已到账"), format_yuan(d.received_fen)))
    for payout in d.payouts:
        how = labels.label_of(PayoutChannel, payout.channel) or _tr("未注明方式")
        paid = _tr("￥%1").replace("%1", format_yuan(payout.amount_fen))
        parts.append(row("", f"{labels.when(payout.paid_at)}  " + _tr("%1（%2）").replace("%1", paid)
                         .replace("%2", how)))
    if d.ticket_no or d.contact_level or d.contact or d.reported_at:
        parts.append(row(_tr("理赔单号"), d.ticket_no))
        parts.append(row(_tr("对接方"), " ".join(
            v for v in (labels.label_of(ClaimContactLevel, d.contact_level), d.contact or "") if v)))
        parts.append(row(_tr("报案时间"), labels.when(d.reported_at)))
    if d.is_open:
        parts.append(row(_tr("待追回"), format_yuan(outstanding)))
        parts.append(row(_tr("下次跟进"), labels.when(d.follow_up_at)))
    else:
        parts.append(row(_tr("结束时间"), labels.when(d.closed_at)))
    if d.submitted_at is not None:
        parts.append(row(_tr("提交货值说明"), labels.when(d.submitted_at)))
    parts.append(row(_tr("售后单"), case_link(d.case_id), html=True))
    if d.reship_id is not None:
        parts.append(row(_tr("理赔款用于补发"), case_link(d.reship_case_id), html=True))
    if d.description:
        parts.append(row(_tr("说明"), d.description))
    parts.append("</table>")
    return "".join(parts)
