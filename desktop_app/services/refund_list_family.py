"""A 淘宝-layout refund list read without a platform: 淘宝's or 天猫's, as the ledger says
(core/refund_list_platform.py), inside the import's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desktop_app.core.refund_list_platform import FamilySeen, refund_list_platform
from desktop_app.core.vocabulary import Platform, order_key
from desktop_app.io.case_rows import CaseFile
from desktop_app.store.family_evidence import ledger_seen, orders_seen


def tell_taobao_from_tmall(session: Session, parsed: CaseFile, guessed_before: int = 0) -> bool:
    """Take the file as 天猫's when the ledger says so (its orders' cases, else its other cases), and add
    a warning to it whenever that is not plain. A file read with --platform, or of another layout, is
    left as it is. True: the file was taken as 淘宝 for want of evidence (its cases are no evidence either).

    `guessed_before`: cases an earlier file of the same import stored as 淘宝 for want of evidence. They
    are not the ledger's word: a 天猫 and a 淘宝 refund list imported together both went in as 淘宝, the
    second one silently, on the strength of the first one's guess."""
    shared = parsed.platform is Platform.TAOBAO and Platform.TMALL in parsed.profile.platforms
    if parsed.platform_given or not shared:
        return False
    orders = orders_seen(session, {order_key(r.platform, r.order_no) for r in parsed.records})
    ledger = FamilySeen()
    if not (orders.tmall or orders.taobao):
        seen = ledger_seen(session)
        ledger = FamilySeen(seen.tmall, max(seen.taobao - guessed_before, 0))
    chosen = refund_list_platform(orders, ledger)
    if chosen.platform is not parsed.platform:
        parsed.platform = chosen.platform
        for record in parsed.records:
            record.platform = chosen.platform
    if chosen.warning:
        parsed.warnings.append(chosen.warning)
    return chosen.platform is Platform.TAOBAO and chosen.warning is not None
