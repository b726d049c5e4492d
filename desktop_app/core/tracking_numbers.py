"""Tracking numbers and carrier names as typed or pasted: a tracking number is text (digits and letters,
never a number Excel has rounded); a carrier is the vocabulary's name for what was typed."""

from __future__ import annotations

import re

from desktop_app.core.carriers import canonical_carrier
from desktop_app.core.errors import UserError

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d+\.0+$")
_TRACKING = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]*$")
MIN_TRACKING = 6
MAX_TRACKING = 80  # reships.tracking_no is String(80)
MAX_CARRIER = 60


def _shown(text: str, limit: int = 30) -> str:
    """A typed or scanned value as a message quotes it: a pasted page is not repeated whole."""
    return text if len(text) <= limit else text[:limit] + "…"


def clean_tracking(text: str) -> str:
    """A tracking number is text: digits and letters, never a number Excel has rounded."""
    value = re.sub(r"\s+", "", text).lstrip("'")
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    if not value:
        raise UserError("运单号不能为空")
    if _SCIENTIFIC.match(value) or _FLOAT_TAIL.match(value):
        raise UserError(f"运单号“{_shown(text.strip())}”被 Excel 转成了数字（已丢失位数），请把该列设为文本后重新复制")
    if not _TRACKING.match(value):
        raise UserError(f"运单号“{_shown(text.strip())}”含有无效字符，只能包含数字、字母和“-”")
    if not MIN_TRACKING <= len(value) <= MAX_TRACKING:
        raise UserError(f"运单号“{_shown(value)}”长度不对（应为 {MIN_TRACKING}–{MAX_TRACKING} 位）")
    return value


def clean_carrier(text: str | None) -> str | None:
    """The vocabulary's name for a typed carrier (顺丰 → 顺丰速运); an unknown one as typed."""
    value = (text or "").strip()
    if len(value) > MAX_CARRIER:
        raise UserError(f"快递公司名称太长（最多 {MAX_CARRIER} 个字）")
    return canonical_carrier(value)
