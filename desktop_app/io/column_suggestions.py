"""Which fields a column of "anything else" can feed (`MAPPABLE_FIELDS`) and which column probably feeds
each (`suggest_columns`), from the shipped profiles' header spellings and the words suppliers and
home-made 台账 use; a name for a new mapping from its file name; the shipped profile that already
reads a header row. Only suggestions: the user sees and corrects every one in the mapping dialog."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from desktop_app.io.import_profiles import ImportProfile, best_profile, load_profiles, normalize_header

MAX_LABEL_LENGTH = 30


@dataclass(frozen=True, slots=True)
class MappableField:
    """A field the user can point a column at; `section` says where the profile keeps it."""

    name: str
    section: Literal["order", "item"]
    label: str


# In the order the dialog lists them. Left out on purpose: product_titles (商品名称 covers it),
# item_count (derived from the items' quantities, which a mapped 数量 column gives) and the item's
# own paid amount (rare, and it would share the name `paid` with the order's).
MAPPABLE_FIELDS: tuple[MappableField, ...] = (
    MappableField("order_no", "order", "订单号"),
    MappableField("status", "order", "订单状态"),
    MappableField("shop_name", "order", "店铺"),
    MappableField("buyer_nick", "order", "买家昵称"),
    MappableField("paid", "order", "实付金额"),
    MappableField("goods", "order", "商品总价"),
    MappableField("postage", "order", "邮费"),
    MappableField("paid_at", "order", "付款时间"),
    MappableField("buyer_note", "order", "买家留言"),
    MappableField("seller_note", "order", "商家备注"),
    MappableField("receiver", "order", "收货人"),
    MappableField("phone", "order", "手机"),
    MappableField("address", "order", "收货地址"),
    MappableField("carrier", "order", "物流公司"),
    MappableField("tracking_no", "order", "物流单号"),
    MappableField("shipped_at", "order", "发货时间"),
    MappableField("signed_at", "order", "签收时间"),
    MappableField("succeeded_at", "order", "确认收货时间"),
    MappableField("title", "item", "商品名称"),
    MappableField("spec", "item", "商品规格"),
    MappableField("sku_code", "item", "商家编码"),
    MappableField("quantity", "item", "数量"),
    MappableField("unit_price", "item", "单价"),
)
FIELDS_BY_NAME: Mapping[str, MappableField] = {f.name: f for f in MAPPABLE_FIELDS}

# Words suppliers and home-made 台账 use, beyond the platforms' own headers (which are read from the
# shipped profiles). Only suggestions: the user sees and corrects every one.
EXTRA_ALIASES: Mapping[str, tuple[str, ...]] = {
    "order_no": ("订单号", "订单编号", "单号", "平台单号", "平台订单号", "原始单号", "网店订单号", "客户订单号"),
    "status": ("状态", "订单状态"),
    "shop_name": ("店铺", "店铺名称", "店名"),
    "buyer_nick": ("买家昵称", "买家", "买家ID", "旺旺", "旺旺名"),
    "paid": ("实付金额", "实付", "实收金额", "付款金额", "金额", "订单金额"),
    "goods": ("商品总价", "货款", "商品金额"),
    "postage": ("邮费", "运费"),
    "paid_at": ("付款时间", "支付时间", "付款日期"),
    "buyer_note": ("买家留言", "留言"),
    "seller_note": ("商家备注", "备注", "卖家备注"),
    "receiver": ("收货人", "收件人", "姓名", "客户", "客户姓名", "联系人", "收货人姓名", "收件人姓名"),
    "phone": ("手机", "手机号", "电话", "联系电话", "联系方式", "收件人电话", "收件人手机", "收货人电话"),
    "address": ("收货地址", "地址", "详细地址", "收件地址", "收件人地址"),
    "carrier": ("物流公司", "快递", "快递公司", "承运商"),
    "tracking_no": ("物流单号", "快递单号", "运单号", "运单编号", "快递单号码"),
    "shipped_at": ("发货时间", "发货日期", "出库时间"),
    "signed_at": ("签收时间", "签收日期"),
    "succeeded_at": ("确认收货时间", "完成时间", "成交时间"),
    "title": ("商品名称", "商品", "品名", "货品名称", "产品名称", "宝贝名称", "商品标题", "宝贝标题"),
    "spec": ("商品规格", "规格", "款式", "颜色", "颜色尺码", "型号", "sku"),
    "sku_code": ("商家编码", "货号", "编码", "商品编码", "款号"),
    "quantity": ("数量", "件数", "购买数量", "商品数量", "发货数量"),
    "unit_price": ("单价", "价格", "商品单价"),
}


def field_aliases(profiles: Sequence[ImportProfile] | None = None) -> dict[str, list[str]]:
    """Per mappable field, the header spellings that suggest it (normalised, best first)."""
    profiles = load_profiles() if profiles is None else profiles
    aliases: dict[str, list[str]] = {}
    for spec in MAPPABLE_FIELDS:
        names = [spec.label, *EXTRA_ALIASES.get(spec.name, ())]
        for profile in profiles:
            tables: list[Mapping[str, tuple[str, ...]]] = (
                [profile.order_fields] if spec.section == "order"
                else [profile.item_fields, *([profile.item_table.fields] if profile.item_table else [])])
            for table in tables:
                names.extend(table.get(spec.name, ()))
        aliases[spec.name] = list(dict.fromkeys(normalize_header(n) for n in names))
    return aliases


def known_headers() -> set[str]:
    return {alias for names in field_aliases().values() for alias in names}


def suggest_columns(headers: Sequence[str], profiles: Sequence[ImportProfile] | None = None) -> dict[str, int]:
    """Field → column index proposed for a header row; each column proposed for one field at most.

    A header that several fields use (商品金额 is a unit price for Douyin, a total elsewhere) only
    counts once its unambiguous rivals are placed.
    """
    aliases = field_aliases(profiles)
    owners: dict[str, int] = {}
    for names in aliases.values():
        for name in names:
            owners[name] = owners.get(name, 0) + 1
    normalized = [normalize_header(h) for h in headers]
    candidates: list[tuple[int, int, int, str]] = []
    for order, spec in enumerate(MAPPABLE_FIELDS):
        for column, header in enumerate(normalized):
            if header and header in aliases[spec.name]:
                rank = aliases[spec.name].index(header) + (100 if owners[header] > 1 else 0)
                candidates.append((rank, order, column, spec.name))
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for _, _, column, name in sorted(candidates):
        if name not in chosen and column not in used:
            chosen[name] = column
            used.add(column)
    return chosen


def suggest_label(path: Path | str) -> str:
    """A name from the file name without its trailing date or number: 供应商发货表20261101 → 供应商发货表."""
    stem = Path(path).stem.strip()
    label = re.sub(r"[\s_\-（(]*\d[\d\s_\-.:：)）]*$", "", stem).strip(" _-") or stem
    return label[:MAX_LABEL_LENGTH]


def shipped_profile_for(headers: Sequence[str]) -> ImportProfile | None:
    """The shipped profile that already recognises this header row, if any (no mapping needed)."""
    names = {normalize_header(h) for h in headers if h}
    return best_profile(names, load_profiles())  # the one the import would take
