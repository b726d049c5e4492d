"""A 商家编码 as the cost table and the orders match it.

A shop's cost sheet is typed by hand, often with a Chinese input method on: ＳＫＵ－０１ (full-width) or
sku-01 for the SKU-01 of the platform's export. Those are one product; `code_key` is the form both sides
are compared in (NFKC folds full-width letters, digits and signs to half-width; then upper case, trimmed).
"""

from __future__ import annotations

import unicodedata


def code_key(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper()
