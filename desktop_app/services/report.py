"""Where the money goes: the 统计 figures of a period, for the dashboard tab and `report`.

The period is a range of China-time days, both inclusive, and filters on when the buyer asked for
the after-sales case (`requested_at`; a case without it counts by when it was recorded). A platform
is one platform: `taobao` does not include `tmall` (their rules and back offices differ), and the
Chinese names work too. Money is Decimal yuan; net loss is defined in `core.case_costs`: 退款 and 补偿买家
are what was paid to buyers (a refused request, one closed without a refund, one still waiting pay
nothing); 待退款 is what the open cases still ask for. 平台处罚 is what was recorded on the cases by hand plus
the penalties their platform timers put on them once they ran out (`store.penalty_queries`), these counted
in the period holding their due time and only on cases without a recorded one.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from desktop_app.core.case_costs import GOODS_RETURNED_KINDS
from desktop_app.core.clock import now
from desktop_app.core.errors import UserError
from desktop_app.core.money import fen_to_yuan
from desktop_app.core.vocabulary import Platform, platform_family
from desktop_app.services.evidence_files import claims_with_files
from desktop_app.services.report_figures import (
    CarrierFigure,
    Money,
    Period,
    ProductFigure,
    Report,
    Timeliness,
)
from desktop_app.store.case_months import report_case_group_rows
from desktop_app.store.case_queries import list_shops
from desktop_app.store.database import Database
from desktop_app.store.order_sales import GOODS_CACHE, goods_lines
from desktop_app.store.penalty_queries import period_penalty_rows, period_unknown_penalty_cases
from desktop_app.store.product_months import kept, product_rows
from desktop_app.store.report_claims import ClaimFigures, ClaimGroup, claim_figures_of, claim_rows
from desktop_app.store.report_queries import (
    CaseGroup,
    ProductLine,
    ReportScope,
    carrier_cases,
    case_groups_of,
    parcels_by_carrier,
    recent_goods,
    straddling_overdue,
    top_products_of,
    with_received,
)
from desktop_app.store.rows import ShopRow
from desktop_app.store.side_reads import read_beside

# Open claims older than this many days are listed for chasing.
OLD_CLAIM_DAYS = 14
# The goods of the cases of this many days are split ahead (`warm_up`): the tab's periods (今年 at most).
WARM_DAYS = 400
# The same where the ledger keeps its products per month (`store.product_months`): only the part-months at a
# period's ends are read from the cases, and the tab's periods end today (近 30 天 starts in the month before).
WARM_EDGE_DAYS = 62
_RETURNED = frozenset(k.value for k in GOODS_RETURNED_KINDS)
def resolve_shop(session: Session, text: str, platform: Platform | None = None) -> ShopRow:
    """A shop by its name (or number); a name two platforms share needs the platform. A shop on another
    platform than the one asked for is that shop all the same: the report counts its cases on that
    platform (a 天猫 case of a shop whose orders came in a 淘宝 export), which may be none."""
    key = text.strip()
    shops = list_shops(session)
    found = [s for s in shops if s.name == key or str(s.id) == key]
    if platform is not None and len(found) > 1:
        found = ([s for s in found if s.platform == platform.value]
                 or [s for s in found if platform_family(s.platform) == platform_family(platform)] or found)
    if len(found) == 1:
        return found[0]
    if not found:
        known = "、".join(s.name for s in shops) or "（还没有店铺，导入订单后出现）"
        raise UserError(f"找不到店铺“{text}”，已有店铺：{known}")
    raise UserError(f"有多个店铺名为“{text}”，请再用 --platform 指定平台")


def build_report(db: Database, period: Period, platform: Platform | None = None, shop: str | int | None = None,
                 moment: datetime | None = None, old_claim_days: int = OLD_CLAIM_DAYS) -> Report:
    with db.reading() as session:
        return report_in(session, period, platform, shop, moment, old_claim_days)


def warm_up(db: Database, moment: datetime | None = None) -> int:
    """What the first 统计 read of a launch pays beyond a later one, paid ahead (the window calls it once
    start-up is over): the `goods` strings of the cases of the last WARM_DAYS split into their product
    lines (`goods_lines`, cached for the process). At 100,000 cases a year's 13,000 strings cost that read
    ≈ 40 ms on its reading thread. No figure is computed or kept: each read reads the ledger as it is.
    Where the ledger keeps its products per month, only the last WARM_EDGE_DAYS: the whole months are not split.
    Returns how many strings were split (at most what the cache holds)."""
    with db.reading() as session:
        since = (moment or now()) - timedelta(days=WARM_EDGE_DAYS if kept(session) else WARM_DAYS)
        strings = recent_goods(session, since, GOODS_CACHE)
    for goods in strings:
        goods_lines(goods)
    return len(strings)


def report_in(session: Session, period: Period, platform: Platform | None = None, shop: str | int | None = None,
              moment: datetime | None = None, old_claim_days: int = OLD_CLAIM_DAYS) -> Report:
    """Every figure, in one read (the 统计 tab, `report`, the export)."""
    at = moment or now()
    shop_row = None if shop is None or shop == "" else resolve_shop(session, str(shop), platform)
    scope = ReportScope(period.start, period.end, platform.value if platform else None,
                        shop_row.id if shop_row else None)
    older = at - timedelta(days=old_claim_days)
    # Both cores, in one go: about half the reads' time on each side (bench/bench_report.py). The overdue
    # timers of cases with open timers on both sides of now are read there whether or not any case has
    # them (a read of nothing then: a few ms), which evens out the two sides. The couriers' cases too, since
    # the products come from `product_months` (the side's reads ≈ 80 ms against the caller's ≈ 160: −9 % at
    # the first opening, bench/README "Session 29 (s29-goods)").
    # Each side only reads rows; what Python makes of them comes after both are done. A thread fetching
    # rows takes the GIL back after every row, so while the other ran Python (a few thousand groups, the
    # goods strings, the claims: 50-60 ms in all) it fetched about one row per 5 ms switch interval.
    beside = read_beside(session, lambda other: (
        claim_rows(other, scope, older), product_rows(other, scope), straddling_overdue(other, scope, at),
        carrier_cases(other, scope)))
    group_rows = report_case_group_rows(session, scope, at)  # whole months from the aggregate (store/case_months)
    parcels = parcels_by_carrier(session, scope)
    penalty_rows = period_penalty_rows(session, scope, at)
    claim_reads, goods, straddling, carriers = beside()
    groups, seconds = case_groups_of(group_rows)
    claims = claim_figures_of(session, claim_reads, files_check=claims_with_files)
    # The timers' penalties count in their cases' products too: their goods' cost, no case counted again.
    products = top_products_of(session, scope, goods.goods + [(g, 0, fen) for _p, g, fen, _n in penalty_rows if g],
                               products=goods.products)
    overview = replace(_overview(period, platform, shop_row, old_claim_days, groups, claims, penalty_rows),
                       unknown_penalty_cases=period_unknown_penalty_cases(session, scope, at))
    return _detailed(overview, groups, claims, products, carriers, parcels, seconds, straddling)


def _overview(period: Period, platform: Platform | None, shop: ShopRow | None, old_claim_days: int,
              groups: list[CaseGroup], claim_reads: ClaimFigures, penalty_rows: list[Any]) -> Report:
    claims = claim_reads.groups
    received = sum(c.received_fen for c in claims)
    refunded = sum(g.refund_fen for g in groups)
    refund_lost = sum(g.refund_fen for g in groups if g.kind not in _RETURNED)
    compensated, postage = sum(g.compensation_fen for g in groups), sum(g.postage_fen for g in groups)
    recorded, timers = sum(g.penalty_fen for g in groups), sum(int(fen) for _p, _g, fen, _n in penalty_rows)
    written_off, penalties = sum(g.written_off_fen for g in groups), recorded + timers
    money = Money(
        refunded=fen_to_yuan(refunded), compensated=fen_to_yuan(compensated), postage=fen_to_yuan(postage),
        written_off=fen_to_yuan(written_off), penalties=fen_to_yuan(penalties),
        claimed=fen_to_yuan(sum(c.claimed_fen for c in claims)), received=fen_to_yuan(received),
        outstanding=fen_to_yuan(sum(c.outstanding_fen for c in claims)),
        net_loss=fen_to_yuan(refund_lost + compensated + postage + written_off + penalties - received),
        pending_refund=fen_to_yuan(sum(g.pending_fen for g in groups)),
        penalties_recorded=fen_to_yuan(recorded), penalties_timers=fen_to_yuan(timers),
    )
    timer_cases = sum(int(n) for _p, _g, _fen, n in penalty_rows)
    return Report(
        period=period, platform=platform, shop=shop,
        cases=sum(g.count for g in groups), open=sum(g.open for g in groups),
        by_kind=_counts(groups, "kind"), by_platform=_counts(groups, "platform"),
        by_reason=_counts(groups, "reason"), by_responsible=_counts(groups, "responsible"),
        money=money, penalised_cases=sum(g.penalised for g in groups) + timer_cases,
        timeliness=_timeliness(None, [], 0, []), timeliness_by_platform=(), products=(), carriers=(),
        claims=sum(c.count for c in claims), open_claims=sum(c.count for c in claims if c.is_open),
        attention=claim_reads.attention,
        old_claim_days=old_claim_days, notes=(), timer_penalised_cases=timer_cases,
    )


def _detailed(overview: Report, groups: list[CaseGroup], claims: ClaimFigures, products: list[ProductLine],
              carriers: dict[str, tuple[int, int, int]], parcels: dict[str, int], seconds: dict[str, list[int]],
              straddling: dict[str, int]) -> Report:
    """The overview (counts, money, claims) completed with timeliness per platform, products, couriers."""
    of_platform: dict[str, list[CaseGroup]] = {}
    for g in groups:
        of_platform.setdefault(g.platform, []).append(g)
    present = sorted(of_platform, key=_platform_order)
    by_platform = {p: _timeliness(p, of_platform[p], straddling.get(p, 0), seconds.get(p, [])) for p in present}
    timeliness = _timeliness(None, groups, sum(straddling.values()), *seconds.values())
    notes = []
    # The 统计 tab says them in the language shown (ui/dashboard/dashboard_tab.py): the same words there.
    if timeliness.missed:
        notes.append(f"错过平台时限 {timeliness.missed} 次")
    if overview.timer_penalised_cases:
        notes.append(f"平台处罚含时限超时按平台规则计入的 {overview.money.penalties_timers:.2f} 元"
                     f"（{overview.timer_penalised_cases} 张售后单，按时限到期日计入期间；"
                     "已手工登记处罚的售后单以登记为准）")
    if overview.unknown_penalty_cases:
        notes.append(f"另有 {overview.unknown_penalty_cases} 张售后单的时限超时赔付金额未知（订单未导入，"
                     "按成交金额的比例计算），未计入平台处罚")
    return replace(
        overview, timeliness=timeliness, timeliness_by_platform=tuple(by_platform[p] for p in present),
        products=tuple(
            ProductFigure(p.key, p.title, p.cases, p.sold, _per_100(p.cases, p.sold), fen_to_yuan(p.net_loss_fen))
            for p in with_received(products, claims.received_by_goods)),
        carriers=_carriers(carriers, parcels, list(claims.groups)),
        notes=tuple(notes),
    )


def _counts(groups: Iterable[CaseGroup], field: str) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for g in groups:
        value = getattr(g, field)
        if value:
            counter[str(value)] += g.count
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _platform_order(value: str) -> int:
    ids = [p.value for p in Platform]
    return ids.index(value) if value in ids else len(ids)


def _per_100(count: int, of: int | None) -> Decimal | None:
    if not of:
        return None
    return (Decimal(count) * 100 / of).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _timeliness(platform: str | None, groups: list[CaseGroup], straddling_overdue: int,
                *seconds: list[int]) -> Timeliness:
    """`seconds`: the sorted times to resolve, one list per platform (the median of them all together)."""
    median = None
    resolved = sum(map(len, seconds))
    if resolved:
        middle = Decimal(str(_median(resolved, seconds))) / 3600
        median = middle.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    met, missed = sum(g.met for g in groups), sum(g.missed for g in groups)
    opened = sum(g.open_timers for g in groups)
    return Timeliness(
        platform=platform, deadlines=met + missed + opened, met=met, missed=missed, open=opened,
        overdue_now=sum(g.overdue for g in groups) + straddling_overdue, resolved=resolved,
        median_resolve_hours=median,
    )


def _median(count: int, runs: tuple[list[int], ...]) -> int | float:
    """`statistics.median` of the values of these sorted lists taken together, without merging them (the
    whole year's 59,000 values were sorted again for it): the middle value, or the mean of the two."""
    if len(runs) == 1:
        return statistics.median(runs[0])
    middle = count // 2
    if count % 2:
        return _nth(runs, middle)
    return (_nth(runs, middle - 1) + _nth(runs, middle)) / 2


def _nth(runs: tuple[list[int], ...], n: int) -> int:
    """The value at index `n` of the sorted union of the sorted lists (n < their total length): the least
    value with more than `n` values at or below it, found by halving the range of values."""
    low = min(run[0] for run in runs if run)
    high = max(run[-1] for run in runs if run)
    while low < high:
        mid = (low + high) // 2
        if sum(bisect_right(run, mid) for run in runs) > n:
            high = mid
        else:
            low = mid + 1
    return low


def _carriers(cases: dict[str, tuple[int, int, int]], parcels: dict[str, int],
              claims: list[ClaimGroup]) -> tuple[CarrierFigure, ...]:
    """Per courier: parcels of the orders paid in the period, the cases in scope on its parcels (lost or
    signed for but not received; damaged) and its claims. Most lost and damaged first."""
    by_carrier: dict[str, list[int]] = {}
    for c in claims:
        sums = by_carrier.setdefault(c.carrier, [0, 0, 0, 0])
        sums[0] += c.count
        sums[1] += c.claimed_fen
        sums[2] += c.received_fen
        sums[3] += c.outstanding_fen
    figures = []
    for name in sorted(set(cases) | set(parcels) | set(by_carrier)):
        n, claimed, received, outstanding = by_carrier.get(name, [0, 0, 0, 0])
        count, lost, damaged = cases.get(name, (0, 0, 0))
        shipped = parcels.get(name, 0)
        figures.append(CarrierFigure(
            carrier=name, parcels=shipped, cases=count, lost=lost, damaged=damaged,
            per_100_parcels=_per_100(lost + damaged, shipped), claims=n, claimed=fen_to_yuan(claimed),
            received=fen_to_yuan(received), outstanding=fen_to_yuan(outstanding),
        ))
    figures.sort(key=lambda f: (-(f.lost + f.damaged), -f.cases, -f.claims, f.carrier))
    return tuple(figures)
