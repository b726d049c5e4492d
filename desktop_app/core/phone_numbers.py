"""A buyer's phone as exports and hand-made sheets write it: a mainland mobile number in international or
grouped form (+86 138-0013-8000, (+86)13800138000, 0086 138 0013 8000) is its 11 digits, as the platforms write
it and as the shop types it in the search box; anything else (a landline, a masked 138****8000) is kept as
written."""

from __future__ import annotations

import re

_GROUPING = re.compile(r"[\s\-()（）.]")
_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9][0-9]{9})$")
# Typed with a Chinese input method in full-width mode (１３８－００１３－８０００, ＋８６): the number it shows.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－．", "0123456789+-.")


def as_mobile(text: str) -> str:
    """The 11 digits of a mainland mobile number written with its country code, in groups or in full-width
    digits; else `text`."""
    if text.isascii() and text.isdigit() and len(text) == 11:
        return text
    found = _MOBILE.match(_GROUPING.sub("", text.translate(_FULL_WIDTH)))
    return found.group(1) if found else text
