"""Tracking numbers and carrier names as typed or pasted: a tracking number is text (digits and letters,
never a number Excel has rounded); a carrier is the vocabulary's name for what was typed."""

from __future__ import annotations

import re

from desktop_app.core import messages as msg
from desktop_app.core.carriers import canonical_carrier
from desktop_app.core.errors import UserError

_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_TAIL = re.compile(r"^\d+\.0+$")
_TRACKING = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]*$")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
MIN_TRACKING = 6
MAX_TRACKING = 80  # reships.tracking_no is String(80)
MAX_CARRIER = 60  # carrier columns are String(60)


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
        raise UserError(msg.say(msg.TRACKING_SCIENTIFIC, _shown(text.strip())))
    if not _TRACKING.match(value):
        raise UserError(msg.say(msg.TRACKING_BAD, _shown(text.strip())))
    if not MIN_TRACKING <= len(value) <= MAX_TRACKING:
        raise UserError(msg.say(msg.TRACKING_LENGTH, _shown(value), MIN_TRACKING, MAX_TRACKING))
    return value


def check_parcel_lengths(carrier: str | None, tracking_no: str | None) -> None:
    """A carrier or tracking number kept as typed (a claim's) but longer than its column is refused, on both
    backends: SQLite stored it, the team server refused the write with a generic 团队数据库存不下."""
    for name, value, limit in (("快递公司", carrier, MAX_CARRIER), ("运单号", tracking_no, MAX_TRACKING)):
        text = (value or "").strip()
        if len(text) > limit:
            raise UserError(msg.say(msg.TOO_LONG, name, len(text), limit))


def clean_carrier(text: str | None) -> str | None:
    """The vocabulary's name for a typed carrier (顺丰 → 顺丰速运); an unknown one as typed."""
    value = (text or "").strip()
    if len(value) > MAX_CARRIER:
        raise UserError(msg.say(msg.CARRIER_TOO_LONG, MAX_CARRIER))
    control = _CONTROL.search(value)
    if control is not None:
        raise UserError(msg.say(msg.CARRIER_CONTROL, _CONTROL.sub("", value), f"\\u{ord(control.group()):04x}"))
    return canonical_carrier(value)
