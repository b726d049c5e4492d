"""Which rules a ledger computes with: the shop's edited packs, working-day adjustments and holiday
schedule, read the same way whatever the ledger (`ShopRules`).

A ledger file (SQLite) is one computer's: its shop's edits are the files of that computer's data folder
(`<data folder>/rules`), as always. A team ledger (PostgreSQL) is shared by several computers, so it keeps
those files itself (`store.rule_files`) and every seat computes deadlines with the same rules; saving them
is `services.ledger_rules`.

A seat that used to keep a ledger file may still have its own edits in its data folder: on a team ledger
they are not used; `unused_local_edits` names those that differ, so the shop is told (and 时效规则 can
load one into the editor to save it to the team ledger), never silently dropped.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from desktop_app.core.errors import UserError
from desktop_app.core.rule_packs import PACK_NAMES, WORKDAYS_FILE, platform_of_pack
from desktop_app.io.holiday_schedule_file import SCHEDULE_FILE
from desktop_app.io.rule_pack_files import ShopRules
from desktop_app.store.database import Database
from desktop_app.store.rule_files import ledger_keeps_rules, stored_rule_files

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
