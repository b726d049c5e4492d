"""A list's starting column widths from what the columns show, in the language shown.

Widths tuned in pixels for the Chinese labels cut the English ones at 1366 px ("Awaiting b…", "Douyin Sh…",
"Refund …"): a column of the core vocabulary (platform, kind, reason, status), a date, an amount or an
order number is sized from its texts in the view's font instead. Free text (an address, the goods, a
deadline's wording) has no widest value: its column keeps a width in pixels, how much of it to show (the
full text is a tooltip). The title is never cut either (`fit_titles`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle

from desktop_app.core.clock import CHINA
from desktop_app.core.money import format_yuan
from desktop_app.core.vocabulary import LabelledEnum
from desktop_app.ui import labels
from desktop_app.ui.widgets.full_text_tips import fit_titles

Fit = int | tuple[str, ...]  # pixels, or the texts the column must show whole
ORDER_NO = "261110-420211703585184"  # the longest platform order number: 拼多多's

WIDEST_LABEL = 150  # a vocabulary column no wider (its rare longest English label is then cut, with its tooltip)
_SAMPLE_MOMENT = datetime(2026, 12, 28, 23, 58, tzinfo=CHINA)  # two-digit month, day and hour


def vocabulary(enum: type[LabelledEnum]) -> tuple[str, ...]:
    """The labels of an enum's members, as the window shows them."""
    return tuple(labels.label(member) for member in enum)


def moment() -> tuple[str, ...]:
    """A date and time as the lists show them (labels.when)."""
    return (labels.when(_SAMPLE_MOMENT),)


def amount(largest_fen: int = 9_999_999) -> tuple[str, ...]:
    """A yuan amount as the lists show it, with two decimals."""
    return (format_yuan(largest_fen),)


def text_width(view: QAbstractItemView, texts: Sequence[str]) -> int:
    """The width a cell needs to show the widest of `texts` whole: Qt's item text margins, and 2 px for the grid
    line and the rounding of the text's width (at Qt's own size hint a 拼多多 number was elided)."""
    margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + 2
    metrics = view.fontMetrics()
    return max((metrics.horizontalAdvance(text) for text in texts), default=0) + margin


def fit_columns(view: QAbstractItemView, header: QHeaderView, fits: Sequence[Fit],
                widest: int | str = WIDEST_LABEL) -> None:
    """Column `n` at `fits[n]`: its pixels, or the width of its widest text (a vocabulary column at most
    `widest`: pixels, or as wide as that text); then widened where its title needs more."""
    limit = widest if isinstance(widest, int) else text_width(view, (widest,))
    for column, fit in enumerate(fits):
        if isinstance(fit, int):
            width = fit
        else:
            width = text_width(view, fit)
            if len(fit) > 1:  # labels, not one sample value
                width = min(width, limit)
        header.resizeSection(column, width)
    fit_titles(header)
