"""Phones masked in lists; masked values from a later export."""

from __future__ import annotations

import pytest

from desktop_app.core.privacy import hides_part_of, mask_phone


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


@pytest.mark.parametrize(("masked", "full", "hides"), [
    ("182****5900", "18252435900", True), ("****5900", "18252435900", True), ("梁*桐", "梁军桐", True),
    ("文一西路***", "文一西路535号", True), ("139****0000", "18252435900", False),
    ("182****5900", "182****5900", False),
    ("18252435900", "18252435900", False), ("1*2*3", "14253", False), ("182****5900", None, False),
    ("***", "", False),
])
def test_a_masked_value_hides_part_of_the_full_one(masked: str, full: str | None, hides: bool) -> None:
    assert hides_part_of(masked, full) is hides
