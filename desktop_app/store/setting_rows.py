"""A setting a use case reads and writes back changed (the shop policies switched on, a list in one value).

Read plainly, two seats switching on two policies at once both read the old list and the later write
dropped the earlier one's policy (and when the row did not exist yet, the later insert failed on its
key). Made if missing and locked first, the second seat waits for the first to commit and reads its list.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desktop_app.store.models import Setting

# Which computer took which seat name on a team ledger (services/seats.py): bookkeeping of the server, not
# the shop's data — a move into the database leaves it out, and the computers record their names again.
SEATS_SETTING = "team_seats"


def locked_setting(session: Session, key: str) -> Setting:
    """The setting `key` (made with an empty value if missing), locked until the transaction ends on a
    server (a SQLite write transaction holds the whole file already)."""
    setting = session.get(Setting, key, with_for_update=True, populate_existing=True)
    if setting is not None:  # no insert statement: one would announce 设置 to every seat though nothing changed
        return setting
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(Setting).values(key=key, value="").on_conflict_do_nothing(index_elements=["key"]))
    setting = session.get(Setting, key, with_for_update=True, populate_existing=True)
    assert setting is not None
    return setting


def forget_seats(conn: Connection) -> None:
    """Drop the seat names' record (a ledger moved into this database: the computers that only opened the
    empty database take their names again at their next start)."""
    conn.execute(delete(Setting).where(Setting.key == SEATS_SETTING))
