"""Exporting the order list to Excel: all orders, one platform, the Orders tab's filter, or chosen ids.

    count = export_orders(db, "订单.xlsx", platform="pdd")
    count = export_orders(db, path, order_ids=ids_in_view)   # "filtered as on screen", in screen order

Rows are streamed from one read transaction in pages, so a 100,000-order ledger is exported in
bounded memory. The Orders tab knows which orders its filter shows and in which order; passing those
ids keeps this module independent of how the search is done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import Platform, family_members, platform_family
from desktop_app.io.order_export import OrderExportRow, write_orders_xlsx
from desktop_app.store.database import Database
from desktop_app.store.order_export_rows import ExportedOrder, exported_order_pages, item_lines

PAGE = 2000


def platform_values(platform: str | Platform | None) -> list[str] | None:
    """The stored platform ids a filter means: 'taobao' is the whole Taobao/Tmall family."""
    if platform is None or platform == "":
        return None
    chosen = platform if isinstance(platform, Platform) else Platform.parse(str(platform))
    if platform_family(chosen) == chosen.value:
        return list(family_members(chosen))
    return [chosen.value]


def _goods_text(items: list[tuple[str, str | None, int]]) -> str | None:
    parts = [f"{title}（{spec}）×{quantity}" if spec else f"{title}×{quantity}" for title, spec, quantity in items]
    return "；".join(parts) or None


def _label(platform: str) -> str:
    try:
        return Platform(platform).label
    except ValueError:
        return platform


def _rows(session: Session, page: Sequence[ExportedOrder]) -> Iterator[OrderExportRow]:
    items = item_lines(session, [row.order_id for row in page])
    for (order_id, platform_id, shop, order_no, status, receiver, phone, address, item_count, paid_fen,
         paid_at, shipped_at, carrier, tracking_no) in page:
        yield OrderExportRow(
            platform=_label(platform_id), shop=shop, order_no=order_no, status=status, receiver=receiver,
            phone=phone, address=address, goods=_goods_text(items.get(order_id, [])), item_count=item_count,
            paid_fen=paid_fen, paid_at=paid_at, shipped_at=shipped_at, carrier=carrier, tracking_no=tracking_no,
        )


def iter_export_rows(db: Database, platform: str | Platform | None = None,
                     order_ids: Sequence[int] | None = None) -> Iterator[OrderExportRow]:
    """The orders to export as plain rows: the given ids in the given order, or every order (of one
    platform) newest payment first, orders never paid last."""
    values = platform_values(platform)
    with db.reading() as session:
        for page in exported_order_pages(session, values, order_ids, PAGE):
            yield from _rows(session, page)


def export_orders(db: Database, path: Path | str, platform: str | Platform | None = None,
                  order_ids: Sequence[int] | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Write the selected orders to an .xlsx file; returns the number of orders written."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UserError(msg.say(msg.EXPORT_NOT_XLSX, target.name))
    if target.exists() and target.is_dir():
        raise UserError(msg.say(msg.EXPORT_IS_FOLDER, str(target)))
    platform_values(platform)  # an unknown platform is refused before a file is started
    try:
        return write_orders_xlsx(iter_export_rows(db, platform, order_ids), target, progress)
    except PermissionError:
        raise UserError(msg.say(msg.EXPORT_UNWRITTEN, str(target))) from None
