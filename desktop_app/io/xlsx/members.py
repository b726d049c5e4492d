"""The members of an .xlsx package the piecewise reader needs: which worksheet member a sheet is,
its opening part up to <sheetData>, the workbook parts every rebuilt workbook copies, and the
shared strings (cut after their first n on demand).

Anything unexpected in the package makes `locate_sheet` return None: the sheet is read whole.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import python_calamine
from defusedxml import ElementTree

from desktop_app.core import messages as msg
from desktop_app.io.damage_words import damage_in_words
from desktop_app.io.import_errors import OrderFileRefused
from desktop_app.io.xlsx.zip_parts import DAMAGED_ZIP, Part, crc32

# The worksheet's opening part (sheetPr, dimension, sheetViews, cols ...) must end within this.
MAX_PREFIX_BYTES = 4 * 1024 * 1024
# Below this much sheet XML (~13,000 Douyin rows, a second of parsing) reading whole is fine.
MIN_SHEET_BYTES = 16 * 1024 * 1024

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
SHARED_STRINGS = "xl/sharedStrings.xml"  # where calamine looks for them
# Parts calamine does not read for cell values; everything else is copied into each workbook.
_SKIPPED_PREFIXES = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/", "xl/drawings/",
                     "xl/media/", "xl/charts/", "xl/embeddings/", "xl/pivotCache/", "xl/pivotTables/",
                     "xl/printerSettings/", "xl/externalLinks/", "xl/tables/", "xl/queryTables/",
                     "xl/activeX/", "xl/ctrlProps/", "docProps/", "customXml/")
_SKIPPED_NAMES = ("xl/vbaProject.bin", "xl/calcChain.xml", WORKBOOK, WORKBOOK_RELS)

XML_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_WORKSHEET_START = re.compile(rb"<(" + XML_NAME + rb")worksheet[\s>]")
_SHEETDATA_START = re.compile(rb"<(" + XML_NAME + rb")sheetData(?:\s[^>]*)?(/?)>")
_DIMENSION = re.compile(rb"<(" + XML_NAME + rb")dimension\b[^>]*?(?:/>|>\s*</\1dimension\s*>)")
R_ATTRIBUTE = re.compile(rb"\sr\s*=\s*[\"']")
_SHEETS = re.compile(rb"<(" + XML_NAME + rb")sheets(?:\s[^>]*)?(?:/>|>.*?</\1sheets\s*>)", re.DOTALL)
_RELATIONSHIPS_END = re.compile(rb"</" + XML_NAME + rb"Relationships\s*>\s*$")
_SST_START = re.compile(rb"<(" + XML_NAME + rb")sst[\s>]")




def damaged(path: Path, name: str, exc: BaseException) -> OrderFileRefused:
    # Same wording as CalamineSpreadsheet.table(), where the whole-sheet parse reports these.
    if _is_panic(exc):
        return OrderFileRefused(path, msg.say(msg.SHEET_BROKEN, name))
    return OrderFileRefused(path, msg.say(msg.SHEET_UNREADABLE, name, damage_in_words(exc)))


def _is_panic(exc: BaseException) -> bool:
    # A Rust panic surfaces as pyo3's PanicException, a BaseException.
    return type(exc).__name__ == "PanicException"


# What a damaged package or sheet raises while being read.
_READ_ERRORS: tuple[type[BaseException], ...] = (python_calamine.CalamineError, *DAMAGED_ZIP, ValueError)


def is_read_error(exc: BaseException) -> bool:
    return isinstance(exc, _READ_ERRORS) or _is_panic(exc)



# --- the package ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetXml:
    """How to stream one worksheet member and rebuild pieces of it."""

    path: Path
    sheet: str  # its name in the workbook, for messages
    member: str
    info: zipfile.ZipInfo  # the member's entry in the zip directory, read once
    data_start: int  # offset just after the <sheetData> start tag
    prefix: bytes  # the worksheet up to and including <sheetData>, without <dimension>
    closing: bytes  # </sheetData></worksheet>, with the file's namespace prefixes
    row_start: re.Pattern[bytes]
    row_end: bytes
    data_end: bytes  # </sheetData>
    copied: tuple[str, ...]  # members copied into every in-memory workbook
    workbook_xml: tuple[bytes, bytes]  # workbook.xml before and after its <sheets> element
    sheets_prefix: bytes
    workbook_rels: tuple[bytes, bytes]  # the relationships before and after their end tag

    @property
    def size(self) -> int:
        """Uncompressed bytes of the member."""
        return self.info.file_size


class SharedStrings:
    """xl/sharedStrings.xml, cut after its first n strings on demand."""

    def __init__(self, data: bytes, crc: int) -> None:
        self.data = data
        self.crc = crc
        start = _SST_START.search(data)
        if start is None:
            raise ValueError("no <sst> element")
        prefix = start.group(1)
        self._closing = b"</%ssst>" % prefix
        self._opening = (b"<%ssi>" % prefix, b"<%ssi " % prefix, b"<%ssi/>" % prefix)
        self._item = re.compile(b"<" + re.escape(prefix) + rb"si[ />]")
        item_end = b"</%ssi>" % prefix
        # Counts per block of about 256 KB, the blocks ending after an </si>: no <si> straddles two.
        self._block_starts: list[int] = []
        self._before: list[int] = []  # strings in the blocks before each block
        position = data.find(self._opening[0])
        position = start.end() if position < 0 else position
        counted = 0
        while True:
            end = data.find(item_end, position + 256 * 1024)
            end = len(data) if end < 0 else end + len(item_end)
            self._block_starts.append(position)
            self._before.append(counted)
            counted += sum(data.count(token, position, end) for token in self._opening)
            if end >= len(data):
                break
            position = end
        self.count = counted

    def _offset(self, index: int) -> int:
        """Where string `index` (0-based) starts."""
        block = bisect.bisect_right(self._before, index) - 1
        end = self._block_starts[block + 1] if block + 1 < len(self._block_starts) else len(self.data)
        found = next(itertools.islice(self._item.finditer(self.data, self._block_starts[block], end),
                                      index - self._before[block], None), None)
        if found is None:
            raise ValueError("shared string not found")
        return found.start()

    def first(self, count: int) -> tuple[list[Part], int, int]:
        """The member holding the first `count` strings: its parts, CRC-32 and size."""
        if count >= self.count:
            return [self.data], self.crc, len(self.data)
        head = memoryview(self.data)[:self._offset(count)]
        parts: list[Part] = [head, self._closing]
        return parts, crc32(parts), len(head) + len(self._closing)


@dataclass
class Package:
    """What every in-memory workbook copies, read once per table."""

    members: list[tuple[str, bytes, int]]  # name, data, CRC-32
    shared: SharedStrings | None

    @classmethod
    def read(cls, xml: SheetXml, archive: zipfile.ZipFile) -> Package:
        members: list[tuple[str, bytes, int]] = []
        shared = None
        for name in xml.copied:
            data = archive.read(name)  # checks the CRC-32 the zip's directory states
            crc = archive.getinfo(name).CRC
            if name == SHARED_STRINGS:
                try:
                    shared = SharedStrings(data, crc)
                    continue
                except ValueError:  # not what calamine expects either: copied as it is
                    pass
            members.append((name, data, crc))
        return cls(members, shared)


# --- deciding whether to read in pieces -----------------------------------------------------------

def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def worksheet_names_if_large(path: Path | str, min_sheet_bytes: int = MIN_SHEET_BYTES) -> list[str] | None:
    """The names of the worksheets of an .xlsx in workbook order when one of them is large enough to
    be read in pieces, else None (also for anything unexpected).

    Opening such a workbook with python-calamine parses its shared strings (0.2 s and 34 MB for a
    100,000-row export, measured) which reading in pieces does not use: the caller can open it later,
    only if a sheet has to be read whole after all.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if WORKBOOK not in names or WORKBOOK_RELS not in names:
                return None
            sheets: list[str] = []
            hidden: list[str] = []  # listed after the visible ones, as spreadsheet_readers.visible_first
            large = False
            for element in ElementTree.fromstring(archive.read(WORKBOOK)).iter():
                if local_name(element.tag) != "sheet":
                    continue
                name = element.get("name")
                member = sheet_member(archive, name) if name else None
                if name is None or member is None or not member.startswith("xl/worksheets/") or member not in names:
                    return None  # a chart sheet, a dangling entry: let calamine list the sheets
                (hidden if element.get("state") in ("hidden", "veryHidden") else sheets).append(name)
                large = large or archive.getinfo(member).file_size >= min_sheet_bytes
    except (*DAMAGED_ZIP, KeyError, ValueError, ElementTree.ParseError):
        return None
    except Exception as exc:  # defusedxml refusing entities or a DTD: calamine decides
        if type(exc).__module__.startswith("defusedxml"):
            return None
        raise
    sheets += hidden
    return sheets if large and sheets else None


