"""Column mappings for after-sales sheets no shipped profile knows (an ERP's 售后单 export, the shop's own
old 台账 of cases): the mapping dialog's "售后单" target.

The user points columns at case fields; `save_case_profile` writes that as an after-sales profile
(the shipped `resources/aftersales/*.toml` format, without [kinds]/[statuses]: the known words of
every platform and the ledger's own labels apply, see `case_profiles.known_words`) into the user's
data folder, where `import-cases` and the window's import find it by its headers like the shipped
ones. `check_preview_rows` reads the dialog's preview rows with the unsaved mapping, so row errors
show before anything is saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound, UserError, system_error_text
from desktop_app.io.case_profiles import (
    CaseProfile,
    CaseProfileError,
    best_profile,
    case_profiles,
    known_words,
    parse_profile,
    user_case_profiles,
    user_profiles_dir,
)
from desktop_app.io.case_rows import CaseFile, read_rows
from desktop_app.io.import_errors import RowError
from desktop_app.io.import_profiles import normalize_header
from desktop_app.io.sheet_header import header_index
from desktop_app.io.user_profiles import (
    MappingInvalid,
    clean_label,
    name_and_platform_problems,
    profile_id_for,
    profile_toml,
    write_profile_file,
)


@dataclass(frozen=True, slots=True)
class CaseField:
    name: str  # a case_profiles.CASE_FIELDS name
    label: str
    required: bool = False


# In the order the dialog lists them (grouped on screen by ui/imports/mapping_fields).
CASE_MAPPABLE_FIELDS: tuple[CaseField, ...] = (
    CaseField("case_no", "售后单号", True),
    CaseField("order_no", "订单号", True),
    CaseField("kind", "售后类型", True),
    CaseField("status", "售后状态", True),
    CaseField("reason", "售后原因"),
    CaseField("description", "问题描述"),
    CaseField("amount", "退款金额"),
    CaseField("requested_at", "申请时间"),
    CaseField("finished_at", "完结时间"),
    CaseField("platform_due_at", "平台处理时限"),
    CaseField("return_carrier", "退货物流公司"),
    CaseField("return_tracking_no", "退货物流单号"),
    CaseField("title", "商品名称"),
    CaseField("spec", "商品规格"),
    CaseField("quantity", "数量"),
    CaseField("sku_code", "商家编码"),
    CaseField("buyer_nick", "买家昵称"),
)
CASE_FIELDS_BY_NAME: Mapping[str, CaseField] = {f.name: f for f in CASE_MAPPABLE_FIELDS}

# Words ERPs and home-made 台账 use, beyond the platforms' own headers (read from the shipped profiles).
EXTRA_CASE_ALIASES: Mapping[str, tuple[str, ...]] = {
    "case_no": ("售后单号", "售后编号", "售后ID", "退款单号", "退款编号", "服务单号", "工单号", "平台售后单号"),
    "order_no": ("订单号", "订单编号", "平台单号", "原始单号", "网店订单号", "平台订单号"),
    "kind": ("售后类型", "类型", "处理方式", "退款类型", "服务类型"),
    "status": ("售后状态", "状态", "处理状态", "进度", "退款状态"),
    "reason": ("售后原因", "原因", "退款原因", "问题类型", "申请原因"),
    "description": ("问题描述", "说明", "备注", "描述"),
    "amount": ("退款金额", "金额", "申请退款金额", "退款"),
    "requested_at": ("申请时间", "登记时间", "登记日期", "日期", "申请日期", "创建时间"),
    "finished_at": ("完结时间", "完成时间", "处理完成时间", "退款时间"),
    "platform_due_at": ("超时时间", "处理时限", "截止时间"),
    "return_carrier": ("退货物流公司", "退货快递", "退回快递"),
    "return_tracking_no": ("退货物流单号", "退货单号", "退回单号", "寄回单号", "退货快递单号"),
    "title": ("商品名称", "商品", "品名", "宝贝标题"),
    "spec": ("商品规格", "规格", "款式"),
    "quantity": ("数量", "商品数量", "件数"),
    "sku_code": ("商家编码", "货号", "商品编码"),
    "buyer_nick": ("买家昵称", "买家", "旺旺", "客户"),
}


@dataclass(frozen=True, slots=True)
class CaseMapping:
    """The user's choices for an after-sales sheet, by header name (profiles never match by position)."""

    label: str
    platform: str  # a Platform value: whose after-sales numbers these are
    columns: Mapping[str, str]  # field name → header text as written in the file

    @property
    def profile_id(self) -> str:
        return profile_id_for(self.label)


def case_field_aliases() -> dict[str, list[str]]:
    """Per case field, the header spellings that suggest it (normalised, best first)."""
    aliases: dict[str, list[str]] = {}
    for spec in CASE_MAPPABLE_FIELDS:
        names = [spec.label, *EXTRA_CASE_ALIASES.get(spec.name, ())]
        for profile in case_profiles():
            names.extend(profile.columns.get(spec.name, ()))
        aliases[spec.name] = list(dict.fromkeys(normalize_header(n) for n in names))
    return aliases


