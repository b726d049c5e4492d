"""What a write changed, by area of the app (after Anki's OpChanges): orders, cases, reships, claims,
deadlines, settings. Every write use case in `services/` returns one, computed from the rows its unit
of work wrote (store/change_tracking), never guessed by the caller; the window announces it and each
tab decides from it alone whether to reload. Team mode's notices of other seats' writes come in the
same areas (store/change_notices)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

# Who the change notices name for writes of the clock, not of a seat (the 下一个时限 sort keys read again
# when a platform's timer ran out): a seat's name cannot hold a backslash (services/team.py). Here, not in
# store/change_tracking: the window's team listener needs it before SQLAlchemy is loaded (first paint).
CLOCK_SEAT = "\\时钟"

# The audit trail's subject of the shop's own data (a shop's profile, the policies, the cost-price table:
# store/shop_changes.py): such entries are the 设置 area's, not a case's. Here for the same reason.
SHOP_SUBJECT = "shop"

# Which cases a seat's transaction changed, sent beside the tables' notices (store/change_tracking): the
# "table" of that notice is `#cases:<up to CASES_NAMED ids>:<how many in all>`, a name no table has, so a
# window of an older version leaves it out.
CASES_NOTICE = "#cases"
CASES_NAMED = 10


def cases_notice(case_ids: Iterable[int]) -> str:
    """The notice's "table" naming these cases (the lowest ids, and the count)."""
    ids = sorted(set(case_ids))
    return f"{CASES_NOTICE}:{','.join(str(i) for i in ids[:CASES_NAMED])}:{len(ids)}"


def read_cases_notice(table: str) -> tuple[tuple[int, ...], int] | None:
    """The case ids a `cases_notice` names and how many cases it was about; None for a table's notice."""
    head, _, rest = table.partition(":")
    if head != CASES_NOTICE:
        return None
    named, _, count = rest.partition(":")
    try:
        ids = tuple(int(part) for part in named.split(",") if part)
        return ids, max(int(count or 0), len(ids))
    except ValueError:  # not this version's notice
        return None


class Area(StrEnum):
    ORDERS = "orders"
    CASES = "cases"
    RESHIPS = "reships"
    CLAIMS = "claims"
    DEADLINES = "deadlines"
    SETTINGS = "settings"


@dataclass(frozen=True, slots=True)
class OpChanges:
    """The areas a write touched; `OpChanges()` when it wrote nothing."""

    areas: frozenset[Area] = frozenset()

    @classmethod
    def of(cls, *areas: Area) -> OpChanges:
        return cls(frozenset(areas))

    @classmethod
    def everything(cls) -> OpChanges:
        """Whatever may have changed (another seat's write that lost a conflict, a restored backup)."""
        return cls(frozenset(Area))

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(self.areas | other.areas)

    def __contains__(self, area: Area) -> bool:
        return area in self.areas

    @property
    def any(self) -> bool:
        return bool(self.areas)

    @property
    def orders(self) -> bool:
        return Area.ORDERS in self.areas

    @property
    def cases(self) -> bool:
        return Area.CASES in self.areas

    @property
    def reships(self) -> bool:
        return Area.RESHIPS in self.areas

    @property
    def claims(self) -> bool:
        return Area.CLAIMS in self.areas

    @property
    def deadlines(self) -> bool:
        return Area.DEADLINES in self.areas

    @property
    def settings(self) -> bool:
        return Area.SETTINGS in self.areas

    def __str__(self) -> str:
        return ",".join(sorted(self.areas)) or "-"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """A write's own answer (a new claim's number, the evidence ids added, the profile as saved) beside
    what it changed; use cases whose result is already an outcome record carry `changes` in it."""

    value: T
    changes: OpChanges


@dataclass
class Recording:
    """The areas written on this thread while `recording()` was open."""

    areas: set[Area] = field(default_factory=set)

    @property
    def changes(self) -> OpChanges:
        return OpChanges(frozenset(self.areas))


_recording: ContextVar[Recording | None] = ContextVar("op_changes_recording", default=None)


@contextmanager
def recording() -> Iterator[Recording]:
    """Gather what every unit of work run inside writes (store/change_tracking notes it here)."""
    got = Recording()
    token = _recording.set(got)
    try:
        yield got
    finally:
        _recording.reset(token)


def note_recorded(areas: Iterable[Area]) -> None:
    got = _recording.get()
    if got is not None:
        got.areas.update(areas)
