"""Where the shop's rule edits live, and saving them: one ledger, one set of rules.

A ledger file (SQLite) is one computer's: its shop's edited packs, working-day adjustments and holiday
schedule are the files of that computer's data folder (`<data folder>/rules`), as always. A team ledger
(PostgreSQL) is shared by several computers, so it keeps those files itself (`store.rule_files`): every
seat computes deadlines with the same rules, an edit on one seat is the rule on all of them, written in
one transaction with its author, against the version the editor showed (optimistic locking: the second
of two seats saving the same file is refused with the fresh text). Everything above reads the rules
through `shop_rules(session)`, whatever the ledger.

A seat that used to keep a ledger file may still have its own edits in its data folder: on a team ledger
they are not used; `unused_local_edits` names those that differ, so the shop is told (and 时效规则 can
load one into the editor to save it to the team ledger), never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core.errors import UserError
from desktop_app.core.rule_packs import PACK_NAMES, WORKDAYS_FILE, check_pack_name, platform_of_pack
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.holiday_schedule_file import SCHEDULE_FILE, merged_years
from desktop_app.io.rule_pack_files import (
    ShopRules,
    load_packs,
    save_user_pack_text,
    save_workday_overrides,
    validate_pack_text,
    workday_overrides_text,
)
from desktop_app.io.toml_files import write_atomically
from desktop_app.services.team import seat_name
from desktop_app.store.database import Database
from desktop_app.store.rule_files import (
    ledger_keeps_rules,
    remove_rule_file,
    stored_rule_files,
    write_rule_file,
)

# Every file a shop may edit, in the order a list shows them.
RULE_FILE_NAMES: tuple[str, ...] = (*(f"{name}.toml" for name in PACK_NAMES), WORKDAYS_FILE, SCHEDULE_FILE)


def shop_rules(session: Session) -> ShopRules:
    """The shop's rule files in force for this ledger: the team ledger's, or the data folder's."""
    if not ledger_keeps_rules(session):
        return ShopRules.of_folder()
    stored = stored_rule_files(session)
    return ShopRules(stored={n: f.text for n, f in stored.items()}, versions={n: f.version for n, f in stored.items()})


def shop_rules_of(db: Database) -> ShopRules:
    if not db.is_server:
        return ShopRules.of_folder()
    with db.reading() as session:
        return shop_rules(session)


@dataclass(frozen=True, slots=True)
class SavedRuleFile:
    where: str  # the file in the data folder, or 团队数据库
    version: int | None  # the team ledger's new version (None: a folder, or reset)


def save_pack_text(db: Database, name: str, text: str, expected_version: int | None,
                   author: str | None = None) -> SavedRuleFile:
    """Validate `text` as the shop's pack `name` against the rules in force, and save it: into the data
    folder of a ledger file, into a team ledger (against `expected_version`, the version the editor
    showed; None when it showed the shipped defaults)."""
    check_pack_name(name)
    if not db.is_server:
        return SavedRuleFile(str(save_user_pack_text(name, text)), None)
    with db.transaction() as session:
        validate_pack_text(name, text, shop=shop_rules(session))
        version = write_rule_file(session, f"{name}.toml", text, expected_version, _who(author))
    return SavedRuleFile(_LEDGER, version)


def reset_pack(db: Database, name: str, expected_version: int | None) -> bool:
    """Back to the shipped defaults (the shop's copy deleted); True if there was one."""
    check_pack_name(name)
    file_name = f"{name}.toml"
    if not db.is_server:
        path = ShopRules.of_folder().source(file_name)
        if path.is_file():
            path.unlink()
            return True
        return False
    with db.transaction() as session:
        _check_no_child_breaks(session, name)
        return remove_rule_file(session, file_name, expected_version)


def _check_no_child_breaks(session: Session, name: str) -> None:
    """Resetting a parent pack must not break a child the shop edited against it (validated like a save
    of the shipped text)."""
    from_shipped = ShopRules(stored={n: t for n, t in (shop_rules(session).stored or {}).items()
                                     if n != f"{name}.toml"})
    load_packs(shop=from_shipped)


def save_workdays(db: Database, overrides: WorkdayOverrides, expected_version: int | None,
                  author: str | None = None) -> SavedRuleFile:
    """The shop's extra days off and working days (`workdays.toml`)."""
    if not db.is_server:
        return SavedRuleFile(str(save_workday_overrides(overrides)), None)
    with db.transaction() as session:
        version = write_rule_file(session, WORKDAYS_FILE, workday_overrides_text(overrides), expected_version,
                                  _who(author))
    return SavedRuleFile(_LEDGER, version)


def import_schedule(db: Database, text: str, source: str, author: str | None = None) -> tuple[SavedRuleFile,
                                                                                                tuple[int, ...]]:
    """Add the years of schedule TOML `text` to the shop's holiday schedule (the same year replaced)."""
    if not db.is_server:
        folder = ShopRules.of_folder()
        path = folder.source(SCHEDULE_FILE)
        merged, years = merged_years(folder.text(SCHEDULE_FILE), text, source=source, existing_source=path)
        write_atomically(path, merged)
        return SavedRuleFile(str(path), None), years
    with db.transaction() as session:
        rules = shop_rules(session)
        merged, years = merged_years(rules.text(SCHEDULE_FILE), text, source=source,
                                     existing_source=rules.source(SCHEDULE_FILE))
        version = write_rule_file(session, SCHEDULE_FILE, merged, rules.version(SCHEDULE_FILE), _who(author))
    return SavedRuleFile(_LEDGER, version), years


def unused_local_edits(session: Session, folder: Path | None = None) -> tuple[str, ...]:
    """On a team ledger: the rule files this computer's data folder holds that differ from the team
    ledger's (edits made while the ledger was a file here); they are not used. () on a ledger file."""
    if not ledger_keeps_rules(session):
        return ()
    local = ShopRules.of_folder(folder)
    ledger = shop_rules(session)
    unused: list[str] = []
    for file_name in RULE_FILE_NAMES:
        try:
            text = local.text(file_name)
        except (OSError, UnicodeDecodeError):
            text = ""  # unreadable: still this computer's edit the shop should hear of
        if text is not None and text != ledger.text(file_name):
            unused.append(file_name)
    return tuple(unused)


def local_rule_texts(folder: Path | None = None) -> dict[str, str]:
    """The rule files of this computer's data folder (what `migrate-to` carries to the server)."""
    local = ShopRules.of_folder(folder)
    texts: dict[str, str] = {}
    for file_name in RULE_FILE_NAMES:
        try:
            text = local.text(file_name)
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"无法读取本机的规则文件 {local.source(file_name)}（{exc}）") from None
        if text is not None:
            texts[file_name] = text
    return texts


def rule_file_title(file_name: str) -> str:
    """A rule file as the shop calls it: 抖店规则, 工作日调整, 节假日安排."""
    if file_name == WORKDAYS_FILE:
        return "工作日调整"
    if file_name == SCHEDULE_FILE:
        return "节假日安排"
    return f"{pack_title(file_name.removesuffix('.toml'))}规则"


def pack_title(name: str) -> str:
    platform = platform_of_pack(name)
    return platform.label if platform is not None else "通用"


_LEDGER = "团队数据库"


def _who(author: str | None) -> str:
    return seat_name() if author is None else author
