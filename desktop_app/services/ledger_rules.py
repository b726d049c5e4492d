"""Saving the shop's rule edits, and the deadlines computed with them: one ledger, one set of rules.

A ledger file's edits are files in this computer's data folder (written, then the changed cases
recomputed, in a second process when many). A team ledger keeps them itself (`store.rule_files`): the edit
is written with its author against the version the editor showed (optimistic locking: the second of two
seats saving the same file is refused, `RuleFileChanged`, with the fresh text), and the open cases whose
rules it changed are recomputed in the same transaction — the other seats never see the new rule with
deadlines of the old one, and, told of the change, find nothing left to recompute. Reading the rules is
`services.shop_rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop_app.core.op_changes import Written
from desktop_app.core.rule_packs import WORKDAYS_FILE, check_pack_name
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.holiday_schedule_file import SCHEDULE_FILE, merged_years, removed_year
from desktop_app.io.rule_pack_files import (
    ShopRules,
    load_packs,
    save_user_pack_text,
    save_workday_overrides,
    validate_pack_text,
    workday_overrides_text,
)
from desktop_app.io.toml_files import write_atomically
from desktop_app.services.deadline_rules import older_app_message, older_than_ledger
from desktop_app.services.deadlines import older_app_note, recompute_changed_in
from desktop_app.services.recompute_aside import recompute_changed_rules_aside
from desktop_app.services.shop_rules import shop_rules
from desktop_app.services.team import seat_name
from desktop_app.store.change_tracking import changes_in
from desktop_app.store.database import Database
from desktop_app.store.rule_files import remove_rule_file, write_rule_file

LEDGER = "团队数据库"


@dataclass(frozen=True, slots=True)
class SavedRules:
    """What a save did: where the edit is (the file in the data folder, or 团队数据库), how many open cases
    were recomputed with it, and the shop's message when this computer's app is too old to recompute."""

    where: str
    recomputed: int
    older_app: str | None = None


def save_pack_text(db: Database, name: str, text: str, expected_version: int | None,
                   author: str | None = None) -> Written[SavedRules]:
    """Validate `text` as the shop's pack `name` against the rules in force and save it: into the data
    folder of a ledger file, into a team ledger (against `expected_version`, the version the editor
    showed; None when it showed the shipped defaults); then recompute what it changed."""
    check_pack_name(name)
    if not db.is_server:
        return _then_recompute(db, str(save_user_pack_text(name, text)))

    def write(session: Session) -> None:
        validate_pack_text(name, text, shop=shop_rules(session))
        write_rule_file(session, f"{name}.toml", text, expected_version, _who(author))

    return _in_ledger(db, write)


def reset_pack(db: Database, name: str, expected_version: int | None) -> Written[SavedRules]:
    """Back to the shipped defaults (the shop's copy deleted), then recompute what that changed."""
    check_pack_name(name)
    file_name = f"{name}.toml"
    if not db.is_server:
        path = ShopRules.of_folder().source(file_name)
        path.unlink(missing_ok=True)
        return _then_recompute(db, str(path))

    def write(session: Session) -> None:
        remove_rule_file(session, file_name, expected_version)
        # A child pack the shop edited against this one must still hold (Tmall's windows name Taobao's timers).
        load_packs(shop=shop_rules(session))

    return _in_ledger(db, write)


def save_workdays(db: Database, overrides: WorkdayOverrides, expected_version: int | None,
                  author: str | None = None) -> Written[SavedRules]:
    """The shop's extra days off and working days (`workdays.toml`), then recompute what they changed."""
    if not db.is_server:
        return _then_recompute(db, str(save_workday_overrides(overrides)))
    return _in_ledger(db, lambda session: write_rule_file(
        session, WORKDAYS_FILE, workday_overrides_text(overrides), expected_version, _who(author)))


def import_schedule(db: Database, text: str, source: str,
                    author: str | None = None) -> tuple[Written[SavedRules], tuple[int, ...]]:
    """Add the years of schedule TOML `text` to the shop's holiday schedule (the same year replaced), then
    recompute what that changed; also the years imported."""
    years: tuple[int, ...] = ()
    if not db.is_server:
        folder = ShopRules.of_folder()
        path = folder.source(SCHEDULE_FILE)
        merged, years = merged_years(folder.text(SCHEDULE_FILE), text, source=source, existing_source=path)
        write_atomically(path, merged)
        return _then_recompute(db, str(path)), years

    def write(session: Session) -> None:
        nonlocal years
        rules = shop_rules(session)
        merged, years = merged_years(rules.text(SCHEDULE_FILE), text, source=source,
                                     existing_source=rules.source(SCHEDULE_FILE))
        write_rule_file(session, SCHEDULE_FILE, merged, rules.version(SCHEDULE_FILE), _who(author))

    return _in_ledger(db, write), years


def remove_schedule_year(db: Database, year: int, author: str | None = None) -> Written[SavedRules]:
    """Take back the shop's schedule of `year` (a wrong import): that year counts as shipped or estimated
    again; then recompute what that changed."""
    if not db.is_server:
        folder = ShopRules.of_folder()
        path = folder.source(SCHEDULE_FILE)
        rest = removed_year(folder.text(SCHEDULE_FILE), year, existing_source=path)
        if rest is None:
            path.unlink(missing_ok=True)
        else:
            write_atomically(path, rest)
        return _then_recompute(db, str(path))

    def write(session: Session) -> None:
        rules = shop_rules(session)
        rest = removed_year(rules.text(SCHEDULE_FILE), year, existing_source=rules.source(SCHEDULE_FILE))
        if rest is None:
            remove_rule_file(session, SCHEDULE_FILE, rules.version(SCHEDULE_FILE))
        else:
            write_rule_file(session, SCHEDULE_FILE, rest, rules.version(SCHEDULE_FILE), _who(author))

    return _in_ledger(db, write)


def _in_ledger(db: Database, write: Callable[[Session], object]) -> Written[SavedRules]:
    """The edit and the deadlines computed with it, in one transaction of the team ledger, while no other
    seat writes (store/rule_turns.py): none computes a case with the rules it replaces meanwhile."""
    with db.transaction(alone=True) as session:
        write(session)
        session.flush()
        older = older_than_ledger(session)
        count = recompute_changed_in(session) or 0
        return Written(SavedRules(LEDGER, count, older_app_message(older) if older else None), changes_in(session))


def _then_recompute(db: Database, where: str) -> Written[SavedRules]:
    """A ledger file's edit (a file written): recompute the cases it changed, many in a second process."""
    recomputed = recompute_changed_rules_aside(db)
    return Written(SavedRules(where, recomputed.value, older_app_note(db)), recomputed.changes)


def _who(author: str | None) -> str:
    return seat_name() if author is None else author
