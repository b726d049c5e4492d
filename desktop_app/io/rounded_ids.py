"""Long numeric ids Excel rounded and saved back as text: 2091714521178512345 → 2.09171452117851E+18 →
"2091714521178510000" once the cell is formatted as a number again (or saved to CSV).

Excel keeps 15 significant digits; what it rounded ends in zeros from the 16th digit on. The readers
already refuse a number cell past 15 digits and the E+ text (io/cell_values.py); this text looks like
a real id and is not one. A real id can end in zeros too (a 19-digit one in 10,000 ends in four), so
a single such id is only suspect. A column whose every long id ends so is certain: the chance that
real ids all do is the product of theirs (a 19-digit one: 1 in 10,000; two: 1 in 10^8).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.core import messages as msg

EXCEL_DIGITS = 15
# At most this chance that the suspects are all real ids: the column was rounded.
_CERTAIN_BELOW = 1e-6


def lost_digits(text: str) -> int:
    """How many trailing digits Excel would have turned into zeros, when `text` is a long number ending
    so (all digits, more than 15, no leading zero, every digit from the 16th on a 0); else 0."""
    if len(text) <= EXCEL_DIGITS or not text.isdigit() or not text.isascii() or text[0] == "0":
        return 0
    tail = text[EXCEL_DIGITS:]
    return len(tail) if tail.count("0") == len(tail) else 0


@dataclass(frozen=True, slots=True)
class SuspectId:
    """A long id ending in the zeros Excel leaves: where it is and what it says."""

    row: int
    column: str  # its header, as the file writes it
    text: str
    lost: int
    field: str = ""  # which id it is (order_no, case_no …)

    def certain(self) -> str:
        """The row error when its whole column was rounded."""
        return msg.say(msg.ROUNDED_COLUMN, self.text, self.lost)

    def suspect(self, unknown: str = "") -> str:
        """The warning for one such id the import kept (`unknown`: the ledger has no such 订单 or 售后单 either)."""
        if unknown:
            return msg.say(msg.ROUNDED_KEPT_UNKNOWN, self.row, self.column, self.text, self.lost, unknown)
        return msg.say(msg.ROUNDED_KEPT, self.row, self.column, self.text, self.lost)

    def matches(self, candidates: list[str]) -> str:
        """The row error when the ledger holds ids that only differ in those last digits."""
        shown = "、".join(candidates[:3]) + ("…" if len(candidates) > 3 else "")
        return msg.say(msg.ROUNDED_LIKE, self.text, self.lost, shown)


@dataclass
class RoundedColumns:
    """The long ids of a table's id columns as read, and which of them Excel may have rounded."""

    long_ids: dict[str, int] = field(default_factory=dict)  # column → how many long numeric ids
    suspects: list[SuspectId] = field(default_factory=list)

    def see(self, row: int, column: str, text: str | None, what: str = "") -> None:
        if text is None or len(text) <= EXCEL_DIGITS or not text.isdigit():
            return
        self.long_ids[column] = self.long_ids.get(column, 0) + 1
        lost = lost_digits(text)
        if lost:
            self.suspects.append(SuspectId(row, column, text, lost, what))

    def split(self) -> tuple[list[SuspectId], list[SuspectId]]:
        """(certain, only suspect): a column's suspects are certain when every long id in it is one and
        real ids would all end so only by a chance below one in a million."""
        certain: list[SuspectId] = []
        only: list[SuspectId] = []
        for column, count in self.long_ids.items():
            found = [s for s in self.suspects if s.column == column]
            chance = 1.0
            for suspect in found:
                chance *= 10.0 ** -suspect.lost
            (certain if found and len(found) == count and chance <= _CERTAIN_BELOW else only).extend(found)
        return certain, only
