"""Refresh the English translation of the interface in one command.

    python installer/update_translations.py             # refresh resources/i18n/desktop_app_en.ts
    python installer/update_translations.py --release   # ... and compile desktop_app_en.qm beside it
    python installer/update_translations.py --strict    # exit 1 while a message lacks English

Steps (every one idempotent: a second run changes nothing, and files are rewritten only when
their content changes, so the .ts keeps its mtime for the cached .qm in translations.py):

1. Regenerate `desktop_app/ui/vocabulary_strings.py`, the strings lupdate must see but cannot find
   by itself:
   - the Chinese labels of the core vocabulary (context "Vocabulary", which `ui/labels.py` uses):
     every `LabelledEnum` member's `.label`, `MILESTONE_LABELS`, the timeline entry kinds of
     `event_title`, and the timer names of the shipped rule packs (shown by `labels.text`);
   - UI texts pyside6-lupdate's Python parser misses or files under a wrong context: `self.tr`
     inside f-strings, a local alias `tr = self.tr` (filed under no context), `dialog.tr(...)` on
     a parameter `dialog: QDialog` (filed under "dialog"; PySide looks up the class names of the
     object's type, so it goes under the annotated class), and module-level wrappers such as
     `def _tr(text): return QCoreApplication.translate("CaseTableModel", text)`.
2. Run pyside6-lupdate over desktop_app/ui/**/*.py into the .ts (existing translations kept,
   `-no-obsolete`, source language zh_CN, target en), then drop the contexts no lookup uses (the
   wrong ones above; the generated module carries their texts under the right context).
3. Fill in English from the glossary `installer/translations_en.py` (the glossary wins for the
   texts it has; messages it lacks keep what the .ts has, e.g. from Qt Linguist).
4. With --release, compile the .qm with pyside6-lrelease (git-ignored; built when packaging).

It ends by listing the messages still without English (and placeholder mismatches): add them to
the glossary and run it again.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from installer.resource_english import english_of_resources, shipped_texts  # noqa: E402

UI_DIR = ROOT / "desktop_app" / "ui"
GENERATED = UI_DIR / "vocabulary_strings.py"
TS_FILE = ROOT / "resources" / "i18n" / "desktop_app_en.ts"
RULES_DIR = ROOT / "resources" / "rules"
GLOSSARY = ROOT / "installer" / "translations_en.py"
VOCABULARY_CONTEXT = "Vocabulary"  # desktop_app.ui.labels.CONTEXT
SOURCE_LANGUAGE = "zh_CN"
TARGET_LANGUAGE = "en"

PLACEHOLDER = re.compile(r"%(?:[1-9]|n)")


# --- 1. the generated module ------------------------------------------------------------------


def _labelled_enums() -> list[type]:
    """Every LabelledEnum subclass of the core, in a stable order (module, then source order)."""
    import desktop_app.core as core
    from desktop_app.core.vocabulary import LabelledEnum

    for module in sorted(pkgutil.iter_modules(core.__path__), key=lambda m: m.name):
        importlib.import_module(f"{core.__name__}.{module.name}")
    found: list[type] = []
    pending = list(LabelledEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: (c.__module__, inspect.getsourcelines(c)[1]))


def _rule_timer_names(rules_dir: Path = RULES_DIR) -> list[str]:
    names: list[str] = []
    for path in sorted(rules_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        names.extend(t["name"] for t in data.get("timers", []) if isinstance(t.get("name"), str))
    return names


def _rule_consequences(rules_dir: Path = RULES_DIR) -> list[str]:
    """What happens when a shipped timer runs out (`on_expiry`) and its penalty: the calendar's 到期后果
    and the reship queue's 逾期后果 show them through `labels.text` (they stayed Chinese in English)."""
    texts: list[str] = []
    for path in sorted(rules_dir.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for timer in data.get("timers", []):
            for key in ("on_expiry", "penalty"):
                text = timer.get(key)
                if isinstance(text, str) and text not in texts:
                    texts.append(text)
    return texts


def _unknown_penalty_marks() -> list[str]:
    """What the engine adds after a deadline's name when its penalty is a share of an order not imported
    (`PenaltyAmount.unknown`), for the shipped packs' amounts."""
    from desktop_app.io.rule_pack_files import load_packs

    marks = {timer.penalty_amount.unknown(None) for pack in load_packs().values() for timer in pack.timers
             if timer.penalty_amount is not None}
    return sorted(mark for mark in marks if mark is not None)


def _recurring_event_names() -> list[str]:
    """The names of the yearly events (双11 …) the calendar warns about (`RuleWarning.event`)."""
    from desktop_app.core.rule_packs import event_name
    from desktop_app.io.rule_pack_files import load_packs

    names: dict[str, str] = {}  # the first window's name stands for its event, as in the warnings
    for pack in load_packs().values():
        for window in pack.overrides:
            if (window.recurs_yearly or window.announced) and window.event is not None:
                names.setdefault(f"{pack.id}:{window.event}", event_name(window))
    return sorted(set(names.values()))


def _fixed_user_errors() -> list[str]:
    """`UserError("…")` with a fixed message in the core, services, store and io: the window's error
    dialogs translate them (ui/background.describe_error); a message naming values stays Chinese."""
    found: list[str] = []
    for folder in ("core", "services", "store", "io"):
        for path in sorted((ROOT / "desktop_app" / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "UserError"
                        and node.args and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str) and len(node.args[0].value) > 1):
                    found.append(node.args[0].value)
    return list(dict.fromkeys(found))


def vocabulary_groups() -> list[tuple[str, list[str]]]:
    """(heading, Chinese labels) for everything `desktop_app.ui.labels` translates."""
    from desktop_app.core import (
        case_undo,
        cell_messages,
        claim_escalation,
        claims,
        deadlines,
        errors,
        event_notes,
        import_refusals,
        lifecycle,
        messages,
        playbooks,
        refund_list_platform,
        returns,
        rule_messages,
        rule_pack_model,
        statement,
    )
    from desktop_app.core.vocabulary import CaseKind
    from desktop_app.io import case_mapping, column_suggestions
    from desktop_app.io.spreadsheet_readers import OTHER_FORMAT_NAMES
    from desktop_app.services import backups, claim_upkeep, ledger_move
    from desktop_app.store import ledger_errors

    groups = [(f"{cls.__module__}.{cls.__name__}", [m.label for m in cls]) for cls in _labelled_enums()]
    groups.append(("desktop_app.core.lifecycle.MILESTONE_LABELS", list(lifecycle.MILESTONE_LABELS.values())))
    groups.append(("timeline entry kinds of desktop_app.core.lifecycle.event_title",
                   list(lifecycle._EVENT_KIND_LABELS.values())))
    groups.append(("timer names of the shipped rule packs (resources/rules/*.toml)", _rule_timer_names()))
    groups.append(("what happens when they run out, their penalties (on_expiry, penalty)", _rule_consequences()))
    groups.append(("what the staff read in the shipped playbooks and claim escalation steps (their English "
                   "is beside them: installer/resource_english.py)",
                   list(dict.fromkeys(chinese for chinese, _, _ in shipped_texts()))))
    groups.append(("a claim's events in a case's timeline (desktop_app.core.claims.CLAIM_EVENT_TITLES)",
                   list(claims.CLAIM_EVENT_TITLES)))
    groups.append(("fixed messages of the errors the window shows (UserError(\"…\") in core, services, store, io)",
                   _fixed_user_errors()))
    groups.append(("the services' messages naming values (desktop_app.core.messages)",
                   [*(t.template for t in messages.ALL), messages.NONE, messages.ITEM_TABLE, *OTHER_FORMAT_NAMES,
                    *rule_messages.RULE_WORDS, *rule_messages.RULE_KEY_WORDS.values(),
                    *ledger_move.TABLE_LABELS.values(),
                    *dict.fromkeys(cause for _, cause in ledger_errors.CONNECTION_CAUSES), *messages.MAPPING_EXAMPLES,
                    *case_mapping.WHY_REQUIRED.values(), *(f.label for f in case_mapping.CASE_MAPPABLE_FIELDS),
                    *(f.label for f in column_suggestions.MAPPABLE_FIELDS), messages.UNKNOWN_REASON]))
    groups.append(("what the system said about a file (desktop_app.core.errors), inside those messages",
                   list(errors.SYSTEM_ERROR_WORDS)))
    groups.append(("why a cell of an imported file was not used (desktop_app.core.cell_messages)",
                   [t.template for t in (*cell_messages.TEMPLATES, *cell_messages.ROW_WARNINGS)]))
    groups.append(("whether a refund list is 淘宝's or 天猫's (desktop_app.core.refund_list_platform)",
                   [t.template for t in refund_list_platform.TEMPLATES]))
    groups.append(("why a whole file was not imported (desktop_app.core.import_refusals)",
                   [t.template for t in import_refusals.TEMPLATES]))
    groups.append(("the history notes the ledger writes (desktop_app.core.event_notes)",
                   [*(t.template for t in event_notes.TEMPLATES), event_notes.LIST_SEPARATOR]))
    groups.append(("what a reply script's placeholders stand for (desktop_app.core.playbooks.PLACEHOLDER_NAMES)",
                   list(playbooks.PLACEHOLDER_NAMES.values())))
    groups.append(("the shop's details a goods value statement lacks (desktop_app.core.statement.SHOP_DETAIL_NAMES)",
                   list(statement.SHOP_DETAIL_NAMES)))
    groups.append(("whom a claim's next step goes to (desktop_app.core.claim_escalation.CONTACTS)",
                   list(claim_escalation.CONTACTS.values())))
    groups.append(("the claim follow-up deadline (desktop_app.services.claim_upkeep)",
                   [claim_upkeep.FOLLOW_UP_NAME, claim_upkeep.FOLLOW_UP_ACTION]))
    groups.append(("recurring events of the shipped rule packs (RuleWarning.event)", _recurring_event_names()))
    groups.append(("the suggested next steps (SUGGESTION_TEXTS of desktop_app.core.playbooks and .returns)",
                   list(dict.fromkeys([*playbooks.SUGGESTION_TEXTS, *returns.SUGGESTION_TEXTS]))))
    groups.append(("why a step of a case cannot be undone (desktop_app.core.case_undo.UNDO_TEXTS)",
                   list(case_undo.UNDO_TEXTS)))
    groups.append(("what kind of copy a backup is (desktop_app.services.backups.KINDS)", list(backups.KINDS.values())))
    groups.append(("what the deadline engine adds after a timer's name (labels.text)",
                   [rule_pack_model.ASSUMED_MARK, deadlines.AUTO_MARK, *_unknown_penalty_marks(),
                    *(deadlines.former_kind_mark(kind.value) for kind in CaseKind)]))
    return groups


@dataclass(frozen=True, slots=True)
class UiText:
    """One translatable call found in desktop_app/ui (as PySide looks it up at run time)."""

    context: str
    source: str
    disambiguation: str | None
    numerus: bool
    file: str
    line: int
    hidden: bool  # lupdate cannot see it, or files it under a wrong context

    @property
    def key(self) -> tuple[str, str, str | None, bool]:
        return (self.context, self.source, self.disambiguation, self.numerus)


def _wrappers(tree: ast.Module) -> dict[str, str]:
    """Module-level `def _tr(text): return QCoreApplication.translate("Context", text)` → {"_tr": "Context"}."""
    found: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.args.args:
            continue
        body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
            continue
        call = body[0].value
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
        if (name == "translate" and len(call.args) >= 2 and _string(call.args[0]) is not None
                and isinstance(call.args[1], ast.Name) and call.args[1].id == node.args.args[0].arg):
            found[node.name] = _string(call.args[0]) or ""
    return found


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def ui_texts(ui_dir: Path = UI_DIR, unknown: list[str] | None = None) -> list[UiText]:
    """Every translatable call with literal text in the UI modules, under the context PySide looks up.

    `unknown` collects `x.tr(...)` calls whose class cannot be told from the source (they would not
    translate: lupdate files them under the context "x", which no class has).
    """
    texts: list[UiText] = []
    for path in sorted(ui_dir.rglob("*.py")):
        if path == GENERATED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        scan = _Scan(path.name, _wrappers(tree))
        scan.visit(tree, None, {}, False)
        texts.extend(scan.texts)
        if unknown is not None:
            unknown.extend(scan.unknown)
    return texts


def _annotation_name(node: ast.AST | None) -> str | None:
    """`QDialog`, `QtWidgets.QDialog`, `"QDialog"` or `QDialog | None` → "QDialog"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _annotation_name(ast.parse(node.value, mode="eval").body)
    if isinstance(node, ast.BinOp):
        for side in (node.left, node.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return _annotation_name(side)
    return None


class _Scan:
    def __init__(self, file: str, wrappers: dict[str, str]) -> None:
        self.file = file
        self.wrappers = wrappers
        self.texts: list[UiText] = []
        self.unknown: list[str] = []

    def visit(self, node: ast.AST, klass: str | None, scope: dict[str, str | None], in_fstring: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner_class, inner_scope = klass, scope
            if isinstance(child, ast.ClassDef):
                inner_class = child.name
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                a = child.args
                params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *filter(None, [a.vararg, a.kwarg])]
                inner_scope = {**scope, **{p.arg: _annotation_name(p.annotation) for p in params}}
            if isinstance(child, ast.Call):
                self.call(child, klass, scope, in_fstring)
            self.visit(child, inner_class, inner_scope, in_fstring or isinstance(child, ast.JoinedStr))

    def call(self, call: ast.Call, klass: str | None, scope: dict[str, str | None], in_fstring: bool) -> None:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        args: list[ast.AST] = list(call.args)
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        context: str | None
        if name == "tr" and isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            # self.tr: lupdate sees it unless it sits in an f-string; x.tr: lupdate files it under "x"
            context, hidden = (klass, in_fstring) if owner == "self" else (scope.get(owner or ""), True)
        elif name == "tr":  # a local alias `tr = self.tr`: lupdate files it under no context
            context, hidden = klass, True
        elif name in self.wrappers and isinstance(func, ast.Name):
            context, hidden = self.wrappers[name], True
        elif name in {"translate", "QT_TRANSLATE_NOOP", "QT_TRANSLATE_NOOP3"} and args:
            context, hidden = _string(args.pop(0)), in_fstring
            if "key" in keywords:
                args.insert(0, keywords.pop("key"))
        elif name == "QT_TR_NOOP":
            context, hidden = klass, in_fstring
        else:
            return
        source = _string(args[0]) if args else _string(keywords.get("sourceText"))
        if not source:
            return
        if not context:
            self.unknown.append(f"{self.file}:{call.lineno}: {ast.unparse(call.func)}({source!r}): "
                                "cannot tell its translation context (use self.tr in a class)")
            return
        disambiguation = _string(args[1]) if len(args) > 1 else _string(keywords.get("disambiguation"))
        numerus = len(args) > 2 or "n" in keywords
        self.texts.append(UiText(context, source, disambiguation or None, numerus, self.file, call.lineno, hidden))


MAX_LINE = 120  # [tool.ruff] line-length
NOQA_SLOT = "\x00noqa\x00"
HEADER = f'''"""Strings pyside6-lupdate must see but cannot find in the source by itself.

GENERATED by installer/update_translations.py from the core vocabulary, the shipped rule packs and
the UI modules. Do not edit: run `python installer/update_translations.py`.

Nothing imports this module; lupdate reads it. The core keeps its Chinese labels Qt-free, and
desktop_app.ui.labels translates them at run time through the context "Vocabulary".
"""
{NOQA_SLOT}from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
'''


def _quote(text: str) -> str:
    """A double-quoted Python literal lupdate reads back exactly."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    if any(ord(c) < 0x20 for c in escaped):
        raise ValueError(f"cannot put a control character into the generated module: {text!r}")
    return f'"{escaped}"'


def render_generated_module() -> str:
    lines = [HEADER]
    seen: set[str] = set()
    lines.append(f"# --- the core vocabulary (context {VOCABULARY_CONTEXT!r}) ---")
    for heading, labels in vocabulary_groups():
        fresh = [t for t in dict.fromkeys(labels) if t not in seen]
        seen.update(fresh)
        lines.append(f"\n# {heading}" + ("" if fresh else ": all above"))
        lines.extend(f"QT_TRANSLATE_NOOP({_quote(VOCABULARY_CONTEXT)}, {_quote(t)})" for t in fresh)
    lines.append("\n")
    lines.append("def _ui_texts_lupdate_misses() -> None:")
    lines.append('    """Never called. Calls in desktop_app/ui that lupdate\'s Python parser misses or files under\n'
                 "    a wrong context: `self.tr` in f-strings, `tr = self.tr` aliases, `x.tr` on a parameter\n"
                 '    (under its annotated class) and module-level translate wrappers."""')
    done: set[tuple[str, str, str | None, bool]] = set()
    file = None
    for text in ui_texts():
        if not text.hidden or text.key in done:
            continue
        done.add(text.key)
        if text.file != file:
            file = text.file
            lines.append(f"    # {file}")
        args = [_quote(text.context), _quote(text.source)]
        if text.disambiguation or text.numerus:
            args.append(_quote(text.disambiguation or ""))
        if text.numerus:
            args.append("1")
        lines.append(f"    QCoreApplication.translate({', '.join(args)})")
    text = "\n".join(lines) + "\n"
    if any(_width(line) > MAX_LINE for line in text.splitlines()):
        text = text.replace(NOQA_SLOT, "\n# ruff: noqa: E501\n\n", 1)
    return text.replace(NOQA_SLOT, "\n", 1)


def _width(line: str) -> int:
    """Columns as ruff counts them for E501: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# --- 2. the .ts file: reading and writing it exactly as lupdate does ------------------------------

_BYTE = re.compile(r'<byte value="x([0-9a-fA-F]+)"\s*/>')
_SELF_CLOSING = {"location"}


def read_ts(path: Path) -> ET.ElementTree:
    text = path.read_text(encoding="utf-8")
    # lupdate writes control characters and non-ASCII spaces as <byte value="x3000"/>
    text = _BYTE.sub(lambda m: f"&#x{m.group(1)};", text)
    return ET.ElementTree(ET.fromstring(text))


def _protect(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif (code < 0x20 or (code > 0x7F and ch.isspace())) and ch not in "\n\t":
            out.append(f'<byte value="x{code:x}"/>')
        else:
            out.append(ch)
    return "".join(out)


_ESCAPES = {'"': "&quot;", "&": "&amp;", ">": "&gt;", "<": "&lt;", "'": "&apos;"}


def _element(node: ET.Element, depth: int) -> Iterator[str]:
    indent = "    " * depth
    attrs = "".join(f' {k}="{_protect(v)}"' for k, v in node.attrib.items())
    if node.tag in _SELF_CLOSING and not len(node) and not node.text:
        yield f"{indent}<{node.tag}{attrs}/>"
    elif len(node):
        yield f"{indent}<{node.tag}{attrs}>"
        for child in node:
            yield from _element(child, depth + 1)
        yield f"{indent}</{node.tag}>"
    else:
        yield f"{indent}<{node.tag}{attrs}>{_protect(node.text or '')}</{node.tag}>"


def render_ts(tree: ET.ElementTree) -> str:
    root = tree.getroot()
    attrs = "".join(f' {k}="{_protect(v)}"' for k, v in root.attrib.items())
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", f"<TS{attrs}>"]
    for context in root:
        lines.append(f"<{context.tag}>")
        for child in context:
            lines.extend(_element(child, 1))
        lines.append(f"</{context.tag}>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def lupdate_command() -> list[str]:
    tool = shutil.which("pyside6-lupdate")
    if tool:
        return [tool]
    spec = importlib.util.find_spec("PySide6")  # its folder, without importing Qt here
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = Path(folder) / ("lupdate.exe" if os.name == "nt" else "lupdate")
        if bundled.exists():
            return [str(bundled)]
    raise SystemExit("pyside6-lupdate not found: install PySide6 (pip install -e .[test])")


def run_lupdate(ts: Path) -> None:
    sources = [p.relative_to(ROOT).as_posix() for p in sorted(UI_DIR.rglob("*.py"))]
    command = [*lupdate_command(), *sources, "-no-obsolete", "-locations", "absolute",
               "-source-language", SOURCE_LANGUAGE, "-target-language", TARGET_LANGUAGE,
               "-ts", os.path.relpath(ts, ROOT)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"pyside6-lupdate failed:\n{result.stdout}{result.stderr}")


# --- 3. English from the glossary -----------------------------------------------------------------


Glossary = tuple[dict[str, object], dict[tuple[str, str], object]]


def load_glossary(path: Path = GLOSSARY) -> Glossary:
    """(EN, EN_IN_CONTEXT) of installer/translations_en.py."""
    spec = importlib.util.spec_from_file_location("translations_en", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EN, getattr(module, "EN_IN_CONTEXT", {})


def messages(tree: ET.ElementTree) -> Iterator[tuple[str, ET.Element]]:
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def translations_of(message: ET.Element) -> list[str]:
    """The translation text, or each numerus form."""
    translation = message.find("translation")
    if translation is None:
        return []
    if message.get("numerus") == "yes":
        return [f.text or "" for f in translation.iter("numerusform")]
    return [translation.text or ""]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def fill(tree: ET.ElementTree, en: dict[str, object], in_context: dict[tuple[str, str], object]) -> set[object]:
    """Write the glossary's English into the messages; returns the glossary keys used."""
    used: set[object] = set()
    for context, message in messages(tree):
        source = message.findtext("source") or ""
        key: object = (context, source) if (context, source) in in_context else source
        english = in_context[key] if isinstance(key, tuple) else en.get(source)
        if english is None:
            continue
        used.add(key)
        translation = message.find("translation")
        if translation is None:
            translation = ET.SubElement(message, "translation")
        if message.get("numerus") == "yes":
            forms = list(english) if isinstance(english, tuple | list) else [english, english]
            for form in list(translation):
                translation.remove(form)
            translation.text = None
            for text in forms:
                ET.SubElement(translation, "numerusform").text = str(text)
        else:
            if not isinstance(english, str):
                raise SystemExit(f"glossary: {source!r} is not a numerus message; give one string")
            translation.text = english
        translation.attrib.pop("type", None)
    return used


def problems(tree: ET.ElementTree) -> list[str]:
    """Messages without English, or whose placeholders differ from the source's."""
    found = []
    for context, message in messages(tree):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        texts = translations_of(message)
        if translation is None or translation.get("type") in {"unfinished", "vanished", "obsolete"} \
                or not texts or not all(t.strip() for t in texts):
            found.append(f"[{context}] {source!r}: no English")
            continue
        for text in texts:
            if placeholders(text) != placeholders(source):
                found.append(f"[{context}] {source!r}: placeholders differ in {text!r}")
    return found


# --- the command ----------------------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


def update(release: bool = False) -> list[str]:
    if write_if_changed(GENERATED, render_generated_module()):
        print(f"regenerated {GENERATED.relative_to(ROOT)}")
    TS_FILE.parent.mkdir(parents=True, exist_ok=True)
    # lupdate rewrites its file every time: work on a copy beside it (locations stay relative to it)
    handle, name = tempfile.mkstemp(prefix=".update-", suffix=".ts", dir=TS_FILE.parent)
    os.close(handle)
    work = Path(name)
    try:
        if TS_FILE.exists():
            shutil.copyfile(TS_FILE, work)
        else:
            work.unlink()
        run_lupdate(work)
        tree = read_ts(work)
    finally:
        work.unlink(missing_ok=True)
    root = tree.getroot()
    root.set("language", TARGET_LANGUAGE)
    root.set("sourcelanguage", SOURCE_LANGUAGE)
    unknown: list[str] = []
    known = {t.context for t in ui_texts(unknown=unknown)} | {VOCABULARY_CONTEXT}
    for context in list(root.iter("context")):
        # lupdate files `tr = self.tr` calls under no context and `dialog.tr` under "dialog"; PySide
        # looks up class names, and the generated module carries these texts under the right one
        if (context.findtext("name") or "") not in known:
            root.remove(context)
    en, in_context = load_glossary()
    from_resources = {(VOCABULARY_CONTEXT, chinese): english for chinese, english in english_of_resources().items()
                      if chinese not in en and (VOCABULARY_CONTEXT, chinese) not in in_context}
    used = fill(tree, en, {**in_context, **from_resources})
    if write_if_changed(TS_FILE, render_ts(tree)):
        print(f"updated {TS_FILE.relative_to(ROOT)}")
    count = sum(1 for _ in messages(tree))
    print(f"{count} messages, {len(used)} glossary texts used")
    unused = [s for s in en if s not in used] + [f"[{c}] {s}" for c, s in in_context if (c, s) not in used]
    if unused:
        print("glossary entries no message uses (remove them if the text is gone):")
        print("".join(f"  {u}\n" for u in unused), end="")
    for line in unknown:
        print(f"warning: {line}")
    if release:
        from desktop_app.ui.translations import compile_ts

        qm = TS_FILE.with_suffix(".qm")
        if not compile_ts(TS_FILE, qm):
            raise SystemExit("pyside6-lrelease failed")
        print(f"compiled {qm.relative_to(ROOT)}")
    return problems(tree)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", action="store_true", help="also compile the .qm with pyside6-lrelease")
    parser.add_argument("--strict", action="store_true", help="exit 1 while a message lacks English")
    args = parser.parse_args(list(argv) if argv is not None else None)
    remaining = update(release=args.release)
    if remaining:
        print(f"{len(remaining)} message(s) need English: add them to {GLOSSARY.relative_to(ROOT)} and run again")
        print("".join(f"  {p}\n" for p in remaining), end="")
        return 1 if args.strict else 0
    print("every message has English")
    return 0


if __name__ == "__main__":
    sys.exit(main())
