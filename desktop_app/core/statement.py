"""The goods value statement (货物价值说明) a courier's branch pays a claim against.

One statement is one A4 page: who issues it (the shop), which parcel (platform order, carrier,
tracking number, ship date), what happened, to whom it was going (the recipient exactly as the buyer
gave them), what was in it (item lines), the value in figures and in 大写, the amount claimed, what
the value rests on (the platform order and the payment record), a declaration, signature and seal.

The builders read orders and claims through small protocols, so the core stays free of the store:
`store.rows.OrderRow`/`OrderItemRow` and `store.claim_rows.ClaimDetail` fit them as they are. The
document text is Chinese whatever the interface language: it is handed to a Chinese courier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from desktop_app.core import messages as msg
from desktop_app.core.amount_words import fen_in_words
from desktop_app.core.claims import PricedLine, paid_per_line
from desktop_app.core.clock import as_china, format_china
from desktop_app.core.errors import UserError
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import Platform

STATEMENT_TITLE = "货物价值说明"
DECLARATION = (
    "本店郑重声明：以上寄件信息、货物名称、数量、价值及收件人信息均依据平台订单和支付记录如实填写，"
    "真实、准确、完整。如有虚假，本店愿承担相应的法律责任。特此说明。"
)
BASIS_ORDER = "平台订单"
BASIS_PAYMENT = "支付记录"
# When a paid amount differs from quantity × unit price (coupons, shop discounts) the line is worth
# what the buyer paid; the unit price column still shows the listed price, so say why they differ.
NOTE_PAID_LINES = "商品金额按买家实付金额计（已扣除优惠）"


class StatementIncomplete(UserError):
    """The order or claim lacks what a statement needs (items, prices). `unpriced`: the goods without
    a price, which a price typed for this statement can value; `problem`: the message without the
    command line's way of typing one (the window has its own)."""

    def __init__(self, message: str, unpriced: tuple[str, ...] = (), problem: str = "") -> None:
        super().__init__(message)
        self.unpriced = unpriced
        self.problem = problem or message


# the shop's details a courier's branch asks for, as the window names the empty ones
SHOP_DETAIL_NAMES = ("店铺名称", "联系人", "联系电话", "收款账户")


