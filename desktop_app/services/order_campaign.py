"""Mark an order as sold in a platform campaign (聚划算) or as an ordinary order again.

The order exports the app reads have no column saying an order was a 聚划算 order (the samples of
every platform checked, `/work/shared/samples`), so the shop marks it: from the order pane or
`python -m desktop_app order-campaign`. The rule packs' `[[campaigns]]` say what the campaign changes
(聚划算: ship within 7 days instead of 72 hours, seed 002); the order's open cases are recomputed in
the same transaction, and the change is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.op_changes import OpChanges
from desktop_app.core.rule_packs import pack_for_platform
from desktop_app.services.cases import current_author
from desktop_app.services.deadline_rules import RuleContext
from desktop_app.services.deadlines import recompute_cases
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Order, utcnow
from desktop_app.store.order_lookups import open_case_ids_of_order, orders_numbered
from desktop_app.store.row_locks import row_for_writing


@dataclass(frozen=True, slots=True)
class CampaignChange:
    """What `set_order_campaign` did: the order, its campaign before and after, cases recomputed."""

    order_id: int
    order_no: str
    platform: str
    before: str | None
    after: str | None
    cases_recomputed: int
    changes: OpChanges

    @property
    def changed(self) -> bool:
        return self.before != self.after


def campaign_names(platform: str, context: RuleContext) -> dict[str, str]:
    """The campaigns an order of `platform` can be marked with: id → name (聚划算 for 淘宝/天猫)."""
    pack = pack_for_platform(context.packs, platform)
    return {c.id: c.name for c in pack.campaigns}


def find_order(db: Database, order_no: str, platform: str | None = None) -> int:
    """The id of the order with this number (on `platform`, when given)."""
    with db.reading() as session:
        found = orders_numbered(session, order_no.strip(), None if platform is None else [platform])
    if not found:
        raise NotFound(f"没有订单号为 {order_no.strip()} 的订单" + (f"（平台 {platform}）" if platform else ""))
    if len(found) > 1:
        platforms = "、".join(sorted(p for _, p in found))
        raise UserError(f"订单号 {order_no.strip()} 在几个平台都有（{platforms}）：请用 --platform 指明")
    return int(found[0][0])


def set_order_campaign(db: Database, order_id: int, campaign: str | None, *, author: str | None = None,
                       context: RuleContext | None = None) -> CampaignChange:
    """Mark the order as sold in `campaign` (an id of its platform's `[[campaigns]]`), or as an ordinary
    order with None; recompute its open cases' deadlines. Marking it as it already is changes nothing."""
    ctx = context or RuleContext.load(db)
    with db.transaction() as session:
        # Locked as it is read: another seat marking it at the same moment waits, then finds it marked
        # (it met this one's UPDATE on the version column and failed with a nameless StaleDataError).
        order = row_for_writing(session, Order, order_id)
        if order is None:
            raise NotFound(msg.say(msg.NO_ORDER, order_id))
        known = {c.id: c.name for c in pack_for_platform(ctx.packs, order.platform).campaigns}
        if campaign is not None and campaign not in known:
            offered = "、".join(f"{cid}（{name}）" for cid, name in known.items()) or "无"
            raise UserError(f"订单 {order.order_no} 的平台没有活动“{campaign}”。可用的活动：{offered}")
        before = order.campaign
        if before == campaign:
            return CampaignChange(order.id, order.order_no, order.platform, before, campaign, 0, OpChanges())
        order.campaign = campaign
        order.updated_at = utcnow()
        session.add(AuditEvent(
            subject="order", subject_id=order.id, kind="edit", action="campaign",
            from_state=before, to_state=campaign, author=author or current_author(),
            note=f"标记为{known[campaign]}订单" if campaign is not None else "取消活动标记（普通订单）",
        ))
        case_ids = open_case_ids_of_order(session, order.id)
        count = recompute_cases(session, case_ids, ctx) if case_ids else 0
        return CampaignChange(order.id, order.order_no, order.platform, before, campaign, count,
                              changes_in(session))
