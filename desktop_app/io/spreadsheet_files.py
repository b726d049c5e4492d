"""Which files of a drop are spreadsheets to import.

- A folder dropped on the window stands for the spreadsheets in it (its own files, not its
  sub-folders'), as the 导入 file dialog would list them.
- The lock files a spreadsheet program keeps beside a workbook it has open are none: Excel's and
  WPS's owner file (~$退款管理.xlsx, a few hundred bytes naming who opened it) and LibreOffice's
  (.~lock.退款管理.xlsx#). A folder leaves them out; named on their own (import-cases *.xlsx takes one
  along while the export is open in Excel) they are refused with the name of the workbook to import
  instead, where their bytes alone read as "no spreadsheet format known".
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

SPREADSHEET_SUFFIXES = frozenset({".csv", ".xlsx", ".xls"})  # what the 导入 file dialog lists
_OWNER_PREFIX = "~$"
_LIBREOFFICE = (".~lock.", "#")


def locked_workbook(path: Path) -> str | None:
    """The name of the workbook `path` is the lock file of, or None when it is not one."""
    name = path.name
    if name.startswith(_OWNER_PREFIX) and len(name) > len(_OWNER_PREFIX):
        return name[len(_OWNER_PREFIX):]
    prefix, suffix = _LIBREOFFICE
    if name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix) + len(suffix):
        return name[len(prefix):-len(suffix)]
    return None


def dropped_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to import for what was dropped, and the folders dropped that hold no spreadsheet. A
    file is taken as it is (the import says why it is refused, if it is); a folder by its spreadsheets
    in name order, without hidden and lock files."""
    files: list[Path] = []
    empty: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.iterdir() if p.suffix.lower() in SPREADSHEET_SUFFIXES
                               and not p.name.startswith(".") and locked_workbook(p) is None and p.is_file())
            except OSError:  # a folder this user may not list
                found = []
            files.extend(found)
            if not found:
                empty.append(path)
        elif path.is_file():
            files.append(path)
    return files, empty
