"""Buyers' data on screen: phone numbers masked in lists (138****5678), shown in full where one order is
looked at (the detail pane) or when the shop chose to see them (设置)."""

from __future__ import annotations

import re

# A mobile number, with a platform's virtual-number extension (13812345678-1234) or a country code.
_PHONE = re.compile(r"^(?P<cc>\+\d{2})?(?P<head>\d{3})(?P<middle>\d+?)(?P<tail>\d{4})(?P<ext>[-_转#]\d{1,6})?$")


def mask_phone(phone: str | None) -> str:
    """'13812345678' → '138****5678'; an already masked or unusual value keeps only its last 4 characters."""
    if not phone:
        return ""
    text = phone.strip()
    match = _PHONE.match(text)
    if match:
        return f"{match['cc'] or ''}{match['head']}****{match['tail']}{match['ext'] or ''}"
    if "*" in text:  # the platform masked it already
        return text
    return "****" + text[-4:] if len(text) > 4 else "****"



def hides_part_of(masked: object, full: object) -> bool:
    """Whether `masked` is `full` as a platform shows it with a run of characters hidden (138****5678
    for 13812345678, 梁*桐 for 梁军桐, 文一西路*** for an address): a later export masks what an earlier
    one showed in full, and must not replace it. The visible head and tail must agree."""
    if not isinstance(masked, str) or not isinstance(full, str) or "*" not in masked or "*" in full:
        return False
    first, last = masked.index("*"), masked.rindex("*")
    head, tail = masked[:first], masked[last + 1:]
    return (not masked[first:last + 1].strip("*") and len(full) > len(head) + len(tail)
            and full.startswith(head) and full.endswith(tail))
