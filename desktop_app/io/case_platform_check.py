"""Whether an after-sales export's own order numbers say it is another platform's than the one it is read as.

拼多多's and 抖店's after-sales lists share their headers, so `import-cases --platform douyin` reads a
拼多多 file without a word, and every request becomes a 抖店 case (on 抖店's timers, never matched to its
拼多多 order). The order numbers tell: each platform writes them its own way (`order_no_shape` in
resources/aftersales/*.toml: 拼多多 261111-755306313554903, 京东 12 digits, 淘宝/天猫 and 抖店 19). A file
none of whose order numbers looks like the chosen platform's, and all like another's, is that other
platform's: refused when a platform was named (nothing stored; the message names the order number and
the other platform's own columns it has), read as that platform when only the header had chosen and its
layout reads the header too. Where it does not (a sheet put together by hand), the header decides, as
before: one short number in a test sheet is no platform's word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.core import import_refusals as refusals
from desktop_app.core.case_intake import CaseRecord
from desktop_app.core.event_notes import note
from desktop_app.core.vocabulary import Platform
from desktop_app.io.case_profiles import CaseProfile, case_profiles
from desktop_app.io.import_profiles import normalize_header


@dataclass(frozen=True, slots=True)
class OtherPlatform:
    """The platform a file's order numbers belong to, an order number that shows it, and the columns of
    the header only that platform's layout knows."""

    profile: CaseProfile
    example: CaseRecord
    own_columns: tuple[str, ...]

    @property
    def platform(self) -> Platform:
        return self.profile.platform

    def refusal(self, chosen: Platform, order_column: str) -> str:
        """Why the file is not imported."""
        values = (chosen.label, self.platform.label, str(self.example.row), order_column, self.example.order_no)
        if self.own_columns:
            columns = "、".join(self.own_columns)
            return note(refusals.CASES_OTHER_PLATFORM_COLUMNS, *values, columns, self.platform.value)
        return note(refusals.CASES_OTHER_PLATFORM, *values, self.platform.value)


def other_platform(used: CaseProfile, chosen: Platform, records: Sequence[CaseRecord],
                   header: Sequence[object]) -> OtherPlatform | None:
    """The shipped profile of another platform whose order-number shape every record fits where none fits
    `used`'s (a layout that matches the header first); None when the numbers agree or do not tell."""
    shape = used.order_no_shape
    if shape is None or not records or any(shape.match(r.order_no) for r in records):
        return None
    names = {normalize_header(cell): str(cell).strip().lstrip("\ufeff") for cell in header if cell is not None}
    others = [p for p in case_profiles()
              if p.order_no_shape is not None and chosen not in p.platforms
              and all(p.order_no_shape.match(r.order_no) for r in records)]
    if not others:
        return None
    others.sort(key=lambda p: not p.matches(set(names)))  # stable: shipped order otherwise
    found = others[0]
    mine = {alias for aliases in used.columns.values() for alias in aliases}
    theirs = {alias for aliases in found.columns.values() for alias in aliases}
    own = tuple(written for name, written in names.items() if name in theirs and name not in mine)
    return OtherPlatform(found, records[0], own)
