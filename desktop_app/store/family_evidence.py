"""What the ledger knows of a 淘宝-layout refund list's platform (core/refund_list_platform.py): the
file's orders as 天猫 or 淘宝 by their cases and their own platform, and the ledger's 淘宝/天猫 cases."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.refund_list_platform import FamilySeen
from desktop_app.core.vocabulary import Platform
from desktop_app.store.in_lists import in_lists
from desktop_app.store.models import Case, Order

_TMALL, _TAOBAO = Platform.TMALL.value, Platform.TAOBAO.value


def orders_seen(session: Session, order_keys: Iterable[str]) -> FamilySeen:
    """The file's orders (by order key) the ledger holds as 天猫 (the order itself or a case of it) and as
    淘宝 (a case of it: an order export stores 天猫's orders as 淘宝 too, so the order alone says nothing)."""
    tmall: set[str] = set()
    taobao: set[str] = set()
    for chunk in in_lists(sorted(set(order_keys))):
        rows = session.execute(
            select(Order.order_key, Order.platform, Case.platform)
            .outerjoin(Case, Case.order_id == Order.id)
            .where(Order.order_key.in_(chunk)))
        for key, order_platform, case_platform in rows:
            if _TMALL in (order_platform, case_platform):
                tmall.add(key)
            if case_platform == _TAOBAO:
                taobao.add(key)
    return FamilySeen(len(tmall), len(taobao))


def ledger_seen(session: Session) -> FamilySeen:
    """The ledger's cases on 天猫 and on 淘宝."""
    counts = dict(session.execute(
        select(Case.platform, func.count()).where(Case.platform.in_([_TMALL, _TAOBAO])).group_by(Case.platform)).all())
    return FamilySeen(int(counts.get(_TMALL, 0)), int(counts.get(_TAOBAO, 0)))
