"""Phones masked in lists."""

from __future__ import annotations

import pytest

from desktop_app.core.privacy import mask_phone


@pytest.mark.parametrize(("phone", "shown"), [
    ("13812345678", "138****5678"),
    ("13812345678-1234", "138****5678-1234"),
    ("+8613812345678", "+86138****5678"),
    ("0571-88886666", "****6666"),
    ("138****5678", "138****5678"),
    ("123", "****"),
    (None, ""),
    ("", ""),
])
def test_mask_phone(phone: str | None, shown: str) -> None:
    assert mask_phone(phone) == shown