def sheet_member(archive: zipfile.ZipFile, name: str) -> str | None:
    """The worksheet member of the sheet called `name`, resolved as calamine does."""
    workbook = ElementTree.fromstring(archive.read(WORKBOOK))
    relationship = None
    for element in workbook.iter():
        if local_name(element.tag) == "sheet" and element.get("name") == name:
            relationship = next((v for k, v in element.attrib.items() if local_name(k) == "id"), None)
            break
    if relationship is None:
        return None
    rels = ElementTree.fromstring(archive.read(WORKBOOK_RELS))
    for element in rels.iter():
        if local_name(element.tag) == "Relationship" and element.get("Id") == relationship:
            target = element.get("Target") or ""
            if target.startswith("/xl/"):
                return target[1:]
            return target if target.startswith("xl/") else f"xl/{target}"
    return None


def read_prefix(archive: zipfile.ZipFile, member: str) -> tuple[bytes, int, bytes] | None:
    """The member up to the end of the <sheetData> start tag, that offset, and some of what follows."""
    with archive.open(member) as stream:
        data = b""
        while len(data) < MAX_PREFIX_BYTES:
            piece = stream.read(256 * 1024)
            if not piece:
                break
            data += piece
            match = _SHEETDATA_START.search(data)
            if match is not None and len(data) >= match.end() + 64 * 1024:
                break
        match = _SHEETDATA_START.search(data)
        if match is None or match.group(2):  # none, or an empty <sheetData/>
            return None
        return data[:match.end()], match.end(), data[match.end():]


