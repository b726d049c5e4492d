"""A 商家编码 as the cost table and the orders match it.

A shop's cost sheet is typed by hand, often with a Chinese input method on: ＳＫＵ－０１ (full-width) or
sku-01 for the SKU-01 of the platform's export. Those are one product; `code_key` is the form both sides
are compared in (NFKC folds full-width letters, digits and signs to half-width; then upper case, trimmed).
A code of digits only is compared without its leading zeros: Excel keeps 000123 typed in a cell as the number
123 (and a csv saved from it says 123), while the platform's export has 000123 — one product, and a code that
differs from another only by leading zeros is no other product a shop would keep apart.
"""

from __future__ import annotations

import unicodedata


def code_key(code: str) -> str:
    key = unicodedata.normalize("NFKC", code).strip().upper()
    if key.isascii() and key.isdigit():
        return key.lstrip("0") or "0"
    return key
