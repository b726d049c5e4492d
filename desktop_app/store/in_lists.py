"""Values cut into IN (...) lists: one size for every query of the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

IN_LIST = 500  # values per IN (...) list: far below every database's parameter limit


def in_lists(values: Iterable[T], size: int = IN_LIST) -> Iterator[list[T]]:
    """The values in their order, in lists of at most `size`."""
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk
