"""The shop's rule files a team ledger keeps for every seat (`rule_files`, migration 0016_rules).

One row per edited file (a pack, `workdays.toml`, `china_holidays.toml`), with who changed it last and a
version: a seat saves against the version it showed, so two seats editing the same pack at once cannot
overwrite each other; the second is refused with the first one's name and time (`RuleFileChanged`).
A ledger file (SQLite) never writes here: its shop's edits are the files of the data folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desktop_app.core import messages as msg
from desktop_app.core.clock import CHINA
from desktop_app.core.errors import StaleData
from desktop_app.store.models import RuleFile, utcnow


@dataclass(frozen=True, slots=True)
class StoredRuleFile:
    name: str
    text: str
    version: int
    changed_by: str
    changed_at: datetime


class RuleFileChanged(StaleData):
    """Another seat saved (or reset) the file since this one read it; `fresh` is what is stored now."""

    def __init__(self, name: str, fresh: StoredRuleFile | None) -> None:
        if fresh is None:
            said = msg.say(msg.RULES_RESET)
        else:
            when = fresh.changed_at.astimezone(CHINA).strftime("%m-%d %H:%M")
            said = (msg.say(msg.RULES_SAVED_BY, fresh.changed_by, when) if fresh.changed_by
                    else msg.say(msg.RULES_SAVED_ELSEWHERE, when))
        super().__init__(msg.say(msg.RULES_CHANGED, name, said))
        self.name = name
        self.fresh = fresh


def ledger_keeps_rules(session: Session) -> bool:
    """Whether this ledger keeps the shop's rule files (a team ledger on a server), not the data folder."""
    return session.get_bind().dialect.name != "sqlite"


def keep_rule_files(conn: Connection, texts: Mapping[str, str], author: str) -> None:
    """The rule files of a ledger file's data folder into an empty team ledger (`migrate-to`)."""
    if texts:
        conn.execute(insert(RuleFile), [{"name": name, "text": text, "version": 1, "changed_by": author,
                                         "changed_at": utcnow()} for name, text in texts.items()])


def stored_rule_files(session: Session) -> dict[str, StoredRuleFile]:
    """Every rule file the ledger keeps, by file name."""
    rows = session.execute(select(RuleFile.name, RuleFile.text, RuleFile.version, RuleFile.changed_by,
                                  RuleFile.changed_at))
    return {r.name: StoredRuleFile(r.name, r.text, r.version, r.changed_by, r.changed_at) for r in rows}


RuleStamp = tuple[tuple[str, int, datetime], ...]


def rule_file_stamp(session: Session) -> RuleStamp:
    """Which version of each rule file the ledger keeps (name, version, when saved), without the texts:
    whether rules read earlier are still the ledger's, in one small read."""
    rows = session.execute(select(RuleFile.name, RuleFile.version, RuleFile.changed_at).order_by(RuleFile.name))
    return tuple((r.name, r.version, r.changed_at) for r in rows)


def stored_rule_file(session: Session, name: str) -> StoredRuleFile | None:
    row = session.execute(select(RuleFile.name, RuleFile.text, RuleFile.version, RuleFile.changed_by,
                                 RuleFile.changed_at).where(RuleFile.name == name)).first()
    return None if row is None else StoredRuleFile(row.name, row.text, row.version, row.changed_by, row.changed_at)


def write_rule_file(session: Session, name: str, text: str, expected_version: int | None, author: str) -> int:
    """Store `text` as file `name` if it is still at `expected_version` (None: not stored yet); its new
    version. Raises `RuleFileChanged` with the fresh row when another seat got there first."""
    values = {"text": text, "changed_by": author, "changed_at": utcnow()}
    # RETURNING says whether the row was written (the driver's row count is -1 for some statements).
    if expected_version is None:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        written = session.execute(insert(RuleFile).values(name=name, version=1, **values)
                                  .on_conflict_do_nothing(index_elements=["name"]).returning(RuleFile.version))
    else:
        written = session.execute(update(RuleFile)
                                  .where(RuleFile.name == name, RuleFile.version == expected_version)
                                  .values(version=expected_version + 1, **values).returning(RuleFile.version)
                                  .execution_options(synchronize_session=False))
    version = written.scalar()
    if version is None:
        raise RuleFileChanged(name, stored_rule_file(session, name))
    return int(version)


def remove_rule_file(session: Session, name: str, expected_version: int | None) -> bool:
    """Drop the shop's edit of `name` (back to the shipped defaults) if it is still at `expected_version`;
    True if there was one. `expected_version` None: only if none is stored (nothing to do)."""
    if expected_version is None:
        fresh = stored_rule_file(session, name)
        if fresh is not None:
            raise RuleFileChanged(name, fresh)
        return False
    gone = session.execute(delete(RuleFile).where(RuleFile.name == name, RuleFile.version == expected_version)
                           .returning(RuleFile.name).execution_options(synchronize_session=False))
    if gone.scalar() is None:
        raise RuleFileChanged(name, stored_rule_file(session, name))
    return True
