"""The English translation file is complete, consistent with its sources, and as the tool writes it.

When one of these fails after UI texts changed, run `python installer/update_translations.py`, add
the English it lists to installer/translations_en.py, and run it again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from script_modules import load_script

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "desktop_app_en.ts"
GENERATED = ROOT / "desktop_app" / "ui" / "vocabulary_strings.py"
REFRESH = "run `python installer/update_translations.py` and translate what it lists"
PLACEHOLDER = re.compile(r"%(?:[1-9]|n)")


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return load_script(ROOT / "installer" / "update_translations.py", "update_translations")


@pytest.fixture(scope="module")
def ts() -> ET.ElementTree:
    return ET.parse(TS)


def messages(tree: ET.ElementTree) -> Iterator[tuple[str, ET.Element]]:
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            yield context.findtext("name") or "", message


def english(message: ET.Element) -> list[str]:
    translation = message.find("translation")
    assert translation is not None
    if message.get("numerus") == "yes":
        return [form.text or "" for form in translation.iter("numerusform")]
    return [translation.text or ""]


def describe(context: str, message: ET.Element) -> str:
    return f"[{context}] {message.findtext('source')!r}"


def test_the_file_is_english_from_simplified_chinese(ts: ET.ElementTree) -> None:
    assert ts.getroot().get("language") == "en"
    assert ts.getroot().get("sourcelanguage") == "zh_CN"
    assert sum(1 for _ in messages(ts)) > 100


def test_every_message_has_a_finished_translation(ts: ET.ElementTree) -> None:
    missing = []
    for context, message in messages(ts):
        translation = message.find("translation")
        if translation is None or translation.get("type") is not None:  # unfinished, vanished, obsolete
            missing.append(describe(context, message))
            continue
        texts = english(message)
        if not texts or not all(t.strip() for t in texts) or (message.get("numerus") == "yes" and len(texts) != 2):
            missing.append(describe(context, message))
    assert not missing, f"without English ({REFRESH}):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders(ts: ET.ElementTree) -> None:
    wrong = []
    for context, message in messages(ts):
        wanted = set(PLACEHOLDER.findall(message.findtext("source") or ""))
        wrong.extend(f"{describe(context, message)} → {text!r}" for text in english(message)
                     if set(PLACEHOLDER.findall(text)) != wanted)
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_numerus_messages_count_with_n(ts: ET.ElementTree) -> None:
    for context, message in messages(ts):
        if message.get("numerus") == "yes":
            assert "%n" in (message.findtext("source") or ""), describe(context, message)


def test_generated_vocabulary_module_is_in_sync(tool: ModuleType) -> None:
    assert GENERATED.read_text(encoding="utf-8") == tool.render_generated_module(), \
        f"desktop_app/ui/vocabulary_strings.py is stale: {REFRESH}"


def test_generated_module_covers_the_core_vocabulary(tool: ModuleType) -> None:
    from desktop_app.core.lifecycle import MILESTONE_LABELS, CaseAction, CaseStatus, event_title
    from desktop_app.core.vocabulary import CaseKind, CaseReason, Platform, ResponsibleParty

    text = GENERATED.read_text(encoding="utf-8")
    labels = [m.label for enum in (Platform, CaseKind, CaseReason, ResponsibleParty, CaseStatus, CaseAction)
              for m in enum]
    labels += list(MILESTONE_LABELS.values())
    labels += [event_title(type("Event", (), {"action": None, "kind": k, "milestone": None})())
               for k in ("created", "note", "edit")]
    for label in labels:
        assert f'QT_TRANSLATE_NOOP("Vocabulary", "{label}")' in text, label


def test_the_file_has_every_ui_text_and_vocabulary_label(tool: ModuleType, ts: ET.ElementTree) -> None:
    have = {(context, m.findtext("source"), m.get("numerus") == "yes") for context, m in messages(ts)}
    wanted = {(t.context, t.source, t.numerus) for t in tool.ui_texts()}
    wanted |= {("Vocabulary", label, False) for _, labels in tool.vocabulary_groups() for label in labels}
    missing = sorted(f"[{c}] {s!r}" for c, s, _ in wanted - have)
    assert not missing, f"not in desktop_app_en.ts ({REFRESH}):\n" + "\n".join(missing)


def test_the_file_has_only_contexts_pyside_looks_up(tool: ModuleType, ts: ET.ElementTree) -> None:
    known = {t.context for t in tool.ui_texts()} | {"Vocabulary"}
    assert {context for context, _ in messages(ts)} <= known


def test_the_file_is_written_as_the_tool_writes_it(tool: ModuleType) -> None:
    """So a refresh that changes nothing leaves the file (and its mtime) alone."""
    assert tool.render_ts(tool.read_ts(TS)) == TS.read_text(encoding="utf-8")


def test_lupdate_blind_spots_are_found(tool: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "sample.py").write_text(
        'from PySide6.QtCore import QCoreApplication\n'
        'from PySide6.QtWidgets import QDialog\n\n\n'
        'def _tr(text):\n    return QCoreApplication.translate("SampleModel", text)\n\n\n'
        'HEADERS = [_tr("编号")]\n\n\n'
        'def explain(dialog: QDialog) -> str:\n    return dialog.tr("含明细：%1")\n\n\n'
        'class Pane(QDialog):\n'
        '    def show(self, n: int) -> str:\n'
        '        tr = self.tr\n'
        '        return f"<b>{self.tr(\'订单\')}</b>" + tr("收货人") + self.tr("找到 %n 个", "", n)\n',
        encoding="utf-8",
    )
    found = {(t.context, t.source, t.numerus, t.hidden) for t in tool.ui_texts(tmp_path)}
    assert found == {
        ("SampleModel", "编号", False, True),
        ("QDialog", "含明细：%1", False, True),
        ("Pane", "订单", False, True),
        ("Pane", "收货人", False, True),
        ("Pane", "找到 %n 个", True, False),
    }
