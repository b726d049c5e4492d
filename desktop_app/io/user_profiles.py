"""Column mappings the shop owner saves for "anything else": a supplier's sheet, the shop's own old 台账.

The mapping dialog previews a file (io/sheet_preview), proposes which column holds which field
(io/column_suggestions) and saves the user's choices (`save_profile`) as a profile file in the user's
data folder, in exactly the shipped profile format (`import_profiles.parse_profile` reads it), so
the next file with the same headers is recognised by the GUI and the CLI alike
(`available_profiles`). Shipped profiles always win over saved ones when both match a file.

A broken file in that folder (hand-edited, half-written) never stops an import: it is skipped and
reported in Chinese (`SavedProfiles.problems`).
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from desktop_app.core import messages as msg
from desktop_app.core.errors import NotFound, UserError, system_error_text
from desktop_app.core.rule_packs import TOML_ERRORS, toml_problem
from desktop_app.core.vocabulary import Platform
from desktop_app.io.column_suggestions import FIELDS_BY_NAME, MAPPABLE_FIELDS, MAX_LABEL_LENGTH
from desktop_app.io.import_profiles import (
    ImportProfile,
    Layout,
    ProfileError,
    load_profiles,
    normalize_header,
    parse_profile,
)
from desktop_app.io.sheet_preview import SheetColumn
from desktop_app.io.toml_files import MAX_TOML_BYTES, TOML_ENCODING, NotAPlainFile, read_small_file
from desktop_app.paths import data_dir

ID_PREFIX = "user-"
# The layouts a mapping can describe; ITEM_TABLE (items in another sheet or file) stays for platforms.
MAPPABLE_LAYOUTS: tuple[Layout, ...] = (Layout.ORDER_ROWS, Layout.ITEM_ROWS)


class MappingInvalid(UserError):
    """The user's choices do not make a usable profile; `problems` lists each reason in Chinese."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(self.problems))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """The user's choices in the mapping dialog, by header name (profiles never match by position)."""

    label: str
    platform: str  # a Platform value
    layout: Layout
    columns: Mapping[str, str]  # field name → header text as written in the file
    sheet: str | None = None  # preferred sheet of a workbook with several

    @property
    def profile_id(self) -> str:
        return profile_id_for(self.label)


def clean_label(label: str) -> str:
    """The name as stored: one line, single spaces (it is shown in lists and written to TOML)."""
    return " ".join(label.split())


def profile_id_for(label: str) -> str:
    """A file-safe id from the name: letters, digits and CJK kept, everything else becomes "-"."""
    slug = re.sub(r"[^0-9A-Za-z\u3400-\u9fff]+", "-", clean_label(label)).strip("-").lower()
    return ID_PREFIX + (slug[:40] or "mapping")


def check_columns(columns: Sequence[SheetColumn], chosen: Mapping[str, int | None]) -> list[str]:
    """Problems with the chosen columns themselves: blank or repeated header names, a column used twice."""
    problems: list[str] = []
    by_index = {c.index: c for c in columns}
    first_by_name: dict[str, SheetColumn] = {}
    for column in columns:
        name = normalize_header(column.header)
        if name and name not in first_by_name:
            first_by_name[name] = column
    fields_of: dict[int, list[str]] = {}
    for name, index in chosen.items():
        if index is None:
            continue
        label = FIELDS_BY_NAME[name].label if name in FIELDS_BY_NAME else name
        column = by_index.get(index)  # type: ignore[assignment]
        if column is None:
            problems.append(msg.say(msg.COLUMN_NOT_IN_SHEET, label))
            continue
        fields_of.setdefault(index, []).append(label)
        if not column.header:
            problems.append(msg.say(msg.COLUMN_WITHOUT_HEADER, column.letter, label))
            continue
        first = first_by_name[normalize_header(column.header)]
        if first.index != column.index:
            problems.append(msg.say(msg.COLUMN_SAME_HEADER, column.letter, column.header, first.letter, label))
        if "|" in column.header:
            problems.append(msg.say(msg.COLUMN_HEADER_PIPE, column.letter, column.header))
    for index, labels in fields_of.items():
        if len(labels) > 1:
            problems.append(msg.say(msg.COLUMN_TWO_FIELDS, by_index[index].letter, msg.listed(labels, msg.AND_QUOTED)))
    return problems


def name_and_platform_problems(label: str, platform: str, example: str) -> list[str]:
    """What is wrong with a saved mapping's name and platform (orders' and after-sales' alike)."""
    problems: list[str] = []
    cleaned = clean_label(label)
    if not cleaned:
        problems.append(msg.say(msg.MAPPING_NAME_NEEDED, example))
    elif len(cleaned) > MAX_LABEL_LENGTH:
        problems.append(msg.say(msg.MAPPING_NAME_TOO_LONG, MAX_LABEL_LENGTH))
    try:
        Platform(platform)
    except ValueError:
        problems.append(msg.say(msg.MAPPING_PLATFORM_UNKNOWN, platform))
    return problems


