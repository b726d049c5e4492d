"""A 淘宝-layout refund list read without a platform: 淘宝's or 天猫's, as the ledger says
(core/refund_list_platform.py), inside the import's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core.refund_list_platform import FamilySeen, refund_list_platform
from desktop_app.core.vocabulary import Platform, order_key
from desktop_app.io.case_rows import CaseFile
from desktop_app.store.family_evidence import ledger_seen, orders_seen


def tell_taobao_from_tmall(session: Session, parsed: CaseFile) -> None:
    """Take the file as 天猫's when the ledger says so (its orders' cases, else its other cases), and add
    a warning to it whenever that is not plain. A file read with --platform, or of another layout, is
    left as it is."""
    shared = parsed.platform is Platform.TAOBAO and Platform.TMALL in parsed.profile.platforms
    if parsed.platform_given or not shared:
        return
    orders = orders_seen(session, {order_key(r.platform, r.order_no) for r in parsed.records})
    ledger = ledger_seen(session) if not (orders.tmall or orders.taobao) else FamilySeen()
    chosen = refund_list_platform(orders, ledger)
    if chosen.platform is not parsed.platform:
        parsed.platform = chosen.platform
        for record in parsed.records:
            record.platform = chosen.platform
    if chosen.warning:
        parsed.warnings.append(chosen.warning)
