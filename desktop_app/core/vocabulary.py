"""The shop's vocabulary: platforms, case kinds, reasons, responsible parties.

Each value has a stable ASCII id (for scripts, the database and rule packs) and a Chinese label
(for people). Parsing accepts either, so `--kind 补发` and `--kind reship` mean the same.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from desktop_app.core.errors import UserError


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label (set in `_labels`)."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value]

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the stable id, the Chinese label, or a documented alias."""
        key = text.strip()
        labels = _LABELS[cls.__name__]
        for member in cls:
            if key.lower() == member.value or key == labels[member.value]:
                return member
        alias = _ALIASES.get(cls.__name__, {}).get(key)
        if alias is not None:
            return cls(alias)
        choices = "、".join(f"{m.value}（{labels[m.value]}）" for m in cls)
        raise UserError(f"无法识别的{_WHAT[cls.__name__]}“{text}”，可用：{choices}")


class Platform(LabelledEnum):
    TAOBAO = "taobao"
    TMALL = "tmall"
    PDD = "pdd"
    DOUYIN = "douyin"
    JD = "jd"
    OTHER = "other"


class CaseKind(LabelledEnum):
    REFUND_ONLY = "refund_only"
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    RESHIP = "reship"
    PARTIAL_REFUND = "partial_refund"
    REPAIR = "repair"
    BAD_REVIEW = "bad_review"
    DISPUTE = "dispute"


class CaseReason(LabelledEnum):
    MISSING_ITEM = "missing_item"
    WRONG_ITEM = "wrong_item"
    DAMAGED = "damaged"
    LOST = "lost"
    SIGNED_NOT_RECEIVED = "signed_not_received"
    OUT_OF_AREA = "out_of_area"
    QUALITY = "quality"
    NO_REASON_7D = "no_reason_7d"
    STALLED = "stalled"
    NOT_RECEIVED = "not_received"
    SIZE_COLOUR = "size_colour"
    CHANGED_MIND = "changed_mind"
    NOT_AS_DESCRIBED = "not_as_described"
    LATE_SHIPMENT = "late_shipment"
    FAKE_SHIPMENT = "fake_shipment"
    BROKEN_PROMISE = "broken_promise"
    OTHER = "other"


class ResponsibleParty(LabelledEnum):
    MERCHANT = "merchant"
    CARRIER = "carrier"
    BUYER = "buyer"
    SUPPLIER = "supplier"
    PLATFORM = "platform"


_WHAT = {
    "Platform": "平台",
    "CaseKind": "售后类型",
    "CaseReason": "原因",
    "ResponsibleParty": "责任方",
}

_LABELS: dict[str, dict[str, str]] = {
    "Platform": {
        "taobao": "淘宝",
        "tmall": "天猫",
        "pdd": "拼多多",
        "douyin": "抖店",
        "jd": "京东",
        "other": "其他",
    },
    "CaseKind": {
        "refund_only": "仅退款",
        "return_refund": "退货退款",
        "exchange": "换货",
        "reship": "补发",
        "partial_refund": "部分退款/补偿",
        "repair": "返修",
        "bad_review": "中差评",
        "dispute": "维权/投诉",
    },
    "CaseReason": {
        "missing_item": "漏发少件",
        "wrong_item": "错发",
        "damaged": "破损",
        "lost": "丢件",
        "signed_not_received": "签收未收到",
        "out_of_area": "超区",
        "quality": "质量问题",
        "no_reason_7d": "七天无理由",
        "stalled": "物流停滞",
        "not_received": "一直未收到货",
        "size_colour": "尺码/颜色不合适",
        "changed_mind": "不想要了",
        "not_as_described": "描述不符",
        "late_shipment": "延迟发货",
        "fake_shipment": "虚假发货",
        "broken_promise": "违背承诺",
        "other": "其他",
    },
    "ResponsibleParty": {
        "merchant": "商家",
        "carrier": "快递",
        "buyer": "买家",
        "supplier": "供应商/档口",
        "platform": "平台",
    },
}

_ALIASES: dict[str, dict[str, str]] = {
    "Platform": {"抖音": "douyin", "抖音小店": "douyin", "京东POP": "jd", "PDD": "pdd", "淘宝/天猫": "taobao"},
    "CaseKind": {"部分退款": "partial_refund", "补偿": "partial_refund", "补寄": "reship", "维权": "dispute",
                 "投诉": "dispute", "差评": "bad_review"},
    "CaseReason": {"漏发": "missing_item", "少件": "missing_item", "7天无理由": "no_reason_7d",
                   "未收到货": "not_received", "物流不更新": "stalled"},
    "ResponsibleParty": {"供应商": "supplier", "档口": "supplier", "快递公司": "carrier"},
}

