"""What an order import reports: per file counts and row errors, progress while it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.core.op_changes import OpChanges
from desktop_app.io.import_errors import RowError

EXIT_OK = 0
EXIT_ROWS_REJECTED = 1
EXIT_FILE_REFUSED = 2


@dataclass(frozen=True, slots=True)
class FileImportResult:
    """One file's outcome. `refused` holds the reason when the file was refused whole (nothing stored)."""

    file: str
    platform: str | None = None
    profile: str | None = None  # the export layout recognised, in Chinese
    inserted: int = 0  # new orders, including placeholders (typed by hand for a case) now filled in
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0  # spreadsheet rows not imported
    errors: tuple[RowError, ...] = ()
    refused: str | None = None
    cancelled: bool = False
    companions: tuple[str, ...] = ()  # e.g. the ExportOrderDetailList file read with this list
    rows: int = 0  # data rows read
    unknown_layout: bool = False  # refused for its headers only: the user can map its columns
    cases_updated: int = 0  # cases given their order's new courier or goods
    warnings: tuple[str, ...] = ()  # rows stored with a doubt (an order number Excel may have rounded)

    @property
    def stored(self) -> bool:
        return self.refused is None and not self.cancelled

    def to_json(self) -> dict[str, Any]:
        """The `--json` shape: file, platform, inserted, updated, unchanged, rejected, errors[row, column, message]."""
        errors = [{"row": e.row, "column": e.column,
                   "message": f"{e.table}：{e.message}" if e.table else e.message} for e in self.errors]
        if self.refused is not None:
            errors.insert(0, {"row": None, "column": None, "message": self.refused})
        return {
            "file": self.file, "platform": self.platform, "inserted": self.inserted, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected, "errors": errors,
        }


@dataclass(frozen=True, slots=True)
class ImportResult:
    files: tuple[FileImportResult, ...]
    cancelled: bool = False
    # Problems beside the files, e.g. a saved column mapping that could not be read and was skipped.
    warnings: tuple[str, ...] = ()
    # What the import wrote, set by the import service once the files and their deadlines are stored.
    changes: OpChanges = field(default_factory=OpChanges)

    @property
    def inserted(self) -> int:
        return sum(f.inserted for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def unchanged(self) -> int:
        return sum(f.unchanged for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def cases_updated(self) -> int:
        return sum(f.cases_updated for f in self.files)

    @property
    def refused(self) -> tuple[FileImportResult, ...]:
        return tuple(f for f in self.files if f.refused is not None)

    @property
    def exit_code(self) -> int:
        """0 every row in; 1 some rows rejected (good ones stored); 2 a file refused or the import cancelled."""
        if self.cancelled or any(not f.stored for f in self.files):
            return EXIT_FILE_REFUSED
        if self.rejected:
            return EXIT_ROWS_REJECTED
        return EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files]}


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where the import is; the GUI shows a bar, rows per second and the file name."""

    file: str
    file_index: int  # 0-based
    file_count: int
    phase: str  # "reading" (the reader is loading the file), "importing", "done"
    rows_done: int = 0
    fraction: float | None = None  # of the current file, when known
    orders_done: int = 0

    @property
    def overall(self) -> float | None:
        """Progress over all files, 0..1."""
        if self.file_count <= 0:
            return None
        return min(1.0, (self.file_index + (self.fraction or 0.0)) / self.file_count)
