"""The shop's rule edits stored where the ledger keeps them — the data folder of a ledger file, a team
ledger itself — and nothing recomputed yet (what `recompute_changed_rules` finds at the next start)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

from desktop_app.core.rule_packs import WORKDAYS_FILE, plain_toml_data
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.io.rule_pack_files import (
    reset_user_pack,
    save_user_pack_text,
    save_workday_overrides,
    workday_overrides_text,
)
from desktop_app.services.shop_rules import shop_rules
from desktop_app.store.database import Database
from desktop_app.store.rule_files import remove_rule_file, write_rule_file


def _store(db: Database, file_name: str, text: str | None) -> None:
    with db.transaction() as session:
        version = shop_rules(session).version(file_name)
        if text is None:
            remove_rule_file(session, file_name, version)
        else:
            write_rule_file(session, file_name, text, version, "测试")


def edit_pack(db: Database, name: str, data: Mapping[str, Any]) -> None:
    text = tomli_w.dumps(plain_toml_data(data))
    if db.is_server:
        _store(db, f"{name}.toml", text)
    else:
        save_user_pack_text(name, text)


def reset_to_defaults(db: Database, name: str) -> None:
    if db.is_server:
        _store(db, f"{name}.toml", None)
    else:
        reset_user_pack(name)


def edit_workdays(db: Database, overrides: WorkdayOverrides) -> None:
    if db.is_server:
        _store(db, WORKDAYS_FILE, workday_overrides_text(overrides))
    else:
        save_workday_overrides(overrides)
