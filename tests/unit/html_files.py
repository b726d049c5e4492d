"""Web pages saved as .xls for the tests: rows written as an HTML <table>, the way Taobao/Tmall's older back office
and some ERPs hand out their "Excel" exports."""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Sequence
from pathlib import Path

_EXCEL_TEXT = re.compile(r'^="(.*)"$')


def cell_html(value: object) -> str:
    text = "" if value is None else str(value)
    found = _EXCEL_TEXT.match(text)  # a CSV's ="2319…" is plain text in a page
    return html.escape(found.group(1) if found else text, quote=False)


def page(rows: Sequence[Sequence[object]], *, charset: str | None = "utf-8", before: str = "",
         header_tag: str = "th") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    lines = [f"<html><head>{meta}<style>td {{ mso-number-format:'\\@'; }}</style></head><body>", before,
             '<table border="1">']
    for number, row in enumerate(rows):
        tag = header_tag if number == 0 else "td"
        lines.append("<tr>" + "".join(f"<{tag}>{cell_html(v)}</{tag}>" for v in row) + "</tr>")
    lines.append("</table></body></html>")
    return "\n".join(lines)


def write_page(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8",
               charset: str | None = "utf-8", before: str = "") -> Path:
    path.write_bytes(page(rows, charset=charset, before=before).encode(encoding))
    return path


def csv_as_page(source: Path, target: Path, encoding: str, charset: str | None) -> Path:
    """A platform's CSV export written again as the web page the same back office gives."""
    raw = source.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gb18030")
    rows = [[cell.rstrip("\t") for cell in row] for row in csv.reader(text.splitlines())]
    return write_page(target, rows, encoding, charset)