@dataclass(frozen=True, slots=True)
class ShopProfile:
    """The shop as it signs statements (店铺信息), kept in the ledger's settings."""

    name: str = ""
    contact: str = ""
    phone: str = ""
    address: str = ""
    payout_account: str = ""  # 赔款收款账户: bank, account number and holder, or an Alipay account
    seal_image: str | None = None  # the seal's copy, relative to the data folder

    def missing(self) -> list[str]:
        """The details a courier's branch asks for that are still empty, by their Chinese name."""
        wanted = zip(SHOP_DETAIL_NAMES, (self.name, self.contact, self.phone, self.payout_account), strict=True)
        return [label for label, value in wanted if not value.strip()]


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One row of the item table; money in fen."""

    name: str
    spec: str
    quantity: int
    unit_price_fen: int | None
    total_fen: int


@dataclass(frozen=True, slots=True)
class GoodsValueStatement:
    title: str
    shop_name: str
    shop_contact: str
    shop_phone: str
    shop_address: str
    payout_account: str
    seal_image: str | None  # an absolute path once loaded (services.statements), else None
    platform: str  # the platform's Chinese name
    order_no: str
    carrier: str
    tracking_no: str
    ship_date: date | None
    incident: str  # 丢件, 破损 ... ('' when the statement comes from an order alone)
    description: str
    recipient_name: str
    recipient_phone: str
    recipient_address: str
    lines: tuple[StatementLine, ...]
    total_fen: int
    claimed_fen: int
    declared_fen: int | None  # 保价金额, when the parcel was insured
    value_basis: tuple[str, ...]
    declaration: str
    issued_on: date
    reference: str = ""  # e.g. 理赔编号 12, so the shop can match the courier's answer

    @property
    def total_words(self) -> str:
        return fen_in_words(self.total_fen)

    @property
    def claimed_words(self) -> str:
        return fen_in_words(self.claimed_fen)

    @property
    def total_figures(self) -> str:
        return f"¥{format_yuan(self.total_fen)}"

    @property
    def claimed_figures(self) -> str:
        return f"¥{format_yuan(self.claimed_fen)}"

    @property
    def ship_date_text(self) -> str:
        return chinese_date(self.ship_date) if self.ship_date else ""

    @property
    def issued_text(self) -> str:
        return chinese_date(self.issued_on)

    @property
    def file_stem(self) -> str:
        """A file name part that says which statement it is: 货物价值说明-<order>-<tracking>."""
        parts = [self.title, self.order_no, self.tracking_no]
        return "-".join(p for p in parts if p)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- what the builders read -------------------------------------------------------------------


class OrderFacts(Protocol):
    @property
    def platform(self) -> str: ...
    @property
    def order_no(self) -> str: ...
    @property
    def receiver(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def goods_fen(self) -> int | None: ...
    @property
    def postage_fen(self) -> int | None: ...
    @property
    def paid_fen(self) -> int | None: ...
    @property
    def item_count(self) -> int | None: ...
    @property
    def paid_at(self) -> datetime | None: ...
    @property
    def shipped_at(self) -> datetime | None: ...
    @property
    def carrier(self) -> str | None: ...
    @property
    def tracking_no(self) -> str | None: ...


class ItemFacts(Protocol):
    """A goods line as an order or a claim holds it."""

    @property
    def title(self) -> str: ...
    @property
    def spec(self) -> str | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def unit_price_fen(self) -> int | None: ...


class OrderItemFacts(ItemFacts, Protocol):
    @property
    def paid_fen(self) -> int | None: ...


class ClaimItemFacts(ItemFacts, Protocol):
    @property
    def claimed_fen(self) -> int | None: ...


# Unit prices (fen) typed for one statement, by goods title ("" for every unpriced item): never stored.
TypedPrices = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class TypedPriceItem:
    """An order item valued at the unit price the user typed for this statement."""

    title: str
    spec: str | None
    quantity: int
    unit_price_fen: int | None
    paid_fen: int | None = None


def with_typed_prices(items: Sequence[OrderItemFacts], prices: TypedPrices) -> list[OrderItemFacts]:
    """The items, those without a price or paid amount valued at the typed price for their title (or
    the one for every item, keyed ""); a stored price is never replaced."""
    by_title = dict(prices)
    found: list[OrderItemFacts] = []
    for item in items:
        price = by_title.get(item.title, by_title.get("")) if prices else None
        if price is not None and item.unit_price_fen is None and item.paid_fen is None:
            found.append(TypedPriceItem(item.title, item.spec, item.quantity, price))
        else:
            found.append(item)
    return found


class ClaimFacts(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def description(self) -> str | None: ...
    @property
    def carrier(self) -> str | None: ...
    @property
    def tracking_no(self) -> str | None: ...
    @property
    def shipped_at(self) -> datetime | None: ...
    @property
    def claimed_fen(self) -> int | None: ...
    @property
    def declared_fen(self) -> int | None: ...
    @property
    def items(self) -> Sequence[ClaimItemFacts]: ...
    @property
    def order(self) -> OrderFacts: ...
    @property
    def order_items(self) -> Sequence[OrderItemFacts]: ...


# --- builders ---------------------------------------------------------------------------------


def _platform_label(value: str) -> str:
    try:
        return Platform(value).label
    except ValueError:  # a platform written by a newer version: show its id rather than fail
        return value


def order_lines(order: OrderFacts, items: Sequence[OrderItemFacts]) -> tuple[tuple[StatementLine, ...], bool]:
    """The item table of an order and whether some amounts are paid amounts after discounts.

    A line is worth what the buyer paid for it, valued as a claim values it
    (`core.claims.paid_per_line`: the line's own paid amount, else the order's payment less postage
    spread by listed value). An order exported without item detail becomes one line worth its goods
    amount (or the amount paid less postage), so a summary export still makes a statement.
    """
    if not items:
        goods = order.goods_fen
        if goods is None and order.paid_fen is not None:
            goods = max(order.paid_fen - (order.postage_fen or 0), 0)
        if goods is None:
            raise StatementIncomplete(msg.say(msg.STATEMENT_NO_ITEMS, order.order_no))
        return (StatementLine("订单全部商品（明细见平台订单）", "", order.item_count or 1, None, goods),), False
    paid = paid_per_line([PricedLine(i.quantity, i.unit_price_fen, i.paid_fen) for i in items],
                         order.paid_fen, order.postage_fen)
    unpriced = [item.title for item, value in zip(items, paid, strict=True) if value is None]
    if unpriced:
        problem = msg.say(msg.ORDER_UNPRICED, order.order_no, "、".join(unpriced))
        raise StatementIncomplete(msg.say(msg.OR_TYPE_PRICES, problem), tuple(unpriced), problem)
    lines = tuple(StatementLine(item.title, item.spec or "", item.quantity, item.unit_price_fen, value or 0)
                  for item, value in zip(items, paid, strict=True))
    return lines, _discounted(lines)


def _discounted(lines: Sequence[StatementLine]) -> bool:
    """Whether a line's amount differs from quantity × listed price (a paid amount after discounts)."""
    return any(line.unit_price_fen is not None and line.unit_price_fen * line.quantity != line.total_fen
               for line in lines)


