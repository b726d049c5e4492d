"""Which files are spreadsheets to import.

- The lock files a spreadsheet program keeps beside a workbook it has open are none: Excel's and
  WPS's owner file (~$退款管理.xlsx, a few hundred bytes naming who opened it) and LibreOffice's
  (.~lock.退款管理.xlsx#). Named on their own (import-cases *.xlsx takes one
  along while the export is open in Excel) they are refused with the name of the workbook to import
  instead, where their bytes alone read as "no spreadsheet format known".
"""

from __future__ import annotations

from pathlib import Path

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
