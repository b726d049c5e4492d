"""Running a use case written as a generator of progress (imports) to its end, for callers that only
want its result and perhaps each progress step (the CLI, tests); the GUI drives the generator itself."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

P = TypeVar("P")
R = TypeVar("R")


def run_to_end(steps: Generator[P, None, R], progress: Callable[[P], None] | None = None) -> R:
    """Every step of `steps` (each handed to `progress`), then the value the generator returns."""
    while True:
        try:
            step = next(steps)
        except StopIteration as finished:
            result: R = finished.value
            return result
        if progress is not None:
            progress(step)