def locate_sheet(path: Path | str, name: str, min_sheet_bytes: int) -> SheetXml | None:
    """How to read the sheet `name` of the .xlsx at `path` in pieces, or None when it is better read whole.

    None for a sheet under `min_sheet_bytes` of XML, a file that is no plain .xlsx/.xlsm (xlsb, xls,
    ods, csv ...) and any worksheet layout this reader does not expect. Errors reading the package
    are left to the whole-sheet reader, which reports them.
    """
    path = Path(path)
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if WORKBOOK not in names or WORKBOOK_RELS not in names:
                return None
            member = sheet_member(archive, name)
            if member is None or member not in names:
                return None
            info = archive.getinfo(member)
            if (info.file_size < max(min_sheet_bytes, 1) or info.flag_bits & 0x1
                    or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
                return None
            found = read_prefix(archive, member)
            if found is None:
                return None
            head, data_start, after = found
            root = _WORKSHEET_START.search(head)
            sheet_data = _SHEETDATA_START.search(head)
            if root is None or sheet_data is None:
                return None
            data_prefix = sheet_data.group(1)
            row_start = re.compile(rb"<" + re.escape(data_prefix) + rb"row[\s>/]")
            first = after.lstrip(b" \t\r\n")
            close = first.find(b">")
            if row_start.match(first) is None or close < 0 or R_ATTRIBUTE.search(first, 0, close) is None:
                return None  # empty sheet data, or rows calamine numbers by counting
            workbook_xml = archive.read(WORKBOOK)
            sheets = _SHEETS.search(workbook_xml)
            rels = archive.read(WORKBOOK_RELS)
            rels_end = _RELATIONSHIPS_END.search(rels)
            if sheets is None or rels_end is None:
                return None
            copied = tuple(n for n in archive.namelist() if not n.endswith("/")
                           and not n.startswith(_SKIPPED_PREFIXES) and n not in _SKIPPED_NAMES)
    except (*DAMAGED_ZIP, KeyError, ValueError, ElementTree.ParseError):
        return None
    except Exception as exc:  # defusedxml refusing entities or a DTD: the whole-sheet reader decides
        if type(exc).__module__.startswith("defusedxml"):
            return None
        raise
    sheets_prefix = sheets.group(1)
    return SheetXml(
        path=path, sheet=name, member=member, info=info, data_start=data_start,
        prefix=_DIMENSION.sub(b"", head), closing=b"</%ssheetData></%sworksheet>" % (data_prefix, root.group(1)),
        row_start=row_start, row_end=b"</%srow>" % data_prefix, data_end=b"</%ssheetData>" % data_prefix,
        copied=copied, workbook_xml=(workbook_xml[:sheets.start()], workbook_xml[sheets.end():]),
        sheets_prefix=sheets_prefix, workbook_rels=(rels[:rels_end.start()], rels[rels_end.start():]),
    )
