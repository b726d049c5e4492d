"""Which computer works under which seat name on a team ledger.

Every change records the seat's name, and the other seats' windows say who made it. Two computers under
one name (a second PC given the name already used, or two PCs left on the same Windows login name) could
not be told apart: the timeline and the status bar said 小王 for both. The team ledger keeps, per name,
the computer that took it (a random id in this computer's `team.json`, and its host name to say which
one); a computer whose name is another's is told so in the window and on the command line.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from desktop_app.core import messages as msg
from desktop_app.core.clock import now
from desktop_app.services import team
from desktop_app.store.change_tracking import write_as_the_clock
from desktop_app.store.database import Database
from desktop_app.store.ledger_clock import clock_offset
from desktop_app.store.models import Setting
from desktop_app.store.setting_rows import SEATS_SETTING, locked_setting

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeatClash:
    """The seat name this computer works under is another computer's too."""

    name: str
    host: str  # the other computer's name
    since: str  # when it took the name (China time, to the minute)

    @property
    def message(self) -> str:
        return msg.say(msg.SEAT_CLASH, self.name, self.host, self.since)


def this_computer() -> str:
    """This computer's id (made once, kept in `team.json`)."""
    try:
        return team.computer_id()
    except OSError:  # a data folder it may not write to: the host name stands for the computer
        return f"host:{socket.gethostname()}"


def check_seat(db: Database, name: str) -> SeatClash | None:
    """The other computer `name` belongs to on this team ledger, if any; a name nobody took yet is
    recorded as this computer's (a file ledger has one seat: None)."""
    if not db.is_server or not name:
        return None
    computer = this_computer()
    with db.reading() as session:
        owner = _seats(session.get(Setting, SEATS_SETTING)).get(name)
    if owner is not None:
        return None if owner.get("computer") == computer else _clash(name, owner)
    try:
        return take_seat(db, name)
    except SQLAlchemyError as exc:  # bookkeeping: a seat that may only read (or is kept waiting) works on
        log.warning("seat name not recorded: %s", exc)
        return None


def take_seat(db: Database, name: str) -> SeatClash | None:
    """Record `name` as this computer's (a seat named here, or the other computer retired); returns the
    other computer that had it, if any."""
    if not db.is_server or not name:
        return None
    computer = this_computer()
    with db.transaction() as session:
        write_as_the_clock(session)  # bookkeeping: the other seats' windows do not say 小王 修改了 设置
        setting = locked_setting(session, SEATS_SETTING)
        seats = _seats(setting)
        before = seats.get(name)
        if before is not None and before.get("computer") == computer:
            return None
        seats[name] = {"computer": computer, "host": socket.gethostname(),
                      "since": now().strftime("%Y-%m-%d %H:%M")}
        setting.value = json.dumps(seats, ensure_ascii=False)
    return None if before is None else _clash(name, before)


def _seats(setting: Setting | None) -> dict[str, dict[str, str]]:
    try:
        stored = json.loads(setting.value) if setting is not None and setting.value else {}
    except ValueError:  # written by hand: started again
        return {}
    return {str(k): v for k, v in stored.items() if isinstance(v, dict)} if isinstance(stored, dict) else {}


def _clash(name: str, owner: dict[str, str]) -> SeatClash:
    return SeatClash(name, str(owner.get("host") or "?"), str(owner.get("since") or "?"))


# A computer's clock this far from the team server's is said: the steps it records without a time, and the deadlines
# counted from them, are off by as much (a seat 15 minutes behind marks 48 h to ship from a quarter of an hour ago).
CLOCK_TOLERANCE = timedelta(minutes=2)


def clock_warning(db: Database) -> str | None:
    """What to tell a seat whose computer's clock is minutes off the team server's (None on a file ledger, or when
    it is within CLOCK_TOLERANCE)."""
    if not db.is_server:
        return None
    with db.reading() as session:
        offset = clock_offset(session)
    if offset is None or abs(offset) < CLOCK_TOLERANCE:
        return None
    minutes = str(round(abs(offset).total_seconds() / 60))
    return msg.say(msg.CLOCK_BEHIND if offset > timedelta(0) else msg.CLOCK_AHEAD, minutes)
