"""Column mappings the shop owner saves for "anything else": a supplier's sheet, the shop's own old 台账.

The mapping dialog previews a file (`preview_sheet`), proposes which column holds which field
(`suggest_columns`) and saves the user's choices (`save_profile`) as a profile file in the user's
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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import tomli_w

from desktop_app.core.errors import NotFound, UserError
from desktop_app.core.vocabulary import Platform
from desktop_app.io.import_profiles import (
    ImportProfile,
    Layout,
    ProfileError,
    load_profiles,
    normalize_header,
    parse_profile,
)
from desktop_app.io.spreadsheet_readers import Spreadsheet, open_spreadsheet
from desktop_app.paths import data_dir

PREVIEW_ROWS = 20
# The importer looks for the header within the first rows (sheet_header.HEADER_SEARCH_ROWS): a header
# chosen further down could never be found again.
HEADER_ROWS_SEARCHED = 10
MAX_LABEL_LENGTH = 30
MAX_CELL_TEXT = 200
ID_PREFIX = "user-"
# The layouts a mapping can describe; ITEM_TABLE (items in another sheet or file) stays for platforms.
MAPPABLE_LAYOUTS: tuple[Layout, ...] = (Layout.ORDER_ROWS, Layout.ITEM_ROWS)


@dataclass(frozen=True, slots=True)
class MappableField:
    """A field the user can point a column at; `section` says where the profile keeps it."""

    name: str
    section: Literal["order", "item"]
    label: str


# In the order the dialog lists them. Left out on purpose: product_titles (商品名称 covers it),
# item_count (derived from the items' quantities, which a mapped 数量 column gives) and the item's
# own paid amount (rare, and it would share the name `paid` with the order's).
MAPPABLE_FIELDS: tuple[MappableField, ...] = (
    MappableField("order_no", "order", "订单号"),
    MappableField("status", "order", "订单状态"),
    MappableField("shop_name", "order", "店铺"),
    MappableField("buyer_nick", "order", "买家昵称"),
    MappableField("paid", "order", "实付金额"),
    MappableField("goods", "order", "商品总价"),
    MappableField("postage", "order", "邮费"),
    MappableField("paid_at", "order", "付款时间"),
    MappableField("buyer_note", "order", "买家留言"),
    MappableField("seller_note", "order", "商家备注"),
    MappableField("receiver", "order", "收货人"),
    MappableField("phone", "order", "手机"),
    MappableField("address", "order", "收货地址"),
    MappableField("carrier", "order", "物流公司"),
    MappableField("tracking_no", "order", "物流单号"),
    MappableField("shipped_at", "order", "发货时间"),
    MappableField("signed_at", "order", "签收时间"),
    MappableField("succeeded_at", "order", "确认收货时间"),
    MappableField("title", "item", "商品名称"),
    MappableField("spec", "item", "商品规格"),
    MappableField("sku_code", "item", "商家编码"),
    MappableField("quantity", "item", "数量"),
    MappableField("unit_price", "item", "单价"),
)
FIELDS_BY_NAME: Mapping[str, MappableField] = {f.name: f for f in MAPPABLE_FIELDS}

# Words suppliers and home-made 台账 use, beyond the platforms' own headers (which are read from the
# shipped profiles). Only suggestions: the user sees and corrects every one.
EXTRA_ALIASES: Mapping[str, tuple[str, ...]] = {
    "order_no": ("订单号", "订单编号", "单号", "平台单号", "平台订单号", "原始单号", "网店订单号", "客户订单号"),
    "status": ("状态", "订单状态"),
    "shop_name": ("店铺", "店铺名称", "店名"),
    "buyer_nick": ("买家昵称", "买家", "买家ID", "旺旺", "旺旺名"),
    "paid": ("实付金额", "实付", "实收金额", "付款金额", "金额", "订单金额"),
    "goods": ("商品总价", "货款", "商品金额"),
    "postage": ("邮费", "运费"),
    "paid_at": ("付款时间", "支付时间", "付款日期"),
    "buyer_note": ("买家留言", "留言"),
    "seller_note": ("商家备注", "备注", "卖家备注"),
    "receiver": ("收货人", "收件人", "姓名", "客户", "客户姓名", "联系人", "收货人姓名", "收件人姓名"),
    "phone": ("手机", "手机号", "电话", "联系电话", "联系方式", "收件人电话", "收件人手机", "收货人电话"),
    "address": ("收货地址", "地址", "详细地址", "收件地址", "收件人地址"),
    "carrier": ("物流公司", "快递", "快递公司", "承运商"),
    "tracking_no": ("物流单号", "快递单号", "运单号", "运单编号", "快递单号码"),
    "shipped_at": ("发货时间", "发货日期", "出库时间"),
    "signed_at": ("签收时间", "签收日期"),
    "succeeded_at": ("确认收货时间", "完成时间", "成交时间"),
    "title": ("商品名称", "商品", "品名", "货品名称", "产品名称", "宝贝名称", "商品标题", "宝贝标题"),
    "spec": ("商品规格", "规格", "款式", "颜色", "颜色尺码", "型号", "sku"),
    "sku_code": ("商家编码", "货号", "编码", "商品编码", "款号"),
    "quantity": ("数量", "件数", "购买数量", "商品数量", "发货数量"),
    "unit_price": ("单价", "价格", "商品单价"),
}
_PDD_ORDER_NO = re.compile(r"^\d{6}-\d{15}$")


# --- preview ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SheetColumn:
    """One column under the chosen header row."""

    index: int  # position in the row's cells
    letter: str  # as Excel shows it (A, B, ... AA)
    header: str  # the header cell's text, "" when the cell is blank


@dataclass(frozen=True, slots=True)
class SheetPreview:
    """The first rows of one sheet as text, and what the dialog proposes for it."""

    path: Path
    sheet_names: tuple[str, ...]
    sheet: str
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (spreadsheet row number, cell texts)
    headers: tuple[tuple[str, ...], ...]  # each row's cells as header text (for matching by name)
    first_column: int  # 0-based sheet column of the first cell
    header_row: int | None  # the guessed header's row number
    width: int

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return tuple(number for number, _ in self.rows)

    def columns(self, header_row: int) -> tuple[SheetColumn, ...]:
        """The columns as seen from a header row (every column, also those with a blank header)."""
        cells = next((h for (number, _), h in zip(self.rows, self.headers, strict=True) if number == header_row), ())
        return tuple(SheetColumn(i, column_letter(self.first_column + i), cells[i] if i < len(cells) else "")
                     for i in range(self.width))

    def values_below(self, header_row: int, column: int) -> list[str]:
        return [cells[column] for number, cells in self.rows if number > header_row and column < len(cells)]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A cell as the spreadsheet program shows it, roughly: 12.0 → 12, a date without 00:00:00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d") if value.time() == time() else value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ").strip()
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT] + "…"


def _header_text(value: object) -> str:
    # The same text `sheet_header.header_index` normalises: what a profile's alias must spell.
    return "" if value is None else str(value).strip().lstrip("\ufeff")


def _is_label(text: str) -> bool:
    """Header-like text: not empty and not a number or a date."""
    if not text:
        return False
    stripped = text.replace(",", "").replace("-", "").replace(":", "").replace(".", "").replace(" ", "")
    return not stripped.isdigit()


def guess_header_row(rows: Sequence[tuple[int, Sequence[str]]],
                     known: set[str] | None = None) -> int | None:
    """The first row (of the first HEADER_ROWS_SEARCHED) that looks like a header.

    Two known header names (any profile's alias) settle it; otherwise the first row with several
    text cells — at least half as many as the widest row — so a title line above is skipped.
    """
    searched = rows[:HEADER_ROWS_SEARCHED]
    if known:
        for number, cells in searched:
            if sum(1 for c in cells if normalize_header(c) in known) >= 2:
                return number
    widest = max((sum(1 for c in cells if c) for _, cells in searched), default=0)
    needed = max(2, (widest + 1) // 2)
    for number, cells in searched:
        if sum(1 for c in cells if _is_label(c)) >= needed:
            return number
    return None


def _read_rows(spreadsheet: Spreadsheet, sheet: str, limit: int) -> tuple[list[tuple[int, list[object]]], int]:
    table = spreadsheet.table(sheet)
    rows: list[tuple[int, list[object]]] = []
    iterator: Iterator[tuple[int, Sequence[object]]] = table.rows()
    try:
        for number, cells in iterator:
            rows.append((number, list(cells)))
            if len(rows) >= limit:
                break
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # a CSV reader holds its file open until closed
    return rows, table.first_column


def preview_sheet(path: Path | str, sheet: str | None = None, limit: int = PREVIEW_ROWS) -> SheetPreview:
    """Read the first rows of a sheet (the first one unless named) for the mapping dialog.

    Raises OrderFileRefused (a UserError) for a file that cannot be read as a spreadsheet.
    """
    path = Path(path)
    spreadsheet = open_spreadsheet(path)
    try:
        names = tuple(spreadsheet.sheet_names())
        chosen = sheet if sheet is not None else _first_filled_sheet(spreadsheet, names)
        if chosen not in names:
            raise UserError(f"文件“{path.name}”里没有名为“{chosen}”的工作表")
        raw, first_column = _read_rows(spreadsheet, chosen, limit)
    finally:
        spreadsheet.close()
    # Trailing blank cells are noise; the width is that of the widest row with content.
    width = max((_filled_width(cells) for _, cells in raw), default=0)
    rows = tuple((number, tuple(cell_text(c) for c in cells[:width])) for number, cells in raw)
    headers = tuple(tuple(_header_text(c) for c in cells[:width]) for _, cells in raw)
    header_row = guess_header_row([(n, h) for (n, _), h in zip(rows, headers, strict=True)], known_headers())
    return SheetPreview(path, names, chosen, rows, headers, first_column, header_row, width)


def _filled_width(cells: Sequence[object]) -> int:
    for position in range(len(cells) - 1, -1, -1):
        if cell_text(cells[position]):
            return position + 1
    return 0


def _first_filled_sheet(spreadsheet: Spreadsheet, names: Sequence[str]) -> str:
    """The first sheet with anything in it (workbooks often start with an empty or a notes sheet)."""
    for name in names:
        rows, _ = _read_rows(spreadsheet, name, HEADER_ROWS_SEARCHED)
        if any(_filled_width(cells) >= 2 for _, cells in rows):
            return name
    return names[0]


# --- suggestions --------------------------------------------------------------------------------

def field_aliases(profiles: Sequence[ImportProfile] | None = None) -> dict[str, list[str]]:
    """Per mappable field, the header spellings that suggest it (normalised, best first)."""
    profiles = load_profiles() if profiles is None else profiles
    aliases: dict[str, list[str]] = {}
    for spec in MAPPABLE_FIELDS:
        names = [spec.label, *EXTRA_ALIASES.get(spec.name, ())]
        for profile in profiles:
            tables: list[Mapping[str, tuple[str, ...]]] = (
                [profile.order_fields] if spec.section == "order"
                else [profile.item_fields, *([profile.item_table.fields] if profile.item_table else [])])
            for table in tables:
                names.extend(table.get(spec.name, ()))
        aliases[spec.name] = list(dict.fromkeys(normalize_header(n) for n in names))
    return aliases


def known_headers() -> set[str]:
    return {alias for names in field_aliases().values() for alias in names}


def suggest_columns(headers: Sequence[str], profiles: Sequence[ImportProfile] | None = None) -> dict[str, int]:
    """Field → column index proposed for a header row; each column proposed for one field at most.

    A header that several fields use (商品金额 is a unit price for Douyin, a total elsewhere) only
    counts once its unambiguous rivals are placed.
    """
    aliases = field_aliases(profiles)
    owners: dict[str, int] = {}
    for names in aliases.values():
        for name in names:
            owners[name] = owners.get(name, 0) + 1
    normalized = [normalize_header(h) for h in headers]
    candidates: list[tuple[int, int, int, str]] = []
    for order, spec in enumerate(MAPPABLE_FIELDS):
        for column, header in enumerate(normalized):
            if header and header in aliases[spec.name]:
                rank = aliases[spec.name].index(header) + (100 if owners[header] > 1 else 0)
                candidates.append((rank, order, column, spec.name))
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for _, _, column, name in sorted(candidates):
        if name not in chosen and column not in used:
            chosen[name] = column
            used.add(column)
    return chosen


def guess_layout(preview: SheetPreview, header_row: int, order_no_column: int | None) -> Layout:
    """Item rows when an order number repeats under the header, else one row per order."""
    if order_no_column is None:
        return Layout.ORDER_ROWS
    values = [v for v in preview.values_below(header_row, order_no_column) if v]
    return Layout.ITEM_ROWS if len(set(values)) < len(values) else Layout.ORDER_ROWS


def guess_platform(preview: SheetPreview, header_row: int, order_no_column: int | None) -> Platform:
    """Pinduoduo numbers have their own shape (261101-103283030276851); other numbers do not tell."""
    if order_no_column is not None:
        values = [v for v in preview.values_below(header_row, order_no_column) if v]
        if values and all(_PDD_ORDER_NO.match(v) for v in values):
            return Platform.PDD
    return Platform.OTHER


def suggest_label(path: Path | str) -> str:
    """A name from the file name without its trailing date or number: 供应商发货表20261101 → 供应商发货表."""
    stem = Path(path).stem.strip()
    label = re.sub(r"[\s_\-（(]*\d[\d\s_\-.:：)）]*$", "", stem).strip(" _-") or stem
    return label[:MAX_LABEL_LENGTH]


def shipped_profile_for(headers: Sequence[str]) -> ImportProfile | None:
    """The shipped profile that already recognises this header row, if any (no mapping needed)."""
    names = {normalize_header(h) for h in headers if h}
    return next((p for p in load_profiles() if p.matches(names)), None)


# --- building and saving ------------------------------------------------------------------------

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
            problems.append(f"“{label}”选择的列不在表格里")
            continue
        fields_of.setdefault(index, []).append(label)
        if not column.header:
            problems.append(f"{column.letter} 列没有表头，无法按列名识别（“{label}”）：请在表格里给这一列加上列名，"
                            "或选择其他列")
            continue
        first = first_by_name[normalize_header(column.header)]
        if first.index != column.index:
            problems.append(f"{column.letter} 列的表头“{column.header}”与 {first.letter} 列相同，导入时只会读到 "
                            f"{first.letter} 列（“{label}”）：请在表格里给其中一列改名")
        if "|" in column.header:
            problems.append(f"{column.letter} 列的表头“{column.header}”含有“|”，无法用来识别表格：请在表格里改名")
    for index, labels in fields_of.items():
        if len(labels) > 1:
            problems.append(f"{by_index[index].letter} 列同时对应了“{'”和“'.join(labels)}”：一列只能对应一个字段")
    return problems


def name_and_platform_problems(label: str, platform: str, example: str) -> list[str]:
    """What is wrong with a saved mapping's name and platform (orders' and after-sales' alike)."""
    problems: list[str] = []
    cleaned = clean_label(label)
    if not cleaned:
        problems.append(f"请填写方案名称（例如“{example}”）")
    elif len(cleaned) > MAX_LABEL_LENGTH:
        problems.append(f"方案名称太长：最多 {MAX_LABEL_LENGTH} 个字")
    try:
        Platform(platform)
    except ValueError:
        problems.append(f"无法识别的平台“{platform}”")
    return problems


def check_mapping(mapping: ColumnMapping) -> list[str]:
    """Everything wrong with a mapping, in Chinese; empty when it can be saved."""
    problems = name_and_platform_problems(mapping.label, mapping.platform, "某某供应商发货表")
    if mapping.layout not in MAPPABLE_LAYOUTS:
        problems.append("请选择每行是一个订单还是一个商品")
    unknown = [name for name in mapping.columns if name not in FIELDS_BY_NAME]
    if unknown:
        problems.append(f"未知的字段：{'、'.join(unknown)}")
    headers = {name: text.strip() for name, text in mapping.columns.items() if text and text.strip()}
    if "order_no" not in headers:
        problems.append("请选择“订单号”在哪一列：订单按订单号导入和合并")
    if mapping.layout is Layout.ITEM_ROWS and "title" not in headers:
        problems.append("“一行一个商品”的表格需要选择“商品名称”在哪一列")
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
        raise UserError(f"无法保存列对应方案到“{path}”：{exc.strerror or exc}") from None


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
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _Skipped("文件不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise _Skipped(f"文件无法读取（{exc.strerror or exc}）") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Skipped(f"不是有效的 TOML 格式（{exc}）") from None
    try:
        profile = parse_profile(data, path)
    except ProfileError as exc:
        raise _Skipped(f"内容有误（{exc}）") from None
    except (TypeError, ValueError, AttributeError) as exc:  # e.g. a number where a list of names belongs
        raise _Skipped(f"内容有误（{type(exc).__name__}: {exc}）") from None
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
        raise UserError(f"无法删除“{target}”：{exc.strerror or exc}") from None
    forget_saved_profiles()
    return target
