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


def keys_sharing_prefix(session: Session, table: str, key: str, prefix: str, limit: int = 4) -> list[str]:
    """Other keys of `table` (orders' order_key, cases' platform_case_key) as long as `key` that start
    with `prefix`: an id Excel rounded beside the real ones it came from. A range on the key's index."""
    column = Order.order_key if table == "orders" else Case.platform_case_key
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    found = session.scalars(select(column).where(column >= prefix, column < upper).order_by(column).limit(200))
    return [k for k in found if k is not None and len(k) == len(key) and k != key][:limit]


def keys_present(session: Session, table: str, keys: Iterable[str]) -> set[str]:
    """Which of these keys the ledger holds from the platform: orders by order_key that an order export
    brought (a placeholder is only a number some request or the shop gave), cases by platform_case_key."""
    column = Order.order_key if table == "orders" else Case.platform_case_key
    where = Order.imported_at.is_not(None) if table == "orders" else Case.platform_case_key.is_not(None)
    present: set[str] = set()
    for chunk in in_lists(sorted(set(keys))):
        present.update(k for k in session.scalars(select(column).where(column.in_(chunk), where)) if k is not None)
    return present
