"""What other seats changed, as PostgreSQL tells it (`LISTEN ledger_changes`, migration 0006_team).

Every write to a ledger table sends one notice per table per transaction, carrying the table and the
writer's seat name; the server adds the writer's connection (backend pid), so a window can leave out
the notices of its own writes, which it has already shown. The listener has a connection of its own,
outside the engine's pool, in autocommit mode (a LISTEN inside an open transaction would hold
notices back until it ends).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from desktop_app.core.op_changes import Area, read_cases_notice
from desktop_app.store.change_tracking import AREA_OF_TABLE, CHANNEL
from desktop_app.store.locations import DEAD_SEAT_OPTIONS, DEAD_SERVER_ARGS, LedgerLocation

__all__ = ["CHANNEL", "ChangeListener", "ChangeNotice", "parse_notice"]

@dataclass(frozen=True)
class ChangeNotice:
    table: str
    seat: str
    backend_pid: int

    @property
    def area(self) -> Area | None:
        return AREA_OF_TABLE.get(self.table)

    @property
    def cases(self) -> tuple[tuple[int, ...], int] | None:
        """The cases a seat's transaction changed (some ids, how many in all), if this notice names them."""
        return read_cases_notice(self.table)


def parse_notice(payload: str, pid: int) -> ChangeNotice:
    table, _, seat = payload.partition("|")
    return ChangeNotice(table, seat, pid)


class ChangeListener:
    """Listens for change notices on the ledger at `location` (a PostgreSQL server)."""

    def __init__(self, location: LedgerLocation, connect_timeout: int = 10) -> None:
        assert location.url is not None
        url = location.url
        self._conn = psycopg.connect(
            host=url.host, port=url.port, dbname=url.database, user=url.username, password=url.password,
            connect_timeout=connect_timeout, autocommit=True, application_name="aftersales-ledger-listener",
            options=DEAD_SEAT_OPTIONS, **DEAD_SERVER_ARGS)
        try:
            self._conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:  # ended by the server meanwhile: close it here, nobody else holds it
            self._conn.close()
            raise

    def wait(self, timeout: float) -> list[ChangeNotice]:
        """The notices that arrive within `timeout` seconds (all that are waiting, once one came)."""
        notices = [parse_notice(n.payload, n.pid) for n in self._conn.notifies(timeout=timeout, stop_after=1)]
        if notices:  # take what else is already queued without waiting again
            notices += [parse_notice(n.payload, n.pid) for n in self._conn.notifies(timeout=0.01)]
        return notices

    def close(self) -> None:
        self._conn.close()
