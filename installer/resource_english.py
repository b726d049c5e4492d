"""The English the shipped data files carry beside their Chinese, for the English window.

A playbook's title, steps, postage rule and reply-script titles (resources/playbooks/*.toml), a claim
escalation step's title, explanation and documents (resources/claim_escalation.toml) and a shop
policy's title, description and suggestion (resources/policies.toml) and the name of each export format
(resources/import_profiles, resources/aftersales: `label`) are read by the shop's staff:
each Chinese text there has its English in the key beside it (`title_en`, `text_en`, `postage_en`,
`explain_en`, `name_en`, `description_en`, `label_en`). `installer/update_translations.py` writes these pairs into
the .ts (context "Vocabulary"), so the window shows them through `labels.text` like every
other data text; a text a shop edited has no English there and shows in Chinese. What goes to the
buyer (a script's `text`) has none: it is sent in Chinese.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent.parent / "resources"

# (table key holding a list of entries or None for the top level, the Chinese key) per file kind
PLAYBOOK_TEXTS = ((None, "title"), (None, "postage"), ("steps", "text"), ("scripts", "title"))
ESCALATION_TEXTS = (("step", "title"), ("step", "explain"))
POLICY_TEXTS = (("policy", "title"), ("policy", "description"), ("policy", "text"))
FORMAT_TEXTS = ((None, "label"),)


def _entries(data: Mapping[str, Any], table: str | None) -> Iterator[Mapping[str, Any]]:
    if table is None:
        yield data
        return
    for entry in data.get(table, []):
        if isinstance(entry, Mapping):
            yield entry


def _pairs(data: Mapping[str, Any], fields: Iterable[tuple[str | None, str]], where: str) -> Iterator[
        tuple[str, str | None, str]]:
    """(Chinese, English or None, where) for each staff-facing text of one file."""
    for table, key in fields:
        for entry in _entries(data, table):
            chinese = entry.get(key)
            if isinstance(chinese, str) and chinese.strip():
                english = entry.get(f"{key}_en")
                yield chinese, english if isinstance(english, str) and english.strip() else None, where


def shipped_texts(resources: Path = RESOURCES) -> list[tuple[str, str | None, str]]:
    """(Chinese, English or None, file) for every staff-facing text of the shipped data files."""
    found: list[tuple[str, str | None, str]] = []
    for path in sorted((resources / "playbooks").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found.extend(_pairs(data, PLAYBOOK_TEXTS, f"playbooks/{path.name}"))
    for folder in ("import_profiles", "aftersales"):  # the name of an export's format, in import summaries
        for path in sorted((resources / folder).glob("*.toml")):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            found.extend(_pairs(data, FORMAT_TEXTS, f"{folder}/{path.name}"))
    policies = resources / "policies.toml"
    found.extend(_pairs(tomllib.loads(policies.read_text(encoding="utf-8")), POLICY_TEXTS, policies.name))
    escalation = resources / "claim_escalation.toml"
    data = tomllib.loads(escalation.read_text(encoding="utf-8"))
    found.extend(_pairs(data, ESCALATION_TEXTS, escalation.name))
    for step in _entries(data, "step"):
        for document in step.get("documents", []):
            if isinstance(document, Mapping):
                found.extend(_pairs(document, ((None, "name"),), escalation.name))
    return found


def english_of_resources(resources: Path = RESOURCES) -> dict[str, str]:
    """Chinese → English of the shipped data files (the first English given for a text wins)."""
    english: dict[str, str] = {}
    for chinese, translated, _ in shipped_texts(resources):
        if translated is not None:
            english.setdefault(chinese, translated)
    return english
