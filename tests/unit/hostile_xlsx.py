"""Tiny .xlsx files written by hand (no library would write them): cells anywhere, dimensions that lie."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letters(column: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cells_of(rows: Sequence[Sequence[object]], first_row: int = 1) -> list[tuple[str, object]]:
    """(position, value) for a table of rows starting at row `first_row`, column A."""
    return [(f"{column_letters(index + 1)}{first_row + number}", value)
            for number, row in enumerate(rows) for index, value in enumerate(row) if value is not None]


def sheet_xml(cells: Sequence[tuple[str, object]], dimension: str | None = None) -> str:
    """Worksheet XML with these cells as inline strings, rows in the order first given (rows keep their
    `r`); `dimension`: a `<dimension ref=…>` to declare, true or not."""
    rows: dict[int, list[str]] = {}
    for position, value in cells:
        number = int(re.sub(r"^[A-Za-z]+", "", position))
        rows.setdefault(number, []).append(
            f'<c r="{position}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    data = "".join(f'<row r="{number}">{"".join(row)}</row>' for number, row in rows.items())
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{declared}'
            f"<sheetData>{data}</sheetData></worksheet>")


def shared_sheet_xml(rows: Sequence[Sequence[object]], shared: list[str],
                     raw: dict[str, str] | None = None) -> str:
    """Worksheet XML of a table from A1 as Excel and WPS write it: text as shared strings (added to
    `shared`), numbers as number cells; `raw` replaces the cell at a position by the XML given."""
    raw = raw or {}
    data = []
    for number, row in enumerate(rows, start=1):
        cells = []
        for index, value in enumerate(row):
            position = f"{column_letters(index + 1)}{number}"
            if position in raw:
                cells.append(raw[position])
            elif isinstance(value, (int, float)):
                cells.append(f'<c r="{position}"><v>{value}</v></c>')
            elif value is not None:
                shared.append(str(value))
                cells.append(f'<c r="{position}" t="s"><v>{len(shared) - 1}</v></c>')
        data.append(f'<row r="{number}">{"".join(cells)}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
            f"<sheetData>{''.join(data)}</sheetData></worksheet>")


def write_workbook(path: Path, sheets: dict[str, str], shared: Sequence[str] | None = None) -> Path:
    """An .xlsx of worksheets given as XML text, named in order; `shared`: its shared strings."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for n in range(1, len(sheets) + 1))
        + "</Types>")
    package_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
                    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                    "</Relationships>")
    entries = "".join(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                      for n, name in enumerate(sheets, start=1))
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                f"<sheets>{entries}</sheets></workbook>")
    workbook_rels = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_NS}">'
                     + "".join(f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                               for n in range(1, len(sheets) + 1))
                     + (f'<Relationship Id="rIdStrings" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
                        if shared is not None else "")
                     + "</Relationships>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        for n, xml in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", xml)
        if shared is not None:
            items = "".join(f"<si><t>{escape(text)}</t></si>" for text in shared)
            archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" '
                                                     f'count="{len(shared)}" uniqueCount="{len(shared)}">{items}</sst>')
    return path