def suggest_case_columns(headers: Sequence[str]) -> dict[str, int]:
    """Field → column index proposed for a header row; each column proposed for one field at most,
    the closest spelling first."""
    aliases = case_field_aliases()
    normalized = [normalize_header(h) for h in headers]
    candidates = sorted((aliases[spec.name].index(header), order, column, spec.name)
                        for order, spec in enumerate(CASE_MAPPABLE_FIELDS)
                        for column, header in enumerate(normalized) if header and header in aliases[spec.name])
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for _, _, column, name in candidates:
        if name not in chosen and column not in used:
            chosen[name] = column
            used.add(column)
    return chosen


def shipped_case_profile_for(headers: Sequence[str]) -> CaseProfile | None:
    """The shipped after-sales profile that already recognises this header row, if any."""
    names = {normalize_header(h) for h in headers if h}
    return best_profile(names, case_profiles())


def check_case_mapping(mapping: CaseMapping) -> list[str]:
    """Everything wrong with a mapping, in Chinese; empty when it can be saved."""
    problems = name_and_platform_problems(mapping.label, mapping.platform, "ERP售后单")
    unknown = [name for name in mapping.columns if name not in CASE_FIELDS_BY_NAME]
    if unknown:
        problems.append(msg.say(msg.MAPPING_UNKNOWN_FIELDS, "、".join(unknown)))
    headers = {name for name, text in mapping.columns.items() if text and text.strip()}
    for spec in CASE_MAPPABLE_FIELDS:
        if spec.required and spec.name not in headers:
            problems.append(msg.say(msg.MAPPING_COLUMN_NEEDED, spec.label, WHY_REQUIRED[spec.name]))
    return problems


WHY_REQUIRED = {
    "case_no": "再次导入时按平台和售后单号找到同一张售后单",
    "order_no": "售后单按订单号关联订单",
    "kind": "售后类型决定售后单的处理步骤和时效",
    "status": "售后状态决定售后单处于哪一步",
}


def case_profile_table(mapping: CaseMapping) -> dict[str, Any]:
    """The profile as TOML data, in the shipped after-sales format (see resources/aftersales/*.toml)."""
    problems = check_case_mapping(mapping)
    if problems:
        raise MappingInvalid(problems)
    columns = {spec.name: [header] for spec in CASE_MAPPABLE_FIELDS
               if (header := (mapping.columns.get(spec.name) or "").strip())}
    return {
        "id": mapping.profile_id,
        "platforms": [mapping.platform],
        "label": clean_label(mapping.label),
        # A file is this sheet when it has every mapped column (any order, extra columns allowed).
        "identify": list(dict.fromkeys(h for names in columns.values() for h in names if "|" not in h)),
        "columns": columns,
    }


def mapping_profile(mapping: CaseMapping, source: Path | None = None) -> CaseProfile:
    """The profile the mapping makes, as an import will read it (MappingInvalid if it makes none)."""
    data = case_profile_table(mapping)
    try:
        return parse_profile(data, source or user_profiles_dir() / f"{data['id']}.toml", known_words())
    except CaseProfileError as exc:
        raise MappingInvalid([str(exc)]) from None


def save_case_profile(mapping: CaseMapping, directory: Path | None = None) -> CaseProfile:
    """Write the mapping as `<id>.toml` in the user's after-sales profiles (replacing a saved one of
    the same name) and return it parsed."""
    folder = directory or user_profiles_dir()
    profile = mapping_profile(mapping, folder / f"{mapping.profile_id}.toml")
    write_profile_file(profile.source, profile_toml(case_profile_table(mapping), "售后单"))
    return profile


@dataclass(frozen=True, slots=True)
class PreviewCheck:
    """The preview's rows read with the unsaved mapping."""

    good: int  # rows that would be imported
    errors: tuple[RowError, ...]  # rows that would be refused: row, column, reason in Chinese
    warnings: tuple[str, ...]  # e.g. an unknown status (imported as 待处理)


def check_preview_rows(mapping: CaseMapping, header: Sequence[str],
                       rows: Sequence[tuple[int, Sequence[str]]]) -> PreviewCheck:
    """Read the preview's rows under the header as the import will (nothing when the mapping itself
    is incomplete: `check_case_mapping` says why)."""
    try:
        profile = mapping_profile(mapping)
    except MappingInvalid:
        return PreviewCheck(0, (), ())
    result = CaseFile(profile.source, profile, profile.platform)
    read_rows(result, list(header), header_index(header), rows)
    return PreviewCheck(len(result.records), tuple(result.errors), tuple(result.warnings))


def delete_case_profile(profile_id: str) -> Path:
    """Delete a saved after-sales profile by id; returns the path removed."""
    target = next((p.source for p in user_case_profiles()[0] if p.id == profile_id), None)
    if target is None:
        raise NotFound(f"找不到售后单的列对应方案“{profile_id}”")
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        raise UserError(f"无法删除“{target}”：{system_error_text(exc)}") from None
    return target
