"""Whether a 淘宝-layout refund list is 淘宝's or 天猫's, from what the ledger knows.

淘宝 and 天猫 export refunds in one layout (the file cannot say which), and their orders share one
numbering: an order export stores both as 淘宝. What can tell them apart is what the shop recorded
itself: cases of the file's orders (a request imported with --platform tmall, a case typed as 天猫),
an order recorded as 天猫, and else the ledger's other 淘宝/天猫 cases. The import follows that evidence
and says so; where it is mixed or missing it keeps 淘宝 and says how to re-run as 天猫 — never
silently (a 天猫 shop's cases on 淘宝's timers miss 天猫's own, e.g. its 5-day answer).
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.event_notes import NoteTemplate, note
from desktop_app.core.vocabulary import Platform


@dataclass(frozen=True, slots=True)
class FamilySeen:
    """How many orders (or cases) the ledger holds as 天猫 and as 淘宝."""

    tmall: int = 0
    taobao: int = 0


_SAME = "淘宝和天猫的退款列表格式相同，文件本身看不出是哪个平台："
_AS_TMALL = "如果这是天猫店的退款列表，请按天猫重新导入（命令行加 --platform tmall；窗口里点“这是天猫的退款列表…”），" \
            "已导入的售后单会改为天猫并重新计算时限"
_AS_TAOBAO = "如果这是淘宝店的退款列表，请按淘宝重新导入（命令行加 --platform taobao）"

# What the import says, as templates (the window shows them in its language; %1, %2: counts).
ORDERS_ARE_TMALL = NoteTemplate(f"{_SAME}本文件的 %1 张订单在台账中是天猫的，已按天猫导入（天猫的时效规则）。"
                                f"{_AS_TAOBAO}")
ORDERS_ARE_MIXED = NoteTemplate(f"{_SAME}本文件的订单在台账中 %1 张是天猫的、%2 张是淘宝的，已按淘宝导入。{_AS_TMALL}")
LEDGER_IS_TMALL = NoteTemplate(f"{_SAME}台账中淘宝/天猫的售后单都是天猫的（%1 张），已按天猫导入（天猫的时效规则）。"
                               f"{_AS_TAOBAO}")
LEDGER_IS_MIXED = NoteTemplate(f"{_SAME}台账中既有天猫的（%1 张）也有淘宝的售后单（%2 张），已按淘宝导入。{_AS_TMALL}")
NOTHING_KNOWN = NoteTemplate(f"{_SAME}已按淘宝导入（淘宝的时效规则）。{_AS_TMALL}")
TEMPLATES = (ORDERS_ARE_TMALL, ORDERS_ARE_MIXED, LEDGER_IS_TMALL, LEDGER_IS_MIXED, NOTHING_KNOWN)


@dataclass(frozen=True, slots=True)
class ListPlatform:
    platform: Platform
    warning: str | None  # what the shop is told (None: the ledger agrees with 淘宝 throughout)


def refund_list_platform(orders: FamilySeen, ledger: FamilySeen) -> ListPlatform:
    """The platform a 淘宝-layout refund list read without --platform is taken as.

    `orders`: the file's orders the ledger knows as 天猫 / 淘宝 (by their cases or the order itself);
    `ledger`: the ledger's 淘宝/天猫 cases, asked only when the file's orders say nothing."""
    if orders.tmall and not orders.taobao:
        return ListPlatform(Platform.TMALL, note(ORDERS_ARE_TMALL, str(orders.tmall)))
    if orders.tmall:
        return ListPlatform(Platform.TAOBAO, note(ORDERS_ARE_MIXED, str(orders.tmall), str(orders.taobao)))
    if orders.taobao:
        return ListPlatform(Platform.TAOBAO, None)
    if ledger.tmall and not ledger.taobao:
        return ListPlatform(Platform.TMALL, note(LEDGER_IS_TMALL, str(ledger.tmall)))
    if ledger.tmall:
        return ListPlatform(Platform.TAOBAO, note(LEDGER_IS_MIXED, str(ledger.tmall), str(ledger.taobao)))
    if ledger.taobao:
        return ListPlatform(Platform.TAOBAO, None)
    return ListPlatform(Platform.TAOBAO, note(NOTHING_KNOWN))