def check_mapping(mapping: ColumnMapping) -> list[str]:
    """Everything wrong with a mapping, in Chinese; empty when it can be saved."""
    problems = name_and_platform_problems(mapping.label, mapping.platform, "某某供应商发货表")
    if mapping.layout not in MAPPABLE_LAYOUTS:
        problems.append(msg.say(msg.MAPPING_LAYOUT_NEEDED))
    unknown = [name for name in mapping.columns if name not in FIELDS_BY_NAME]
    if unknown:
        problems.append(msg.say(msg.MAPPING_UNKNOWN_FIELDS, "、".join(unknown)))
    headers = {name: text.strip() for name, text in mapping.columns.items() if text and text.strip()}
    if "order_no" not in headers:
        problems.append(msg.say(msg.MAPPING_ORDER_NO_NEEDED))
    if mapping.layout is Layout.ITEM_ROWS and "title" not in headers:
        problems.append(msg.say(msg.MAPPING_TITLE_NEEDED))
    return problems


def profile_table(mapping: ColumnMapping) -> dict[str, Any]:
    """The profile as TOML data, in the shipped format (see resources/import_profiles/*.toml)."""
    problems = check_mapping(mapping)
    if problems:
        raise MappingInvalid(problems)
    order: dict[str, list[str]] = {}
    item: dict[str, list[str]] = {}
    for spec in MAPPABLE_FIELDS:  # a stable order in the file, whatever order the dialog gave
        header = (mapping.columns.get(spec.name) or "").strip()
        if header:
            (order if spec.section == "order" else item)[spec.name] = [header]
    identify = list(dict.fromkeys(h for names in (*order.values(), *item.values()) for h in names if "|" not in h))
    data: dict[str, Any] = {
        "id": mapping.profile_id,
        "platform": mapping.platform,
        "label": clean_label(mapping.label),
        # A file is this sheet when it has every mapped column (any order, extra columns allowed).
        "identify": identify,
        "layout": mapping.layout.value,
    }
    if mapping.sheet:
        data["sheets"] = [mapping.sheet]
    data["order"] = order
    if item:
        data["item"] = item
    return data


def _toml_value(value: str | list[str]) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()  # tomli_w does the escaping


def profile_toml(data: Mapping[str, Any], target: str = "订单") -> str:
    """The profile as the shipped files are written (one line per field), with a note for the reader."""
    lines = [f"# 列对应方案“{data['label']}”（导入为{target}）：在“导入其他表格”中保存。",
             "# 表头含有 identify 中全部列名的表格会按它导入（程序自带的平台格式优先）。",
             "# 可以用文本编辑器修改，或在“已保存的列对应方案”里删除。", ""]
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    lines += [f"{key} = {_toml_value(value)}" for key, value in data.items() if key not in tables]
    for name, table in tables.items():
        lines += ["", f"[{name}]", *(f"{key} = {_toml_value(value)}" for key, value in table.items())]
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text) != dict(data):  # never write a file that would read back differently
        raise AssertionError("profile TOML does not round-trip")
    return text


def user_profiles_dir() -> Path:
    return data_dir() / "import_profiles"


def save_profile(mapping: ColumnMapping, directory: Path | None = None) -> ImportProfile:
    """Write the mapping as `<id>.toml` (replacing a saved one of the same name) and return it parsed.

    Written to a temporary file first and renamed (`write_profile_file`).
    """
    data = profile_table(mapping)
    profile = replace(parse_profile(data), user=True)  # the same check an import will make
    folder = directory or user_profiles_dir()
    path = folder / f"{profile.id}.toml"
    write_profile_file(path, profile_toml(data))
    forget_saved_profiles()
    return replace(profile, source=path)


def write_profile_file(path: Path, text: str) -> None:
    """Write a profile through a temporary file and a rename: a crash never leaves half a profile."""
    temporary = path.with_suffix(".toml.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(f"无法保存列对应方案到“{path}”：{system_error_text(exc)}") from None


# --- loading ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ProfileProblem:
    """A saved profile file that was skipped, and why (Chinese)."""

    path: Path
    message: str


@dataclass(frozen=True, slots=True)
class SavedProfiles:
    profiles: tuple[ImportProfile, ...] = ()
    problems: tuple[ProfileProblem, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"自定义列对应方案“{p.path.name}”无法使用，已跳过：{p.message}" for p in self.problems)


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], SavedProfiles]] = {}


