"""The 统计 figures' shapes, for the dashboard tab, `report` and their exports: the period (China-time days, both
inclusive, as typed), the money under its stable keys, timeliness, products, couriers, and the report holding them.
They are built by services/report.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from desktop_app.core.clock import CHINA, FIRST_YEAR, LAST_YEAR
from desktop_app.core.errors import UserError
from desktop_app.core.vocabulary import Platform
from desktop_app.store.report_claims import AttentionClaim
from desktop_app.store.report_queries import ReportScope
from desktop_app.store.rows import ShopRow

MONEY_KEYS = ("refunded", "compensated", "postage", "written_off", "penalties", "claimed", "received",
              "outstanding", "net_loss", "pending_refund")
MONEY_LABELS = {
    "refunded": "退款", "compensated": "补偿买家", "postage": "运费（本店承担）", "written_off": "货损（成本价）",
    "penalties": "平台处罚", "claimed": "向快递索赔", "received": "快递已赔付", "outstanding": "待追回",
    "net_loss": "净损失", "pending_refund": "待退款",
}


@dataclass(frozen=True, slots=True)
class Period:
    """China-time days from `first` to `last`, both inclusive."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0, 0), tzinfo=CHINA)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0, 0), tzinfo=CHINA)


def parse_day(text: str, what: str) -> date:
    raw = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            day = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise UserError(f"{what}“{text}”不是合理的日期（年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间）")
        return day
    raise UserError(f"{what}“{text}”不是有效日期，应为 YYYY-MM-DD（例如 2026-11-01）")


def parse_period(first: str, last: str) -> Period:
    period = Period(parse_day(first, "开始日期（--from）"), parse_day(last, "结束日期（--to）"))
    if period.last < period.first:
        raise UserError(f"结束日期 {period.last} 早于开始日期 {period.first}")
    return period


@dataclass(frozen=True, slots=True)
class Money:
    refunded: Decimal
    compensated: Decimal
    postage: Decimal
    written_off: Decimal
    penalties: Decimal
    claimed: Decimal
    received: Decimal
    outstanding: Decimal
    net_loss: Decimal
    # Refund and compensation asked on cases still open and not yet paid: not in `refunded` nor the net loss.
    pending_refund: Decimal = Decimal("0.00")
    # `penalties` in its two parts (not in MONEY_KEYS): recorded on the cases in scope by hand, and what
    # the timers that fell due in the period put on cases without a recorded one.
    penalties_recorded: Decimal = Decimal("0.00")
    penalties_timers: Decimal = Decimal("0.00")

    def as_strings(self) -> dict[str, str]:
        """Yuan with two places ("12.50"), under the stable keys."""
        return {key: f"{getattr(self, key):.2f}" for key in MONEY_KEYS}


@dataclass(frozen=True, slots=True)
class Timeliness:
    """The platform timers of the cases in scope, and how long finished cases took."""

    platform: str | None  # None: all platforms together
    deadlines: int
    met: int
    missed: int
    open: int
    overdue_now: int
    resolved: int
    median_resolve_hours: Decimal | None

    @property
    def met_share(self) -> Decimal | None:
        """Share of decided timers that were met (0..1, two places); None when none was decided."""
        decided = self.met + self.missed
        if not decided:
            return None
        return (Decimal(self.met) / decided).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ProductFigure:
    key: str
    title: str
    cases: int
    sold: int | None
    per_100_sold: Decimal | None
    # The net loss of the cases of orders holding the product, less what couriers paid on those orders'
    # claims; a case of an order with two products counts for both (as in `cases`).
    net_loss: Decimal = Decimal("0.00")

    @property
    def name(self) -> str:
        """The title, with the 商家编码 where there is one: a product's variants (sizes, colours) share
        the title and differ by code, each a line of its own."""
        return self.title if self.key == self.title else f"{self.title}（{self.key}）"


@dataclass(frozen=True, slots=True)
class CarrierFigure:
    carrier: str
    parcels: int
    cases: int
    lost: int
    damaged: int
    per_100_parcels: Decimal | None  # lost + damaged per 100 parcels
    claims: int
    claimed: Decimal
    received: Decimal
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    platform: Platform | None
    shop: ShopRow | None
    cases: int
    open: int
    by_kind: dict[str, int]
    by_platform: dict[str, int]
    by_reason: dict[str, int]  # cases without a reason are left out
    by_responsible: dict[str, int]
    money: Money
    penalised_cases: int
    timeliness: Timeliness
    timeliness_by_platform: tuple[Timeliness, ...]
    products: tuple[ProductFigure, ...]
    carriers: tuple[CarrierFigure, ...]
    claims: int
    open_claims: int
    attention: tuple[AttentionClaim, ...]
    old_claim_days: int
    notes: tuple[str, ...]
    timer_penalised_cases: int = 0  # cases whose timers' penalties fell due in the period (`penalties_timers`)
    # Cases whose timers' penalty fell due in the period with its amount unknown (a share of an order not imported):
    # not in `penalties_timers`, said beside it rather than counted as 0.
    unknown_penalty_cases: int = 0

    def unset(self, counts: dict[str, int]) -> int:
        """The cases a breakdown leaves out (no reason or responsible party recorded): its （未填） line."""
        return self.cases - sum(counts.values())

    @property
    def scope(self) -> ReportScope:
        return ReportScope(self.period.start, self.period.end, self.platform.value if self.platform else None,
                           self.shop.id if self.shop else None)
