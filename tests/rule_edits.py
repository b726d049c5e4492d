"""The shop's rule edits made as the app makes them, on either kind of ledger: into the data folder of a
ledger file, into a team ledger itself (against the version stored now)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import tomli_w

from desktop_app.core.rule_packs import WORKDAYS_FILE, plain_toml_data
from desktop_app.core.working_days import WorkdayOverrides
from desktop_app.services.ledger_rules import reset_pack, save_pack_text, save_workdays, shop_rules_of
from desktop_app.store.database import Database


def edit_pack(db: Database, name: str, data: Mapping[str, Any]) -> None:
    version = shop_rules_of(db).version(f"{name}.toml")
    save_pack_text(db, name, tomli_w.dumps(plain_toml_data(data)), version)


def reset_to_defaults(db: Database, name: str) -> None:
    reset_pack(db, name, shop_rules_of(db).version(f"{name}.toml"))


def edit_workdays(db: Database, overrides: WorkdayOverrides) -> None:
    save_workdays(db, overrides, shop_rules_of(db).version(WORKDAYS_FILE))
