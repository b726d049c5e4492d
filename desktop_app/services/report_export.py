"""The 统计 figures as a workbook (the tab's 导出 Excel and `report --xlsx`): the same tables as on
screen, one sheet each, Chinese names for the ids."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core import messages as msg
from desktop_app.core.claims import ClaimStatus
from desktop_app.core.clock import format_china
from desktop_app.core.errors import UserError, system_error_text
from desktop_app.core.money import fen_to_yuan
from desktop_app.core.vocabulary import CaseKind, CaseReason, LabelledEnum, Platform, ResponsibleParty
from desktop_app.io.report_xlsx import Cell, FigureSheet, Share, write_figures_xlsx
from desktop_app.services.report_figures import MONEY_KEYS, MONEY_LABELS, Report, Timeliness


def label_of(enum: type[LabelledEnum], value: str | None) -> str:
    if not value:
        return ""
    try:
        return enum(value).label
    except ValueError:  # written by a newer version
        return value


def _timeliness_row(t: Timeliness) -> tuple[Cell, ...]:
    return (label_of(Platform, t.platform) if t.platform else "合计", t.deadlines, t.met, t.missed,
            None if t.met_share is None else Share(t.met_share), t.overdue_now, t.resolved, t.median_resolve_hours)


def report_sheets(r: Report) -> list[FigureSheet]:
    scope = f"{r.period.first} 至 {r.period.last}（按申请日期）"
    overview: list[tuple[Cell, ...]] = [
        ("期间", scope), ("平台", r.platform.label if r.platform else "全部"),
        ("店铺", r.shop.name if r.shop else "全部"), ("售后单", r.cases), ("进行中", r.open),
    ]
    overview += [(MONEY_LABELS[key], getattr(r.money, key)) for key in MONEY_KEYS]
    overview += [("注", note) for note in r.notes]
    sheets = [FigureSheet("概览", ("项目", "数值"), tuple(overview))]
    for title, counts, enum in (("按类型", r.by_kind, CaseKind), ("按原因", r.by_reason, CaseReason),
                                ("按平台", r.by_platform, Platform), ("按责任方", r.by_responsible, ResponsibleParty)):
        unset = r.unset(counts)
        sheets.append(FigureSheet(title, (title[1:], "售后单"), (
            *((label_of(enum, key), n) for key, n in counts.items()), *((("（未填）", unset),) if unset else ()))))
    sheets.append(FigureSheet("时效", ("平台", "平台时限", "按时", "超时", "按时率", "当前逾期", "已结束",
                                     "处理时长中位数（小时）"),
                              tuple(_timeliness_row(t) for t in (r.timeliness, *r.timeliness_by_platform))))
    sheets.append(FigureSheet("按商品", ("商家编码/商品", "商品名称", "售后单", "期间售出件数", "每百件售后",
                                       "净损失（元）"), tuple(
        (p.key, p.title, p.cases, p.sold, p.per_100_sold, p.net_loss)
        for p in r.products)))
    sheets.append(FigureSheet("按快递", ("快递", "期间发货单数", "售后单", "丢件", "破损", "每百单丢损", "理赔",
                                       "申请金额", "已赔付", "待追回"), tuple(
        (c.carrier or "（未填）", c.parcels, c.cases, c.lost, c.damaged,
         c.per_100_parcels, c.claims, c.claimed, c.received, c.outstanding)
        for c in r.carriers)))
    sheets.append(FigureSheet("待跟进理赔", ("理赔", "快递", "订单号", "状态", "登记时间", "待追回", "问题"), tuple(
        (a.id, a.carrier, a.order_no, label_of(ClaimStatus, a.status), format_china(a.created_at),
         fen_to_yuan(a.outstanding_fen), "、".join(w for w, flag in (
             (f"超过 {r.old_claim_days} 天", a.is_old), ("缺少证据", a.evidence_missing),
             ("缺少理赔单号", a.ticket_missing)) if flag))
        for a in r.attention)))
    return sheets


def export_report(report: Report, path: Path | str) -> Path:
    """Write the figures to `path` (.xlsx); a file that cannot be written is the user's to fix."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(msg.say(msg.REPORT_NOT_XLSX, target.name))
    try:
        write_figures_xlsx(report_sheets(report), target)
    except OSError as exc:
        raise UserError(msg.say(msg.UNWRITTEN, str(target), system_error_text(exc))) from None
    return target