def forget_saved_profiles() -> None:
    """Drop the cached parse (also done on every change the folder's file times show)."""
    with _cache_lock:
        _cache.clear()


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for path in folder.glob("*.toml"):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


def load_saved_profiles(directory: Path | None = None) -> SavedProfiles:
    """Every profile the user saved; broken files are skipped and listed in `problems`.

    Parsed once per change of the folder (file names, sizes and times are compared on each call, so
    a profile saved, deleted or edited by hand is seen at the next import).
    """
    folder = (directory or user_profiles_dir()).resolve()
    if not folder.is_dir():
        return SavedProfiles()
    signature = _signature(folder)
    with _cache_lock:
        cached = _cache.get(folder)
        if cached is not None and cached[0] == signature:
            return cached[1]
    loaded = _parse_folder(folder, signature)
    with _cache_lock:
        _cache[folder] = (signature, loaded)
    return loaded


def _parse_folder(folder: Path, signature: tuple[tuple[str, int, int], ...]) -> SavedProfiles:
    shipped_ids = {p.id for p in load_profiles()}
    profiles: list[ImportProfile] = []
    problems: list[ProfileProblem] = []
    seen: dict[str, Path] = {}
    for name, _, _ in signature:
        path = folder / name
        try:
            profile = _parse_file(path)
        except _Skipped as skipped:
            problems.append(ProfileProblem(path, skipped.message))
            continue
        if profile.id in shipped_ids:
            problems.append(ProfileProblem(path, f"id “{profile.id}”与程序自带的格式重名"))
        elif profile.id in seen:
            problems.append(ProfileProblem(path, f"id “{profile.id}”与“{seen[profile.id].name}”重复"))
        else:
            seen[profile.id] = path
            profiles.append(profile)
    return SavedProfiles(tuple(profiles), tuple(problems))


class _Skipped(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _parse_file(path: Path) -> ImportProfile:
    try:
        text = read_small_file(path, MAX_TOML_BYTES).decode(TOML_ENCODING)
    except UnicodeDecodeError:
        raise _Skipped("文件不是 UTF-8 编码的文本") from None
    except NotAPlainFile as exc:
        raise _Skipped(f"文件{exc}") from None
    except OSError as exc:
        raise _Skipped(f"文件无法读取（{system_error_text(exc)}）") from None
    try:
        data = tomllib.loads(text)
    except TOML_ERRORS as exc:  # the line, column and fault in Chinese, as the rule packs say it
        raise _Skipped(toml_problem(path.name, str(exc), "文件")) from None
    try:
        profile = parse_profile(data, path)
    except ProfileError as exc:
        raise _Skipped(f"内容有误（{exc}）") from None
    except (TypeError, ValueError, AttributeError):  # e.g. a number where a list of names belongs
        raise _Skipped("内容有误（有一项的值不是应有的类型，可能被手工改过；删除这个文件后，"
                       "在“导入其他表格”里重新保存这个对应方案）") from None
    return replace(profile, user=True)


@dataclass(frozen=True, slots=True)
class AvailableProfiles:
    """What the importer may recognise: the shipped profiles first, then the saved ones."""

    profiles: tuple[ImportProfile, ...]
    warnings: tuple[str, ...] = field(default=())

    def find(self, profile_id: str) -> ImportProfile:
        key = profile_id.strip()
        for profile in self.profiles:
            if profile.id == key or (profile.user and profile.label == key):
                return profile
        saved = "、".join(p.id for p in self.profiles if p.user) or "（还没有保存任何方案）"
        raise NotFound(f"找不到列对应方案“{profile_id}”。已保存的方案：{saved}")


def available_profiles() -> AvailableProfiles:
    saved = load_saved_profiles()
    return AvailableProfiles((*load_profiles(), *saved.profiles), saved.warnings)


def delete_profile(reference: str, directory: Path | None = None) -> Path:
    """Delete a saved profile by id, name or file name (also a broken file); returns the path removed."""
    folder = directory or user_profiles_dir()
    saved = load_saved_profiles(folder)
    key = reference.strip()
    target = next((p.source for p in saved.profiles if key in (p.id, p.label) and p.source is not None), None)
    if target is None:
        candidates = [p.path for p in saved.problems] + [p.source for p in saved.profiles if p.source]
        target = next((path for path in candidates if key in (path.name, path.stem)), None)
    if target is None:
        raise NotFound(f"找不到列对应方案“{reference}”")
    try:
        target.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise UserError(f"无法删除“{target}”：{system_error_text(exc)}") from None
    forget_saved_profiles()
    return target