# Platforms that share another's order numbering (an order of one may be met under the other), by
# the platform whose id names the family. Taobao and Tmall shops get the same exports and numbers.
_FAMILY_OF: dict[str, str] = {"tmall": "taobao"}


def platform_family(platform: Platform | str) -> str:
    """The order-numbering family of a platform (Tmall is in Taobao's): the prefix of the order key."""
    value = platform.value if isinstance(platform, Platform) else platform
    return _FAMILY_OF.get(value, value)


def family_members(platform: Platform | str) -> tuple[str, ...]:
    """Every platform id in `platform`'s family, in vocabulary order: taobao and tmall for either."""
    family = platform_family(platform)
    return tuple(p.value for p in Platform if platform_family(p) == family)


def family_label(platform: Platform | str) -> str:
    """The Chinese name of a platform's family: "淘宝/天猫" for taobao or tmall, "拼多多" for pdd."""
    return "/".join(Platform(p).label for p in family_members(platform))


def platform_ids() -> str:
    """The platform ids for help texts: "taobao tmall pdd douyin jd other"."""
    return " ".join(p.value for p in Platform)


def order_key(platform: Platform | str, order_no: str) -> str:
    """The `orders.order_key` of an order: platform family + ':' + order number."""
    return f"{platform_family(platform)}:{order_no}"


def platform_case_key(platform: Platform | str, platform_case_no: str | None) -> str | None:
    """The `cases.platform_case_key` of a platform after-sales number: family + ':' + number."""
    return f"{platform_family(platform)}:{platform_case_no}" if platform_case_no else None


def register_labels(enum_name: str, what: str, labels: dict[str, str]) -> None:
    """Let enums defined in other core modules carry labels the same way."""
    _WHAT[enum_name] = what
    _LABELS[enum_name] = labels


# Which reasons make sense for which kind; the first is the default offered in the dialog.
REASONS_BY_KIND: dict[CaseKind, tuple[CaseReason, ...]] = {
    CaseKind.REFUND_ONLY: (
        CaseReason.NOT_RECEIVED, CaseReason.LOST, CaseReason.STALLED, CaseReason.OUT_OF_AREA,
        CaseReason.SIGNED_NOT_RECEIVED, CaseReason.CHANGED_MIND, CaseReason.LATE_SHIPMENT,
        CaseReason.MISSING_ITEM, CaseReason.DAMAGED, CaseReason.OTHER,
    ),
    CaseKind.RETURN_REFUND: (
        CaseReason.NO_REASON_7D, CaseReason.QUALITY, CaseReason.WRONG_ITEM, CaseReason.DAMAGED,
        CaseReason.NOT_AS_DESCRIBED, CaseReason.SIZE_COLOUR, CaseReason.OTHER,
    ),
    CaseKind.EXCHANGE: (
        CaseReason.SIZE_COLOUR, CaseReason.WRONG_ITEM, CaseReason.QUALITY, CaseReason.DAMAGED,
        CaseReason.OTHER,
    ),
    CaseKind.RESHIP: (
        CaseReason.MISSING_ITEM, CaseReason.WRONG_ITEM, CaseReason.DAMAGED, CaseReason.LOST,
        CaseReason.NOT_RECEIVED, CaseReason.SIGNED_NOT_RECEIVED, CaseReason.STALLED,
        CaseReason.OUT_OF_AREA, CaseReason.OTHER,
    ),
    CaseKind.PARTIAL_REFUND: (
        CaseReason.DAMAGED, CaseReason.QUALITY, CaseReason.MISSING_ITEM, CaseReason.NOT_AS_DESCRIBED,
        CaseReason.LATE_SHIPMENT, CaseReason.OTHER,
    ),
    CaseKind.REPAIR: (CaseReason.QUALITY, CaseReason.DAMAGED, CaseReason.OTHER),
    CaseKind.BAD_REVIEW: (
        CaseReason.QUALITY, CaseReason.DAMAGED, CaseReason.STALLED, CaseReason.NOT_AS_DESCRIBED,
        CaseReason.MISSING_ITEM, CaseReason.OTHER,
    ),
    CaseKind.DISPUTE: (
        CaseReason.NOT_AS_DESCRIBED, CaseReason.FAKE_SHIPMENT, CaseReason.LATE_SHIPMENT,
        CaseReason.BROKEN_PROMISE, CaseReason.QUALITY, CaseReason.OTHER,
    ),
}
