"""Orders, claims and a shop profile for the statement tests, written through the real store and services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from desktop_app.core.claims import ClaimIncident
from desktop_app.core.statement import ShopProfile
from desktop_app.core.vocabulary import Platform, order_key
from desktop_app.services.claims import ChosenLine, NewClaim, open_claim
from desktop_app.services.shop_profile import save_shop_profile
from desktop_app.store.database import Database
from desktop_app.store.models import Order, OrderItem, utcnow
from desktop_app.store.search import build_search_text

ORDER_NO = "3712345678901234567"
TRACKING_NO = "78123456789012"
SHOP = ShopProfile(
    name="暖居家纺旗舰店", contact="李娜", phone="0571-88886666", address="浙江省杭州市余杭区仓前街道文一西路 1 号",
    payout_account="中国工商银行杭州仓前支行 6222 0212 3456 7890 123 户名：李娜",
)


@dataclass(frozen=True)
class Item:
    title: str
    spec: str | None
    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None


DEFAULT_ITEMS = (
    Item("纯棉四件套 北欧简约", "1.8m床 雾霾蓝", 1, 29900, 25900),
    Item("记忆棉枕头", "标准款", 2, 8900, 17800),
)


def add_order(db: Database, *, platform: Platform = Platform.TAOBAO, order_no: str = ORDER_NO,
              items: tuple[Item, ...] = DEFAULT_ITEMS, paid_fen: int | None = 43700, postage_fen: int | None = 0,
              goods_fen: int | None = None, carrier: str | None = "中通快递", tracking_no: str | None = TRACKING_NO,
              receiver: str | None = "王小明", phone: str | None = "13812345678",
              address: str | None = "上海市 浦东新区 张江镇 科苑路 88 号 3 号楼 1201 室",
              imported: bool = True) -> int:
    with db.transaction() as session:
        order = Order(
            order_key=order_key(platform, order_no), platform=platform.value, order_no=order_no, status="已发货",
            receiver=receiver, phone=phone, address=address, goods_fen=goods_fen, postage_fen=postage_fen,
            paid_fen=paid_fen, item_count=sum(i.quantity for i in items) or None,
            paid_at=datetime(2024, 11, 11, 0, 3, tzinfo=UTC), shipped_at=datetime(2024, 11, 12, 2, 30, tzinfo=UTC),
            carrier=carrier, tracking_no=tracking_no, imported_at=utcnow() if imported else None,
            search_text=build_search_text([order_no, receiver, phone, tracking_no]),
            items=[OrderItem(position=n, title=i.title, spec=i.spec, quantity=i.quantity,
                             unit_price_fen=i.unit_price_fen, paid_fen=i.paid_fen) for n, i in enumerate(items)],
        )
        session.add(order)
        session.flush()
        return order.id


def add_claim(db: Database, order_id: int, *, incident: ClaimIncident = ClaimIncident.LOST,
              lines: tuple[ChosenLine, ...] | None = None, claimed_fen: int | None = None,
              declared_fen: int | None = None, description: str | None = "中转站失火，包裹烧毁") -> int:
    return open_claim(db, NewClaim(incident=incident, order_id=order_id, lines=lines, claimed_fen=claimed_fen,
                                   declared_fen=declared_fen, description=description), author="test").claim_id


def save_shop(db: Database, profile: ShopProfile = SHOP) -> ShopProfile:
    return save_shop_profile(db, profile).value