def _claim_lines(claim: ClaimFacts, unit_prices: TypedPrices) -> tuple[StatementLine, ...]:
    """A claim item is worth what the buyer paid for it (its `claimed_fen`, set when the claim was
    opened), else quantity × listed price, else quantity × the price typed for this statement."""
    lines: list[StatementLine] = []
    unpriced: list[str] = []
    typed = dict(unit_prices)
    for item in claim.items:
        price = item.unit_price_fen if item.unit_price_fen is not None else typed.get(item.title, typed.get(""))
        if item.claimed_fen is not None:
            total = item.claimed_fen
        elif price is not None:
            total = price * item.quantity
        else:
            unpriced.append(item.title)
            continue
        lines.append(StatementLine(item.title, item.spec or "", item.quantity, price, total))
    if unpriced:
        problem = msg.say(msg.CLAIM_UNPRICED, claim.id, "、".join(unpriced))
        raise StatementIncomplete(msg.say(msg.OR_TYPE_PRICES, problem), tuple(unpriced), problem)
    return tuple(lines)


def _basis(order: OrderFacts, discounted: bool) -> tuple[str, ...]:
    basis = [f"{BASIS_ORDER}：{_platform_label(order.platform)} 订单号 {order.order_no}"
             + (f"，付款时间 {format_china(order.paid_at)}" if order.paid_at else "")]
    if order.paid_fen is not None:
        postage = f"（含运费 ¥{format_yuan(order.postage_fen)}）" if order.postage_fen else ""
        basis.append(f"{BASIS_PAYMENT}：买家实付 ¥{format_yuan(order.paid_fen)}{postage}")
    else:
        basis.append(f"{BASIS_PAYMENT}：见平台订单付款记录")
    if discounted:
        basis.append(NOTE_PAID_LINES)
    return tuple(basis)


def _day(value: datetime | None) -> date | None:
    return as_china(value).date() if value is not None else None


def statement_for_order(order: OrderFacts, items: Sequence[OrderItemFacts], shop: ShopProfile, *,
                        issued_on: date, incident: str = "", description: str = "",
                        seal_image: str | None = None) -> GoodsValueStatement:
    """The statement for a whole order: every item, claimed at the value of the goods."""
    lines, discounted = order_lines(order, items)
    total = sum(line.total_fen for line in lines)
    return GoodsValueStatement(
        title=STATEMENT_TITLE, shop_name=shop.name, shop_contact=shop.contact, shop_phone=shop.phone,
        shop_address=shop.address, payout_account=shop.payout_account, seal_image=seal_image,
        platform=_platform_label(order.platform), order_no=order.order_no, carrier=order.carrier or "",
        tracking_no=order.tracking_no or "", ship_date=_day(order.shipped_at), incident=incident,
        description=description, recipient_name=order.receiver or "", recipient_phone=order.phone or "",
        recipient_address=order.address or "", lines=lines, total_fen=total, claimed_fen=total,
        declared_fen=None, value_basis=_basis(order, discounted), declaration=DECLARATION,
        issued_on=issued_on,
    )


def statement_for_claim(claim: ClaimFacts, shop: ShopProfile, *, issued_on: date, incident: str,
                        seal_image: str | None = None, unit_prices: TypedPrices = ()) -> GoodsValueStatement:
    """The statement for a claim: its items (or the whole order's), its claimed amount.

    `incident` is the incident's Chinese name (core.claims.ClaimIncident.label). The claimed
    amount is the claim's own (it may be a cost price, lower than the value); without one, the
    goods value. `unit_prices` value goods the ledger has no price for (`with_typed_prices`).
    """
    order = claim.order
    if claim.items:
        lines = _claim_lines(claim, unit_prices)
        discounted = _discounted(lines)
    else:
        lines, discounted = order_lines(order, with_typed_prices(claim.order_items, unit_prices))
    total = sum(line.total_fen for line in lines)
    claimed = claim.claimed_fen if claim.claimed_fen is not None else total
    return GoodsValueStatement(
        title=STATEMENT_TITLE, shop_name=shop.name, shop_contact=shop.contact, shop_phone=shop.phone,
        shop_address=shop.address, payout_account=shop.payout_account, seal_image=seal_image,
        platform=_platform_label(order.platform), order_no=order.order_no,
        carrier=claim.carrier or order.carrier or "", tracking_no=claim.tracking_no or order.tracking_no or "",
        ship_date=_day(claim.shipped_at or order.shipped_at), incident=incident,
        description=claim.description or "", recipient_name=order.receiver or "",
        recipient_phone=order.phone or "", recipient_address=order.address or "", lines=lines,
        total_fen=total, claimed_fen=claimed, declared_fen=claim.declared_fen,
        value_basis=_basis(order, discounted), declaration=DECLARATION, issued_on=issued_on,
        reference=f"理赔编号 {claim.id}",
    )
